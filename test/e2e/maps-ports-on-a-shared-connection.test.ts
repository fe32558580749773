// Port mappings through the real COM runtime: Windows node.exe under Wine, netcon's addon and
// the fake HNetShare's INetSharingPortMappingCollection, INetSharingPortMapping and
// INetSharingPortMappingProps, which keep the rules as the test server guesses Windows has them
// (a new mapping disabled, one mapping per protocol and external port, only on the connection
// shared as public). Each scenario checks the fake's record of the calls and that no object
// stays alive; the mappings are shared with the next process given the same config file.
import { describe, expect, it } from 'vitest';
import { ethernet, vpn } from '../../wine/connections';
import { cliInWine, inWine, type FakeConnection } from '../../wine/run';

const GAME = { name: 'Game server', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' } as const;
const WEB = { name: 'Web', protocol: 'tcp', externalPort: 8080, internalPort: 80, targetName: 'printer', enabled: true } as const;
// Shared as public, with a mapping; Ethernet is shared as private and has none.
const VPN: FakeConnection = { ...vpn, sharing: 'public', portMappings: [GAME] };
const ETHERNET: FakeConnection = { ...ethernet, sharing: 'private' };
const machine = [ETHERNET, VPN];

const changes = (calls: { method: string; id: string; hresult: number }[]) =>
  calls
    .filter((c) => ['AddPortMapping', 'RemovePortMapping', 'PortMapping.Enable', 'PortMapping.Disable', 'PortMapping.Delete'].includes(c.method))
    .map((c) => [c.method, c.hresult]);

describe('port mappings under Wine', () => {
  it('lists, adds (disabled, or enabled when asked), enables, disables and removes, leaking nothing', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, input) => {
      const before = await netcon.listPortMappings(input.vpn);
      const added = await netcon.addPortMapping(input.vpn, input.web);
      const disabledOne = await netcon.addPortMapping(input.vpn, { ...input.web, name: 'Web 2', externalPort: 8081, enabled: undefined });
      const enabled = await netcon.enablePortMapping(input.vpn, 'Game server');
      const disabled = await netcon.disablePortMapping(input.vpn, { protocol: 'TCP', externalPort: 8080 });
      const removed = await netcon.removePortMapping(input.vpn, 'Web 2');
      const after = await netcon.listPortMappings(input.vpn);
      return { before, added, disabledOne, enabled, disabled, removed, after, live: t.live() };
    }, { vpn: vpn.name, web: WEB });
    expect(value.before).toEqual([
      { name: 'Game server', protocol: 'udp', ipProtocol: 17, externalPort: 47123, internalPort: 47124, options: 0, targetName: '', targetIPAddress: '192.168.137.20', enabled: false },
    ]);
    expect(value.added).toEqual({ name: 'Web', protocol: 'tcp', ipProtocol: 6, externalPort: 8080, internalPort: 80, options: 0, targetName: 'printer', targetIPAddress: '', enabled: true });
    expect(value.disabledOne).toMatchObject({ name: 'Web 2', externalPort: 8081, enabled: false });
    expect(value.enabled).toMatchObject({ name: 'Game server', enabled: true });
    expect(value.disabled).toMatchObject({ name: 'Web', enabled: false });
    expect(value.removed).toMatchObject({ name: 'Web 2', externalPort: 8081 });
    expect(value.after.map((m) => [m.name, m.externalPort, m.enabled])).toEqual([['Game server', 47123, true], ['Web', 8080, false]]);
    expect(changes(calls)).toEqual([
      ['AddPortMapping', 0],
      ['PortMapping.Enable', 0],
      ['AddPortMapping', 0],
      ['PortMapping.Enable', 0],
      ['PortMapping.Disable', 0],
      ['RemovePortMapping', 0],
    ]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('shows one process’s mappings to a process started afterwards, and that one’s removal to a third', async () => {
    const first = await inWine({ fake: { connections: machine } }, async (netcon, _t, input) => {
      await netcon.addPortMapping(input.vpn, input.web);
      return (await netcon.listPortMappings(input.vpn)).map((m) => m.name);
    }, { vpn: vpn.id, web: WEB });
    const second = await inWine({ configFile: first.config }, async (netcon, _t, input) => {
      const seen = (await netcon.listPortMappings(input.vpn)).map((m) => [m.name, m.enabled]);
      await netcon.removePortMapping(input.vpn, 'Game server');
      return seen;
    }, { vpn: vpn.id });
    const third = await inWine({ configFile: first.config }, async (netcon, _t, input) => (await netcon.listPortMappings(input.vpn)).map((m) => m.name), { vpn: vpn.id });
    expect(first.value).toEqual(['Game server', 'Web']);
    expect(second.value).toEqual([['Game server', false], ['Web', true]]);
    expect(third.value).toEqual(['Web']);
    for (const run of [first, second, third]) expect(run.live).toEqual({});
  });

  it('refuses, with typed errors and without a change, what Windows would refuse or what is not there', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: [...machine, { ...ethernet, id: '{11111111-2222-4333-8444-555555555555}', name: 'Loopback' }], hresults: [{ method: 'INetSharingConfigurationForINetConnection', hresult: 0x80004002, id: '{11111111-2222-4333-8444-555555555555}' }] } }, async (netcon, t, input) => ({
      taken: await t.capture(netcon.addPortMapping(input.vpn, { ...input.game, name: 'Again' })),
      notPublic: await t.capture(netcon.addPortMapping('Ethernet', input.game)),
      missing: await t.capture(netcon.enablePortMapping(input.vpn, 'Nope')),
      unshareable: await t.capture(netcon.listPortMappings('Loopback')),
      noConnection: await t.capture(netcon.listPortMappings('No such connection')),
      badPort: await t.capture(netcon.addPortMapping(input.vpn, { ...input.game, externalPort: 70000 })),
      live: t.live(),
    }), { vpn: vpn.name, game: GAME });
    expect(value.taken).toMatchObject({ ok: false, error: { code: 'ERR_PORT_MAPPING_EXISTS', connection: { id: vpn.id, name: vpn.name }, mapping: { name: 'Game server', externalPort: 47123 } } });
    expect(value.notPublic).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_SHARED_AS_PUBLIC', sharing: 'private' } });
    expect(value.missing).toMatchObject({ ok: false, error: { code: 'ERR_PORT_MAPPING_NOT_FOUND' } });
    expect(value.unshareable).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_SHAREABLE' } });
    expect(value.noConnection).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(value.badPort).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_VALUE' } });
    expect(changes(calls)).toEqual([]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('names the HRESULT, its value, the step and the connection when Windows refuses anyway', async () => {
    const { value, live } = await inWine(
      { fake: { connections: machine, hresults: [{ method: 'AddPortMapping', hresult: 0x80040201 }, { method: 'RemovePortMapping', hresult: 0x80071392 }] } },
      async (netcon, t, input) => ({
        service: await t.capture(netcon.addPortMapping(input.vpn, input.web)),
        remove: await t.capture(netcon.removePortMapping(input.vpn, 'Game server')),
        live: t.live(),
      }),
      { vpn: vpn.name, web: WEB },
    );
    expect(value.service).toMatchObject({
      ok: false,
      error: { code: 'EVENT_E_ALL_SUBSCRIBERS_FAILED', hresult: 0x80040201, step: 'INetSharingConfiguration::AddPortMapping', operation: 'addPortMapping', connection: { id: vpn.id, name: vpn.name }, classes: expect.arrayContaining(['SharingServiceError']) },
    });
    expect((value.service as { error: { message: string } }).error.message).toMatch(/^Add a port mapping to "Bureau VPN.*" failed: EVENT_E_ALL_SUBSCRIBERS_FAILED \(0x80040201\) at INetSharingConfiguration::AddPortMapping/);
    expect(value.remove).toMatchObject({ ok: false, error: { code: 'E_UNKNOWN_HRESULT', hresult: 0x80071392, step: 'INetSharingConfiguration::RemovePortMapping', operation: 'removePortMapping' } });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('refuses, when Windows answers that the key is taken, with PortMappingExistsError carrying its answer', async () => {
    // A mapping another process added between netcon's read and its AddPortMapping.
    const { value } = await inWine({ fake: { connections: machine, hresults: [{ method: 'AddPortMapping', hresult: 0x80071392 }] } }, async (netcon, t, input) => t.capture(netcon.addPortMapping(input.vpn, input.web)), { vpn: vpn.name, web: WEB });
    expect(value).toMatchObject({ ok: false, error: { code: 'ERR_PORT_MAPPING_EXISTS', hresult: 0x80071392, step: 'INetSharingConfiguration::AddPortMapping' } });
  });

  it('prints netcon ports as a table and JSON, and changes mappings from the command line', async () => {
    const table = await cliInWine(['ports'], { fake: { connections: machine } });
    expect({ code: table.code, stderr: table.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = table.stdout.trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^CONNECTION\s+NAME\s+PROTOCOL\s+EXTERNAL\s+INTERNAL\s+TARGET\s+ENABLED$/);
    expect(lines[1]).toMatch(/^Bureau VPN.*\s+Game server\s+UDP\s+47123\s+47124\s+192\.168\.137\.20\s+no$/);
    expect(lines).toHaveLength(2);
    const json = await cliInWine(['ports', vpn.id, '--json'], { fake: { connections: machine } });
    expect(JSON.parse(json.stdout)).toEqual([{ connection: { id: vpn.id, name: vpn.name }, mappings: [expect.objectContaining({ name: 'Game server', externalPort: 47123 })] }]);
    const add = await cliInWine(['ports', 'add', vpn.id, '--name', 'Web', '--protocol', 'tcp', '--external', '8080', '--internal', '80', '--target-name', 'printer', '--enable'], { configFile: table.config });
    expect({ code: add.code, stdout: add.stdout, stderr: add.stderr }).toEqual({ code: 0, stdout: `Added "Web" (TCP 8080 -> printer:80) on "${vpn.id}".\n`, stderr: '' });
    const taken = await cliInWine(['ports', 'add', vpn.id, '--name', 'Again', '--protocol', 'tcp', '--external', '8080', '--internal', '81', '--target-ip', '192.168.137.21'], { configFile: table.config });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^netcon: ERR_PORT_MAPPING_EXISTS: /);
    const remove = await cliInWine(['ports', 'remove', vpn.id, '--protocol', 'udp', '--external', '47123'], { configFile: table.config });
    expect(remove.code).toBe(0);
    const after = await cliInWine(['ports'], { configFile: table.config });
    expect(after.stdout.trimEnd().split(/\r?\n/).slice(1).map((l) => l.split(/\s{2,}/).slice(1))).toEqual([['Web', 'TCP', '8080', '80', 'printer', 'yes']]);
    for (const run of [table, json, add, taken, remove, after]) expect(run.live).toEqual({});
  });
});
