import { describe, expect, it } from 'vitest';
import { ethernet, ethernet2, machine } from '../../wine/connections';
import { progIdFor } from '../../wine/environment';
import { inWine } from '../../wine/run';

// The HRESULTs INetConnection::Disconnect documents, plus the one real machines return most.
const documented = [
  ['E_ABORT', 0x80004004, 'OperationAbortedError'],
  ['E_FAIL', 0x80004005, 'UnspecifiedFailureError'],
  ['E_INVALIDARG', 0x80070057, 'InvalidArgumentError'],
  ['E_NOINTERFACE', 0x80004002, 'NoInterfaceError'],
  ['E_NOTIMPL', 0x80004001, 'NotImplementedError'],
  ['E_OUTOFMEMORY', 0x8007000e, 'OutOfMemoryError'],
  ['E_POINTER', 0x80004003, 'InvalidPointerError'],
  ['E_UNEXPECTED', 0x8000ffff, 'UnexpectedError'],
  ['E_ACCESSDENIED', 0x80070005, 'AccessDeniedError'],
] as const;

describe('COM failures become typed errors under Wine', () => {
  it('maps each documented HRESULT from INetConnection::Disconnect to its class, code, hresult, step and connection', async () => {
    const { value, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      const out = [];
      for (const hresult of [0x80004004, 0x80004005, 0x80070057, 0x80004002, 0x80004001, 0x8007000e, 0x80004003, 0x8000ffff, 0x80070005]) {
        t.configure({
          connections: [
            { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' },
            { id: '{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}', name: 'Ethernet 2' },
          ],
          hresults: [{ method: 'Disconnect', hresult }],
        });
        out.push({ settled: await t.capture(netcon.disconnect('Ethernet 2')), live: t.live() });
      }
      return out;
    });
    expect(value).toHaveLength(documented.length);
    documented.forEach(([code, hresult, className], i) => {
      const { settled, live: liveAfterCall } = value[i];
      expect(settled.ok).toBe(false);
      if (settled.ok) return;
      expect(settled.error).toMatchObject({
        name: className,
        code,
        hresult,
        operation: 'disconnect',
        step: 'INetConnection::Disconnect',
        connection: { id: ethernet2.id, name: 'Ethernet 2' },
      });
      expect(settled.error.classes).toEqual(expect.arrayContaining(['NetConError', 'ComError', className]));
      const hex = '0x' + hresult.toString(16).toUpperCase();
      expect(settled.error.message).toContain(`Disconnect "Ethernet 2" failed: ${code} (${hex}) at INetConnection::Disconnect`);
      expect(liveAfterCall).toEqual({});
    });
    const denied = value[documented.length - 1].settled;
    if (!denied.ok) expect(denied.error.message).toMatch(/elevat|administrator/i);
    expect(live).toEqual({});
  });

  it('names the step that failed: CoCreateInstance, EnumEveryConnection, GetProperties, and NetConnectionProps where netcon falls back to it', async () => {
    const { value } = await inWine({ fake: { connections: [ethernet] } }, async (netcon, t) => {
      const out: Record<string, unknown> = {};
      const conn = { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' };
      const notImplemented = { method: 'GetProperties', hresult: 0x80004001 };
      for (const method of ['CreateInstance', 'EnumEveryConnection', 'GetProperties', 'NetConnectionProps']) {
        // NetConnectionProps is only asked for when GetProperties is not implemented.
        const hresults = [{ method, hresult: 0x80004005 }, ...(method === 'NetConnectionProps' ? [notImplemented] : [])];
        t.configure({ connections: [conn], hresults });
        out[method] = { list: await t.capture(netcon.listConnections()), connect: await t.capture(netcon.connect('Ethernet')), live: t.live() };
      }
      return out;
    });
    const expected = {
      CreateInstance: 'CoCreateInstance',
      EnumEveryConnection: 'EnumEveryConnection',
      GetProperties: 'INetConnection::GetProperties',
      NetConnectionProps: 'NetConnectionProps',
    };
    for (const [method, step] of Object.entries(expected)) {
      const r = value[method] as { list: { error: object }; connect: { error: object }; live: object };
      expect(r.list.error).toMatchObject({ code: 'E_FAIL', hresult: 0x80004005, operation: 'list', step, name: 'UnspecifiedFailureError' });
      expect(r.connect.error).toMatchObject({ code: 'E_FAIL', operation: 'connect', step });
      expect(r.live).toEqual({});
    }
  });

  it('reports an HRESULT outside the table as E_UNKNOWN_HRESULT with the system message', async () => {
    const { value } = await inWine(
      { fake: { connections: [ethernet], hresults: [{ method: 'Connect', hresult: 0x80070015 }] } },
      async (netcon, t, id) => t.capture(netcon.connect(id)),
      ethernet.id,
    );
    expect(value).toMatchObject({
      ok: false,
      error: { code: 'E_UNKNOWN_HRESULT', hresult: 0x80070015, step: 'INetConnection::Connect', operation: 'connect', name: 'ComError' },
    });
    // Wine's FormatMessage text for ERROR_NOT_READY, as Windows' own would be.
    if (!value.ok) expect(value.error.message).toMatch(/0x80070015 at INetConnection::Connect — \S/);
  });

  it('fails only the connection the fault is scripted for', async () => {
    const { value } = await inWine(
      { fake: { connections: machine, hresults: [{ method: 'Disconnect', hresult: 0x80070005, id: ethernet2.id }] } },
      async (netcon, t) => ({ first: await t.capture(netcon.disconnect('Ethernet')), second: await t.capture(netcon.disconnect('Ethernet 2')) }),
    );
    expect(value.first.ok).toBe(true);
    expect(value.second).toMatchObject({ ok: false, error: { code: 'E_ACCESSDENIED' } });
  });
});

describe('a Wine prefix without HNetShare', () => {
  it('rejects with REGDB_E_CLASSNOTREG at CoCreateInstance and says HNetShare is not available', async () => {
    const { value } = await inWine({ prefix: 'bare' }, async (netcon, t) => ({
      list: await t.capture(netcon.listConnections()),
      disconnect: await t.capture(netcon.disconnect('Ethernet')),
      supported: netcon.isSupported(),
    }));
    expect(value.list).toMatchObject({
      ok: false,
      error: { code: 'REGDB_E_CLASSNOTREG', hresult: 0x80040154, step: 'CoCreateInstance', operation: 'list', name: 'ClassNotRegisteredError' },
    });
    const server = progIdFor({ prefix: 'bare' }) ?? 'HNetCfg.HNetShare';
    if (!value.list.ok) expect(value.list.error.message).toContain(`${server} is not available`);
    expect(value.disconnect).toMatchObject({ ok: false, error: { code: 'REGDB_E_CLASSNOTREG', operation: 'disconnect' } });
    // The binary loads; it is the COM server that is missing.
    expect(value.supported).toBe(true);
  });
});
