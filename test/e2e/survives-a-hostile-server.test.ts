import { describe, expect, it } from 'vitest';
import { ethernet, vpn } from '../../wine/connections';
import { inWine, type FakeConnection, type FakeSetup } from '../../wine/run';

// What a buggy or hostile HNetShare-compatible server may do, and what netcon makes of it
// (docs/reliability.md): a clear error where the answer cannot be trusted, the data as
// given where it can. Never a crash, a hang or a leaked object: every scenario runs with
// zombies on, so a call on a released object would show up as a warning.

interface Scenario {
  name: string;
  fake: FakeSetup;
  /** Which call to make; 'disconnect' targets the second connection by GUID. */
  call: 'list' | 'disconnect';
}

async function runAll(scenarios: Scenario[]) {
  const { value, exitCode } = await inWine({}, async (netcon, t, input) => {
    const results: Record<string, unknown> = {};
    for (const s of input.scenarios) {
      t.configure({ ...s.fake, zombies: true });
      t.clearLog();
      const call: Promise<unknown> = s.call === 'list' ? netcon.listConnections() : netcon.disconnect(input.target);
      const settled = await t.capture(call);
      results[s.name] = { settled, live: t.live(), warnings: t.warnings(), calls: t.calls().filter((c) => c.method === 'Disconnect').length };
    }
    return results;
  }, { scenarios, target: vpn.id });
  expect(exitCode).toBe(0);
  return value as Record<string, { settled: { ok: boolean; value?: unknown; error?: Record<string, unknown> }; live: object; warnings: string[]; calls: number }>;
}

const two = [ethernet, vpn];
// A server whose GetProperties is not implemented: netcon reads its connections with
// NetConnectionProps and the six getters instead, where BSTRs and GUID strings show through.
const gettersOnly = { method: 'GetProperties', hresult: 0x80004001 };

describe('a server that answers S_OK with a NULL out-pointer', () => {
  const steps = {
    CreateInstance: 'CoCreateInstance',
    EnumEveryConnection: 'EnumEveryConnection',
    _NewEnum: 'INetSharingEveryConnectionCollection::_NewEnum',
    'QueryInterface(IEnumVARIANT)': 'QueryInterface(IEnumVARIANT)',
    'QueryInterface(INetConnection)': 'QueryInterface(INetConnection)',
    GetProperties: 'INetConnection::GetProperties',
    NetConnectionProps: 'NetConnectionProps',
  };

  it('gets E_POINTER at that step, for lists and actions alike', async () => {
    const scenarios = Object.keys(steps).flatMap((method) =>
      (['list', 'disconnect'] as const).map((call) => ({
        name: `${call} ${method}`,
        call,
        fake: { connections: two, nulls: [{ method }], hresults: method === 'NetConnectionProps' ? [gettersOnly] : [] },
      })),
    );
    const results = await runAll(scenarios);
    for (const [method, step] of Object.entries(steps)) {
      for (const call of ['list', 'disconnect']) {
        const r = results[`${call} ${method}`];
        expect(r.settled, `${call} ${method}`).toMatchObject({ ok: false, error: { code: 'E_POINTER', hresult: 0x80004003, step, operation: call } });
        expect({ live: r.live, warnings: r.warnings, disconnects: r.calls }).toEqual({ live: {}, warnings: [], disconnects: 0 });
      }
    }
  });

  it('reads a NULL BSTR as the empty string it stands for', async () => {
    const results = await runAll([
      { name: 'name', call: 'list', fake: { connections: two, hresults: [gettersOnly], nulls: [{ method: 'get_Name', id: ethernet.id }] } },
      { name: 'device', call: 'list', fake: { connections: two, hresults: [gettersOnly], nulls: [{ method: 'get_DeviceName' }] } },
      { name: 'guid', call: 'list', fake: { connections: two, hresults: [gettersOnly], nulls: [{ method: 'get_Guid', id: ethernet.id }] } },
    ]);
    const rows = (name: string) => results[name].settled.value as { id: string; name: string; deviceName: string }[];
    expect(rows('name').map((c) => c.name)).toEqual(['', vpn.name]);
    expect(rows('device').map((c) => c.deviceName)).toEqual(['', '']);
    expect(rows('guid').map((c) => c.id)).toEqual(['', vpn.id]);
    for (const r of Object.values(results)) expect({ live: r.live, warnings: r.warnings }).toEqual({ live: {}, warnings: [] });
  });
});

