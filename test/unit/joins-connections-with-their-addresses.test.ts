// listConnections({ details: true }), findConnection and watch() with details, through
// netcon/testing's machine, which answers the adapter read with the plain data the addon reads
// from GetAdaptersAddresses and GetIpForwardTable2: the join by GUID, which connection holds the
// Internet, null for a connection with no adapter, the option's checks, the shared deadline, a
// failure naming its step, a change of addresses seen by watch(), and the CLI's --details.
import { describe, expect, it } from 'vitest';

import type { CliIo } from '../../src/cli/format';
import { main } from '../../src/cli/main';
import { internetGuids, joinDetails } from '../../src/details';
import type { ConnectionChange } from '../../src/index';
import type { NativeAdapter } from '../../src/native';
import { createFakeClient, type FakeClientOptions, type FakeConnectionInput } from '../../src/testing';

const ETHERNET: FakeConnectionInput = {
  id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}',
  name: 'Ethernet',
  details: {
    ifIndex: 12,
    mac: '00-1A-2B-3C-4D-5E',
    mtu: 1500,
    ipv4: [{ address: '192.168.1.20', prefixLength: 24 }],
    ipv6: [{ address: 'fe80::1c2d:3e4f:5a6b:7c8d', prefixLength: 64 }],
    gateways: ['192.168.1.1'],
    dnsServers: ['192.168.1.1'],
    dnsSuffix: 'home.example',
  },
};
// Wi-Fi has a gateway too, but a higher interface metric: Windows prefers Ethernet.
const WIFI: FakeConnectionInput = {
  id: '{0F1E2D3C-4B5A-4697-8877-665544332211}',
  name: 'Wi-Fi',
  details: { ifIndex: 7, mac: 'aa:bb:cc:dd:ee:ff', ipv4: [{ address: '10.0.0.5', prefixLength: 8 }], gateways: ['10.0.0.1'], interfaceMetric: 35 },
};
const VPN: FakeConnectionInput = { id: '{A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}', name: 'Office VPN', mediaType: 'tunnel', status: 'disconnected' };

const machine = (extra: Partial<FakeClientOptions> = {}) => createFakeClient({ connections: [ETHERNET, WIFI, VPN], ...extra });

