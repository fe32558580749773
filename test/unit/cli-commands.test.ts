// The CLI's commands over netcon/testing's in-memory machine: show, --wait with its
// spinner, per-command help, --all, and a table that stays aligned with wide characters.
import { describe, expect, it } from 'vitest';

import { displayWidth, type CliIo } from '../../src/cli/format';
import { COMMAND_HELP } from '../../src/cli/help';
import { main } from '../../src/cli/main';
import { EXIT_CODES } from '../../src/cli/exit-codes';
import { createFakeClient, type FakeClientOptions } from '../../src/testing';

const ETHERNET = { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet', deviceName: 'Intel(R) I219-V', characteristics: 0x809 };
const TOKYO = { id: '{3C2B1A09-8F7E-4D6C-B5A4-93827160FEDC}', name: 'VPN 東京 🚀', deviceName: 'WAN Miniport', mediaType: 'tunnel' as const, status: 'disconnected' as const };

async function cli(argv: string[], machine: FakeClientOptions = { connections: [ETHERNET, TOKYO] }, isTTY = false) {
  const client = createFakeClient(machine);
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY };
  const exitCode = await main(argv, io, () => client);
  return { exitCode, stdout, stderr, calls: client.calls, client };
}

describe('netcon list', () => {
  it('keeps columns aligned when names hold wide characters and emoji', async () => {
    const { stdout } = await cli(['list']);
    const lines = stdout.trimEnd().split('\n');
    const statusColumn = lines.map((line) => displayWidth(line.slice(0, line.search(/(connected|disconnected|STATUS)/))));
    expect(new Set(statusColumn).size).toBe(1);
    expect(displayWidth('VPN 東京 🚀')).toBe(11);
  });

  it('hides nothing by default, so --all prints the same', async () => {
    const plain = await cli(['list']);
    const all = await cli(['list', '--all']);
    expect(all.stdout).toBe(plain.stdout);
    expect(plain.stdout).toContain('disconnected');
  });
});

describe('netcon show', () => {
  it('prints one connection in full, or as JSON', async () => {
    const text = await cli(['show', 'ethernet']);
    expect(text).toMatchObject({ exitCode: 0, stderr: '' });
    expect(text.stdout).toBe(
      [
        'Name:            Ethernet',
        'Status:          connected (2)',
        'Type:            lan (3)',
        'Device:          Intel(R) I219-V',
        'GUID:            {6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}',
        'Characteristics: 0x00000809 all-users, allow-rename, default',
        '',
      ].join('\n'),
    );
    const json = await cli(['show', TOKYO.id, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'VPN 東京 🚀', status: 'disconnected', mediaType: 'tunnel' });
  });

  it('exits 3 for an unknown connection and 2 for a missing one', async () => {
    expect((await cli(['show', 'Nope'])).exitCode).toBe(EXIT_CODES.CONNECTION_NOT_FOUND);
    expect((await cli(['show'])).exitCode).toBe(EXIT_CODES.USAGE);
    expect((await cli(['show', 'Ethernet', '--wait'])).exitCode).toBe(EXIT_CODES.USAGE);
  });
});

