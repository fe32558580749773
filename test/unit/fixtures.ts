import { expect } from 'vitest';
// netcon/testing's machine (src/fake-machine.ts) for the unit tests, with a record of what the
// client handed its backend (the ProgID and GUID of every call) and how often it asked for it.
import type { Backend } from '../../src/backend';
import { createClientWith, type NetConClient } from '../../src/client';
import { createFakeMachine, type FakeClientOptions, type FakeMachine } from '../../src/fake-machine';
import type { NativeNewPortMapping, NativeRawConnection } from '../../src/native';

/** A call as the client made it to its backend. */
export type BackendCall =
  | { method: 'list'; progId: string }
  | { method: 'disconnect' | 'connect'; progId: string; guid: string }
  | { method: 'security'; progId?: undefined }
  | { method: 'diagnose'; progId: string }
  | { method: 'sharing'; progId: string }
  | { method: 'setSharing'; progId: string; guid: string; change: string | number }
  | { method: 'adapters'; progId?: undefined }
  | { method: 'rename'; progId: string; guid: string; newName: string }
  | { method: 'deleteConnection'; progId: string; guid: string }
  | { method: 'duplicateConnection'; progId: string; guid: string; newName: string }
  | { method: 'portMappings'; progId: string; guid: string }
  | { method: 'addPortMapping'; progId: string; guid: string; mapping: NativeNewPortMapping }
  | { method: 'changePortMapping'; progId: string; guid: string; protocol: number; externalPort: number; change: string };

export interface Fake {
  machine: FakeMachine;
  backend: Backend;
  calls: BackendCall[];
  /** How often the client asked for the backend (loading the addon, in the package). */
  backendRequests: () => number;
  client: NetConClient;
}

export function fakeMachine(options: FakeClientOptions = {}, progId?: string, comSecurity = false): Fake {
  const machine = createFakeMachine(options);
  const calls: BackendCall[] = [];
  const inner = machine.backend;
  const backend: Backend = {
    list(progId, hook) {
      calls.push({ method: 'list', progId });
      return inner.list(progId, hook);
    },
    disconnect(progId, guid, hook) {
      calls.push({ method: 'disconnect', progId, guid });
      return inner.disconnect(progId, guid, hook);
    },
    connect(progId, guid, hook) {
      calls.push({ method: 'connect', progId, guid });
      return inner.connect(progId, guid, hook);
    },
    initializeSecurity(hook) {
      calls.push({ method: 'security' });
      return inner.initializeSecurity(hook);
    },
    diagnose(progId, hook) {
      calls.push({ method: 'diagnose', progId });
      return inner.diagnose(progId, hook);
    },
    sharing(progId, hook) {
      calls.push({ method: 'sharing', progId });
      return inner.sharing(progId, hook);
    },
    setSharing(progId, guid, change, hook) {
      calls.push({ method: 'setSharing', progId, guid, change });
      return inner.setSharing(progId, guid, change, hook);
    },
    rename(progId, guid, newName, hook) {
      calls.push({ method: 'rename', progId, guid, newName });
      return inner.rename(progId, guid, newName, hook);
    },
    apartment: () => inner.apartment(),
    watchChanges: (onChange) => inner.watchChanges(onChange),
    deleteConnection(progId, guid, hook) {
      calls.push({ method: 'deleteConnection', progId, guid });
      return inner.deleteConnection(progId, guid, hook);
    },
    duplicateConnection(progId, guid, newName, hook) {
      calls.push({ method: 'duplicateConnection', progId, guid, newName });
      return inner.duplicateConnection(progId, guid, newName, hook);
    },
    portMappings(progId, guid, hook) {
      calls.push({ method: 'portMappings', progId, guid });
      return inner.portMappings(progId, guid, hook);
    },
    addPortMapping(progId, guid, mapping, hook) {
      calls.push({ method: 'addPortMapping', progId, guid, mapping });
      return inner.addPortMapping(progId, guid, mapping, hook);
    },
    changePortMapping(progId, guid, protocol, externalPort, change, hook) {
      calls.push({ method: 'changePortMapping', progId, guid, protocol, externalPort, change });
      return inner.changePortMapping(progId, guid, protocol, externalPort, change, hook);
    },
    adapters(hook) {
      calls.push({ method: 'adapters' });
      return inner.adapters(hook);
    },
  };
  let requests = 0;
  const getBackend = (): Backend => {
    requests += 1;
    return backend;
  };
  return { machine, backend, calls, backendRequests: () => requests, client: createClientWith(getBackend, progId, { comSecurity }) };
}

/** Resolves once `ready()` holds, looking every millisecond: for a step a call has reached. */
export async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setTimeout(resolve, 1));
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
