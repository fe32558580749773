import { describe, expect, it } from 'vitest';

import { toNetConnection } from '../../src/connection';
import { AmbiguousConnectionError, ConnectionNotFoundError, NetConError } from '../../src/index';
import { selectConnection } from '../../src/target';
import { parseTarget } from '../../src/validate';
import { ALL, ETHERNET, ETHERNET_2, VPN_A, VPN_B, WIFI, fakeMachine, rejectionOf, until } from './fixtures';

const ETHERNET_2_GUID = '{11111111-2222-3333-4444-555555555555}';
const WIFI_GUID = '{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}';

describe('selectConnection', () => {
  const list = ALL.map(toNetConnection);
  const select = (target: string) => selectConnection(list, parseTarget(target, { allowConnection: false }));

  it('matches a name ignoring case', () => {
    expect(select('ETHERNET 2').id).toBe(ETHERNET_2_GUID);
    expect(select('wi-fi').id).toBe(WIFI_GUID);
  });

  it('compares the toUpperCase() of both sides, full case mappings included', () => {
    const street = toNetConnection({ ...ETHERNET, name: 'Stra\u00dfe' });
    expect(selectConnection([street], parseTarget('STRASSE', { allowConnection: false })).name).toBe('Stra\u00dfe');
  });

  it('does not trim or normalise names', () => {
    expect(() => select(' Ethernet 2')).toThrow(ConnectionNotFoundError);
    expect(() => select('Ethernet 2 ')).toThrow(ConnectionNotFoundError);
    const composed = toNetConnection({ ...ETHERNET, name: 'Caf\u00e9' });
    expect(() => selectConnection([composed], parseTarget('Cafe\u0301', { allowConnection: false }))).toThrow(ConnectionNotFoundError);
  });

  it('matches a GUID written any way', () => {
    expect(select('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee').name).toBe('Wi-Fi');
    expect(select('{AaAaAaAa-BbBb-CcCc-DdDd-EeEeEeEeEeEe}').name).toBe('Wi-Fi');
  });
});

describe('findConnection', () => {
  it('returns the decoded connection for a name', async () => {
    const fake = fakeMachine({ connections: ALL });
    await expect(fake.client.findConnection('wi-fi')).resolves.toEqual({
      id: WIFI_GUID,
      name: 'Wi-Fi',
      deviceName: WIFI.deviceName,
      status: 'disconnected',
      statusCode: 0,
      mediaType: 'lan',
      mediaTypeCode: 3,
      characteristics: { value: 0x20011, flags: ['all-users', 'show-icon', 'virtual-station'], bluetooth: 2, lan: 0, unknown: 0 },
    });
    expect(fake.calls).toEqual([{ method: 'list', progId: 'HNetCfg.HNetShare' }]);
  });

  it('finds by a lower-case GUID without braces', async () => {
    const fake = fakeMachine({ connections: ALL });
    const found = await fake.client.findConnection('11111111-2222-3333-4444-555555555555');
    expect(found.name).toBe('Ethernet 2');
  });

  it('rejects an ambiguous name and lists the GUIDs to choose from', async () => {
    const error = await rejectionOf(fakeMachine({ connections: ALL }).client.findConnection('Vpn'), NetConError);
    expect(error).toBeInstanceOf(AmbiguousConnectionError);
    const ambiguous = error as AmbiguousConnectionError;
    expect(ambiguous.code).toBe('ERR_AMBIGUOUS_CONNECTION');
    expect(ambiguous.target).toBe('Vpn');
    expect(ambiguous.candidates).toEqual([VPN_A.id, VPN_B.id]);
    expect(ambiguous.message).toBe(
      `"Vpn" matches 2 network connections: ${VPN_A.id}, ${VPN_B.id}. Pass one of these GUIDs instead of the name.`,
    );
  });

  it('rejects an unknown name', async () => {
    const error = await rejectionOf(fakeMachine({ connections: ALL }).client.findConnection('Bluetooth Network Connection'), NetConError);
    expect(error).toBeInstanceOf(ConnectionNotFoundError);
    expect(error.code).toBe('ERR_CONNECTION_NOT_FOUND');
    expect((error as ConnectionNotFoundError).target).toBe('Bluetooth Network Connection');
    expect(error.message).toBe('No network connection matches "Bluetooth Network Connection".');
  });

  it('rejects an unknown GUID, reporting it in canonical form', async () => {
    const error = await rejectionOf(fakeMachine({ connections: ALL }).client.findConnection('99999999-2222-3333-4444-555555555555'), NetConError);
    expect((error as ConnectionNotFoundError).target).toBe('{99999999-2222-3333-4444-555555555555}');
  });
});

