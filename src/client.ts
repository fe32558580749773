// The four public operations over any binding: validate, get the binding, call native code,
// turn its plain-data answer into connections or typed errors.
import { toNetConnection, type NetConnection } from './connection';
import {
  ConnectionNotFoundError,
  NetConInvalidArgTypeError,
  NetConInvalidArgValueError,
  errorFromHResult,
  type ComError,
  type ComOperation,
  type ConnectionRef,
} from './errors';
import { canonicalGuid } from './guid';
import type { NativeBinding, NativeFailure } from './native';
import { describeTarget, parseTarget, readProperty, selectConnection, type Target } from './target';

/** The COM class every call goes through unless a test points it elsewhere. */
export const DEFAULT_PROG_ID = 'HNetCfg.HNetShare';

/** Options of `createClient`. */
export interface ClientOptions {
  /**
   * The ProgID of the COM class to use instead of `HNetCfg.HNetShare`: an
   * HNetShare-compatible test server registered on the machine. Resolved with
   * CLSIDFromProgID on each call.
   */
  readonly progId?: string;
}

// Microsoft's rules for a ProgID: at most 39 characters, not starting with a digit, no
// punctuation but periods. Underscores and hyphens are tolerated because registered
// ProgIDs carry them in the wild. Checking here keeps a backslash (another registry key),
// spaces or a NUL from ever reaching CLSIDFromProgID.
const PROG_ID = /^[A-Za-z][A-Za-z0-9._-]{0,38}$/;

// Array.isArray throws for a revoked Proxy; such options fail at reading progId instead.
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** Validates createClient's options; throws ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE. */
export function parseClientOptions(options: unknown): { progId: string } {
  if (options === undefined) return { progId: DEFAULT_PROG_ID };
  if (typeof options !== 'object' || options === null || isArray(options)) {
    throw new NetConInvalidArgTypeError('options', 'of type object', options);
  }
  const progId = readProperty(options, 'progId', 'options');
  if (progId === undefined) return { progId: DEFAULT_PROG_ID };
  if (typeof progId !== 'string') throw new NetConInvalidArgTypeError('options.progId', 'of type string', progId);
  if (!PROG_ID.test(progId)) {
    throw new NetConInvalidArgValueError(
      'options.progId',
      'a ProgID such as "HNetCfg.HNetShare" (1 to 39 letters, digits, ".", "_" or "-", not starting with a digit)',
      progId,
    );
  }
  return { progId };
}

/** The public API; every method returns a promise and never throws synchronously. */
export interface NetConClient {
  listConnections(): Promise<NetConnection[]>;
  findConnection(target: string): Promise<NetConnection>;
  disconnect(target: Target): Promise<void>;
  connect(target: Target): Promise<void>;
  /** True only on Windows once the native module has loaded (it is loaded by this call if needed). */
  isSupported(): boolean;
}

function toError(failure: NativeFailure, progId: string, operation: ComOperation, target?: string, connection?: ConnectionRef): ComError {
  return errorFromHResult(failure.hresult, {
    progId: progId === DEFAULT_PROG_ID ? undefined : progId,
    operation,
    step: failure.step,
    // Upper-cased as listConnections() reports ids, so err.connection.id matches a listed id
    // whether the call named a GUID (the server's own case) or a name (a listed id).
    connection: failure.connection ? { ...failure.connection, id: canonicalGuid(failure.connection.id) ?? failure.connection.id } : connection,
    systemMessage: failure.message,
    target,
  });
}

/** A client that gets its binding from `getBinding` on each call, after validating arguments. */
export function createClientWith(getBinding: () => NativeBinding, progId: string = DEFAULT_PROG_ID): NetConClient {
  async function list(binding: NativeBinding, operation: ComOperation, target?: string): Promise<NetConnection[]> {
    const result = await binding.list(progId);
    if (!result.ok) throw toError(result, progId, operation, target);
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
    if (!result.ok) throw toError(result, progId, action, shown, selected);
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
    isSupported() {
      try {
        getBinding();
        return true;
      } catch {
        return false;
      }
    },
  };
}