describe('disconnect and connect --wait', () => {
  const settling: FakeClientOptions = { connections: [ETHERNET], settle: { disconnect: 300, connect: 300 } };

  it('waits until Windows reports the end state, and says which', async () => {
    const out = await cli(['disconnect', 'Ethernet', '--wait'], settling);
    expect(out).toMatchObject({ exitCode: 0, stderr: '' });
    expect(out.stdout).toMatch(/^Disconnected "Ethernet": disconnected after \d+\.\d s\.\n$/);
    expect(out.client.connections()[0].status).toBe('disconnected');
  });

  it('takes a time limit in ms, and exits 7 with ERR_TIMEOUT when it passes', async () => {
    const out = await cli(['disconnect', 'Ethernet', '--wait', '100'], settling);
    expect(out.exitCode).toBe(EXIT_CODES.TIMEOUT);
    expect(out.stderr).toMatch(/^netcon: ERR_TIMEOUT: "Ethernet" did not become disconnected or hardware-disabled or media-disconnected within 100 ms; its status was last disconnecting\.\n$/);
  });

  it('draws a spinner with the elapsed time on a terminal, and clears it', async () => {
    const out = await cli(['connect', 'Ethernet', '--wait', '5000'], { ...settling, connections: [{ ...ETHERNET, status: 'disconnected' }] }, true);
    expect(out.exitCode).toBe(0);
    expect(out.stderr).toMatch(/^\r⠋ Connecting "Ethernet"… 0\.0 s\x1b\[K/);
    expect(out.stderr).toMatch(/\r⠙ Connecting "Ethernet"… 0\.[1-9] s/);
    expect(out.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(out.stdout).toMatch(/^Connected "Ethernet": connected after/);
  });

  it('stays quiet on stderr when not on a terminal', async () => {
    expect((await cli(['connect', 'Ethernet', '--wait'], settling)).stderr).toBe('');
  });

  it('rejects a --wait that is not a number of ms, and --wait elsewhere', async () => {
    expect((await cli(['disconnect', 'Ethernet', '--wait=soon'], settling)).exitCode).toBe(EXIT_CODES.USAGE);
    expect((await cli(['disconnect', 'Ethernet', '--wait', '99999999999'], settling)).exitCode).toBe(EXIT_CODES.USAGE);
    const list = await cli(['list', '--wait']);
    expect(list.exitCode).toBe(EXIT_CODES.USAGE);
    expect(list.stderr).toMatch(/--wait does not apply to "netcon list"/);
    expect(list.calls).toEqual([]);
  });

  it('takes the number after --wait as its ms, wherever --wait stands', async () => {
    const out = await cli(['connect', '--wait', '2000', 'Ethernet'], settling);
    expect(out).toMatchObject({ exitCode: 0, stderr: '' });
  });
});

describe('what Windows answered', () => {
  it('adds a line when a disconnect or connect succeeded with something other than S_OK', async () => {
    const reboot = await cli(['disconnect', 'Ethernet'], { connections: [ETHERNET], successes: [{ on: 'disconnect', hresult: 'NETCFG_S_REBOOT' }] });
    expect(reboot).toMatchObject({ exitCode: 0, stderr: '' });
    expect(reboot.stdout).toBe('Disconnected "Ethernet".\nWindows answered NETCFG_S_REBOOT (0x0004A020) rather than S_OK.\n');
    const odd = await cli(['connect', 'Ethernet', '--wait'], { connections: [{ ...ETHERNET, status: 'disconnected' }], successes: [{ on: 'connect', hresult: 2 }] });
    expect(odd.stdout).toMatch(/^Connected "Ethernet": connected after \d\.\d s\.\nWindows answered 0x00000002 rather than S_OK\.\n$/);
    expect((await cli(['disconnect', 'Ethernet'])).stdout).toBe('Disconnected "Ethernet".\n');
  });

  it('resolves the API call with the connection, the HRESULT and its name', async () => {
    const client = createFakeClient({ connections: [ETHERNET], successes: [{ on: 'disconnect', id: ETHERNET.id, hresult: 'S_FALSE' }] });
    expect(await client.disconnect('ethernet')).toEqual({ connection: { id: ETHERNET.id, name: 'Ethernet' }, hresult: 1, code: 'S_FALSE' });
    expect(await client.connect('Ethernet', { wait: true })).toEqual({ connection: { id: ETHERNET.id, name: 'Ethernet', status: 'connected' }, hresult: 0, code: 'S_OK' });
    expect(() => createFakeClient({ successes: [{ on: 'connect', hresult: 0x80004005 }] })).toThrow(/successes\[0\]\.hresult/);
  });
});

describe('--timeout', () => {
  const hung = { connections: [ETHERNET, TOKYO], delays: { list: Infinity, disconnect: Infinity, connect: Infinity } };

  it.each([
    ['list', []],
    ['show', ['Ethernet']],
    ['disconnect', [ETHERNET.id]],
    ['connect', ['Ethernet', '--wait']],
  ])('gives up on a hung "%s" with exit code 7 and one line naming ERR_TIMEOUT', async (command, operands) => {
    const started = performance.now();
    const out = await cli([command, ...operands, '--timeout', '40'], hung);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.exitCode).toBe(EXIT_CODES.TIMEOUT);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^netcon: ERR_TIMEOUT: .* timed out after 40 ms \(timeoutMs\): Windows did not answer in time\.[^\n]*\n$/);
  });

  it('says when Windows may still finish a disconnect it stopped waiting for', async () => {
    const out = await cli(['disconnect', 'Ethernet', '--timeout', '40'], { connections: [ETHERNET], delays: { disconnect: Infinity } });
    expect(out.stderr).toMatch(/It may still complete/);
  });

  it('takes milliseconds from 1 to 2^31-1, checked before any call', async () => {
    for (const value of ['0', '-5', 'soon', '1.5', '2147483648']) {
      const out = await cli(['list', `--timeout=${value}`]);
      expect(out.exitCode).toBe(EXIT_CODES.USAGE);
      expect(out.stderr).toMatch(/--timeout takes milliseconds from 1 to 2147483647/);
      expect(out.calls).toEqual([]);
    }
    expect((await cli(['list', '--timeout', '2147483647'])).exitCode).toBe(0);
  });
});

