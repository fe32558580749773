import { describe, expect, it } from 'vitest';
import { disabledWifi, ethernet, ethernet2, machine, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

const E_ACCESSDENIED = 0x80070005;
const E_FAIL = 0x80004005;
const missing = '{00000000-1111-2222-3333-444444444444}';

type Op = { op: 'list' | 'disconnect' | 'connect'; target: string; id?: string };

// 100 calls, started together: lists, and disconnects and connects on four connections (half of
// them on Ethernet, so many overlap on one connection), by GUID and by name, some on a GUID
// that is not there. Vpn's Disconnect and Wi-Fi's Connect are scripted to fail.
function operations(): Op[] {
  const targets = [
    { target: ethernet.id, id: ethernet.id },
    { target: 'Ethernet', id: ethernet.id },
    { target: ethernet2.id, id: ethernet2.id },
    { target: 'ethernet 2', id: ethernet2.id },
    { target: disabledWifi.id, id: disabledWifi.id.toUpperCase() },
    { target: vpn.id, id: vpn.id },
    { target: missing },
  ];
  return Array.from({ length: 100 }, (_, i): Op =>
    i % 8 === 0 ? { op: 'list', target: '' } : { op: i % 2 ? 'disconnect' : 'connect', ...targets[i % targets.length] },
  );
}

/** What each call must settle to. */
function expected({ op, id }: Op) {
  if (op === 'list') return { ok: true };
  if (!id) return { ok: false, code: 'ERR_CONNECTION_NOT_FOUND' };
  if (op === 'disconnect' && id === vpn.id) return { ok: false, code: 'E_ACCESSDENIED', hresult: E_ACCESSDENIED, id };
  if (op === 'connect' && id === disabledWifi.id.toUpperCase()) return { ok: false, code: 'E_FAIL', hresult: E_FAIL, id };
  return { ok: true };
}

describe('overlapping calls (Windows node.exe under Wine)', () => {
  it('settles 100 concurrent lists, disconnects and connects each with its own result, errors included', async () => {
    const ops = operations();
    const fake = {
      connections: machine,
      hresults: [
        { method: 'Disconnect', hresult: E_ACCESSDENIED, id: vpn.id },
        { method: 'Connect', hresult: E_FAIL, id: disabledWifi.id },
      ],
      // Long enough that the pool threads' calls interleave rather than run one by one.
      delays: [
        { method: 'Disconnect', ms: 15 },
        { method: 'Connect', ms: 10 },
        { method: 'Next', ms: 1 },
      ],
    };
    const { value, calls, live, exitCode } = await inWine({ fake }, async (netcon, t, input) => {
      const t0 = performance.now();
      const results = await Promise.all(
        input.map(({ op, target }) => t.capture<unknown>(op === 'list' ? netcon.listConnections() : netcon[op](target))),
      );
      return { ms: performance.now() - t0, results, live: t.live() };
    }, ops);
    console.info(`100 overlapping calls settled in ${Math.round(value.ms)} ms`);

    expect(exitCode).toBe(0);
    value.results.forEach((result, i) => {
      const want = expected(ops[i]);
      const where = `call ${i}: ${ops[i].op} ${ops[i].target}`;
      expect(result.ok, where).toBe(want.ok);
      if (result.ok) {
        if (ops[i].op === 'list') {
          const ids = (result.value as { id: string }[]).map((c) => c.id);
          expect(ids, where).toEqual(machine.map((c) => c.id.toUpperCase()));
        } else {
          expect(result.value, where).toMatchObject({ connection: { id: ops[i].id }, hresult: 0, code: 'S_OK' });
        }
      } else {
        expect(result.error.code, where).toBe(want.code);
        if (want.hresult) {
          expect(result.error, where).toMatchObject({ operation: ops[i].op, hresult: want.hresult, connection: { id: want.id } });
        }
      }
    });

    // Exactly one Disconnect or Connect per call on a present connection, with its HRESULT.
    const hits = (method: string) =>
      calls.filter((c) => c.method === method).map((c) => `${c.id.toUpperCase()} 0x${c.hresult.toString(16)}`).sort();
    const wanted = (op: string) =>
      ops
        .filter((o) => o.op === op && o.id)
        .map((o) => `${o.id} 0x${(expected(o).hresult ?? 0).toString(16)}`)
        .sort();
    expect(hits('Disconnect')).toEqual(wanted('disconnect'));
    expect(hits('Connect')).toEqual(wanted('connect'));
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });
});
