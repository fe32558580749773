// Port mappings through netcon/testing's machine, the real client over an in-memory backend:
// list, add (disabled unless asked), enable, disable, remove, by name or by key; the checks made
// from one read before any change, what Windows' refusals become, and bad arguments rejected
// before any COM call.
import { describe, expect, it } from 'vitest';

import {
  AmbiguousPortMappingError,
  ConnectionNotShareableError,
  ConnectionNotSharedAsPublicError,
  PortMappingExistsError,
  PortMappingNotFoundError,
  SharingServiceError,
} from '../../src/index';
import { createFakeClient, type FakeConnectionInput } from '../../src/testing';

const VPN = { id: '{6C1A0E2B-3D4F-4A5B-9C8D-7E6F5A4B3C01}', name: 'Corp VPN' } as const;
const HOTSPOT = { id: '{6C1A0E2B-3D4F-4A5B-9C8D-7E6F5A4B3C02}', name: 'Local Area Connection* 10' } as const;
const SWITCH = { id: '{6C1A0E2B-3D4F-4A5B-9C8D-7E6F5A4B3C03}', name: 'vEthernet (Default Switch)' } as const;

const GAME = { name: 'Game server', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' } as const;
const WEB = { name: 'Web', protocol: 'tcp', externalPort: 8080, internalPort: 80, targetName: 'printer', enabled: true } as const;

async function rejection(promise: Promise<unknown>) {
  return promise.then(
    (value) => expect.unreachable(`resolved with ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
}

const machine = (connections: FakeConnectionInput[], options: Parameters<typeof createFakeClient>[0] = {}) => createFakeClient({ connections, ...options });

describe('port mappings through netcon/testing', () => {
  it('lists a connection’s mappings with protocol names, raw numbers and targets', async () => {
    const client = machine([{ ...VPN, sharing: 'public', portMappings: [GAME, WEB] }, HOTSPOT]);
    expect(await client.listPortMappings(VPN.name)).toEqual([
      { name: 'Game server', protocol: 'udp', ipProtocol: 17, externalPort: 47123, internalPort: 47124, options: 0, targetName: '', targetIPAddress: '192.168.137.20', enabled: false },
      { name: 'Web', protocol: 'tcp', ipProtocol: 6, externalPort: 8080, internalPort: 80, options: 0, targetName: 'printer', targetIPAddress: '', enabled: true },
    ]);
    expect(await client.listPortMappings(HOTSPOT.id)).toEqual([]);
  });

  it('adds a mapping disabled, as Windows does, or enabled when asked, and resolves with it read back', async () => {
    const client = machine([{ ...VPN, sharing: 'public' }]);
    expect(await client.addPortMapping(VPN.name, GAME)).toMatchObject({ name: GAME.name, externalPort: 47123, internalPort: 47124, enabled: false });
    expect(await client.addPortMapping(VPN.id, { ...WEB, protocol: 'TCP' })).toMatchObject({ protocol: 'tcp', ipProtocol: 6, enabled: true, targetName: 'printer' });
    expect((await client.listPortMappings(VPN.name)).map((m) => [m.name, m.enabled])).toEqual([['Game server', false], ['Web', true]]);
    expect(client.calls.filter((c) => c.method === 'addPortMapping')).toEqual([
      { method: 'addPortMapping', id: VPN.id, mapping: { protocol: 17, externalPort: 47123 } },
      { method: 'addPortMapping', id: VPN.id, mapping: { protocol: 6, externalPort: 8080 } },
    ]);
  });

  it('enables, disables and removes a mapping by name or by protocol and external port', async () => {
    const client = machine([{ ...VPN, sharing: 'public', portMappings: [GAME, WEB] }]);
    expect(await client.enablePortMapping(VPN.name, 'Game server')).toMatchObject({ name: 'Game server', enabled: true });
    expect(await client.disablePortMapping(VPN.name, { protocol: 6, externalPort: 8080 })).toMatchObject({ name: 'Web', enabled: false });
    expect((await client.listPortMappings(VPN.name)).map((m) => m.enabled)).toEqual([true, false]);
    expect(await client.removePortMapping(VPN.name, { protocol: 'UDP', externalPort: 47123 })).toMatchObject({ name: 'Game server', enabled: true });
    expect(await client.removePortMapping(VPN.name, 'Web')).toMatchObject({ name: 'Web' });
    expect(await client.listPortMappings(VPN.name)).toEqual([]);
  });

  it('refuses, from one read and before any change, a connection not shared as public and a key already mapped', async () => {
    const client = machine([{ ...VPN, sharing: 'public', portMappings: [GAME] }, { ...HOTSPOT, sharing: 'private' }, SWITCH]);
    const taken = await rejection(client.addPortMapping(VPN.name, { ...GAME, name: 'Other', internalPort: 1 }));
    expect(taken).toBeInstanceOf(PortMappingExistsError);
    expect(taken).toMatchObject({ code: 'ERR_PORT_MAPPING_EXISTS', connection: { id: VPN.id, name: VPN.name }, mapping: { name: 'Game server', protocol: 'udp', externalPort: 47123 } });
    expect(await rejection(client.addPortMapping(HOTSPOT.name, GAME))).toMatchObject({ code: 'ERR_CONNECTION_NOT_SHARED_AS_PUBLIC', sharing: 'private' });
    const unshared = await rejection(client.addPortMapping(SWITCH.name, GAME));
    expect(unshared).toBeInstanceOf(ConnectionNotSharedAsPublicError);
    expect(unshared).toMatchObject({ sharing: null, connection: { id: SWITCH.id } });
    expect(client.calls.filter((c) => c.method === 'addPortMapping')).toEqual([]);
  });

  it('refuses a mapping that is not there, and a name two mappings share, naming their keys', async () => {
    const client = machine([{ ...VPN, sharing: 'public', portMappings: [GAME, { ...WEB, name: 'Game server' }] }]);
    const missing = await rejection(client.removePortMapping(VPN.name, 'Nope'));
    expect(missing).toBeInstanceOf(PortMappingNotFoundError);
    expect(missing).toMatchObject({ code: 'ERR_PORT_MAPPING_NOT_FOUND', mapping: { name: 'Nope' } });
    const ambiguous = await rejection(client.enablePortMapping(VPN.name, 'Game server'));
    expect(ambiguous).toBeInstanceOf(AmbiguousPortMappingError);
    expect(ambiguous).toMatchObject({ code: 'ERR_AMBIGUOUS_PORT_MAPPING', matches: [{ protocol: 'udp', externalPort: 47123 }, { protocol: 'tcp', externalPort: 8080 }] });
    expect(await client.enablePortMapping(VPN.name, { protocol: 'tcp', externalPort: 8080 })).toMatchObject({ enabled: true });
    expect(client.calls.filter((c) => c.method === 'enablePortMapping')).toHaveLength(1);
  });

  it('turns what Windows answers when it refuses anyway into typed errors', async () => {
    const exists = machine([{ ...VPN, sharing: 'public' }], { failures: [{ on: 'addPortMapping', hresult: 0x800700b7 }] });
    expect(await rejection(exists.addPortMapping(VPN.name, GAME))).toMatchObject({ code: 'ERR_PORT_MAPPING_EXISTS', hresult: 0x800700b7, step: 'INetSharingConfiguration::AddPortMapping' });
    const service = machine([{ ...VPN, sharing: 'public' }], { failures: [{ on: 'addPortMapping', hresult: 'EVENT_E_ALL_SUBSCRIBERS_FAILED' }] });
    const refused = await rejection(service.addPortMapping(VPN.name, GAME));
    expect(refused).toBeInstanceOf(SharingServiceError);
    expect(refused).toMatchObject({ step: 'INetSharingConfiguration::AddPortMapping', connection: { id: VPN.id, name: VPN.name } });
    expect((refused as Error).message).toMatch(/^Add a port mapping to "Corp VPN" failed: EVENT_E_ALL_SUBSCRIBERS_FAILED \(0x80040201\)/);
    const disable = machine([{ ...VPN, sharing: 'public', portMappings: [GAME] }], { failures: [{ on: 'disablePortMapping', hresult: 'E_ACCESSDENIED' }] });
    expect(await rejection(disable.disablePortMapping(VPN.name, 'Game server'))).toMatchObject({ code: 'E_ACCESSDENIED', step: 'INetSharingPortMapping::Disable' });
    const unshareable = machine([{ ...SWITCH, shareable: false }]);
    expect(await rejection(unshareable.listPortMappings(SWITCH.name))).toBeInstanceOf(ConnectionNotShareableError);
  });

  it('rejects bad arguments before any COM call, with Node-style codes', async () => {
    const client = machine([{ ...VPN, sharing: 'public' }]);
    const bad: [unknown, string][] = [
      [{ ...GAME, externalPort: 0 }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, internalPort: 65536 }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, externalPort: 1.5 }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, externalPort: '80' }, 'ERR_INVALID_ARG_TYPE'],
      [{ ...GAME, protocol: 'icmp' }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, protocol: 1 }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, name: '  ' }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, name: 'a\nb' }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, targetName: 'pc' }, 'ERR_INVALID_ARG_VALUE'],
      [{ name: 'x', protocol: 'tcp', externalPort: 1, internalPort: 1 }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, targetIPAddress: '192.168.1.256' }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, targetIPAddress: '010.1.1.1' }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...WEB, targetName: 'bad name!' }, 'ERR_INVALID_ARG_VALUE'],
      [{ ...GAME, enabled: 'yes' }, 'ERR_INVALID_ARG_TYPE'],
      [{ ...GAME, extra: 1 }, 'ERR_INVALID_ARG_VALUE'],
      [null, 'ERR_INVALID_ARG_TYPE'],
      ['Game', 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [mapping, code] of bad) {
      expect(await rejection(client.addPortMapping(VPN.name, mapping as never)), JSON.stringify(mapping)).toMatchObject({ code });
    }
    expect(await rejection(client.removePortMapping(VPN.name, ''))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(await rejection(client.enablePortMapping(VPN.name, { protocol: 'tcp' } as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(await rejection(client.listPortMappings(VPN.name, { timeoutMs: -1 }))).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    expect(client.calls).toEqual([]);
  });
});
