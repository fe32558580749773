// The fake HNetShare keeps the connections' changing state (status, a settle under way, name,
// sharing, the connections a Duplicate added and those a Delete removed) in a file beside its config, so every Windows node.exe given one config file sees
// one machine: what the offline window's guardian, a second process, relies on.
// test/fake-hnetshare/README.md, Shared state, has the rules these cases pin down.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ethernet, vpn } from '../../wine/connections';
import { slowdown } from '../../wine/environment';
import { inWine, type FakeConnection } from '../../wine/run';

// Connected, so that a Disconnect of it is a change to see.
const vpnUp: FakeConnection = { ...vpn, status: 2 };
const machine = [ethernet, vpnUp];

const statuses = (connections: { name: string; status: string }[]) => Object.fromEntries(connections.map((c) => [c.name, c.status]));

describe('the fake server\'s state, shared by the processes given one config file (Windows node.exe under Wine)', () => {
  it('shows a Disconnect to a process started afterwards, and that process\'s Connect to a third', async () => {
    const first = await inWine({ fake: { connections: machine } }, async (netcon) => {
      await netcon.disconnect('Ethernet');
      return (await netcon.listConnections()).map((c) => ({ name: c.name, status: c.status }));
    });
    const second = await inWine({ configFile: first.config }, async (netcon) => {
      const before = (await netcon.listConnections()).map((c) => ({ name: c.name, status: c.status }));
      await netcon.connect('Ethernet');
      return before;
    });
    const third = await inWine({ configFile: first.config }, async (netcon) =>
      (await netcon.listConnections()).map((c) => ({ name: c.name, status: c.status })),
    );
    expect(statuses(first.value)).toEqual({ Ethernet: 'disconnected', [vpnUp.name]: 'connected' });
    expect(statuses(second.value)).toEqual({ Ethernet: 'disconnected', [vpnUp.name]: 'connected' });
    expect(statuses(third.value)).toEqual({ Ethernet: 'connected', [vpnUp.name]: 'connected' });
  });

  it('shows a running process the Connect its child node.exe made, as the child saw the parent\'s Disconnect', async () => {
    const { value } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      await netcon.disconnect('Ethernet');
      const child = await t.runChild(async (netcon, c) => {
        c.mark('saw', (await netcon.findConnection('Ethernet')).status);
        await netcon.connect('Ethernet');
      }, undefined);
      return { child: child.marks, exitCode: child.exitCode, after: (await netcon.findConnection('Ethernet')).status };
    });
    expect(value.exitCode).toBe(0);
    expect(value.child.returned).toBeDefined();
    expect(value.child.saw.value).toBe('disconnected');
    expect(value.after).toBe('connected');
  });

  it('ends a settle on time as another process sees it: disconnecting until the end the first process set, then disconnected', async () => {
    // Longer than a child node.exe takes to start under Wine, so the child sees it under way.
    const SETTLE_MS = 3000 * slowdown;
    const { value } = await inWine({ fake: { connections: machine, settle: { Disconnect: SETTLE_MS } } }, async (netcon, t) => {
      const before = Date.now();
      await netcon.disconnect('Ethernet');
      const after = Date.now();
      const child = await t.runChild(async (netcon, c) => {
        // Each look: when the list started and ended, and what it said.
        const looks: { start: number; end: number; status: string }[] = [];
        for (const started = Date.now(); Date.now() - started < 20_000; await c.sleep(50)) {
          const start = Date.now();
          const { status } = await netcon.findConnection('Ethernet');
          looks.push({ start, end: Date.now(), status });
          if (status !== 'disconnecting') break;
        }
        c.mark('looks', looks);
      }, undefined);
      return { before, after, looks: child.marks.looks.value as { start: number; end: number; status: string }[] };
    });
    const { before, after, looks } = value;
    const ending = before + SETTLE_MS;
    console.info(`settle of ${SETTLE_MS} ms from [${before}, ${after}]: the child looked ${looks.length} times, first ${looks[0].start - before} ms after, last ${looks[looks.length - 1].end - before} ms after`);
    const under = looks.filter((l) => l.status === 'disconnecting');
    const ended = looks.filter((l) => l.status !== 'disconnecting');
    expect(under.length).toBeGreaterThan(0);
    expect(ended.map((l) => l.status)).toEqual(['disconnected']);
    // Each look read the status between its start and end.
    for (const look of under) expect(look.start).toBeLessThan(after + SETTLE_MS);
    expect(ended[0].end).toBeGreaterThanOrEqual(ending);
    expect(ended[0].start).toBeLessThan(after + SETTLE_MS + 500 * slowdown);
  });

  it('resets on a config change once: the first process to read the new config resets, the next takes its state', async () => {
    const added: FakeConnection = { ...ethernet, id: '{5D4C3B2A-1908-4F7E-8D6C-5B4A39281706}', name: 'Ethernet 3' };
    const { value } = await inWine({ fake: { connections: machine } }, async (netcon, t, input) => {
      await netcon.disconnect('Ethernet');
      // The same connections and one more: new bytes, which the child reads first.
      t.configure({ connections: [...input.machine, input.added] });
      const child = await t.runChild(async (netcon, c, vpnName) => {
        c.mark('saw', (await netcon.listConnections()).map((x) => ({ name: x.name, status: x.status })));
        await netcon.disconnect(vpnName);
      }, input.vpnName);
      return {
        child: child.marks.saw.value as { name: string; status: string }[],
        parent: (await netcon.listConnections()).map((c) => ({ name: c.name, status: c.status })),
      };
    }, { machine, added, vpnName: vpnUp.name });
    // Reset from the new config: Ethernet is up again.
    expect(statuses(value.child)).toEqual({ Ethernet: 'connected', [vpnUp.name]: 'connected', 'Ethernet 3': 'connected' });
    // The parent read the new config after the child: it took the child's Disconnect, not the config's statuses.
    expect(statuses(value.parent)).toEqual({ Ethernet: 'connected', [vpnUp.name]: 'disconnected', 'Ethernet 3': 'connected' });
  });

  it('shows a rename and sharing made in one process to another, which cannot take that name', async () => {
    const name = 'Lan — 東京 🚀';
    // A name no rename may give (a TAB, a backslash), which the state file must carry as it is
    // once a Disconnect puts the connection there.
    const odd: FakeConnection = { ...ethernet, id: '{5D4C3B2A-1908-4F7E-8D6C-5B4A39281707}', name: 'Odd\tname \\ here' };
    const first = await inWine({ fake: { connections: [...machine, odd] } }, async (netcon, t, input) => {
      await netcon.rename('Ethernet', input.name);
      await netcon.enableSharing(input.name, 'public');
      await netcon.disconnect(input.odd);
      return t.live();
    }, { name, odd: odd.id });
    const { value } = await inWine({ configFile: first.config }, async (netcon, t, input) => ({
      listed: (await netcon.listConnections()).map((c) => ({ name: c.name, status: c.status })),
      sharing: (await netcon.listSharing()).map((c) => [c.name, c.sharing]),
      taken: await t.capture(netcon.rename(input.vpnName, input.name.toUpperCase())),
    }), { name, vpnName: vpnUp.name });
    expect(first.value).toEqual({});
    expect(value.listed).toEqual([
      { name, status: 'connected' },
      { name: vpnUp.name, status: 'connected' },
      { name: odd.name, status: 'disconnected' },
    ]);
    expect(value.sharing).toEqual([[name, 'public'], [vpnUp.name, null], [odd.name, null]]);
    expect(value.taken).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NAME_TAKEN', takenBy: { id: ethernet.id, name } } });
  });

  it('shows a copy a Duplicate added and a connection a Delete removed to later processes, which change them further', async () => {
    // Removable and duplicable, as VPN entries are; and a second one, to delete.
    const entry: FakeConnection = { ...vpnUp, characteristics: 0x2 | 0x4 };
    const other: FakeConnection = { ...entry, id: '{5D4C3B2A-1908-4F7E-8D6C-5B4A39281708}', name: 'Old VPN' };
    const first = await inWine({ fake: { connections: [ethernet, entry, other] } }, async (netcon, t, input) => {
      const copy = await netcon.duplicateConnection(input.entry, 'Copy — 東京');
      await netcon.deleteConnection('Old VPN');
      return { copy: copy.id, live: t.live() };
    }, { entry: entry.id });
    const state = readFileSync(`${first.config}.state`, 'utf8');
    const second = await inWine({ configFile: first.config }, async (netcon, t, input) => {
      const before = (await netcon.listConnections()).map((c) => ({ id: c.id, name: c.name, status: c.status }));
      const gone = await t.capture(netcon.findConnection(input.other));
      await netcon.connect(input.copy);
      await netcon.rename(input.copy, 'Copy renamed');
      // The copy of the copy, then the first copy deleted: positions keep their places.
      const again = await netcon.duplicateConnection('Copy renamed', 'Copy 2');
      await netcon.deleteConnection(input.copy);
      return { before, gone, again: again.id };
    }, { copy: first.value.copy, other: other.id });
    const third = await inWine({ configFile: first.config }, async (netcon) =>
      (await netcon.listConnections()).map((c) => ({ id: c.id, name: c.name, status: c.status })),
    );
    expect(first.value.live).toEqual({});
    expect(state.split('\n')[0]).toBe('netcon-fake-state\t2');
    expect(state).toMatch(new RegExp(`^added\t3\t\\${first.value.copy.slice(0, -1)}\\}\t5\t6\t`, 'm'));
    expect(state).toMatch(new RegExp(`^deleted\t2\t\\${other.id.slice(0, -1)}\\}$`, 'm'));
    expect(second.value.before).toEqual([
      { id: ethernet.id, name: 'Ethernet', status: 'connected' },
      { id: entry.id, name: entry.name, status: 'connected' },
      { id: first.value.copy, name: 'Copy — 東京', status: 'disconnected' },
    ]);
    expect(second.value.gone).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(third.value).toEqual([
      { id: ethernet.id, name: 'Ethernet', status: 'connected' },
      { id: entry.id, name: entry.name, status: 'connected' },
      { id: second.value.again, name: 'Copy 2', status: 'disconnected' },
    ]);
  });
});