describe('an enumerator that misbehaves', () => {
  it('counts an item handed out with S_FALSE, and stops at S_OK with nothing fetched', async () => {
    const results = await runAll([
      { name: 'S_FALSE with the last item', call: 'list', fake: { connections: two, nextEnding: 'last-item-with-s-false' } },
      { name: 'S_OK with nothing', call: 'list', fake: { connections: two, nextEnding: 'ok-with-nothing' } },
      { name: 'disconnect the last item given with S_FALSE', call: 'disconnect', fake: { connections: two, nextEnding: 'last-item-with-s-false' } },
    ]);
    for (const name of ['S_FALSE with the last item', 'S_OK with nothing']) {
      expect((results[name].settled.value as { id: string }[]).map((c) => c.id), name).toEqual([ethernet.id, vpn.id]);
    }
    expect(results['disconnect the last item given with S_FALSE']).toMatchObject({ settled: { ok: true }, calls: 1 });
    for (const r of Object.values(results)) expect({ live: r.live, warnings: r.warnings }).toEqual({ live: {}, warnings: [] });
  });

  it('rejects items that are not connections with a clear error, rather than skip them silently', async () => {
    const results = await runAll(
      (['empty', 'i4', 'stranger'] as const).flatMap((kind) =>
        (['list', 'disconnect'] as const).map((call) => ({ name: `${call} ${kind}`, call, fake: { connections: two, items: [{ position: 1, kind }] } })),
      ),
    );
    for (const call of ['list', 'disconnect']) {
      for (const kind of ['empty', 'i4']) {
        // DISP_E_TYPEMISMATCH has no class of its own: E_UNKNOWN_HRESULT with Windows' text.
        expect(results[`${call} ${kind}`].settled, `${call} ${kind}`).toMatchObject({
          ok: false,
          error: { code: 'E_UNKNOWN_HRESULT', hresult: 0x80020005, step: 'IEnumVARIANT::Next', operation: call },
        });
      }
      expect(results[`${call} stranger`].settled).toMatchObject({
        ok: false,
        error: { code: 'E_NOINTERFACE', step: 'QueryInterface(INetConnection)', operation: call },
      });
    }
    for (const r of Object.values(results)) expect({ live: r.live, warnings: r.warnings, disconnects: r.calls }).toEqual({ live: {}, warnings: [], disconnects: 0 });
  });
});

