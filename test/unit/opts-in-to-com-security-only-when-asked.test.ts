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

  it('reports RPC_E_TOO_LATE as ComSecurityTooLateError naming CoInitializeSecurity, and again when asked again, without asking COM', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [TOO_LATE] });
    const error = await rejectionOf(fake.client.initializeComSecurity(), ComSecurityTooLateError);
    expect(error).toMatchObject({ code: 'RPC_E_TOO_LATE', hresult: 0x80010119, step: 'CoInitializeSecurity', operation: 'security' });
    expect(error.message).toMatch(/^Initialize COM security failed: RPC_E_TOO_LATE \(0x80010119\) at CoInitializeSecurity — .*set COM security first/);
    expect(await rejectionOf(fake.client.initializeComSecurity(), ComSecurityTooLateError)).toBe(error);
    expect(fake.calls).toEqual([{ method: 'security' }]);
  });

  it('forgets any other failure, so a later call tries again', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'security', hresult: 0x8007000e }] });
    await expect(fake.client.initializeComSecurity()).rejects.toMatchObject({ code: 'E_OUTOFMEMORY' });
    await expect(fake.client.initializeComSecurity()).rejects.toMatchObject({ code: 'E_OUTOFMEMORY' });
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

  it('reports RPC_E_TOO_LATE once, by the call that asked, and lets every later call go ahead without asking again', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [TOO_LATE] });
    const client = createClientWith(() => fake.backend, undefined, { comSecurity: true });
    await rejectionOf(client.listConnections(), ComSecurityTooLateError);
    for (let i = 0; i < 10; i++) expect(await client.listConnections()).toHaveLength(ALL.length);
    await client.disconnect('Ethernet');
    // Another opted-in client of the same process: the answer is the process's.
    const other = createClientWith(() => fake.backend, undefined, { comSecurity: true });
    await other.connect('Ethernet');
    expect(fake.calls.filter((c) => c.method === 'security')).toHaveLength(1);
    // initializeComSecurity() itself still answers what COM said, without asking again.
    await rejectionOf(client.initializeComSecurity(), ComSecurityTooLateError);
    expect(fake.calls.filter((c) => c.method === 'security')).toHaveLength(1);
  });

  it('lets calls that joined a request answered RPC_E_TOO_LATE go ahead; only the one that made it reports it', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [TOO_LATE] });
    const client = createClientWith(() => fake.backend, undefined, { comSecurity: true });
    const [first, second, third] = await Promise.allSettled([client.listConnections(), client.listConnections(), client.connect('Ethernet')]);
    expect(first).toMatchObject({ status: 'rejected', reason: { code: 'RPC_E_TOO_LATE' } });
    expect(second).toMatchObject({ status: 'fulfilled' });
    expect(third).toMatchObject({ status: 'fulfilled' });
    expect(fake.calls.filter((c) => c.method === 'security')).toHaveLength(1);
  });

  it('fails each call with any other security error, and asks again on the next', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'security', hresult: 0x80070005 }] });
    const client = createClientWith(() => fake.backend, undefined, { comSecurity: true });
    await expect(client.listConnections()).rejects.toMatchObject({ code: 'E_ACCESSDENIED', step: 'CoInitializeSecurity' });
    await expect(client.listConnections()).rejects.toMatchObject({ code: 'E_ACCESSDENIED', step: 'CoInitializeSecurity' });
    expect(fake.calls).toEqual([{ method: 'security' }, { method: 'security' }]);
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

  it('the disabled service named is the one the step needs: Netman, or SharedAccess for a sharing change', () => {
    expect(errorFromHResult(0x80070422, { operation: 'list', step: 'CoCreateInstance' }).message).toMatch(/Netman\) is disabled: .*sc config Netman start= demand/);
    for (const step of ['INetSharingConfiguration::EnableSharing', 'INetSharingConfiguration::DisableSharing']) {
      const message = errorFromHResult(0x80070422, { operation: 'enableSharing', step }).message;
      expect(message).toMatch(/Internet Connection Sharing service \(SharedAccess\) is disabled: .*sc config SharedAccess start= demand/);
      expect(message).not.toMatch(/Netman/);
    }
  });
});
