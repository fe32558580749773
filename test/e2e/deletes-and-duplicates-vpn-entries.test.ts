// deleteConnection() and duplicateConnection() through the real COM runtime: Windows node.exe
// under Wine, netcon's addon, and the fake HNetShare's INetConnection::Delete and Duplicate,
// which act only on connections whose characteristics allow it and share what they change with
// every process given the same config. What real Windows answers is only known from the
// Windows proof (npm run prove): the fake's answers here are netcon's model of it.
import { describe, expect, it } from 'vitest';
import type { FakeConnectionInput, FakeFailure } from '../../src/fake-machine';
import { createFakeClient } from '../../src/testing';
import { ethernet, vpn } from '../../wine/connections';
import { cliInWine, inWine, type FakeConnection, type FakeSetup, type Settled } from '../../wine/run';

const E_ACCESSDENIED = 0x80070005;
const ERROR_DUP_NAME = 0x80070034;
const E_NOTIMPL = 0x80004001;
const E_POINTER = 0x80004003;
// A VPN entry as Windows describes one: allow-duplication, allow-removal, allow-rename, outgoing-only.
const entry: FakeConnection = { ...vpn, characteristics: 0x2 | 0x4 | 0x8 | 0x40 };
const entry2: FakeConnection = { ...entry, id: '{3C2B1A09-8F7E-4D6C-B5A4-93827160FE02}', name: 'Second VPN' };
const machine = [ethernet, entry];
const COPY_ID = '{D0C0FFEE-0000-4000-8000-00000000C0DE}';
const up = (id: string) => id.toUpperCase();
// The fake's calls that change something.
const changes = (calls: { method: string; id: string; hresult: number }[]) =>
  calls.filter((c) => c.method === 'Delete' || c.method === 'Duplicate' || c.method === 'Rename' || c.method === 'Disconnect' || c.method === 'Connect');

