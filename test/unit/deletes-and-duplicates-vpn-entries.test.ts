// deleteConnection() and duplicateConnection() through netcon/testing's machine, which is the
// real client over an in-memory backend: what Windows allows (the characteristics' flags) is
// checked from one list before any change, Windows' own refusals come back typed, and a copy or
// a deletion shows in lists and in watch().
import { describe, expect, it } from 'vitest';

import {
  AccessDeniedError,
  CallTimeoutError,
  ConnectionNameTakenError,
  ConnectionNotDuplicableError,
  ConnectionNotFoundError,
  ConnectionNotRemovableError,
  DuplicateNameError,
  NetConAbortError,
  NotImplementedError,
  UnspecifiedFailureError,
  type ConnectionChange,
} from '../../src/index';
import { createFakeClient, type FakeConnectionInput } from '../../src/testing';
import { fakeMachine, until } from './fixtures';

// allow-duplication | allow-removal | allow-rename | outgoing-only: what Windows gives a VPN entry.
const VPN = { id: '{5D0E7A21-3C4B-4F6A-9E8D-7C6B5A4F3E01}', name: 'Office VPN', deviceName: 'WAN Miniport (IKEv2)', mediaType: 'tunnel', characteristics: 0x2 | 0x4 | 0x8 | 0x40 } as const;
const ETHERNET = { id: '{5D0E7A21-3C4B-4F6A-9E8D-7C6B5A4F3E02}', name: 'Ethernet', characteristics: 0x1 | 0x8 } as const;
// Removable but not duplicable, as some entries are.
const DIAL_UP = { id: '{5D0E7A21-3C4B-4F6A-9E8D-7C6B5A4F3E03}', name: 'Dial-up', mediaType: 'phone', characteristics: 0x4 } as const;

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    (value) => expect.unreachable(`resolved with ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

function machine(connections: FakeConnectionInput[] = [ETHERNET, VPN, DIAL_UP], options: Parameters<typeof createFakeClient>[0] = {}) {
  return createFakeClient({ connections, ...options });
}

describe('duplicateConnection through netcon/testing', () => {
  it('copies a VPN entry: the copy comes after the others, disconnected, with the source\'s device, type and characteristics', async () => {
    const client = machine([ETHERNET, { ...VPN, status: 'connected' }, DIAL_UP]);
    const copy = await client.duplicateConnection('office vpn', 'Office VPN copy');
    expect(copy).toMatchObject({
      name: 'Office VPN copy',
      deviceName: VPN.deviceName,
      status: 'disconnected',
      mediaType: 'tunnel',
      characteristics: { value: VPN.characteristics, flags: ['allow-duplication', 'allow-removal', 'allow-rename', 'outgoing-only'] },
    });
    expect(copy.id).toMatch(/^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/);
    expect([ETHERNET.id, VPN.id, DIAL_UP.id]).not.toContain(copy.id);
    expect((await client.listConnections()).map((c) => c.name)).toEqual(['Ethernet', 'Office VPN', 'Dial-up', 'Office VPN copy']);
    expect(await client.findConnection(copy.id)).toEqual(copy);
    expect(client.calls.filter((c) => c.method !== 'list')).toEqual([{ method: 'duplicate', id: VPN.id, newName: 'Office VPN copy' }]);
  });

  it('refuses before any COM call a connection without allow-duplication, a taken name (its own too) and a bad name', async () => {
    const client = machine();
    const lan = await rejection(client.duplicateConnection('Ethernet', 'Ethernet copy'));
    expect(lan).toBeInstanceOf(ConnectionNotDuplicableError);
    expect(lan).toMatchObject({ code: 'ERR_CONNECTION_NOT_DUPLICABLE', connection: { id: ETHERNET.id, name: 'Ethernet' } });
    expect((lan as Error).message).toMatch(/"Ethernet" cannot be duplicated: .*allow-duplication.*Nothing was changed/);
    expect(await rejection(client.duplicateConnection(DIAL_UP.id, 'Dial-up 2'))).toBeInstanceOf(ConnectionNotDuplicableError);

    for (const taken of ['ethernet', 'OFFICE VPN']) {
      const error = await rejection(client.duplicateConnection('Office VPN', taken));
      expect(error).toBeInstanceOf(ConnectionNameTakenError);
      expect(error).toMatchObject({ code: 'ERR_CONNECTION_NAME_TAKEN', newName: taken });
    }
    for (const [name, code] of [['', 'ERR_INVALID_ARG_VALUE'], ['a/b', 'ERR_INVALID_ARG_VALUE'], ['x'.repeat(256), 'ERR_INVALID_ARG_VALUE'], [42, 'ERR_INVALID_ARG_TYPE']] as const) {
      expect(await rejection(client.duplicateConnection('Office VPN', name as string))).toMatchObject({ code });
    }
    expect(client.calls.every((c) => c.method === 'list')).toBe(true);
    expect(client.connections()).toHaveLength(3);
  });

  it("gives Windows' own refusal as a typed error naming the step, the HRESULT and the connection", async () => {
    const client = machine(undefined, { failures: [{ on: 'duplicate', hresult: 'E_ACCESSDENIED' }] });
    const error = await rejection(client.duplicateConnection('Office VPN', 'Copy'));
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ hresult: 0x80070005, operation: 'duplicate', step: 'INetConnection::Duplicate', connection: { id: VPN.id, name: VPN.name } });
    expect((error as Error).message).toMatch(/^Duplicate "Office VPN" failed: E_ACCESSDENIED \(0x80070005\) at INetConnection::Duplicate/);
    expect(client.connections()).toHaveLength(3);
  });

  it("says the copy exists when only reading it back failed (outcome 'made')", async () => {
    const client = machine(undefined, { failures: [{ on: 'duplicate', step: 'INetConnection::GetProperties (the duplicate)', hresult: 'E_FAIL' }] });
    const error = await rejection(client.duplicateConnection('Office VPN', 'Copy'));
    expect(error).toBeInstanceOf(UnspecifiedFailureError);
    expect(error).toMatchObject({ outcome: 'made', step: 'INetConnection::GetProperties (the duplicate)', connection: { id: VPN.id } });
    expect((error as Error).message).toMatch(/Windows made the copy before this failed: it exists/);
    expect(client.connections().map((c) => c.name)).toContain('Copy');
  });
});

describe('deleteConnection through netcon/testing', () => {
  it('deletes a VPN entry, which lists leave out from then on', async () => {
    const client = machine();
    expect(await client.deleteConnection('office vpn')).toEqual({ connection: { id: VPN.id, name: VPN.name } });
    expect(client.connections().map((c) => c.name)).toEqual(['Ethernet', 'Dial-up']);
    expect(await rejection(client.findConnection(VPN.id))).toBeInstanceOf(ConnectionNotFoundError);
    expect(await rejection(client.deleteConnection(VPN.id))).toBeInstanceOf(ConnectionNotFoundError);
    expect(client.calls.filter((c) => c.method !== 'list')).toEqual([{ method: 'delete', id: VPN.id }]);
  });

  it('refuses before any COM call a connection without allow-removal', async () => {
    const client = machine();
    const error = await rejection(client.deleteConnection({ id: ETHERNET.id.toLowerCase() }));
    expect(error).toBeInstanceOf(ConnectionNotRemovableError);
    expect(error).toMatchObject({ code: 'ERR_CONNECTION_NOT_REMOVABLE', connection: { id: ETHERNET.id, name: 'Ethernet' } });
    expect((error as Error).message).toMatch(/"Ethernet" cannot be deleted: .*allow-removal.*Nothing was changed/);
    expect(client.calls).toEqual([{ method: 'list' }]);
    expect(client.connections()).toHaveLength(3);
  });

  it("gives what Windows answers when it refuses anyway: E_NOTIMPL with a hint, ERROR_DUP_NAME's class", async () => {
    const client = machine(undefined, { failures: [{ on: 'delete', hresult: 'E_NOTIMPL' }, { on: 'duplicate', hresult: 'ERROR_DUP_NAME' }] });
    const notImplemented = await rejection(client.deleteConnection('Dial-up'));
    expect(notImplemented).toBeInstanceOf(NotImplementedError);
    expect(notImplemented).toMatchObject({ operation: 'delete', step: 'INetConnection::Delete', hresult: 0x80004001 });
    expect((notImplemented as Error).message).toMatch(/only VPN and dial-up entries allow it/);
    expect(await rejection(client.duplicateConnection('Office VPN', 'Other'))).toBeInstanceOf(DuplicateNameError);
  });

  it('answers ConnectionNotFoundError for an entry gone between the list and the call', async () => {
    const fake = fakeMachine({ connections: [ETHERNET, VPN], delays: { delete: 30 } });
    const pending = rejection(fake.client.deleteConnection('Office VPN'));
    await until(() => fake.calls.some((c) => c.method === 'deleteConnection'));
    fake.machine.removeConnection(VPN.id);
    expect(await pending).toBeInstanceOf(ConnectionNotFoundError);
    // ERROR_NOT_FOUND from Delete itself says the same.
    const gone = machine(undefined, { failures: [{ on: 'delete', hresult: 'ERROR_NOT_FOUND' }] });
    expect(await rejection(gone.deleteConnection('Office VPN'))).toBeInstanceOf(ConnectionNotFoundError);
  });

  it("rejects with outcome 'unknown' once Windows may have started, on a timeout or an abort", async () => {
    const client = machine(undefined, { delays: { delete: Infinity, duplicate: Infinity } });
    const timedOut = await rejection(client.deleteConnection('Office VPN', { timeoutMs: 20 }));
    expect(timedOut).toBeInstanceOf(CallTimeoutError);
    expect(timedOut).toMatchObject({ operation: 'delete', outcome: 'unknown', connection: { id: VPN.id, name: VPN.name } });
    const controller = new AbortController();
    const aborted = rejection(client.duplicateConnection('Office VPN', 'Copy', { signal: controller.signal }));
    await until(() => client.calls.some((c) => c.method === 'duplicate'));
    controller.abort();
    expect(await aborted).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', operation: 'duplicate', outcome: 'unknown' });
    expect(await aborted).toBeInstanceOf(NetConAbortError);
    // An aborted signal before the call: no call at all.
    const before = client.calls.length;
    expect(await rejection(client.deleteConnection('Office VPN', { signal: AbortSignal.abort() }))).toBeInstanceOf(NetConAbortError);
    expect(client.calls.length).toBe(before);
  });
});

describe('watch() sees a copy and a deletion', () => {
  it("as 'added' and 'removed'", async () => {
    const client = machine([ETHERNET, VPN]);
    const controller = new AbortController();
    const seen: ConnectionChange[] = [];
    const watching = (async () => {
      for await (const change of client.watch({ signal: controller.signal, intervalMs: 10 })) seen.push(change);
    })();
    await until(() => client.calls.some((c) => c.method === 'list'));
    const copy = await client.duplicateConnection('Office VPN', 'Office VPN 2');
    await until(() => seen.length >= 1);
    await client.deleteConnection(copy.id);
    await until(() => seen.length >= 2);
    controller.abort();
    await watching;
    expect(seen.map((c) => [c.type, 'connection' in c ? c.connection.id : undefined])).toEqual([
      ['added', copy.id],
      ['removed', copy.id],
    ]);
  });
});