describe('strings a server may return', () => {
  const odd = (id: string, name: string): FakeConnection => ({ ...ethernet, id, name });
  const names = {
    long: 'N'.repeat(64 * 1024),
    nul: 'Ether\u0000net',
    loneHigh: 'Wi-Fi \ud83d',
    loneLow: '\udc00 VPN',
    rtl: 'שלום \u202eVPN\u202c مكتب',
    controls: 'Tab\there\nand\r\u0007',
    backslash: 'C:\\Adapters\\uFFFF\\',
  };
  const ids = Object.keys(names).map((_, i) => `{00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}}`);

  it('passes names through unchanged: 64 Ki characters, embedded NULs, control characters, right-to-left text, lone surrogates', async () => {
    const connections = Object.values(names).map((name, i) => odd(ids[i], name));
    const results = await runAll([
      { name: 'GetProperties', call: 'list', fake: { connections } },
      { name: 'getters', call: 'list', fake: { connections, hresults: [gettersOnly] } },
    ]);
    const listed = (name: string) => results[name].settled.value as { id: string; name: string }[];
    for (const name of ['GetProperties', 'getters']) expect(listed(name).map((c) => c.id)).toEqual(ids);
    // Lone surrogates survive only because the addon builds objects with
    // napi_define_properties: with a property store per field they became U+FFFD.
    expect(listed('getters').map((c) => c.name)).toEqual(Object.values(names));
    // NETCON_PROPERTIES carries NUL-terminated strings: a NUL ends the name there, as it
    // would coming from Windows; everything else is the same.
    expect(listed('GetProperties').map((c) => c.name)).toEqual(Object.values(names).map((n) => n.split('\u0000')[0]));
    for (const r of Object.values(results)) expect({ live: r.live, warnings: r.warnings }).toEqual({ live: {}, warnings: [] });
  });

  it('shows a GUID string that is no GUID exactly as answered, and still acts on it by name', async () => {
    const bad = { ...vpn, guidText: 'not-a-guid' };
    const empty = { ...ethernet, guidText: '' };
    const { value, live } = await inWine({ fake: { connections: [empty, bad], hresults: [gettersOnly] } }, async (netcon, t, input) => ({
      ids: (await netcon.listConnections()).map((c) => c.id),
      byName: await t.capture(netcon.disconnect(input.name)),
      byGuid: await t.capture(netcon.disconnect(input.id)),
      disconnects: t.calls().filter((c) => c.method === 'Disconnect').length,
    }), { name: vpn.name, id: vpn.id });
    expect(value.ids).toEqual(['', 'not-a-guid']);
    expect(value.byName).toMatchObject({ ok: true, value: { connection: { id: 'not-a-guid', name: vpn.name }, code: 'S_OK' } });
    // The GUID the fake knows it by is not what it answers, so nothing has that GUID.
    expect(value.byGuid).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(value.disconnects).toBe(1);
    expect(live).toEqual({});
  });
});

describe('connections that come and go', () => {
  it('reports ERR_CONNECTION_NOT_FOUND for a connection that disappeared between list and disconnect', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: two } }, async (netcon, t, input) => {
      const listed = await netcon.listConnections();
      const gone = listed.find((c) => c.id === input.id)!;
      t.configure({ connections: [input.ethernet] }); // the VPN was deleted meanwhile
      return {
        byObject: await t.capture(netcon.disconnect(gone)),
        byName: await t.capture(netcon.disconnect(gone.name)),
        stillThere: await t.capture(netcon.disconnect('Ethernet')),
      };
    }, { id: vpn.id, ethernet });
    expect(value.byObject).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND', target: vpn.id } });
    expect(value.byName).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(value.stillThere).toMatchObject({ ok: true, value: { connection: { id: ethernet.id } } });
    expect(calls.filter((c) => c.method === 'Disconnect').map((c) => c.id)).toEqual([ethernet.id]);
    expect(live).toEqual({});
  });

  it('lists 10,000 connections and disconnects the last of them', async () => {
    const many: FakeConnection[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `{10000000-0000-4000-8000-${String(i).padStart(12, '0')}}`,
      name: `Connection ${i}`,
      status: i % 16,
      mediaType: i % 10,
    }));
    // Tally mode: a log line per call (about 90,000 here) would cost the fake itself minutes
    // on a slow machine; the counts and the statuses say the same.
    const { value, live, callCounts } = await inWine({ fake: { connections: many }, fakeLog: 'tally' }, async (netcon, t, input) => {
      const started = Date.now();
      const listed = await netcon.listConnections();
      const listMs = Date.now() - started;
      const disconnect = await t.capture(netcon.disconnect(input.last));
      const after = await netcon.listConnections();
      return {
        count: listed.length,
        first: listed[0].name,
        last: listed[listed.length - 1].id,
        statuses: new Set(listed.map((c) => c.status)).size,
        listMs,
        disconnect,
        // Only the last one changed: it went from 'connect-failed' (15) to 'disconnected'.
        changed: after.filter((c, i) => c.status !== listed[i].status).map((c) => [c.id, c.status]),
      };
    }, { last: many[many.length - 1].id });
    console.log(`10,000 connections listed in ${value.listMs} ms under Wine (fake server, counting calls)`);
    expect(value).toMatchObject({ count: 10_000, first: 'Connection 0', last: many[9_999].id, statuses: 16, disconnect: { ok: true } });
    expect(value.changed).toEqual([[many[9_999].id, 'disconnected']]);
    expect(callCounts.Disconnect).toBe(1);
    expect(live).toEqual({});
  });
});
