// netcon/testing's scripted failures, answered as the addon answers the same failures from
// Windows: what a walk through the connections makes of one that has gone, what an action's
// own call makes of it, and what a connection that cannot be shared gives. The Wine suite
// runs one table of these through both (test/e2e/testing-double-answers-as-the-addon.test.ts).
import { describe, expect, it } from 'vitest';

import {
  ConnectionNotFoundError,
  ConnectionNotShareableError,
  ElementNotFoundError,
  ObjectDisconnectedError,
  ServerUnavailableError,
  UnspecifiedFailureError,
} from '../../src/index';
import { createFakeClient, type FakeClientOptions, type FakeConnectionInput } from '../../src/testing';
import { fakeMachine, rejectionOf } from './fixtures';

const VPN = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D01}', name: 'Corp VPN', mediaType: 'tunnel' } as const;
const ETHERNET = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D02}', name: 'Ethernet' } as const;
const LOOPBACK = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D03}', name: 'Loopback', shareable: false } as const;
// The VPN first: every walk reads it before the others.
const MACHINE: FakeConnectionInput[] = [VPN, ETHERNET, LOOPBACK];

const machine = (options: FakeClientOptions) => createFakeClient({ connections: MACHINE, ...options });
const ids = (connections: readonly { id: string }[]) => connections.map((c) => c.id);

describe('a connection whose read answers that it is gone', () => {
  it.each(['ERROR_NOT_FOUND', 'RPC_E_DISCONNECTED'] as const)('with %s is left out of every list and not found by an action', async (hresult) => {
    const client = machine({ failures: [{ on: 'list', id: VPN.id, hresult }] });
    expect(ids(await client.listConnections())).toEqual([ETHERNET.id, LOOPBACK.id]);
    expect(ids(await client.listSharing())).toEqual([ETHERNET.id, LOOPBACK.id]);
    await rejectionOf(client.disconnect(VPN.id), ConnectionNotFoundError);
    await rejectionOf(client.enableSharing(VPN.id, 'public'), ConnectionNotFoundError);
    await rejectionOf(client.rename(VPN.id, 'VPN 2'), ConnectionNotFoundError);
    expect(await client.disconnect(ETHERNET.id)).toMatchObject({ connection: { id: ETHERNET.id } });
  });

  it('with RPC_S_SERVER_UNAVAILABLE fails the list: the service is not there to say what is', async () => {
    const client = machine({ failures: [{ on: 'list', id: VPN.id, hresult: 'RPC_S_SERVER_UNAVAILABLE' }] });
    const error = await rejectionOf(client.listConnections(), ServerUnavailableError);
    expect(error.step).toBe('INetConnection::GetProperties');
    await rejectionOf(client.disconnect(ETHERNET.id), ServerUnavailableError);
  });

  it('is gone from a step of the walk scripted without an id: then every connection is', async () => {
    const client = machine({ failures: [{ on: 'list', hresult: 'ERROR_NOT_FOUND', step: 'INetConnection::GetProperties' }] });
    expect(await client.listConnections()).toEqual([]);
    await rejectionOf(client.connect(ETHERNET.id), ConnectionNotFoundError);
  });

  it('is an ElementNotFoundError when the walk itself answers ERROR_NOT_FOUND, before any connection', async () => {
    const client = machine({ failures: [{ on: 'list', hresult: 'ERROR_NOT_FOUND' }] });
    const error = await rejectionOf(client.listConnections(), ElementNotFoundError);
    expect(error.step).toBe('EnumEveryConnection');
    expect(error.connection).toBeUndefined();
    await rejectionOf(client.disconnect(ETHERNET.id), ElementNotFoundError);
  });
});

describe('a connection that cannot be read', () => {
  it('fails an action whose walk reaches it, also by GUID, and not one found before it', async () => {
    const client = createFakeClient({ connections: [ETHERNET, VPN], failures: [{ on: 'list', id: VPN.id, hresult: 'E_FAIL' }] });
    expect(await client.disconnect(ETHERNET.id)).toMatchObject({ connection: { id: ETHERNET.id } });
    await rejectionOf(client.disconnect(VPN.id), UnspecifiedFailureError);
    await rejectionOf(client.listSharing(), UnspecifiedFailureError);
  });

  it('fails only lists at a getter of a field an action does not read', async () => {
    const client = machine({ failures: [{ on: 'list', id: VPN.id, hresult: 'E_FAIL', step: 'INetConnectionProps::get_Status' }] });
    await rejectionOf(client.listConnections(), UnspecifiedFailureError);
    expect(await client.disconnect(ETHERNET.id)).toMatchObject({ connection: { id: ETHERNET.id } });
    expect(ids(await client.listSharing())).toEqual(ids(MACHINE));
  });
});

