// The four public operations over any binding: validate, get the binding, call native code,
// turn its plain-data answer into connections or typed errors.
import { toNetConnection, type NetConnection } from './connection';
import { ConnectionNotFoundError, errorFromHResult, type ComError, type ComOperation, type ConnectionRef } from './errors';
import type { NativeBinding, NativeFailure } from './native';
import { describeTarget, parseTarget, selectConnection, type Target } from './target';

/** The COM class every call goes through unless a test points it elsewhere. */
export const DEFAULT_PROG_ID = 'HNetCfg.HNetShare';

/** The public API; every method returns a promise and never throws synchronously. */
export interface NetConClient {
  listConnections(): Promise<NetConnection[]>;
  findConnection(target: string): Promise<NetConnection>;
  disconnect(target: Target): Promise<void>;
  connect(target: Target): Promise<void>;
}

function toError(failure: NativeFailure, operation: ComOperation, target?: string, connection?: ConnectionRef): ComError {
  return errorFromHResult(failure.hresult, {
    operation,
    step: failure.step,
    connection: failure.connection ?? connection,
    systemMessage: failure.message,
    target,
  });
}

/** A client that gets its binding from `getBinding` on each call, after validating arguments. */
export function createClientWith(getBinding: () => NativeBinding, progId: string = DEFAULT_PROG_ID): NetConClient {
  async function list(binding: NativeBinding, operation: ComOperation, target?: string): Promise<NetConnection[]> {
    const result = await binding.list(progId);
    if (!result.ok) throw toError(result, operation, target);
    return result.connections.map(toNetConnection);
  }

  async function apply(action: 'disconnect' | 'connect', target: unknown): Promise<void> {
    const parsed = parseTarget(target, { allowConnection: true });
    const binding = getBinding();
    const shown = describeTarget(parsed);

    let guid: string;
    let selected: ConnectionRef | undefined;
    if (parsed.kind === 'guid') {
      guid = parsed.guid;
    } else {
      // A name needs a list first; the list's failures are reported as this action's.
      const connection = selectConnection(await list(binding, action, shown), parsed);
      selected = { id: connection.id, name: connection.name };
      guid = connection.id;
    }

    const result = await binding[action](progId, guid);
    if (!result.ok) throw toError(result, action, shown, selected);
    // Listed a moment ago but gone now (adapter removed, VPN deleted): same answer as a bad GUID.
    if (!result.found) throw new ConnectionNotFoundError(shown);
  }

  return {
    async listConnections() {
      return list(getBinding(), 'list');
    },
    async findConnection(target: string) {
      const parsed = parseTarget(target, { allowConnection: false });
      const binding = getBinding();
      return selectConnection(await list(binding, 'find', target), parsed);
    },
    disconnect: (target) => apply('disconnect', target),
    connect: (target) => apply('connect', target),
  };
}
