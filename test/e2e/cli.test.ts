import { describe, expect, it } from 'vitest';
import { ethernet, machine, vpn } from '../../wine/connections';
import { displayWidth } from '../../src/cli/format';
import { slowdown } from '../../wine/environment';
import { cliInWine } from '../../wine/run';

describe('the netcon CLI in Windows node.exe under Wine', () => {
  it('lists connections as an aligned table', async () => {
    const out = await cliInWine(['list'], { fake: { connections: machine } });
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^NAME\s+STATUS\s+TYPE\s+DEVICE\s+GUID$/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^Ethernet\s+connected\s+lan\s+Intel\(R\) Ethernet Connection \(7\) I219-V\s+\{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A\}$/);
    // Columns line up on a terminal: every GUID starts at the same display column, the
    // VPN's name with its CJK characters and emoji included.
    const guidColumn = lines[0].indexOf('GUID');
    for (const line of lines.slice(1)) expect(displayWidth(line.slice(0, line.indexOf('{')))).toBe(guidColumn);
    expect(lines[4]).toContain(vpn.name);
    expect(out.live).toEqual({});
  });

  it('prints JSON with --json', async () => {
    const out = await cliInWine(['list', '--json'], { fake: { connections: machine } });
    expect(out.code).toBe(0);
    const list = JSON.parse(out.stdout);
    expect(list.map((c: { id: string }) => c.id)).toEqual(machine.map((c) => c.id.toUpperCase()));
    expect(list[3].name).toBe(vpn.name);
  });

  it('disconnects and connects by name or GUID', async () => {
    const off = await cliInWine(['disconnect', 'Ethernet'], { fake: { connections: machine } });
    expect(off.code).toBe(0);
    expect(off.calls.filter((c) => c.method === 'Disconnect')).toEqual([{ method: 'Disconnect', id: ethernet.id, hresult: 0 }]);
    const on = await cliInWine(['connect', vpn.id], { fake: { connections: machine } });
    expect(on.code).toBe(0);
    expect(on.calls.filter((c) => c.method === 'Connect').map((c) => c.id)).toEqual([vpn.id]);
  });

  it('reports failures as one stderr line with the code and hex HRESULT, and distinct exit codes', async () => {
    const denied = await cliInWine(['disconnect', 'Ethernet'], {
      fake: { connections: machine, hresults: [{ method: 'Disconnect', hresult: 0x80070005 }] },
    });
    expect(denied.code).toBe(5);
    expect(denied.stdout).toBe('');
    expect(denied.stderr.trimEnd().split(/\r?\n/)).toHaveLength(1);
    expect(denied.stderr).toMatch(/^netcon: E_ACCESSDENIED: Disconnect "Ethernet" failed: E_ACCESSDENIED \(0x80070005\)/);

    const missing = await cliInWine(['connect', 'Ethernet 9'], { fake: { connections: machine } });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^netcon: ERR_CONNECTION_NOT_FOUND: /);

    const noServer = await cliInWine(['list'], { prefix: 'bare' });
    expect(noServer.code).toBe(1);
    expect(noServer.stderr).toMatch(/^netcon: REGDB_E_CLASSNOTREG: .*\(0x80040154\)/);

    const usage = await cliInWine(['disconnect']);
    expect(usage.code).toBe(2);
  });

  it('shows one connection, and waits with --wait until Windows reports it down', async () => {
    const settle = { connections: machine, settle: { Disconnect: 1000 } };
    const show = await cliInWine(['show', 'ethernet'], { fake: settle });
    expect(show).toMatchObject({ code: 0, stderr: '' });
    expect(show.stdout).toMatch(/^Name: +Ethernet\r?\nStatus: +connected \(2\)\r?\n/);
    const waited = await cliInWine(['disconnect', 'Ethernet', '--wait'], { fake: settle });
    // Piped: no spinner on stderr, one line on stdout.
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    expect(waited.stdout).toMatch(/^Disconnected "Ethernet": disconnected after 1\.\d s\.\r?\n$/);
    const timedOut = await cliInWine(['disconnect', 'Ethernet', '--wait', '300'], { fake: settle });
    expect(timedOut.code).toBe(7);
    expect(timedOut.stderr).toMatch(/^netcon: ERR_TIMEOUT: .*its status was last disconnecting\.\r?\n$/);
    expect(timedOut.live).toEqual({});
  });

  it('gives up on a hung Disconnect with --timeout: exit code 7 at once, not after the hang', async () => {
    const fake = { connections: machine, delays: [{ method: 'Disconnect', ms: 20_000 * slowdown, id: ethernet.id }] };
    const started = Date.now();
    const out = await cliInWine(['disconnect', 'Ethernet', '--timeout', String(500 * slowdown)], { fake });
    const ms = Date.now() - started;
    expect(out.code).toBe(7);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(new RegExp(`^netcon: ERR_TIMEOUT: Disconnect "Ethernet" timed out after ${500 * slowdown} ms \\(timeoutMs\\): .*It may still complete`));
    // Wine's own start and stop included: far from the 20 s the call hangs.
    expect(ms).toBeLessThan(10_000 * slowdown);
  });

  it('prints the sharing as JSON, and refuses a taken name for rename with exit code 1 before any Rename', async () => {
    const shared = [{ ...ethernet, sharing: 'public' as const }, vpn];
    const sharing = await cliInWine(['sharing', '--json'], { fake: { connections: shared } });
    expect(sharing.code).toBe(0);
    expect(JSON.parse(sharing.stdout)).toEqual([
      { id: ethernet.id, name: 'Ethernet', shareable: true, sharing: 'public', sharingType: 0 },
      { id: vpn.id, name: vpn.name, shareable: true, sharing: null },
    ]);
    const taken = await cliInWine(['rename', 'Ethernet', vpn.name.toUpperCase()], { fake: { connections: shared } });
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/^netcon: ERR_CONNECTION_NAME_TAKEN: /);
    expect(taken.calls.some((c) => c.method === 'Rename')).toBe(false);
    expect(taken.live).toEqual({});
  });
});
