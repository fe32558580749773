// createClient({ progId }): validated before anything loads, then passed to every native call,
// and named in the two errors that are about the class itself.
import { describe, expect, it } from 'vitest';

import { DEFAULT_PROG_ID } from '../../src/defaults';
import { parseClientOptions } from '../../src/validate';
import { ClassNotRegisteredError, InvalidClassStringError, NetConError } from '../../src/index';
import * as netcon from '../../src/index';
import { ETHERNET, fakeMachine, rejectionOf, thrownBy } from './fixtures';

describe('createClient options', () => {
  it.each([
    [undefined, DEFAULT_PROG_ID],
    [{}, DEFAULT_PROG_ID],
    [{ progId: undefined }, DEFAULT_PROG_ID],
    [{ progId: 'NetCon.FakeHNetShare' }, 'NetCon.FakeHNetShare'],
    [{ progId: 'Word.Application.16' }, 'Word.Application.16'],
    [{ progId: 'My_Company.Test-Share' }, 'My_Company.Test-Share'],
    [{ progId: 'A' + 'b'.repeat(38) }, 'A' + 'b'.repeat(38)],
  ])('accepts %j', (options, progId) => {
    expect(parseClientOptions(options)).toEqual({ progId, comSecurity: false });
  });

  it.each([[null], ['HNetCfg.HNetShare'], [42], [[]], [() => {}]])('rejects options %j with ERR_INVALID_ARG_TYPE', (options) => {
    const error = thrownBy(() => netcon.createClient(options as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(NetConError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringMatching(/^The "options" argument must be of type object\. Received /) });
  });

  it.each([42, null, {}, Symbol('x')])('rejects progId %s with ERR_INVALID_ARG_TYPE', (progId) => {
    expect(thrownBy(() => netcon.createClient({ progId } as never))).toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
      message: expect.stringMatching(/^The "options\.progId" property must be of type string\. Received /),
    });
  });

  it.each(['', ' HNetCfg.HNetShare', 'HNetCfg\\HNetShare', 'Bad ProgID', '1Word.Application', 'HNet\0Share', 'a'.repeat(40), 'Réseau.Share', '{5C63C1AD-3956-4FF8-8486-40034758315B}'])(
    'rejects progId %j with ERR_INVALID_ARG_VALUE',
    (progId) => {
      const error = thrownBy(() => netcon.createClient({ progId }));
      expect(error).toBeInstanceOf(RangeError);
      expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/^The "options\.progId" property must be a ProgID such as "HNetCfg\.HNetShare"/) });
    },
  );
});

describe('a client for another ProgID', () => {
  it('passes its ProgID to every native call, and the top level keeps the default', async () => {
    const fake = fakeMachine({ connections: [ETHERNET] }, 'NetCon.FakeHNetShare');
    await fake.client.listConnections();
    await fake.client.findConnection('Ethernet');
    await fake.client.disconnect('Ethernet');
    await fake.client.connect(ETHERNET.id);
    expect(new Set(fake.calls.map((c) => c.progId))).toEqual(new Set(['NetCon.FakeHNetShare']));
    expect(fake.calls.map((c) => c.method)).toEqual(['list', 'list', 'list', 'disconnect', 'connect']);
  });

  it('names its ProgID when the class is not registered', async () => {
    const fake = fakeMachine({ failures: [{ on: 'list', hresult: 0x80040154, step: 'CoCreateInstance' }] }, 'NetCon.MissingServer');
    const error = await rejectionOf(fake.client.listConnections(), ClassNotRegisteredError);
    expect(error.message).toContain('NetCon.MissingServer is not available on this system');
    expect(error.message).not.toContain('HNetCfg.HNetShare');
  });

  it('names its ProgID when CLSIDFromProgID does not know it', async () => {
    const fake = fakeMachine({ failures: [{ on: 'list', hresult: 0x800401f3, step: 'CLSIDFromProgID' }] }, 'NetCon.NoSuchProgId');
    const error = await rejectionOf(fake.client.disconnect('Ethernet'), InvalidClassStringError);
    expect(error).toMatchObject({ step: 'CLSIDFromProgID', operation: 'disconnect' });
    expect(error.message).toContain('The ProgID NetCon.NoSuchProgId is not registered');
  });

  it('keeps HNetShare\'s own wording for the default ProgID', async () => {
    const fake = fakeMachine({ failures: [{ on: 'list', hresult: 0x80040154, step: 'CoCreateInstance' }] });
    expect((await rejectionOf(fake.client.listConnections(), ClassNotRegisteredError)).message).toContain('HNetCfg.HNetShare is not available');
  });

  it('has the same functions as the module\'s top level, and isSupported', () => {
    const client = netcon.createClient({ progId: 'NetCon.FakeHNetShare' });
    expect(Object.keys(client).sort()).toEqual([
      'addPortMapping',
      'connect',
      'deleteConnection',
      'diagnose',
      'disableAllSharing',
      'disablePortMapping',
      'disableSharing',
      'disconnect',
      'duplicateConnection',
      'enablePortMapping',
      'enableSharing',
      'findConnection',
      'getSharing',
      'initializeComSecurity',
      'isSupported',
      'listConnections',
      'listPortMappings',
      'listSharing',
      'removePortMapping',
      'rename',
      'restoreOffline',
      'runOffline',
      'shareConnection',
      'takeOffline',
      'waitForStatus',
      'watch',
    ]);
    // Off Windows, like the top level.
    expect(client.isSupported()).toBe(process.platform === 'win32' && netcon.isSupported());
  });
});