describe('listConnections({ details: true })', () => {
  it('gives each connection its interface, joined by GUID, and null to one with no adapter', async () => {
    const client = machine();
    const [ethernet, wifi, vpn] = await client.listConnections({ details: true });
    expect(ethernet.details).toEqual({
      ifIndex: 12,
      luid: String((6n << 48n) | (12n << 24n)),
      mac: '00:1a:2b:3c:4d:5e',
      mtu: 1500,
      transmitLinkSpeed: 1e9,
      receiveLinkSpeed: 1e9,
      operStatus: 'up',
      ipv4: [{ address: '192.168.1.20', prefixLength: 24 }],
      ipv6: [{ address: 'fe80::1c2d:3e4f:5a6b:7c8d', prefixLength: 64 }],
      gateways: ['192.168.1.1'],
      dnsServers: ['192.168.1.1'],
      dnsSuffix: 'home.example',
      internet: true,
    });
    expect(wifi.details).toMatchObject({ mac: 'aa:bb:cc:dd:ee:ff', internet: false });
    expect(vpn.details).toBeNull();
    expect(client.calls.map((c) => c.method)).toEqual(['list', 'adapters']);
  });

  it('makes no IP Helper call without details: true, and adds no details property', async () => {
    const client = machine();
    const plain = await client.listConnections();
    const off = await client.listConnections({ details: false });
    await client.findConnection('Ethernet');
    expect(plain.some((c) => 'details' in c)).toBe(false);
    expect(off).toEqual(plain);
    expect(client.calls.map((c) => c.method)).toEqual(['list', 'list', 'list']);
  });

  it('findConnection gives the one connection with its details', async () => {
    const client = machine();
    expect((await client.findConnection('wi-fi', { details: true })).details).toMatchObject({ ifIndex: 7 });
    expect((await client.findConnection(VPN.id, { details: true })).details).toBeNull();
  });

  it('rejects a details option that is not a boolean before any call', async () => {
    const client = machine();
    for (const details of ['yes', 1, null, {}]) {
      await expect(client.listConnections({ details } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"options.details"') });
      await expect(client.findConnection('Ethernet', { details } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      expect(() => client.watch({ details } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
    expect(client.calls).toEqual([]);
  });

  it('reports a failing adapter read as a typed error naming its step', async () => {
    const client = machine({ failures: [{ on: 'adapters', hresult: 'E_OUTOFMEMORY' }] });
    await expect(client.listConnections({ details: true })).rejects.toMatchObject({ code: 'E_OUTOFMEMORY', step: 'GetAdaptersAddresses', operation: 'list' });
    client.setFailures([{ on: 'adapters', hresult: 0x80070032, step: 'GetIpForwardTable2' }]);
    await expect(client.findConnection('Ethernet', { details: true })).rejects.toMatchObject({ step: 'GetIpForwardTable2', hresult: 0x80070032, operation: 'find' });
    // Without details the adapter read is not made, so it cannot fail.
    await expect(client.listConnections()).resolves.toHaveLength(3);
  });

  it('shares one deadline between the list and the adapter read', async () => {
    const client = machine({ delays: { list: 30, adapters: 60 } });
    await expect(client.listConnections({ details: true, timeoutMs: 50 })).rejects.toMatchObject({ code: 'ERR_TIMEOUT', operation: 'list' });
    expect(client.calls.map((c) => c.method)).toEqual(['list', 'adapters']);
    const aborted = new AbortController();
    const pending = client.listConnections({ details: true, signal: aborted.signal });
    setTimeout(() => aborted.abort(), 40);
    await expect(pending).rejects.toMatchObject({ code: 'ABORT_ERR' });
  });
});

describe('which connection holds the Internet', () => {
  const adapter = (guid: string, luid: string, metrics: Partial<NativeAdapter> = {}): NativeAdapter => ({
    guid,
    ifIndex: 1,
    ipv6IfIndex: 1,
    luid,
    physicalAddress: [],
    mtu: 1500,
    transmitLinkSpeed: null,
    receiveLinkSpeed: null,
    operStatus: 1,
    ipv4Metric: 25,
    ipv6Metric: 25,
    ipv4: [],
    ipv6: [],
    gateways: [],
    dnsServers: [],
    dnsSuffix: '',
    ...metrics,
  });
  const A = '{00000000-0000-0000-0000-00000000000A}';
  const B = '{00000000-0000-0000-0000-00000000000B}';

  it('ranks a default route by its metric plus its interface metric for that family', () => {
    // A's route is cheaper (0 < 10) but its interface metric is not: 0 + 50 > 10 + 5.
    const reading = {
      adapters: [adapter(A, '1', { ipv4Metric: 50 }), adapter(B, '2', { ipv4Metric: 5 })],
      defaultRoutes: [
        { luid: '1', ifIndex: 1, family: 4 as const, nextHop: '10.0.0.1', metric: 0 },
        { luid: '2', ifIndex: 2, family: 4 as const, nextHop: '10.1.0.1', metric: 10 },
      ],
    };
    expect([...internetGuids(reading)]).toEqual([B]);
  });

  it('counts IPv6 default routes with the IPv6 metric, leaves out interfaces that are down, and marks ties', () => {
    const reading = {
      adapters: [adapter(A, '1', { ipv6Metric: 5, ipv4Metric: 100 }), adapter(B.toLowerCase(), '2', { ipv4Metric: 5 }), adapter('{00000000-0000-0000-0000-00000000000C}', '3', { operStatus: 2, ipv4Metric: 0 })],
      defaultRoutes: [
        { luid: '1', ifIndex: 1, family: 6 as const, nextHop: 'fe80::1', metric: 0 },
        { luid: '2', ifIndex: 2, family: 4 as const, nextHop: '0.0.0.0', metric: 0 },
        { luid: '3', ifIndex: 3, family: 4 as const, nextHop: '10.2.0.1', metric: 0 },
      ],
    };
    expect([...internetGuids(reading)].sort()).toEqual([A, B]);
    const joined = joinDetails([{ id: B } as never], reading);
    expect(joined[0].details?.internet).toBe(true);
  });

  it('marks no connection when no interface that is up has a default route', () => {
    expect(internetGuids({ adapters: [adapter(A, '1')], defaultRoutes: [] }).size).toBe(0);
  });
});

describe('the testing fake\'s interfaces', () => {
  it('lets a test change a connection\'s addresses, and take its interface away', async () => {
    const client = machine();
    client.updateConnection(WIFI.id, { details: { ipv4: [{ address: '10.0.0.9', prefixLength: 8 }] } });
    const wifi = await client.findConnection('Wi-Fi', { details: true });
    // Merged: the rest of its interface stays.
    expect(wifi.details).toMatchObject({ ipv4: [{ address: '10.0.0.9', prefixLength: 8 }], mac: 'aa:bb:cc:dd:ee:ff', gateways: ['10.0.0.1'] });
    client.updateConnection(WIFI.id, { details: null });
    expect((await client.findConnection('Wi-Fi', { details: true })).details).toBeNull();
    client.addConnection({ id: '{11111111-2222-4333-8444-555555555555}', name: 'USB', details: { mac: '02:00:00:00:00:01' } });
    expect((await client.findConnection('USB', { details: true })).details).toMatchObject({ mac: '02:00:00:00:00:01', ipv4: [], internet: false });
  });

  it('refuses details it cannot follow', () => {
    expect(() => createFakeClient({ connections: [{ ...ETHERNET, details: { mac: 'nope' } }] })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => createFakeClient({ connections: [{ ...ETHERNET, details: { ipv4: [{ address: '1.2.3.4', prefixLength: 33 }] } }] })).toThrow(/prefixLength/);
  });
});

describe('watch({ details: true })', () => {
  it('reports a change of addresses as changed, with the details before and after', async () => {
    const client = machine();
    const controller = new AbortController();
    const iterator = client.watch({ details: true, signal: controller.signal, intervalMs: 10_000 })[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.updateConnection(ETHERNET.id, { details: { ipv4: [{ address: '192.168.1.77', prefixLength: 24 }] } });
    const change = (await first).value as ConnectionChange;
    controller.abort();
    expect(change).toMatchObject({
      type: 'changed',
      connection: { name: 'Ethernet', details: { ipv4: [{ address: '192.168.1.77', prefixLength: 24 }] } },
      previous: { name: 'Ethernet', details: { ipv4: [{ address: '192.168.1.20', prefixLength: 24 }] } },
    });
  });

  it('without details sees no change when only addresses change, and reads no interfaces', async () => {
    const client = machine();
    const controller = new AbortController();
    const iterator = client.watch({ signal: controller.signal, intervalMs: 10_000 })[Symbol.asyncIterator]();
    const next = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.updateConnection(ETHERNET.id, { details: { ipv4: [{ address: '192.168.1.77', prefixLength: 24 }] } });
    client.updateConnection(VPN.id, { status: 'connected' });
    expect(await next).toMatchObject({ value: { type: 'changed', connection: { name: 'Office VPN' } } });
    controller.abort();
    expect(client.calls.some((c) => c.method === 'adapters')).toBe(false);
  });
});

describe('netcon list --details and show --details', () => {
  async function cli(argv: string[]) {
    const client = machine();
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
    const exitCode = await main(argv, io, () => client);
    return { exitCode, stdout, stderr };
  }

  it('lists the addresses, gateway and Internet per connection, and "no adapter" for one without', async () => {
    const { exitCode, stdout } = await cli(['list', '--details']);
    expect(exitCode).toBe(0);
    expect(stdout.split('\n').map((l) => l.replace(/ {2,}/g, ' | '))).toEqual([
      'NAME | STATUS | IPV4 | IPV6 | GATEWAY | INTERNET | GUID',
      'Ethernet | connected | 192.168.1.20/24 | fe80::1c2d:3e4f:5a6b:7c8d/64 | 192.168.1.1 | yes | {6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}',
      'Wi-Fi | connected | 10.0.0.5/8 | - | 10.0.0.1 | no | {0F1E2D3C-4B5A-4697-8877-665544332211}',
      'Office VPN | disconnected | no adapter | - | - | - | {A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF}',
      '',
    ]);
    const json = JSON.parse((await cli(['list', '--details', '--json'])).stdout);
    expect(json.map((c: { details: unknown }) => c.details === null)).toEqual([false, false, true]);
  });

  it('shows one connection\'s interface in full, and says when it has none', async () => {
    const { stdout } = await cli(['show', 'Ethernet', '--details']);
    expect(stdout).toContain('MAC:             00:1a:2b:3c:4d:5e\n');
    expect(stdout).toContain('Link speed:      1 Gbit/s transmit, 1 Gbit/s receive\n');
    expect(stdout).toContain('IPv4:            192.168.1.20/24\n');
    expect(stdout).toContain('Internet:        yes');
    expect((await cli(['show', 'Office VPN', '--details'])).stdout).toContain('Interface:       none: Windows has no interface for it now\n');
    const json = JSON.parse((await cli(['show', 'Ethernet', '--details', '--json'])).stdout);
    expect(json.details.gateways).toEqual(['192.168.1.1']);
  });

  it('refuses --details on a command that does not take it', async () => {
    expect((await cli(['sharing', '--details'])).exitCode).toBe(2);
  });
});