describe('Delete and Duplicate under Wine', () => {
  it('duplicates a VPN entry that another process lists and a watch sees added, then deletes it, which the watch sees removed', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, input) => {
      const controller = new AbortController();
      const seen: { type: string; id?: string; name?: string }[] = [];
      const watching = (async () => {
        for await (const change of netcon.watch({ signal: controller.signal, intervalMs: 100 })) {
          seen.push({ type: change.type, ...('connection' in change ? { id: change.connection.id, name: change.connection.name } : {}) });
        }
      })();
      await t.waitFor(() => t.calls().some((c) => c.method === 'GetProperties'));
      const copy = await netcon.duplicateConnection(input.name, `${input.name} copy`);
      await t.waitFor(() => seen.length >= 1);
      // Another node.exe, given the same config, lists the copy and deletes it.
      const child = await t.runChild(async (netcon, c, id) => {
        c.mark('listed', (await netcon.listConnections()).map((x) => x.id));
        c.mark('deleted', await netcon.deleteConnection(id));
      }, copy.id);
      await t.waitFor(() => seen.length >= 2);
      controller.abort();
      await watching;
      const after = (await netcon.listConnections()).map((c) => c.id);
      // The abort does not wait for the watch's last list: its thread frees that list's
      // properties a moment later on a loaded machine. A leak never gets there. (Not longer
      // than 2 s: after 5 s idle netcon's threads retire, and the log's count of the class
      // factory, which the parent and the child both write, then goes below 0.)
      await t.waitFor(() => Object.keys(t.live()).length === 0, 2_000);
      return { copy, seen, child: child.marks, exitCode: child.exitCode, after, live: t.live() };
    }, { name: entry.name });
    const { copy } = value;
    expect(copy).toMatchObject({
      name: `${entry.name} copy`,
      deviceName: entry.deviceName,
      status: 'disconnected',
      mediaType: 'tunnel',
      characteristics: { value: entry.characteristics, flags: ['allow-duplication', 'allow-removal', 'allow-rename', 'outgoing-only'] },
    });
    expect(copy.id).toMatch(/^\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}$/);
    expect(value.exitCode).toBe(0);
    expect(value.child.listed.value).toEqual([ethernet.id, entry.id, copy.id]);
    expect(value.child.deleted.value).toEqual({ connection: { id: copy.id, name: copy.name } });
    expect(value.seen).toEqual([
      { type: 'added', id: copy.id, name: copy.name },
      { type: 'removed', id: copy.id, name: copy.name },
    ]);
    expect(value.after).toEqual([ethernet.id, entry.id]);
    // The log is the parent's and the child's.
    expect(changes(calls)).toEqual([
      { method: 'Duplicate', id: entry.id, hresult: 0 },
      { method: 'Delete', id: copy.id, hresult: 0 },
    ]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('refuses a LAN connection before any COM call reaches the fake, and a taken name', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, input) => {
      await netcon.listConnections();
      t.clearLog();
      const deleted = await t.capture(netcon.deleteConnection('Ethernet'));
      const duplicated = await t.capture(netcon.duplicateConnection(input.ethernet, 'Ethernet copy'));
      const taken = await t.capture(netcon.duplicateConnection(input.vpn, 'ETHERNET'));
      return { deleted, duplicated, taken, actions: t.calls().filter((c) => c.method !== 'GetProperties' && !['EnumEveryConnection', '_NewEnum', 'Next', 'QueryInterface(IEnumVARIANT)', 'QueryInterface(INetConnection)', 'CreateInstance'].includes(c.method)) };
    }, { ethernet: ethernet.id, vpn: entry.id });
    expect(value.deleted).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_REMOVABLE', connection: { id: ethernet.id, name: 'Ethernet' }, classes: expect.arrayContaining(['ConnectionNotRemovableError']) } });
    expect(value.duplicated).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_DUPLICABLE', connection: { id: ethernet.id, name: 'Ethernet' } } });
    expect(value.taken).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NAME_TAKEN', takenBy: { id: ethernet.id, name: 'Ethernet' } } });
    // Only the lists' reads reached the fake.
    expect(value.actions).toEqual([]);
    expect(changes(calls)).toEqual([]);
    expect(live).toEqual({});
  });

  it("gives Windows' refusals, scripted with hresult lines, as typed errors with the HRESULT, its hex, the step and the connection", async () => {
    const fake: FakeSetup = {
      connections: machine,
      hresults: [
        { method: 'Delete', hresult: E_ACCESSDENIED, id: entry.id },
        { method: 'Duplicate', hresult: ERROR_DUP_NAME, id: entry.id },
      ],
    };
    const { value, live } = await inWine({ fake }, async (netcon, t, input) => ({
      deleted: await t.capture(netcon.deleteConnection(input.name)),
      duplicated: await t.capture(netcon.duplicateConnection(input.id, 'Other name')),
      listed: (await netcon.listConnections()).length,
      live: t.live(),
    }), { name: entry.name, id: entry.id });
    expect(value.deleted).toMatchObject({
      ok: false,
      error: { code: 'E_ACCESSDENIED', hresult: E_ACCESSDENIED, step: 'INetConnection::Delete', operation: 'delete', connection: { id: entry.id, name: entry.name }, classes: expect.arrayContaining(['AccessDeniedError']) },
    });
    if (value.deleted.ok) throw new Error('deleted');
    expect(value.deleted.error.message).toBe(
      `Delete "${entry.name}" failed: E_ACCESSDENIED (0x80070005) at INetConnection::Delete — General access denied. Changing an entry that belongs to all users needs an elevated process: Run as administrator.`,
    );
    expect(value.duplicated).toMatchObject({ ok: false, error: { code: 'ERROR_DUP_NAME', hresult: ERROR_DUP_NAME, step: 'INetConnection::Duplicate', operation: 'duplicate', classes: expect.arrayContaining(['DuplicateNameError']) } });
    if (value.duplicated.ok) throw new Error('duplicated');
    expect(value.duplicated.error.message).toBe(
      `Duplicate "${entry.name}" failed: ERROR_DUP_NAME (0x80070034) at INetConnection::Duplicate — A duplicate name exists on the network. Another connection has this name: choose another.`,
    );
    expect(value.listed).toBe(2);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('answers as its model of Windows when asked without netcon\'s check: E_NOTIMPL for a LAN connection, E_POINTER for a NULL copy', async () => {
    const fake: FakeSetup = { connections: machine, nulls: [{ method: 'Duplicate', id: entry.id }] };
    const { value, live } = await inWine({ fake }, async (netcon, t, input) => {
      // The addon itself, as netcon would call it had it not looked first.
      const addon = t.addon();
      const progId = t.entry().progId ?? 'HNetCfg.HNetShare';
      return {
        deleted: await addon.deleteConnection(progId, input.ethernet, 1),
        duplicated: await addon.duplicateConnection(progId, input.ethernet, 'Copy', 2),
        nullCopy: await t.capture(netcon.duplicateConnection(input.vpn, 'Copy')),
        // The null line: the copy is made, but no object for it was handed back.
        names: (await netcon.listConnections()).map((c) => c.name),
        live: t.live(),
      };
    }, { ethernet: ethernet.id, vpn: entry.id });
    expect(value.deleted).toMatchObject({ ok: false, hresult: E_NOTIMPL, step: 'INetConnection::Delete', connection: { id: ethernet.id, name: 'Ethernet' } });
    expect(value.duplicated).toMatchObject({ ok: false, hresult: E_NOTIMPL, step: 'INetConnection::Duplicate' });
    expect(value.nullCopy).toMatchObject({ ok: false, error: { code: 'E_POINTER', hresult: E_POINTER, step: 'INetConnection::Duplicate' } });
    expect(value.names).toEqual(['Ethernet', entry.name, 'Copy']);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it("says the copy exists when reading it back failed (outcome 'made'), and rejects with outcome 'unknown' on a timeout once Windows is at work", async () => {
    // The copy's GetProperties fails for good: every later read of it (a list) fails too, so the
    // timeout comes first, on another entry.
    const fake: FakeSetup = {
      connections: [...machine, entry2],
      copyId: COPY_ID,
      hresults: [{ method: 'GetProperties', hresult: 0x80004005, id: COPY_ID }],
      delays: [{ method: 'Delete', ms: 1500, id: entry2.id }],
    };
    const { value, live } = await inWine({ fake }, async (netcon, t, input) => {
      const timedOut = await t.capture(netcon.deleteConnection(input.other, { timeoutMs: 300 }));
      // The Delete goes on after the deadline, as Windows' may.
      await t.waitFor(() => t.calls().some((c) => c.method === 'Delete'));
      const made = await t.capture(netcon.duplicateConnection(input.name, 'Made anyway'));
      return { made, timedOut, live: t.live() };
    }, { name: entry.name, other: entry2.name });
    expect(value.made).toMatchObject({
      ok: false,
      error: { code: 'E_FAIL', step: 'INetConnection::GetProperties (the duplicate)', outcome: 'made', operation: 'duplicate', connection: { id: entry.id, name: entry.name } },
    });
    if (value.made.ok) throw new Error('made');
    expect(value.made.error.message).toMatch(/Windows made the copy before this failed: it exists/);
    expect(value.timedOut).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT', operation: 'delete', outcome: 'unknown', connection: { id: entry2.id, name: entry2.name } } });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('netcon delete changes nothing without --yes (usage exit code), and deletes with it; netcon duplicate prints the copy', async () => {
    const fake: FakeSetup = { connections: machine };
    const refused = await cliInWine(['delete', entry.name], { fake });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^netcon: ERR_USAGE: deleting ".*" cannot be undone: nothing was changed\. Confirm with --yes/);
    expect(refused.calls).toEqual([]);

    const copied = await cliInWine(['duplicate', entry.id, 'Copy of the VPN', '--json'], { configFile: refused.config });
    expect(copied.code).toBe(0);
    const copy = JSON.parse(copied.stdout);
    expect(copy).toMatchObject({ name: 'Copy of the VPN', status: 'disconnected', mediaType: 'tunnel' });

    const deleted = await cliInWine(['delete', 'copy of the vpn', '--yes'], { configFile: refused.config });
    expect({ code: deleted.code, stdout: deleted.stdout, stderr: deleted.stderr }).toEqual({ code: 0, stdout: `Deleted "Copy of the VPN" (${copy.id}).\n`, stderr: '' });
    expect(changes(deleted.calls)).toEqual([{ method: 'Delete', id: copy.id, hresult: 0 }]);
    const lan = await cliInWine(['delete', 'Ethernet', '--yes'], { configFile: refused.config });
    expect(lan.code).toBe(1);
    expect(lan.stderr).toMatch(/^netcon: ERR_CONNECTION_NOT_REMOVABLE: "Ethernet" cannot be deleted/);
    expect(changes(lan.calls)).toEqual([]);
    const listed = await cliInWine(['list', '--json'], { configFile: refused.config });
    expect(JSON.parse(listed.stdout).map((c: { id: string }) => c.id)).toEqual([ethernet.id, up(entry.id)]);
  });
});

// The same calls through netcon/testing and through the addon must end alike. The copy is made
// last: a fault scripted on its GetProperties in the COM server stays, where netcon/testing's
// fails the read-back alone.
const FAKE_MACHINE: FakeConnectionInput[] = [ethernet, entry, entry2];
interface Row {
  name: string;
  fake: FakeFailure[];
  com: NonNullable<FakeSetup['hresults']>;
}
const ROWS: Row[] = [
  { name: 'no failure', fake: [], com: [] },
  { name: 'Delete denied', fake: [{ on: 'delete', hresult: E_ACCESSDENIED }], com: [{ method: 'Delete', hresult: E_ACCESSDENIED }] },
  { name: 'Delete not found', fake: [{ on: 'delete', hresult: 0x80070490 }], com: [{ method: 'Delete', hresult: 0x80070490 }] },
  { name: 'Delete disconnected', fake: [{ on: 'delete', hresult: 0x80010108 }], com: [{ method: 'Delete', hresult: 0x80010108 }] },
  { name: 'Duplicate not implemented', fake: [{ on: 'duplicate', hresult: E_NOTIMPL }], com: [{ method: 'Duplicate', hresult: E_NOTIMPL }] },
  { name: 'Duplicate server gone', fake: [{ on: 'duplicate', hresult: 0x800706ba }], com: [{ method: 'Duplicate', hresult: 0x800706ba }] },
  {
    name: 'reading the copy',
    fake: [{ on: 'duplicate', step: 'INetConnection::GetProperties (the duplicate)', hresult: 0x80004005 }],
    com: [{ method: 'GetProperties', hresult: 0x80004005, id: COPY_ID }],
  },
];
const CALLS: [string, ...string[]][] = [
  ['deleteConnection', ethernet.id],
  ['duplicateConnection', ethernet.id, 'Copy'],
  ['duplicateConnection', entry.id, 'ethernet'],
  ['deleteConnection', entry2.id],
  ['listConnections'],
  ['duplicateConnection', entry.id, 'Copy'],
];
type Ending = { listed: string[] } | 'ok' | { name: string; code?: string; hresult?: number; outcome?: string; step?: string };

function ending(settled: Settled<unknown>): Ending {
  if (settled.ok) return Array.isArray(settled.value) ? { listed: settled.value.map((c: { name: string }) => c.name) } : 'ok';
  const { name, code, hresult, outcome, step } = settled.error;
  return JSON.parse(JSON.stringify({ name, code, hresult, outcome, step })) as Ending;
}

describe('netcon/testing against the addon under Wine, for delete and duplicate', () => {
  it(`ends each of ${CALLS.length} calls alike in ${ROWS.length} rows`, async () => {
    const fakeEndings: Ending[][] = [];
    for (const row of ROWS) {
      const client = createFakeClient({ connections: FAKE_MACHINE, failures: row.fake }) as unknown as Record<string, (...args: string[]) => Promise<unknown>>;
      const endings: Ending[] = [];
      for (const [method, ...args] of CALLS) {
        endings.push(
          ending(
            await client[method](...args).then(
              (value) => ({ ok: true, value }) as const,
              (error: Error & { code?: string; hresult?: number; outcome?: string; step?: string }) =>
                ({ ok: false, error: { name: error.name, message: error.message, code: error.code, hresult: error.hresult, outcome: error.outcome, step: error.step, classes: [] } }) as const,
            ),
          ),
        );
      }
      fakeEndings.push(endings);
    }
    const { value } = await inWine({}, async (netcon, t, input) => {
      const api = netcon as unknown as Record<string, (...args: string[]) => Promise<unknown>>;
      const rows = [];
      for (const com of input.rows) {
        t.configure({ connections: input.machine, hresults: com, copyId: input.copyId });
        const settled = [];
        for (const [method, ...args] of input.calls) settled.push(await t.capture(api[method](...args)));
        rows.push(settled);
      }
      return rows;
    }, { rows: ROWS.map((r) => r.com), machine: [...machine, entry2], calls: CALLS, copyId: COPY_ID });
    const cells = ROWS.flatMap((row, r) => CALLS.map((call, c) => ({ row: row.name, call: call.join(' '), fake: fakeEndings[r][c], addon: ending(value[r][c]) })));
    expect(cells.map(({ row, call, addon }) => ({ row, call, ending: addon }))).toEqual(cells.map(({ row, call, fake }) => ({ row, call, ending: fake })));
    // And as netcon's rules say, in the row without failures: refused, refused, taken, deleted, copied.
    expect(fakeEndings[0].slice(0, 3).map((e) => (typeof e === 'object' && 'code' in e ? e.code : e))).toEqual([
      'ERR_CONNECTION_NOT_REMOVABLE',
      'ERR_CONNECTION_NOT_DUPLICABLE',
      'ERR_CONNECTION_NAME_TAKEN',
    ]);
    expect(fakeEndings[0].slice(3)).toEqual(['ok', { listed: ['Ethernet', entry.name] }, 'ok']);
    // And where a fault is: on the action's own call, or reading the copy back.
    const last = (row: string) => fakeEndings[ROWS.findIndex((r) => r.name === row)];
    expect(last('Delete denied')[3]).toMatchObject({ code: 'E_ACCESSDENIED', step: 'INetConnection::Delete' });
    expect(last('Delete not found')[3]).toMatchObject({ code: 'ERR_CONNECTION_NOT_FOUND' });
    expect(last('Delete disconnected')[3]).toMatchObject({ code: 'RPC_E_DISCONNECTED', outcome: 'unknown' });
    expect(last('Duplicate server gone')[5]).toMatchObject({ code: 'RPC_S_SERVER_UNAVAILABLE', outcome: 'unknown', step: 'INetConnection::Duplicate' });
    expect(last('reading the copy')[5]).toMatchObject({ code: 'E_FAIL', outcome: 'made', step: 'INetConnection::GetProperties (the duplicate)' });
  });
});
