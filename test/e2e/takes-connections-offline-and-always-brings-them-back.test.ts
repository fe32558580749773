// takeOffline() in Windows node.exe under Wine: the connections go down through the fake
// server and come back, whatever happens to the process that took them down. The guardian is
// a second node.exe, so the fake's state is shared between the processes of one config file:
// another node.exe started afterwards lists what the guardian did.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ethernet, machine, vpn } from '../../wine/connections';
import { native, prefixes, wineEnv, wineTool } from '../../wine/environment';
import { cliInWine, inWine, startCliInWine, startInWine, type FakeConnection } from '../../wine/run';

// Two connections up: the Ethernet and a VPN that is connected.
const vpnUp: FakeConnection = { ...vpn, status: 2 };
const upMachine = [ethernet, machine[1], machine[2], vpnUp];
const ids = [ethernet.id, vpnUp.id];

/** Each connection's status, listed by a new node.exe against the config file `config`. */
async function statusesIn(config: string): Promise<Record<string, string>> {
  const { value } = await inWine({ configFile: config }, async (netcon) =>
    Object.fromEntries((await netcon.listConnections()).map((c) => [c.id, c.status])),
  );
  return value;
}

/** Polls until both connections are listed `connected` again; how long that took. */
async function backWithin(config: string, since: number, ms: number): Promise<number> {
  for (;;) {
    const statuses = await statusesIn(config);
    if (ids.every((id) => statuses[id] === 'connected')) return Date.now() - since;
    if (Date.now() - since > ms) throw new Error(`not back after ${ms} ms: ${JSON.stringify(statuses)}`);
  }
}

/** taskkill /F of a Windows process ID (under Wine, in the suite's prefix). */
function taskkill(pid: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const kill = ['taskkill', '/F', '/PID', String(pid)];
    const [file, args] = native ? [kill[0], kill.slice(1)] : wineTool('wine', kill);
    execFile(file, args, { env: wineEnv('hnetshare') }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve()));
  });
}

/** The offline windows' state files: %LOCALAPPDATA%\netcon\offline (under Wine, of the prefix's users). */
function stateFiles(): string[] {
  const inFolder = (dir: string) => (existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : []);
  if (native) return inFolder(join(process.env.LOCALAPPDATA ?? '', 'netcon', 'offline'));
  const users = join(prefixes.hnetshare, 'drive_c', 'users');
  return readdirSync(users).flatMap((user) => inFolder(join(users, user, 'AppData', 'Local', 'netcon', 'offline')));
}

/** A node.exe that took both connections down and lives on until killed; its Windows pid. */
async function ownerOffline() {
  const owner = startInWine({ fake: { connections: upMachine } }, async (netcon, t, targets) => {
    await netcon.takeOffline(targets);
    t.mark('down', { pid: process.pid });
    // Alive until killed: neither the guardian nor the deadline's timer keeps a process up.
    await new Promise(() => setInterval(() => {}, 1_000));
  }, ids);
  const [down] = await owner.waitFor((marks) => marks.some((m) => m.name === 'down'), 30_000);
  return { owner, pid: (down.value as { pid: number }).pid };
}