describe('help', () => {
  it.each(Object.keys(COMMAND_HELP))('netcon %s --help and netcon help %s print that command\'s help', async (command) => {
    const a = await cli([command, '--help']);
    const b = await cli(['help', command]);
    expect(a).toMatchObject({ exitCode: 0, stdout: COMMAND_HELP[command], stderr: '' });
    expect(b.stdout).toBe(COMMAND_HELP[command]);
    expect(a.calls).toEqual([]);
  });

  it('rejects help for an unknown command', async () => {
    expect((await cli(['help', 'fly'])).exitCode).toBe(EXIT_CODES.USAGE);
  });
});

describe('Internet Connection Sharing and rename', () => {
  const VPN = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D01}', name: 'Corp VPN', mediaType: 'phone' as const };
  const HOTSPOT = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D03}', name: 'Local Area Connection* 10' };
  const VIRTUAL = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D05}', name: 'Loopback', shareable: false };
  const shared = { connections: [{ ...ETHERNET, sharing: 'public' as const }, VPN, { ...HOTSPOT, sharing: 'private' as const }, VIRTUAL, { ...TOKYO, sharing: 7 }] };

  it('netcon sharing prints each connection\'s role, "cannot be shared" and unknown types, or JSON', async () => {
    const { exitCode, stdout } = await cli(['sharing'], shared);
    expect(exitCode).toBe(0);
    expect(stdout.split('\n').map((l) => l.replace(/ +/g, ' '))).toEqual([
      'NAME SHARING GUID',
      `Ethernet public ${ETHERNET.id}`,
      `Corp VPN - ${VPN.id}`,
      `Local Area Connection* 10 private ${HOTSPOT.id}`,
      `Loopback cannot be shared ${VIRTUAL.id}`,
      `VPN 東京 🚀 unknown type 7 ${TOKYO.id}`,
      '',
    ]);
    const json = JSON.parse((await cli(['sharing', '--json'], shared)).stdout);
    expect(json[0]).toEqual({ id: ETHERNET.id, name: 'Ethernet', shareable: true, sharing: 'public', sharingType: 0 });
    expect(json[3]).toEqual({ id: VIRTUAL.id, name: 'Loopback', shareable: false, sharing: null });
  });

  it('netcon share unshares the others first and says so', async () => {
    const { exitCode, stdout, client } = await cli(['share', 'corp vpn', HOTSPOT.id], shared);
    expect({ exitCode, stdout }).toEqual({
      exitCode: 0,
      stdout:
        'Sharing is off on "Ethernet" (it was public).\n' +
        'Sharing is off on "VPN 東京 🚀" (it was unknown).\n' +
        'Shared "Corp VPN" (public) to "Local Area Connection* 10" (private).\n',
    });
    expect((await client.listSharing()).map((c) => c.sharing)).toEqual([null, 'public', 'private', null, null]);
  });

  it('netcon share names the step that failed and that the sharing was put back', async () => {
    const machine = { ...shared, failures: [{ on: 'enableSharing' as const, id: VPN.id, hresult: 0x80040201 }] };
    const { exitCode, stderr, client } = await cli(['share', 'Corp VPN', 'Local Area Connection* 10'], machine);
    expect(exitCode).toBe(EXIT_CODES.FAILURE);
    expect(stderr).toMatch(/^netcon: EVENT_E_ALL_SUBSCRIBERS_FAILED: Share "Corp VPN" to "Local Area Connection\* 10" \(step enable-public\) failed: .* The sharing as it was before was put back\.\n$/);
    expect(stderr).toMatch(/SharedAccess/);
    expect((await client.listSharing()).map((c) => c.sharing)).toEqual(['public', null, 'private', null, 'unknown']);
  });

  it('netcon unshare takes one connection or, without one, every shared connection', async () => {
    const one = await cli(['unshare', 'Ethernet'], shared);
    expect(one).toMatchObject({ exitCode: 0, stdout: 'Sharing is off on "Ethernet".\n' });
    const all = await cli(['unshare', '--json'], shared);
    expect(JSON.parse(all.stdout).map((c: { connection: { name: string } }) => c.connection.name)).toEqual(['Ethernet', 'Local Area Connection* 10', 'VPN 東京 🚀']);
    expect((await all.client.listSharing()).every((c) => c.sharing === null)).toBe(true);
    expect((await cli(['unshare'], { connections: [VPN] })).stdout).toBe('No connection was shared.\n');
  });

  it('netcon rename renames, and refuses a taken or bad name before any COM call', async () => {
    const renamed = await cli(['rename', 'Ethernet', 'Wired']);
    expect(renamed).toMatchObject({ exitCode: 0, stdout: 'Renamed "Ethernet" to "Wired".\n' });
    expect((await renamed.client.listConnections()).map((c) => c.name)).toEqual(['Wired', TOKYO.name]);
    const taken = await cli(['rename', 'Ethernet', 'vpn 東京 🚀']);
    expect(taken.exitCode).toBe(EXIT_CODES.FAILURE);
    expect(taken.stderr).toMatch(/^netcon: ERR_CONNECTION_NAME_TAKEN: /);
    expect(taken.calls.some((c) => c.method === 'rename')).toBe(false);
    const bad = await cli(['rename', 'Ethernet', 'a/b']);
    expect(bad.exitCode).toBe(EXIT_CODES.USAGE);
    expect(bad.calls).toEqual([]);
  });

  it('refuses the wrong number of operands and options of other commands', async () => {
    for (const argv of [['share', 'Ethernet'], ['share', 'a', 'b', 'c'], ['rename', 'Ethernet'], ['unshare', 'a', 'b'], ['sharing', 'x'], ['sharing', '--wait'], ['rename', 'a', 'b', '--all']]) {
      const out = await cli(argv);
      expect(out.exitCode, argv.join(' ')).toBe(EXIT_CODES.USAGE);
      expect(out.calls).toEqual([]);
    }
  });
});

