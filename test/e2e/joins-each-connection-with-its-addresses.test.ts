// listConnections({ details: true }) under Wine, whose GetAdaptersAddresses and
// GetIpForwardTable2 report this Linux machine's real interfaces and routes, each interface
// with a GUID of Wine's making. The interface that holds Linux's default route is found from
// Linux (ip, /sys/class/net), its GUID from Wine's WMI (matched by MAC), both without netcon;
// a fake-server connection is given that GUID, and netcon must report for it what Linux
// reports: addresses, prefix lengths, MAC, MTU, gateway, and that it holds the Internet. A
// second connection with a GUID no interface has (a VPN that is not connected) gets null.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { vpn } from '../../wine/connections';
import { native, wineEnv, wineTool } from '../../wine/environment';
import { createFakeClient } from '../../src/testing';
import { cliInWine, inWine, type FakeConnection } from '../../wine/run';

interface LinuxInterface {
  name: string;
  mac: string;
  mtu: number;
  gateway: string;
  ipv4: { address: string; prefixLength: number }[];
  ipv6: { address: string; prefixLength: number }[];
}

interface IpAddr {
  addr_info: { family: string; local: string; prefixlen: number; scope: string }[];
}

// The interface of Linux's default route, as Linux reports it. A machine without one cannot
// show what this file tests: that is a failure with its reason, not a skip.
function linuxDefaultInterface(): LinuxInterface {
  const ip = (...args: string[]) => JSON.parse(execFileSync('ip', ['-j', ...args], { encoding: 'utf8' }) || '[]');
  const routes = ip('route', 'show', 'default') as { dev?: string; gateway?: string }[];
  const route = routes.find((r) => r.dev && r.gateway);
  if (!route?.dev || !route.gateway) {
    throw new Error(`this machine has no IPv4 default route through a gateway (ip -j route show default: ${JSON.stringify(routes)}); the test needs one to compare Wine's report with`);
  }
  const name = route.dev;
  const [addr] = ip('addr', 'show', 'dev', name) as IpAddr[];
  const sys = (file: string) => readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  // Global and link-local (fe80::…) addresses: Windows, and Wine, report both.
  const of = (family: string) =>
    addr.addr_info.filter((a) => a.family === family && (a.scope === 'global' || a.scope === 'link')).map((a) => ({ address: a.local, prefixLength: a.prefixlen }));
  const ipv4 = of('inet');
  if (ipv4.length === 0) throw new Error(`${name}, the interface of the default route, has no IPv4 address`);
  return { name, mac: sys('address').toLowerCase(), mtu: Number(sys('mtu')), gateway: route.gateway, ipv4, ipv6: of('inet6') };
}

// The GUID Wine gives that interface, from its WMI (wmic), matched by MAC: no netcon involved.
function wineGuidOf(mac: string): string {
  const [file, args] = wineTool('wine', ['wmic', 'path', 'Win32_NetworkAdapter', 'get', 'GUID,MACAddress']);
  // Into a file, not a pipe: the Wine services wmic starts keep a pipe open after it exits.
  const saved = join(mkdtempSync(join(tmpdir(), 'netcon-wmic-')), 'out.txt');
  execFileSync('sh', ['-c', 'exec "$0" "$@" >"$OUT" 2>/dev/null', file, ...args], { env: { ...wineEnv('hnetshare'), OUT: saved }, stdio: 'ignore', timeout: 60_000 });
  // Redirected, wmic writes UTF-16 with a byte order mark.
  const raw = readFileSync(saved);
  const out = raw[0] === 0xff && raw[1] === 0xfe ? raw.subarray(2).toString('utf16le') : raw.toString('utf8');
  const rows = out.split(/\r?\n/).map((line) => line.trim().split(/\s+/));
  const row = rows.find((cells) => cells.some((cell) => cell.toLowerCase() === mac));
  const guid = row?.find((cell) => /^\{[0-9A-F-]{36}\}$/i.test(cell));
  if (!guid) throw new Error(`Wine's WMI lists no adapter with MAC ${mac}:\n${out}`);
  return guid.toUpperCase();
}

