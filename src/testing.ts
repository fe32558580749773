// netcon/testing: the same API over an in-memory machine (fake-machine.ts), for users' unit
// tests on any OS. It is the real client (validation, target selection, errors, waiting) over a
// backend that answers from memory instead of COM, so it behaves as netcon does by
// construction; the Wine suite runs shared scenarios against both to keep it so.

/**
 * `netcon/testing`: createFakeClient, an in-memory machine with netcon's API, errors and
 * state changes, for unit tests of code that uses netcon, on any OS.
 * @module netcon/testing
 */
import { createClientWith, type NetConClient } from './client';
import type { NetConnection } from './connection';
import { DEFAULT_PROG_ID } from './defaults';
import { createFakeMachine, type FakeCall, type FakeClientOptions, type FakeConnectionChanges, type FakeConnectionInput, type FakeFailure } from './fake-machine';

/** A NetConClient over the fake machine, with a view into it for assertions. */
export interface FakeClient extends NetConClient {
  /** Every call that reached the fake machine (argument errors never do). */
  readonly calls: readonly FakeCall[];
  /** The machine's connections now, as listConnections() would give them. */
  connections(): NetConnection[];
  /**
   * Takes a connection (GUID, braces optional) off the machine, as an unplugged adapter or a
   * deleted VPN goes: an action already under way on it then fails with
   * ConnectionNotFoundError, as netcon's does. False if there was no such connection.
   */
  removeConnection(id: string): boolean;
  /**
   * Puts a connection on the machine, after the others, as a plugged-in adapter or a new VPN
   * comes. Throws ERR_INVALID_ARG_VALUE for a GUID the machine has already.
   */
  addConnection(connection: FakeConnectionInput): NetConnection;
  /**
   * Changes a connection (GUID, braces optional) as Windows might: its status, name (a
   * rename), device name, media type or characteristics, or its network interface: `details`
   * given here are merged into the connection's (`{ details: { ipv4: [...] } }` changes only its
   * IPv4 addresses), and `details: null` takes its interface away. False if there was no such connection.
   */
  updateConnection(id: string, changes: FakeConnectionChanges): boolean;
  /** Replaces the machine's scripted failures (FakeClientOptions.failures): a fault that starts, or one that goes away. */
  setFailures(failures: readonly FakeFailure[]): void;
}

/**
 * An in-memory stand-in for netcon with the same functions, errors and state changes, for
 * testing code that uses netcon without touching a real network:
 *
 * ```js
 * const client = createFakeClient({
 *   connections: [{ id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' }],
 *   failures: [{ on: 'connect', hresult: 'E_ACCESSDENIED' }],
 * });
 * await client.disconnect('Ethernet', { wait: true });
 * ```
 */
export function createFakeClient(options: FakeClientOptions = {}): FakeClient {
  const machine = createFakeMachine(options);
  const client = createClientWith(() => machine.backend, DEFAULT_PROG_ID);
  return {
    ...client,
    calls: machine.calls,
    connections: machine.connections,
    removeConnection: machine.removeConnection,
    addConnection: machine.addConnection,
    updateConnection: machine.updateConnection,
    setFailures: machine.setFailures,
  };
}

export type { FakeCall, FakeClientOptions, FakeConnectionChanges, FakeConnectionInput, FakeFailure, FakeSuccess } from './fake-machine';
export type { FakeMethod, FakePortMappingInput } from './fake-machine';
export type { FakeDefaultRoute, FakeDetailsInput } from './fake-details';
export type { NetConClient, NetConnection };
