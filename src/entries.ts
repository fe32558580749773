// deleteConnection() and duplicateConnection(): removing and copying the VPN and dial-up entries
// of Network Connections. Windows allows them only where a connection's characteristics say so
// (allow-removal, allow-duplication), and what it answers for any other connection is not
// documented, so both look first and refuse before any change.
import type { AbandonHook, Backend } from './backend';
import { toNetConnection, type CharacteristicFlag, type NetConnection } from './connection';
import {
  ConnectionNotDuplicableError,
  ConnectionNotFoundError,
  ConnectionNotRemovableError,
  type ComOperation,
  type ConnectionRef,
  type NetConError,
} from './errors';
import type { Limits } from './limits';
import type { NativeActionResult, NativeDuplicateResult, NativeFailure, NativeRefusal } from './native';
import type { NamedConnection } from './sharing';
import { describeTarget, refuseTakenName, selectConnection } from './target';
import { optionsObject, parseNewName, parseTarget } from './validate';

/** What deleteConnection resolves with. */
export interface DeleteResult {
  /** The connection deleted, as it was listed just before. */
  readonly connection: NamedConnection;
}

/** Where an entry's call happens, for its errors. */
interface EntryContext {
  readonly operation: ComOperation;
  readonly target: string;
  readonly connection: ConnectionRef;
}

/** What the client lends these operations: its validation of options, its list and its error mapping. */
export interface EntryCalls {
  readonly progId: string;
  getBackend(): Backend;
  /** The call's `timeoutMs` and `signal`, checked (an aborted signal rejects before any COM call). */
  bounds(options: object | undefined, operation: ComOperation): Limits;
  list(backend: Backend, bounds: Limits, context: { operation: ComOperation; target: string }): Promise<NetConnection[]>;
  /** The action's own call, within `bounds`: stopped once Windows may have started, its outcome is unknown. */
  act<T>(bounds: Limits, context: EntryContext, call: (hook: AbandonHook) => Promise<T>): Promise<T>;
  /** An action's answer: the connection acted on, or its typed error (not found, a COM failure). */
  found(result: NativeActionResult, context: EntryContext): { connection: { id: string; name: string } };
  toError(failure: NativeFailure | NativeRefusal, context: EntryContext): NetConError;
}

/** The two operations over a client's calls. */
export function entryOperations(calls: EntryCalls) {
  // The target's connection from one list, refused unless its characteristics carry `flag`.
  async function allowed(operation: 'delete' | 'duplicate', target: unknown, newName: unknown, options: unknown) {
    const parsed = parseTarget(target, { allowConnection: true });
    const name = operation === 'duplicate' ? parseNewName(newName) : '';
    const bounds = calls.bounds(optionsObject(options), operation);
    const backend = calls.getBackend();
    const targetText = describeTarget(parsed);
    const connections = await calls.list(backend, bounds, { operation, target: targetText });
    const connection = selectConnection(connections, parsed);
    const ref = { id: connection.id, name: connection.name };
    const flag: CharacteristicFlag = operation === 'delete' ? 'allow-removal' : 'allow-duplication';
    if (!connection.characteristics.flags.includes(flag)) {
      throw operation === 'delete' ? new ConnectionNotRemovableError(ref) : new ConnectionNotDuplicableError(ref);
    }
    // The source's own name is taken too: no connection is excepted.
    if (operation === 'duplicate') refuseTakenName(connections, name);
    const context: EntryContext = { operation, target: targetText, connection: ref };
    return { backend, bounds, context, name };
  }

  return {
    async deleteConnection(target: unknown, options: unknown): Promise<DeleteResult> {
      const { backend, bounds, context } = await allowed('delete', target, undefined, options);
      const guid = context.connection.id;
      const result = await calls.act(bounds, context, (hook) => backend.deleteConnection(calls.progId, guid, hook));
      return { connection: calls.found(result, context).connection };
    },

    async duplicateConnection(target: unknown, newName: unknown, options: unknown): Promise<NetConnection> {
      const { backend, bounds, context, name } = await allowed('duplicate', target, newName, options);
      const guid = context.connection.id;
      const result: NativeDuplicateResult = await calls.act(bounds, context, (hook) => backend.duplicateConnection(calls.progId, guid, name, hook));
      // A failure reading back the copy is reported with outcome 'made' (hresults.ts, outcomeOf).
      if (!result.ok) throw calls.toError(result, context);
      if (!result.found) throw new ConnectionNotFoundError(context.target);
      return toNetConnection(result.duplicate);
    },
  };
}
