// COM security is the host process's: netcon sets it only when asked, once, and says clearly
// when it is too late. Over the fake binding, which records every native call.
import { describe, expect, it } from 'vitest';

import { createClientWith } from '../../src/client';
import { AccessDeniedError, ComSecurityTooLateError, ElevationRequiredError, errorFromHResult } from '../../src/index';
import { exitCodeFor, EXIT_CODES } from '../../src/cli/exit-codes';
import { createFakeClient } from '../../src/testing';
import { ALL, ETHERNET, fakeMachine, rejectionOf } from './fixtures';

const TOO_LATE = { on: 'security', hresult: 0x80010119 } as const;

describe('initializeComSecurity()', () => {
  it('asks the native layer once; later calls have nothing to do', async () => {
    const fake = fakeMachine({ connections: ALL });
    await fake.client.initializeComSecurity();
    await fake.client.initializeComSecurity();
    await Promise.all([fake.client.initializeComSecurity(), fake.client.initializeComSecurity()]);
    expect(fake.calls).toEqual([{ method: 'security' }]);
  });

  it('reports RPC_E_TOO_LATE as ComSecurityTooLateError naming CoInitializeSecurity, and may be asked again', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [TOO_LATE] });
    const error = await rejectionOf(fake.client.initializeComSecurity(), ComSecurityTooLateError);
    expect(error).toMatchObject({ code: 'RPC_E_TOO_LATE', hresult: 0x80010119, step: 'CoInitializeSecurity', operation: 'security' });
    expect(error.message).toMatch(/^Initialize COM security failed: RPC_E_TOO_LATE \(0x80010119\) at CoInitializeSecurity — .*set COM security first/);
    await rejectionOf(fake.client.initializeComSecurity(), ComSecurityTooLateError);
    expect(fake.calls).toEqual([{ method: 'security' }, { method: 'security' }]);
  });

  it('is never made by a client that was not asked to', async () => {
    const fake = fakeMachine({ connections: ALL });
    await fake.client.listConnections();
    await fake.client.disconnect(ETHERNET.id);
    expect(fake.calls.map((c) => c.method)).toEqual(['list', 'disconnect']);
  });
});

describe("createClient's comSecurity: 'impersonate'", () => {
  it('opts in before the first call reaches COM, after its arguments are checked, and only once', async () => {
    const fake = fakeMachine({ connections: ALL });
    const client = createClientWith(() => fake.backend, undefined, { comSecurity: true });
    await expect(client.disconnect('')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(fake.calls).toEqual([]);
    await Promise.all([client.listConnections(), client.listConnections()]);
    await client.connect('Ethernet');
    expect(fake.calls.map((c) => c.method)).toEqual(['security', 'list', 'list', 'list', 'connect']);
  });

  it('fails the call with the security error when it cannot be set', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [TOO_LATE] });
    const client = createClientWith(() => fake.backend, undefined, { comSecurity: true });
    await rejectionOf(client.listConnections(), ComSecurityTooLateError);
    expect(fake.calls).toEqual([{ method: 'security' }]);
  });

  it('works the same in netcon/testing, where a failure can be scripted', async () => {
    const client = createFakeClient({ failures: [{ on: 'security', hresult: 'RPC_E_TOO_LATE' }] });
    await rejectionOf(client.initializeComSecurity(), ComSecurityTooLateError);
    expect(client.calls).toEqual([{ method: 'security' }]);
  });
});

describe('what real Windows answers that needs its own words', () => {
  it('ERROR_ELEVATION_REQUIRED is an access-denied kind, with the same exit code', () => {
    const error = errorFromHResult(0x800702e4, { operation: 'disconnect', step: 'INetConnection::Disconnect' });
    expect(error).toBeInstanceOf(ElevationRequiredError);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.code).toBe('ERROR_ELEVATION_REQUIRED');
    expect(exitCodeFor(error.code)).toBe(EXIT_CODES.ACCESS_DENIED);
  });

  it('REGDB_E_CLASSNOTREG at EnumEveryConnection blames the missing service side, not hnetcfg.dll', () => {
    const atCreate = errorFromHResult(0x80040154, { operation: 'list', step: 'CoCreateInstance' });
    const atEnum = errorFromHResult(0x80040154, { operation: 'list', step: 'EnumEveryConnection' });
    expect(atCreate.message).toMatch(/hnetcfg\.dll is missing or not registered/);
    expect(atEnum.message).toMatch(/service side is not installed here \(Windows Server Core, containers\)/);
    expect(atEnum.message).not.toMatch(/hnetcfg\.dll is missing/);
  });

  it('the disabled Network Connections service says how to enable it', () => {
    expect(errorFromHResult(0x80070422, { operation: 'list', step: 'CoCreateInstance' }).message).toMatch(/Netman\) is disabled: .*sc config Netman start= demand/);
  });
});
