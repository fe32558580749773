// Internet Connection Sharing and rename through netcon/testing's machine, which is the real
// client over an in-memory backend: the one-public-one-private rule, shareConnection's order
// and its putting back, the errors and the checks made before any COM call.
import { describe, expect, it } from 'vitest';

import {
  AccessDeniedError,
  ConnectionNameTakenError,
  ConnectionNotShareableError,
  DuplicateNameError,
  NetConAbortError,
  SharingConflictError,
  SharingServiceError,
  UnexpectedError,
} from '../../src/index';
import { createFakeClient, type FakeConnectionInput } from '../../src/testing';

const VPN = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D01}', name: 'Corp VPN', mediaType: 'phone' } as const;
const ETHERNET = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D02}', name: 'Ethernet' } as const;
const HOTSPOT = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D03}', name: 'Local Area Connection* 10' } as const;
const VSWITCH = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D04}', name: 'vEthernet (Default Switch)' } as const;

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    (value) => expect.unreachable(`resolved with ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

function machine(connections: FakeConnectionInput[], options: Parameters<typeof createFakeClient>[0] = {}) {
  return createFakeClient({ connections, ...options });
}

const roles = async (client: ReturnType<typeof createFakeClient>) => Object.fromEntries((await client.listSharing()).map((c) => [c.name, c.sharing]));

describe('sharing through netcon/testing', () => {
  it('lists every connection with whether it can be shared and its role', async () => {
    const client = machine([{ ...VPN, sharing: 'public' }, { ...ETHERNET, sharing: 'private' }, { ...HOTSPOT, shareable: false }, { ...VSWITCH, sharing: 7 }]);
    expect(await client.listSharing()).toEqual([
      { id: VPN.id, name: VPN.name, shareable: true, sharing: 'public', sharingType: 0 },
      { id: ETHERNET.id, name: ETHERNET.name, shareable: true, sharing: 'private', sharingType: 1 },
      { id: HOTSPOT.id, name: HOTSPOT.name, shareable: false, sharing: null },
      { id: VSWITCH.id, name: VSWITCH.name, shareable: true, sharing: 'unknown', sharingType: 7 },
    ]);
    expect(await client.getSharing('corp vpn')).toMatchObject({ id: VPN.id, sharing: 'public' });
    expect(await client.getSharing({ id: ETHERNET.id.toLowerCase() })).toMatchObject({ sharing: 'private' });
  });

  it('enables and disables one side, and refuses a role another connection has without changing anything', async () => {
    const client = machine([VPN, ETHERNET, HOTSPOT]);
    expect(await client.enableSharing('Corp VPN', 'public')).toEqual({ connection: { id: VPN.id, name: VPN.name }, sharing: 'public' });
    await client.enableSharing(HOTSPOT.id, 'private');
    const conflict = await rejection(client.enableSharing('Ethernet', 'public'));
    expect(conflict).toBeInstanceOf(SharingConflictError);
    expect(conflict).toMatchObject({ code: 'ERR_SHARING_CONFLICT', role: 'public', holder: { id: VPN.id, name: VPN.name } });
    expect((conflict as Error).message).toMatch(/"Corp VPN" already is/);
    expect(await roles(client)).toEqual({ 'Corp VPN': 'public', Ethernet: null, 'Local Area Connection* 10': 'private' });
    expect(await client.disableSharing('Corp VPN')).toEqual({ connection: { id: VPN.id, name: VPN.name }, sharing: null });
    // Not shared: still fine, as DisableSharing is.
    await client.disableSharing(VPN.id);
    expect(await roles(client)).toEqual({ 'Corp VPN': null, Ethernet: null, 'Local Area Connection* 10': 'private' });
    expect(client.calls.filter((c) => c.method !== 'sharing')).toEqual([
      { method: 'enableSharing', id: VPN.id, type: 0 },
      { method: 'enableSharing', id: HOTSPOT.id, type: 1 },
      { method: 'disableSharing', id: VPN.id },
      { method: 'disableSharing', id: VPN.id },
    ]);
  });

  it('shares A to B while C is shared: C loses sharing first, then A is public and B private', async () => {
    const client = machine([VPN, ETHERNET, { ...HOTSPOT, sharing: 'public' }, { ...VSWITCH, sharing: 'private' }]);
    const result = await client.shareConnection('Corp VPN', 'Ethernet');
    expect(result).toEqual({
      public: { id: VPN.id, name: VPN.name },
      private: { id: ETHERNET.id, name: ETHERNET.name },
      unshared: [
        { id: HOTSPOT.id, name: HOTSPOT.name, sharing: 'public' },
        { id: VSWITCH.id, name: VSWITCH.name, sharing: 'private' },
      ],
    });
    expect(await roles(client)).toEqual({ 'Corp VPN': 'public', Ethernet: 'private', 'Local Area Connection* 10': null, 'vEthernet (Default Switch)': null });
    expect(client.calls.filter((c) => c.method !== 'sharing')).toEqual([
      { method: 'disableSharing', id: HOTSPOT.id },
      { method: 'disableSharing', id: VSWITCH.id },
      { method: 'enableSharing', id: VPN.id, type: 0 },
      { method: 'enableSharing', id: ETHERNET.id, type: 1 },
    ]);
  });

  it('leaves a side already in its role alone, and swaps two sides through "off"', async () => {
    const same = machine([{ ...VPN, sharing: 'public' }, ETHERNET]);
    await same.shareConnection(VPN.id, ETHERNET.id);
    expect(same.calls.filter((c) => c.method !== 'sharing')).toEqual([{ method: 'enableSharing', id: ETHERNET.id, type: 1 }]);

    const swapped = machine([{ ...VPN, sharing: 'private' }, { ...ETHERNET, sharing: 'public' }]);
    await swapped.shareConnection('Corp VPN', 'Ethernet');
    expect(await roles(swapped)).toEqual({ 'Corp VPN': 'public', Ethernet: 'private' });
  });

  const before = [VPN, ETHERNET, { ...HOTSPOT, sharing: 'public' as const }, { ...VSWITCH, sharing: 'private' as const }];
  const steps = [
    { shareStep: 'unshare', on: 'disableSharing', id: HOTSPOT.id },
    { shareStep: 'unshare', on: 'disableSharing', id: VSWITCH.id },
    { shareStep: 'enable-public', on: 'enableSharing', id: VPN.id },
    { shareStep: 'enable-private', on: 'enableSharing', id: ETHERNET.id },
  ] as const;
  for (const step of steps) {
    it(`puts the earlier sharing back when ${step.on} fails on the ${step.shareStep} step of ${step.id.slice(-3, -1)}`, async () => {
      const client = machine(before, { failures: [{ on: step.on, id: step.id, hresult: 0x80040201 }] });
      const error = await rejection(client.shareConnection('Corp VPN', 'Ethernet'));
      expect(error).toBeInstanceOf(SharingServiceError);
      expect(error).toMatchObject({
        code: 'EVENT_E_ALL_SUBSCRIBERS_FAILED',
        hresult: 0x80040201,
        operation: 'share',
        shareStep: step.shareStep,
        restored: true,
        connection: { id: step.id },
      });
      expect((error as Error).message).toContain(`Share "Corp VPN" to "Ethernet" (step ${step.shareStep}) failed: EVENT_E_ALL_SUBSCRIBERS_FAILED (0x80040201) at INetSharingConfiguration::`);
      expect((error as Error).message.startsWith('Share ')).toBe(true);
      expect((error as Error).message).toMatch(/SharedAccess.*MpsSvc.*BFE/);
      expect((error as Error).message).toMatch(/The sharing as it was before was put back\.$/);
      expect(await roles(client)).toEqual({ 'Corp VPN': null, Ethernet: null, 'Local Area Connection* 10': 'public', 'vEthernet (Default Switch)': 'private' });
    });
  }

  it('says so when putting the sharing back fails too', async () => {
    const client = machine(before, {
      failures: [
        { on: 'enableSharing', id: ETHERNET.id, hresult: 'E_ACCESSDENIED' },
        { on: 'enableSharing', id: HOTSPOT.id, hresult: 'E_FAIL' },
      ],
    });
    const error = await rejection(client.shareConnection('Corp VPN', 'Ethernet'));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ shareStep: 'enable-private', restored: false });
    expect((error as AccessDeniedError).restoreErrors?.map((e) => (e as { code?: string }).code)).toEqual(['E_FAIL']);
    expect((error as Error).message).toMatch(/elevated process.*Putting the sharing back failed too \(.*E_FAIL.*\): check it with netcon sharing\.$/);
  });

  it('refuses a connection Windows cannot share, and the same connection on both sides, before changing anything', async () => {
    const client = machine([VPN, { ...HOTSPOT, shareable: false }, { ...ETHERNET, sharing: 'public' }]);
    await expect(client.shareConnection('Corp VPN', HOTSPOT.id)).rejects.toBeInstanceOf(ConnectionNotShareableError);
    await expect(client.enableSharing(HOTSPOT.name, 'private')).rejects.toMatchObject({ code: 'ERR_CONNECTION_NOT_SHAREABLE', connection: { id: HOTSPOT.id } });
    await expect(client.shareConnection('Corp VPN', 'corp vpn')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(client.calls.every((c) => c.method === 'sharing')).toBe(true);
  });

  it('rejects a role that is not public or private before any call', async () => {
    const client = machine([VPN]);
    await expect(client.enableSharing('Corp VPN', 'shared' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    await expect(client.enableSharing('Corp VPN', 0 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(client.calls).toEqual([]);
  });

  it("answers a raw EnableSharing that breaks Windows' rule as the COM fake does: public moves, private is E_UNEXPECTED", async () => {
    // Reached only when the machine changes between netcon's read and its call.
    const client = machine([VPN, ETHERNET, HOTSPOT, VSWITCH], { delays: { setSharing: 20 } });
    const publics = [client.enableSharing('Corp VPN', 'public'), client.enableSharing('Ethernet', 'public')];
    const privates = [client.enableSharing(HOTSPOT.id, 'private'), client.enableSharing(VSWITCH.id, 'private')];
    await Promise.all([...publics, privates[0]]);
    await expect(privates[1]).rejects.toBeInstanceOf(UnexpectedError);
    // Microsoft documents that a new public connection takes public off the one before.
    expect(await roles(client)).toEqual({ 'Corp VPN': null, Ethernet: 'public', 'Local Area Connection* 10': 'private', 'vEthernet (Default Switch)': null });
  });

  it('disables every shared connection with disableAllSharing', async () => {
    const client = machine([{ ...VPN, sharing: 'public' }, ETHERNET, { ...HOTSPOT, sharing: 'private' }]);
    expect((await client.disableAllSharing()).map((r) => r.connection.name)).toEqual(['Corp VPN', 'Local Area Connection* 10']);
    expect(Object.values(await roles(client))).toEqual([null, null, null]);
  });

  it('gives up at timeoutMs or on abort with outcome unknown, and puts nothing back', async () => {
    const client = machine(before, { delays: { setSharing: 200 } });
    const error = await rejection(client.shareConnection('Corp VPN', 'Ethernet', { timeoutMs: 50 }));
    expect(error).toMatchObject({ code: 'ERR_TIMEOUT', operation: 'share', outcome: 'unknown', connection: { id: HOTSPOT.id } });
    // The call Windows was at work on lands later, and nothing is undone after it.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(client.calls.filter((c) => c.method !== 'sharing')).toEqual([{ method: 'disableSharing', id: HOTSPOT.id }]);
    expect((await client.getSharing(HOTSPOT.id)).sharing).toBe(null);

    const other = machine([VPN], { delays: { setSharing: 200 } });
    const controller = new AbortController();
    const aborted = other.enableSharing('Corp VPN', 'public', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(aborted).rejects.toBeInstanceOf(NetConAbortError);
  });
});

describe('rename through netcon/testing', () => {
  it('renames by name or GUID; lists and name targets see the new name', async () => {
    const client = machine([ETHERNET, VPN]);
    expect(await client.rename('Ethernet', 'Uplink')).toEqual({ connection: { id: ETHERNET.id, name: 'Uplink' }, previousName: 'Ethernet' });
    expect((await client.findConnection('uplink')).id).toBe(ETHERNET.id);
    // Its own name in another case is no clash.
    await client.rename(ETHERNET.id, 'UPLINK');
    expect(client.connections()[0].name).toBe('UPLINK');
    expect(client.calls.filter((c) => c.method === 'rename')).toEqual([
      { method: 'rename', id: ETHERNET.id, newName: 'Uplink' },
      { method: 'rename', id: ETHERNET.id, newName: 'UPLINK' },
    ]);
  });

  it('refuses a name another connection has, ignoring case, before calling Rename', async () => {
    const client = machine([ETHERNET, VPN]);
    const error = await rejection(client.rename('Ethernet', 'corp vpn'));
    expect(error).toBeInstanceOf(ConnectionNameTakenError);
    expect(error).toMatchObject({ code: 'ERR_CONNECTION_NAME_TAKEN', newName: 'corp vpn', takenBy: { id: VPN.id, name: VPN.name } });
    expect(client.calls.some((c) => c.method === 'rename')).toBe(false);
  });

  it('answers ERROR_DUP_NAME when the name is taken between the look and the call', async () => {
    const client = machine([ETHERNET, VPN], { delays: { rename: 20 } });
    const first = client.rename('Ethernet', 'Uplink');
    const second = client.rename('Corp VPN', 'Uplink');
    await first;
    const error = await rejection(second);
    expect(error).toBeInstanceOf(DuplicateNameError);
    expect(error).toMatchObject({ code: 'ERROR_DUP_NAME', hresult: 0x80070034, step: 'INetConnection::Rename', operation: 'rename' });
  });

  for (const [bad, code] of [
    ['', 'ERR_INVALID_ARG_VALUE'],
    ['   ', 'ERR_INVALID_ARG_VALUE'],
    ['x'.repeat(256), 'ERR_INVALID_ARG_VALUE'],
    ['Home/Work', 'ERR_INVALID_ARG_VALUE'],
    ['a:b', 'ERR_INVALID_ARG_VALUE'],
    ['tab\there', 'ERR_INVALID_ARG_VALUE'],
    ['why?', 'ERR_INVALID_ARG_VALUE'],
    [42, 'ERR_INVALID_ARG_TYPE'],
  ] as const) {
    it(`rejects the new name ${JSON.stringify(bad).slice(0, 20)} with ${code} before any call`, async () => {
      const client = machine([ETHERNET]);
      await expect(client.rename('Ethernet', bad as string)).rejects.toMatchObject({ code });
      expect(client.calls).toEqual([]);
    });
  }

  it('takes 255 characters and any other Unicode', async () => {
    const client = machine([ETHERNET]);
    await client.rename('Ethernet', 'x'.repeat(255));
    await client.rename(ETHERNET.id, 'VPN 東京 🚀 (ünïcödé)');
    expect(client.connections()[0].name).toBe('VPN 東京 🚀 (ünïcödé)');
  });

  it('reports a refused Rename with its elevation hint', async () => {
    const client = machine([ETHERNET], { failures: [{ on: 'rename', hresult: 'E_ACCESSDENIED' }] });
    const error = await rejection(client.rename('Ethernet', 'Uplink'));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toBe(
      'Rename "Ethernet" failed: E_ACCESSDENIED (0x80070005) at INetConnection::Rename — General access denied. ' +
        "Changing sharing or a connection's name needs an elevated process: Run as administrator.",
    );
  });
});