describe("an action's own call", () => {
  const calls = [
    ['disconnect', (client: ReturnType<typeof machine>) => client.disconnect(VPN.id)],
    ['connect', (client: ReturnType<typeof machine>) => client.connect(VPN.id)],
    ['enableSharing', (client: ReturnType<typeof machine>) => client.enableSharing(VPN.id, 'public')],
    ['disableSharing', (client: ReturnType<typeof machine>) => client.disableSharing(VPN.id)],
    ['rename', (client: ReturnType<typeof machine>) => client.rename(VPN.id, 'VPN 2')],
  ] as const;

  it.each(calls)('%s answering ERROR_NOT_FOUND is ConnectionNotFoundError: the connection went before the call', async (on, call) => {
    await rejectionOf(call(machine({ failures: [{ on, id: VPN.id, hresult: 'ERROR_NOT_FOUND' }] })), ConnectionNotFoundError);
  });

  it.each(calls)('%s answering RPC_E_DISCONNECTED leaves its outcome unknown: Windows may have acted', async (on, call) => {
    const error = await rejectionOf(call(machine({ failures: [{ on, id: VPN.id, hresult: 'RPC_E_DISCONNECTED' }] })), ObjectDisconnectedError);
    expect(error).toMatchObject({ outcome: 'unknown', connection: { id: VPN.id, name: VPN.name } });
  });

  it('ERROR_NOT_FOUND at a sharing change\'s configuration step is ConnectionNotFoundError too', async () => {
    const client = machine({ failures: [{ on: 'disableSharing', hresult: 'ERROR_NOT_FOUND', step: 'INetSharingConfigurationForINetConnection' }] });
    await rejectionOf(client.disableSharing(VPN.id), ConnectionNotFoundError);
  });
});

describe('sharing', () => {
  it('leaves a connection whose sharing reads as gone out of listSharing, and enableSharing does not find it', async () => {
    const client = machine({ failures: [{ on: 'sharing', id: VPN.id, hresult: 'RPC_E_DISCONNECTED' }] });
    expect(ids(await client.listSharing())).toEqual([ETHERNET.id, LOOPBACK.id]);
    await rejectionOf(client.enableSharing(VPN.id, 'public'), ConnectionNotFoundError);
  });

  it('fails a sharing read at the first connection when get_SharingEnabled fails, and never at one with no configuration', async () => {
    const client = machine({ failures: [{ on: 'sharing', hresult: 'E_FAIL' }] });
    const error = await rejectionOf(client.listSharing(), UnspecifiedFailureError);
    expect(error.connection).toEqual({ id: VPN.id, name: VPN.name });
    const onlyLoopback = machine({ failures: [{ on: 'sharing', id: LOOPBACK.id, hresult: 'E_FAIL' }] });
    expect(await onlyLoopback.getSharing(LOOPBACK.id)).toMatchObject({ shareable: false });
  });

  it.each([
    ['enableSharing', (client: ReturnType<typeof machine>) => client.enableSharing(LOOPBACK.id, 'private')],
    ['disableSharing by GUID', (client: ReturnType<typeof machine>) => client.disableSharing(LOOPBACK.id)],
    ['disableSharing by name', (client: ReturnType<typeof machine>) => client.disableSharing(LOOPBACK.name)],
  ] as const)('%s of a connection Windows cannot share rejects with ConnectionNotShareableError', async (_name, call) => {
    const error = await rejectionOf(call(machine({})), ConnectionNotShareableError);
    expect(error.connection).toMatchObject({ id: LOOPBACK.id });
  });
});

describe('delete and duplicate', () => {
  // A VPN entry that Windows lets one delete and copy (allow-duplication | allow-removal).
  const ENTRY = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D04}', name: 'Entry', mediaType: 'tunnel', characteristics: 0x6 } as const;
  const entries = (options: FakeClientOptions) => createFakeClient({ connections: [...MACHINE, ENTRY], ...options });

  it('does not find an entry whose read answers that it is gone, nor one whose own call answers ERROR_NOT_FOUND', async () => {
    const gone = entries({ failures: [{ on: 'list', id: ENTRY.id, hresult: 'RPC_E_DISCONNECTED' }] });
    await rejectionOf(gone.deleteConnection(ENTRY.id), ConnectionNotFoundError);
    await rejectionOf(gone.duplicateConnection(ENTRY.id, 'Copy'), ConnectionNotFoundError);
    const removed = entries({ failures: [{ on: 'delete', hresult: 'ERROR_NOT_FOUND' }, { on: 'duplicate', hresult: 'ERROR_NOT_FOUND' }] });
    await rejectionOf(removed.deleteConnection(ENTRY.id), ConnectionNotFoundError);
    await rejectionOf(removed.duplicateConnection(ENTRY.id, 'Copy'), ConnectionNotFoundError);
  });

  it("leaves the outcome open when the service goes away in the call, and reports a copy gone at once as made but not found", async () => {
    const client = entries({ failures: [{ on: 'delete', hresult: 'RPC_E_DISCONNECTED' }] });
    expect(await rejectionOf(client.deleteConnection(ENTRY.id), ObjectDisconnectedError)).toMatchObject({ outcome: 'unknown', step: 'INetConnection::Delete' });
    // The addon keeps the HRESULT with which reading the copy back failed, ERROR_NOT_FOUND too.
    const copyGone = entries({ failures: [{ on: 'duplicate', step: 'INetConnection::GetProperties (the duplicate)', hresult: 'ERROR_NOT_FOUND' }] });
    const error = await rejectionOf(copyGone.duplicateConnection(ENTRY.id, 'Copy'), ElementNotFoundError);
    expect(error).toMatchObject({ outcome: 'made', connection: { id: ENTRY.id, name: ENTRY.name } });
  });

  it('answers E_NOTIMPL at the call itself for a connection without the flags, as the COM server does when netcon does not look first', async () => {
    const { backend } = fakeMachine({ connections: MACHINE });
    expect(await backend.deleteConnection('HNetCfg.HNetShare', ETHERNET.id)).toEqual({
      ok: false,
      hresult: 0x80004001,
      step: 'INetConnection::Delete',
      message: '',
      connection: { id: ETHERNET.id, name: ETHERNET.name },
    });
    expect(await backend.duplicateConnection('HNetCfg.HNetShare', ETHERNET.id, 'Copy')).toMatchObject({ ok: false, hresult: 0x80004001, step: 'INetConnection::Duplicate' });
  });
});