describe.each(['disconnect', 'connect'] as const)('%s', (action) => {
  it('lists, then acts on the GUID of the connection with that name', async () => {
    const fake = fakeMachine({ connections: ALL });
    await expect(fake.client[action]('ethernet 2')).resolves.toMatchObject({ connection: { id: ETHERNET_2_GUID, name: 'Ethernet 2' }, code: 'S_OK' });
    expect(fake.calls).toEqual([
      { method: 'list', progId: 'HNetCfg.HNetShare' },
      { method: action, progId: 'HNetCfg.HNetShare', guid: ETHERNET_2_GUID },
    ]);
  });

  it('goes straight to the native call for a GUID, without braces or in lower case', async () => {
    const fake = fakeMachine({ connections: ALL });
    await fake.client[action]('aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee');
    await fake.client[action]('{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}');
    expect(fake.calls).toEqual([
      { method: action, progId: 'HNetCfg.HNetShare', guid: WIFI_GUID },
      { method: action, progId: 'HNetCfg.HNetShare', guid: WIFI_GUID },
    ]);
  });

  it('takes a connection from listConnections and uses only its id', async () => {
    const fake = fakeMachine({ connections: ALL });
    const [, second] = await fake.client.listConnections();
    await fake.client[action]({ ...second, name: 'not looked at' });
    expect(fake.calls.at(-1)).toEqual({ method: action, progId: 'HNetCfg.HNetShare', guid: ETHERNET_2_GUID });
  });

  it.each([
    [0, 'S_OK'],
    [1, 'S_FALSE'],
    [0x0004a020, 'NETCFG_S_REBOOT'],
    [2, '0x00000002'],
  ])('resolves with the connection and the success HRESULT %s (%s)', async (hresult, code) => {
    // The server answers the GUID in lower case; the result carries it as listConnections does.
    const fake = fakeMachine({
      connections: [{ ...ETHERNET_2, id: ETHERNET_2_GUID.toLowerCase() }],
      successes: [{ on: action, hresult }],
    });
    await expect(fake.client[action](ETHERNET_2_GUID)).resolves.toEqual({ connection: { id: ETHERNET_2_GUID, name: 'Ethernet 2' }, hresult, code });
  });

  it('rejects a GUID the native layer did not find', async () => {
    const fake = fakeMachine({ connections: ALL });
    const error = await rejectionOf(fake.client[action]('{99999999-2222-3333-4444-555555555555}'), NetConError);
    expect(error).toBeInstanceOf(ConnectionNotFoundError);
    expect((error as ConnectionNotFoundError).target).toBe('{99999999-2222-3333-4444-555555555555}');
  });

  it('rejects a name whose connection vanished between the list and the call', async () => {
    const fake = fakeMachine({ connections: ALL, delays: { [action]: 100 } });
    const pending = rejectionOf(fake.client[action]('Ethernet 2'), NetConError);
    await until(() => fake.calls.length === 2);
    expect(fake.machine.removeConnection(ETHERNET_2_GUID)).toBe(true);
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionNotFoundError);
    expect((error as ConnectionNotFoundError).target).toBe('Ethernet 2');
    expect(fake.calls.map((c) => c.method)).toEqual(['list', action]);
  });

  it('rejects an ambiguous or unknown name without calling the action', async () => {
    const fake = fakeMachine({ connections: ALL });
    expect((await rejectionOf(fake.client[action]('VPN'), NetConError)).code).toBe('ERR_AMBIGUOUS_CONNECTION');
    expect((await rejectionOf(fake.client[action]('Nope'), NetConError)).code).toBe('ERR_CONNECTION_NOT_FOUND');
    expect(fake.calls.map((c) => c.method)).toEqual(['list', 'list']);
  });

  it('passes a custom ProgID to every native call', async () => {
    const fake = fakeMachine({ connections: ALL }, 'NetConFake.HNetShare');
    await fake.client[action]('Wi-Fi');
    expect(fake.calls.map((c) => c.progId)).toEqual(['NetConFake.HNetShare', 'NetConFake.HNetShare']);
  });
});

describe('listConnections', () => {
  it('returns every connection, in the order COM enumerated them, with canonical GUIDs', async () => {
    const list = await fakeMachine({ connections: ALL }).client.listConnections();
    expect(list.map((c) => [c.name, c.id])).toEqual([
      ['Ethernet', '{6A1F2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B}'],
      ['Ethernet 2', ETHERNET_2_GUID],
      ['Wi-Fi', WIFI_GUID],
      ['VPN', VPN_A.id],
      ['vpn', VPN_B.id],
    ]);
  });

  it('returns an empty array when there are no connections', async () => {
    await expect(fakeMachine().client.listConnections()).resolves.toEqual([]);
  });
});
