import { expect } from 'vitest';
// A stand-in for the addon that answers from a script and records every call, so a test can
// say both what the facade did with an answer and that it never asked at all.
import { createClientWith, type NetConClient } from '../../src/client';
import { canonicalGuid } from '../../src/guid';
import type { Backend } from '../../src/backend';
import type { NativeActionResult, NativeListResult, NativeRawConnection, NativeSecurityResult } from '../../src/native';

export type Call =
  | { method: 'list'; progId: string }
  | { method: 'disconnect' | 'connect'; progId: string; guid: string }
  | { method: 'security'; progId?: undefined };

type ActionScript = NativeActionResult | ((guid: string) => NativeActionResult);

export interface FakeScript {
  connections?: NativeRawConnection[];
  list?: NativeListResult;
  security?: NativeSecurityResult;
  disconnect?: ActionScript;
  connect?: ActionScript;
}

export interface Fake {
  binding: Backend;
  calls: Call[];
  /** How often the client asked for the binding. */
  bindingRequests: () => number;
  client: NetConClient;
}

export function fakeBinding(script: FakeScript = {}, progId?: string): Fake {
  const calls: Call[] = [];
  const connections = script.connections ?? [];

  // By default an action succeeds (S_OK) on a listed GUID and reports found:false otherwise,
  // like the native layer does after walking EnumEveryConnection.
  const act = (action: ActionScript | undefined, guid: string): NativeActionResult => {
    if (typeof action === 'function') return action(guid);
    if (action) return action;
    const match = connections.find((c) => canonicalGuid(c.id) === guid);
    return match ? { ok: true, found: true, hresult: 0, connection: { id: match.id, name: match.name } } : { ok: true, found: false };
  };

  const binding: Backend = {
    async list(progId) {
      calls.push({ method: 'list', progId });
      return script.list ?? { ok: true, connections };
    },
    async disconnect(progId, guid) {
      calls.push({ method: 'disconnect', progId, guid });
      return act(script.disconnect, guid);
    },
    async connect(progId, guid) {
      calls.push({ method: 'connect', progId, guid });
      return act(script.connect, guid);
    },
    async initializeSecurity() {
      calls.push({ method: 'security' });
      return script.security ?? { ok: true };
    },
  };

  let requests = 0;
  const getBinding = (): Backend => {
    requests += 1;
    return binding;
  };
  return { binding, calls, bindingRequests: () => requests, client: createClientWith(getBinding, progId) };
}

// Raw rows as get_Guid may hand them back: lower case, with and without braces.
export const ETHERNET: NativeRawConnection = {
  id: '{6a1f2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b}',
  name: 'Ethernet',
  deviceName: 'Intel(R) Ethernet Connection I219-V',
  status: 2,
  mediaType: 3,
  characteristics: 0x1011,
};
export const ETHERNET_2: NativeRawConnection = {
  id: '{11111111-2222-3333-4444-555555555555}',
  name: 'Ethernet 2',
  deviceName: 'Realtek USB GbE Family Controller',
  status: 7,
  mediaType: 3,
  characteristics: 0x11,
};
export const WIFI: NativeRawConnection = {
  id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  name: 'Wi-Fi',
  deviceName: 'Intel(R) Wi-Fi 6 AX201 160MHz',
  status: 0,
  mediaType: 3,
  characteristics: 0x20011,
};
// Two connections whose names differ only in case: a name cannot pick one.
export const VPN_A: NativeRawConnection = {
  id: '{0000000A-0000-0000-0000-000000000001}',
  name: 'VPN',
  deviceName: 'WAN Miniport (IKEv2)',
  status: 0,
  mediaType: 5,
  characteristics: 0x4,
};
export const VPN_B: NativeRawConnection = { ...VPN_A, id: '{0000000B-0000-0000-0000-000000000002}', name: 'vpn' };

export const ALL = [ETHERNET, ETHERNET_2, WIFI, VPN_A, VPN_B];

/** Awaits a promise that must reject, checks the error's class and hands the error back. */
export async function rejectionOf<E>(promise: Promise<unknown>, ErrorClass: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ErrorClass);
  return error as E;
}

/** Calls fn, which must throw, and hands back what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('expected a throw');
}