describe.runIf(!native)('each connection joined with its addresses, under Wine', () => {
  let linux: LinuxInterface;
  let ethernet: FakeConnection;
  const notConnectedVpn: FakeConnection = { ...vpn, name: 'Office VPN' };
  let connections: FakeConnection[];
  // What the addon listed with details, for the testing fake to match.
  let listedByAddon: unknown[] | undefined;

  beforeAll(() => {
    linux = linuxDefaultInterface();
    ethernet = { id: wineGuidOf(linux.mac), name: 'Ethernet', deviceName: 'Wine adapter', status: 2, mediaType: 3 };
    connections = [ethernet, notConnectedVpn];
  });

  // What netcon must report for the interface, whatever else Wine adds (its link-local IPv6 address).
  const expectLinuxFacts = (details: Record<string, unknown>) => {
    expect(details).toMatchObject({ mac: linux.mac, mtu: linux.mtu, operStatus: 'up', internet: true });
    expect(details.ipv4).toEqual(linux.ipv4);
    expect(details.ipv6).toEqual(expect.arrayContaining(linux.ipv6));
    expect(details.ipv6).toHaveLength(linux.ipv6.length);
    expect(details.gateways).toContain(linux.gateway);
    expect(details.luid).toMatch(/^\d+$/);
    expect(details.ifIndex).toBeGreaterThan(0);
  };

  it('gives the connection with an interface its addresses, MAC, MTU, gateway and internet: true, and null to one without', async () => {
    const { value, live } = await inWine({ fake: { connections } }, async (netcon, t) => ({
      plain: await netcon.listConnections(),
      detailed: await netcon.listConnections({ details: true }),
      found: await netcon.findConnection('ethernet', { details: true }),
      badOption: await t.capture(netcon.listConnections({ details: 'yes' as unknown as boolean })),
      live: t.live(),
    }));
    expect(value.plain.map((c) => 'details' in c)).toEqual([false, false]);
    listedByAddon = value.detailed;
    const [eth, other] = value.detailed;
    expect(eth.id).toBe(ethernet.id);
    expectLinuxFacts(eth.details as unknown as Record<string, unknown>);
    expect(other).toMatchObject({ id: notConnectedVpn.id, details: null });
    expect(value.found).toEqual(eth);
    expect(value.badOption).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_TYPE' } });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('netcon show --details --json prints the same details, and netcon list --details a table with the addresses', async () => {
    const show = await cliInWine(['show', ethernet.id, '--details', '--json'], { fake: { connections } });
    expect(show.stderr).toBe('');
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout);
    expectLinuxFacts(shown.details);

    const text = await cliInWine(['show', 'Ethernet', '--details'], { fake: { connections } });
    expect(text.code).toBe(0);
    for (const { address, prefixLength } of linux.ipv4) expect(text.stdout).toContain(`${address}/${prefixLength}`);
    expect(text.stdout).toMatch(new RegExp(`MAC:\\s+${linux.mac}`));
    expect(text.stdout).toMatch(/Internet:\s+yes/);

    const list = await cliInWine(['list', '--details'], { fake: { connections } });
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+IPV4\s+IPV6\s+GATEWAY\s+INTERNET\s+GUID$/);
    const ethLine = lines.find((l) => l.startsWith('Ethernet'));
    expect(ethLine).toContain(`${linux.ipv4[0].address}/${linux.ipv4[0].prefixLength}`);
    expect(ethLine).toContain(linux.gateway);
    expect(ethLine).toMatch(/\syes\s/);
    expect(lines.find((l) => l.startsWith('Office VPN'))).toMatch(/no adapter/);

    const json = await cliInWine(['list', '--details', '--json'], { fake: { connections } });
    const listed = JSON.parse(json.stdout);
    expectLinuxFacts(listed[0].details);
    expect(listed[1].details).toBeNull();
    expect(show.live).toEqual({});
    expect(list.live).toEqual({});
  });

  it('netcon/testing, given the interface the addon reported, lists the same connections', async () => {
    if (!listedByAddon) throw new Error('the first test did not list');
    const [eth] = listedByAddon as { details: Record<string, never> }[];
    const { ifIndex, luid, mac, mtu, transmitLinkSpeed, receiveLinkSpeed, ipv4, ipv6, gateways, dnsServers, dnsSuffix } = eth.details;
    const client = createFakeClient({
      connections: [
        { ...ethernet, status: 'connected', mediaType: 'lan', details: { ifIndex, luid, mac, mtu, transmitLinkSpeed, receiveLinkSpeed, ipv4, ipv6, gateways, dnsServers, dnsSuffix } },
        { ...notConnectedVpn, status: 'disconnected', mediaType: 'tunnel' },
      ],
    });
    expect(await client.listConnections({ details: true })).toEqual(listedByAddon);
  });
});