describe('netcon delete and duplicate', () => {
  const VPN = { id: '{0A4E2C91-5B7D-4F3A-8E6C-1D2B3A4C5D11}', name: 'Corp VPN', mediaType: 'tunnel' as const, characteristics: 0x2 | 0x4 };
  const entries = { connections: [ETHERNET, VPN] };

  it('netcon delete without --yes changes nothing and asks for --yes with the usage exit code', async () => {
    const out = await cli(['delete', 'Corp VPN'], entries);
    expect(out.exitCode).toBe(EXIT_CODES.USAGE);
    expect(out.stderr).toMatch(/^netcon: ERR_USAGE: deleting "Corp VPN" cannot be undone: nothing was changed\. Confirm with --yes/);
    expect(out.calls).toEqual([]);
    expect(out.client.connections()).toHaveLength(2);
  });

  it('netcon delete --yes deletes the entry, and refuses a LAN connection before any COM call', async () => {
    const deleted = await cli(['delete', 'corp vpn', '--yes'], entries);
    expect(deleted).toMatchObject({ exitCode: 0, stdout: `Deleted "Corp VPN" (${VPN.id}).\n` });
    expect(deleted.client.connections().map((c) => c.name)).toEqual(['Ethernet']);
    const json = await cli(['delete', VPN.id, '--yes', '--json'], entries);
    expect(JSON.parse(json.stdout)).toEqual({ connection: { id: VPN.id, name: 'Corp VPN' } });
    const lan = await cli(['delete', 'Ethernet', '--yes'], entries);
    expect(lan.exitCode).toBe(EXIT_CODES.FAILURE);
    expect(lan.stderr).toMatch(/^netcon: ERR_CONNECTION_NOT_REMOVABLE: "Ethernet" cannot be deleted/);
    expect(lan.calls.every((c) => c.method === 'list')).toBe(true);
  });

  it('netcon duplicate prints the copy, or it in full with --json', async () => {
    const copied = await cli(['duplicate', 'Corp VPN', 'Corp VPN copy'], entries);
    const copy = copied.client.connections()[2];
    expect(copied).toMatchObject({ exitCode: 0, stdout: `Duplicated "Corp VPN" as "Corp VPN copy" (${copy.id}).\n` });
    const json = await cli(['duplicate', 'Corp VPN', 'Second', '--json'], entries);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'Second', mediaType: 'tunnel', status: 'disconnected', characteristics: { value: 6 } });
    const lan = await cli(['duplicate', 'Ethernet', 'Wired'], entries);
    expect(lan.stderr).toMatch(/^netcon: ERR_CONNECTION_NOT_DUPLICABLE: /);
    expect(lan.exitCode).toBe(EXIT_CODES.FAILURE);
  });

  it('refuses the wrong number of operands and options they do not take', async () => {
    for (const argv of [['delete'], ['delete', 'a', 'b', '--yes'], ['duplicate', 'Corp VPN'], ['duplicate', 'a', 'b', 'c'], ['duplicate', 'a', 'b', '--yes'], ['delete', 'a', '--wait']]) {
      const out = await cli(argv, entries);
      expect(out.exitCode, argv.join(' ')).toBe(EXIT_CODES.USAGE);
      expect(out.calls).toEqual([]);
    }
    expect(COMMAND_HELP.delete).toMatch(/cannot be undone/);
    expect(COMMAND_HELP.duplicate).toMatch(/allow-duplication/);
  });
});