describe('takeOffline()', () => {
  it('takes two connections down, restore() brings them back, and no COM object is left alive', async () => {
    const { value, live } = await inWine({ fake: { connections: upMachine } }, async (netcon, t, targets) => {
      // The same two disconnects and connects without a window first: what the guardian adds.
      let started = Date.now();
      for (const id of targets) await netcon.disconnect(id, { wait: true });
      const plainDownMs = Date.now() - started;
      for (const id of targets) await netcon.connect(id, { wait: true });
      started = Date.now();
      const window = await netcon.takeOffline(targets);
      const windowDownMs = Date.now() - started;
      const down = (await netcon.listConnections()).filter((c) => targets.includes(c.id)).map((c) => c.status);
      started = Date.now();
      const restored = await window.restore();
      const restoreMs = Date.now() - started;
      const again = await window.restore();
      const up = (await netcon.listConnections()).filter((c) => targets.includes(c.id)).map((c) => c.status);
      return { taken: window.connections.map((c) => c.name), down, restored: restored.map((r) => [r.name, r.ok, r.status]), same: restored === again, up, plainDownMs, windowDownMs, restoreMs };
    }, ids);
    console.info(`two connections: down in ${value.windowDownMs} ms with the guardian started first, ${value.plainDownMs} ms without; restore() took ${value.restoreMs} ms`);
    expect(value.taken).toEqual([ethernet.name, vpnUp.name]);
    expect(value.down).toEqual(['disconnected', 'disconnected']);
    expect(value.restored).toEqual([[ethernet.name, true, 'connected'], [vpnUp.name, true, 'connected']]);
    expect(value.same).toBe(true);
    expect(value.up).toEqual(['connected', 'connected']);
    expect(live).toEqual({});
  });

  it('by default takes down what is connected, and leaves what is down alone', async () => {
    const { value, calls } = await inWine({ fake: { connections: machine } }, async (netcon) => {
      const window = await netcon.takeOffline();
      const taken = window.connections.map((c) => c.name);
      await window.restore();
      return { taken, after: (await netcon.listConnections()).map((c) => c.status) };
    });
    expect(value.taken).toEqual([ethernet.name]);
    expect(value.after).toEqual(['connected', 'media-disconnected', 'hardware-disabled', 'disconnected']);
    expect(calls.filter((c) => c.method === 'Connect' || c.method === 'Disconnect').map((c) => `${c.method} ${c.id}`)).toEqual([`Disconnect ${ethernet.id}`, `Connect ${ethernet.id}`]);
  });

  it('brings the connections back within 3 s when the process that took them down is killed (taskkill /F)', async () => {
    const { owner, pid } = await ownerOffline();
    const killedAt = Date.now();
    await taskkill(pid);
    const took = await backWithin(owner.config, killedAt, 3_000);
    console.info(`owner killed: both connections listed connected again ${took} ms after taskkill`);
    expect(took).toBeLessThan(3_000);
  });

  it('ends by itself at maxMs while its process lives on and nobody calls restore(): back within 3 s of the deadline', async () => {
    // maxMs counts from the call, the guardian's start included: 5 s leaves a loaded machine
    // time to take both down (a deadline that comes first is the unit suite's case).
    const owner = startInWine({ fake: { connections: upMachine } }, async (netcon, t, targets) => {
      const started = Date.now();
      const window = await netcon.takeOffline(targets, { maxMs: 5_000 });
      t.mark('down', { deadlineAfterMs: window.deadline.getTime() - started, deadline: window.deadline.getTime() });
      await new Promise((resolve) => setTimeout(resolve, 20_000));
    }, ids);
    const [down] = await owner.waitFor((marks) => marks.some((m) => m.name === 'down'), 30_000);
    const { deadlineAfterMs, deadline } = down.value as { deadlineAfterMs: number; deadline: number };
    expect(deadlineAfterMs).toBeGreaterThanOrEqual(5_000);
    expect(deadlineAfterMs).toBeLessThan(5_050);
    expect(deadline).toBeGreaterThan(down.at);
    // node.exe under Wine keeps the host's clock: the deadline is a time here too.
    while (Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, deadline - Date.now()));
    const took = await backWithin(owner.config, deadline, 3_000);
    console.info(`maxMs 5000: both connections listed connected again ${took} ms after the deadline`);
    owner.stop();
  });

  it('brings back what it took down when a later disconnect fails, and says so', async () => {
    const { value, live } = await inWine(
      { fake: { connections: upMachine, hresults: [{ method: 'Disconnect', hresult: 0x80070005, id: vpnUp.id }] } },
      async (netcon, t, targets) => {
        const failed = await t.capture(netcon.takeOffline(targets));
        return { failed, after: (await netcon.listConnections()).filter((c) => targets.includes(c.id)).map((c) => c.status) };
      },
      ids,
    );
    expect(value.failed).toMatchObject({ ok: false, error: { code: 'ERR_OFFLINE_WINDOW', classes: expect.arrayContaining(['OfflineWindowError']) } });
    expect(value.failed.ok ? '' : value.failed.error.message).toMatch(new RegExp(`^Taking "${vpnUp.name}" down failed: .*E_ACCESSDENIED.* Brought back: Ethernet\\.$`));
    expect(value.after).toEqual(['connected', 'connected']);
    expect(live).toEqual({});
  });

  it('rejects bad arguments before any COM call', async () => {
    const { value, calls } = await inWine({ fake: { connections: upMachine } }, async (netcon, t) => ({
      notArray: await t.capture(netcon.takeOffline('Ethernet' as never)),
      maxMs: await t.capture(netcon.takeOffline(undefined, { maxMs: 0 })),
      tooLong: await t.capture(netcon.takeOffline(undefined, { maxMs: 86_400_001 })),
    }));
    expect(value.notArray).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_TYPE' } });
    expect(value.maxMs).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_VALUE' } });
    expect(value.tooLong).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_VALUE' } });
    expect(calls).toEqual([]);
  });
});

describe('netcon offline', () => {
  it('runs the command after --, exits with its exit code, and brings the connections back', async () => {
    const out = await cliInWine(['offline', '--', 'cmd', '/c', 'exit', '3'], { fake: { connections: upMachine } });
    expect(out.code, out.stderr).toBe(3);
    expect(out.stdout.split(/\r?\n/).filter(Boolean).map((l) => l.replace(/^\S+\s+/, '').replace(/\s+after .*$/, ''))).toEqual([
      `down      ${ethernet.name}`,
      `down      ${vpnUp.name}`,
      `back      ${ethernet.name}  connected`,
      `back      ${vpnUp.name}  connected`,
    ]);
    expect(await statusesIn(out.config)).toMatchObject({ [ethernet.id]: 'connected', [vpnUp.id]: 'connected' });
    expect(out.live).toEqual({});
  });

  it('brings the connections back on Ctrl+C', async () => {
    const running = startCliInWine(['offline', ethernet.name, '--for', '60000'], { fake: { connections: upMachine } });
    await running.until(() => /down/.test(running.output()), 30_000, 'a down line');
    running.interrupt();
    const done = await running.finished;
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`back      ${ethernet.name}  connected`));
    expect(await statusesIn(running.config)).toMatchObject({ [ethernet.id]: 'connected' });
    expect(done.live).toEqual({});
  });

  it('--restore brings back what a window left down when its guardian was killed too', async () => {
    const before = new Set(stateFiles());
    const { owner, pid } = await ownerOffline();
    const [file] = stateFiles().filter((f) => !before.has(f));
    const plan = JSON.parse(readFileSync(file, 'utf8')) as { guardianPid: number; connections: { id: string }[] };
    expect(plan.connections.map((c) => c.id)).toEqual(ids);
    // The guardian first, so that nothing brings them back by itself.
    await taskkill(plan.guardianPid);
    await taskkill(pid);
    expect(await statusesIn(owner.config)).toMatchObject({ [ethernet.id]: 'disconnected', [vpnUp.id]: 'disconnected' });
    const out = await cliInWine(['offline', '--restore'], { configFile: owner.config });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`back      ${ethernet.name}  connected`));
    expect(await statusesIn(owner.config)).toMatchObject({ [ethernet.id]: 'connected', [vpnUp.id]: 'connected' });
    expect(existsSync(file)).toBe(false);
    expect(out.live).toEqual({});
  });
});
