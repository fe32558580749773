// Internet Connection Sharing and rename through the real COM runtime: Windows node.exe under
// Wine, netcon's addon, and the fake HNetShare's INetSharingConfiguration and
// INetConnection::Rename, which keep Windows' one-public-one-private rule and refuse a taken
// name. Each scenario checks the fake's own record of the calls and that no object stays alive.
import { describe, expect, it } from 'vitest';
import { disabledWifi, ethernet, ethernet2, vpn } from '../../wine/connections';
import { slowdown } from '../../wine/environment';
import { inWine, type FakeConnection, type FakeSetup } from '../../wine/run';

const E_NOINTERFACE = 0x80004002;
const E_ACCESSDENIED = 0x80070005;
const EVENT_E_ALL_SUBSCRIBERS_FAILED = 0x80040201;

// A is shared to B while C already has public sharing and D private.
const A = ethernet;
const B = disabledWifi;
const C: FakeConnection = { ...ethernet2, sharing: 'public' };
const D: FakeConnection = { ...vpn, sharing: 'private' };
const shared = [A, B, C, D];
const up = (id: string) => id.toUpperCase();

const sharingCalls = (calls: { method: string; id: string; hresult: number }[]) =>
  calls.filter((c) => c.method === 'EnableSharing' || c.method === 'DisableSharing' || c.method === 'Rename').map((c) => [c.method, up(c.id), c.hresult]);

describe('Internet Connection Sharing under Wine', () => {
  it('reads every connection\'s sharing in one call, one connection\'s, and a connection Windows cannot share', async () => {
    const setup: FakeSetup = {
      connections: [A, C, D, { ...B, sharing: 7 }, { ...ethernet, id: '{11111111-2222-4333-8444-555555555555}', name: 'Loopback' }],
      hresults: [{ method: 'INetSharingConfigurationForINetConnection', hresult: E_NOINTERFACE, id: '{11111111-2222-4333-8444-555555555555}' }],
    };
    const { value, live } = await inWine({ fake: setup }, async (netcon, t) => ({
      all: await netcon.listSharing(),
      one: await netcon.getSharing('ethernet 2'),
      live: t.live(),
    }));
    expect(value.all).toEqual([
      { id: A.id, name: A.name, shareable: true, sharing: null },
      { id: C.id, name: C.name, shareable: true, sharing: 'public', sharingType: 0 },
      { id: D.id, name: D.name, shareable: true, sharing: 'private', sharingType: 1 },
      { id: up(B.id), name: B.name, shareable: true, sharing: 'unknown', sharingType: 7 },
      { id: '{11111111-2222-4333-8444-555555555555}', name: 'Loopback', shareable: false, sharing: null },
    ]);
    expect(value.one).toEqual({ id: C.id, name: C.name, shareable: true, sharing: 'public', sharingType: 0 });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('enables and disables one side, and refuses a role another connection has without a COM call', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: [A, B, C] } }, async (netcon, t) => {
      const enabled = await netcon.enableSharing('Wi-Fi', 'private');
      const conflict = await t.capture(netcon.enableSharing('Ethernet', 'public'));
      const disabled = await netcon.disableSharing('Ethernet 2');
      const again = await netcon.enableSharing('Ethernet', 'public');
      return { enabled, conflict, disabled, again, after: (await netcon.listSharing()).map((c) => c.sharing), live: t.live() };
    });
    expect(value.enabled).toEqual({ connection: { id: up(B.id), name: B.name }, sharing: 'private' });
    expect(value.conflict).toMatchObject({
      ok: false,
      error: { code: 'ERR_SHARING_CONFLICT', holder: { id: C.id, name: C.name }, classes: expect.arrayContaining(['SharingConflictError']) },
    });
    expect(value.disabled).toEqual({ connection: { id: C.id, name: C.name }, sharing: null });
    expect(value.again).toEqual({ connection: { id: A.id, name: A.name }, sharing: 'public' });
    expect(value.after).toEqual(['public', 'private', null]);
    expect(sharingCalls(calls)).toEqual([
      ['EnableSharing', up(B.id), 0],
      ['DisableSharing', C.id, 0],
      ['EnableSharing', A.id, 0],
    ]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('shares A to B while C and D are shared: C and D lose theirs first, then A is public and B private', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: shared } }, async (netcon, t, ids) => ({
      result: await netcon.shareConnection(ids.a, 'wi-fi'),
      after: (await netcon.listSharing()).map((c) => [c.name, c.sharing]),
      live: t.live(),
    }), { a: A.id });
    expect(value.result).toEqual({
      public: { id: A.id, name: A.name },
      private: { id: up(B.id), name: B.name },
      unshared: [
        { id: C.id, name: C.name, sharing: 'public' },
        { id: D.id, name: D.name, sharing: 'private' },
      ],
    });
    expect(value.after).toEqual([
      [A.name, 'public'],
      [B.name, 'private'],
      [C.name, null],
      [D.name, null],
    ]);
    expect(sharingCalls(calls)).toEqual([
      ['DisableSharing', C.id, 0],
      ['DisableSharing', D.id, 0],
      ['EnableSharing', A.id, 0],
      ['EnableSharing', up(B.id), 0],
    ]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('puts the earlier sharing back when any step fails, and names the step, the COM call and the connection', async () => {
    const faults = [
      { shareStep: 'read', method: 'get_SharingEnabled', id: D.id, step: 'INetSharingConfiguration::get_SharingEnabled' },
      { shareStep: 'unshare', method: 'DisableSharing', id: C.id, step: 'INetSharingConfiguration::DisableSharing' },
      { shareStep: 'unshare', method: 'DisableSharing', id: D.id, step: 'INetSharingConfiguration::DisableSharing' },
      { shareStep: 'enable-public', method: 'EnableSharing', id: A.id, step: 'INetSharingConfiguration::EnableSharing' },
      { shareStep: 'enable-private', method: 'EnableSharing', id: B.id, step: 'INetSharingConfiguration::EnableSharing' },
    ];
    const { value, live } = await inWine({ fake: { connections: shared } }, async (netcon, t, input) => {
      const outcomes = [];
      for (const fault of input.faults) {
        t.configure({ connections: input.shared, hresults: [{ method: fault.method, hresult: input.hresult, id: fault.id }] });
        t.clearLog();
        const error = await t.capture(netcon.shareConnection('Ethernet', 'Wi-Fi'));
        // A read that fails fails again: then the fake's record of the calls says what changed.
        const after = fault.shareStep === 'read' ? null : (await netcon.listSharing()).map((c) => c.sharing);
        outcomes.push({ error, after, calls: t.calls().filter((c) => /Sharing$/.test(c.method)) });
      }
      return { outcomes, live: t.live() };
    }, { faults, shared, hresult: EVENT_E_ALL_SUBSCRIBERS_FAILED });
    faults.forEach((fault, i) => {
      const { error, after, calls } = value.outcomes[i];
      const where = `${fault.shareStep} on ${fault.id}`;
      expect(error, where).toMatchObject({
        ok: false,
        error: {
          code: 'EVENT_E_ALL_SUBSCRIBERS_FAILED',
          hresult: EVENT_E_ALL_SUBSCRIBERS_FAILED,
          operation: 'share',
          shareStep: fault.shareStep,
          step: fault.step,
          connection: { id: up(fault.id) },
          classes: expect.arrayContaining(['SharingServiceError', 'ComError']),
        },
      });
      if (!error.ok) {
        expect(error.error.message, where).toContain(`Share "Ethernet" to "Wi-Fi" (step ${fault.shareStep}) failed: EVENT_E_ALL_SUBSCRIBERS_FAILED (0x80040201)`);
        // A failed read changed nothing, so there is nothing to put back.
        expect(error.error.restored, where).toBe(fault.shareStep === 'read' ? undefined : true);
      }
      // As before: C public, D private, A and B not shared.
      if (fault.shareStep === 'read') expect(calls, where).toEqual([]);
      else expect(after, where).toEqual([null, null, 'public', 'private']);
      // Every change made was undone, last first.
      const changes = calls.filter((c) => c.hresult === 0).map((c) => `${c.method} ${up(c.id)}`);
      const undo = changes.slice(changes.length / 2).reverse().map((c) => c.replace(/^(Enable|Disable)/, (m) => (m === 'Enable' ? 'Disable' : 'Enable')));
      expect(changes.slice(0, changes.length / 2), where).toEqual(undo);
    });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('gives 0x80040201 its typed error, with the services to check; E_ACCESSDENIED says to run elevated', async () => {
    const { value } = await inWine({ fake: { connections: [A, B] } }, async (netcon, t, input) => {
      t.configure({ connections: input.connections, hresults: [{ method: 'EnableSharing', hresult: input.service }] });
      const service = await t.capture(netcon.enableSharing('Ethernet', 'public'));
      t.configure({ connections: input.connections, hresults: [{ method: 'DisableSharing', hresult: input.denied }] });
      const denied = await t.capture(netcon.disableSharing('Ethernet'));
      return { service, denied };
    }, { connections: [A, B], service: EVENT_E_ALL_SUBSCRIBERS_FAILED, denied: E_ACCESSDENIED });
    expect(value.service).toMatchObject({
      ok: false,
      error: { code: 'EVENT_E_ALL_SUBSCRIBERS_FAILED', operation: 'enableSharing', step: 'INetSharingConfiguration::EnableSharing', classes: expect.arrayContaining(['SharingServiceError']) },
    });
    if (!value.service.ok) {
      expect(value.service.error.message).toMatch(/^Enable sharing on "Ethernet" failed: EVENT_E_ALL_SUBSCRIBERS_FAILED \(0x80040201\) at INetSharingConfiguration::EnableSharing — /);
      expect(value.service.error.message).toMatch(/SharedAccess.*MpsSvc.*BFE/);
    }
    expect(value.denied).toMatchObject({ ok: false, error: { code: 'E_ACCESSDENIED', classes: expect.arrayContaining(['AccessDeniedError']) } });
    if (!value.denied.ok) expect(value.denied.error.message).toMatch(/elevated/);
  });

  it('refuses to change a connection Windows cannot share (E_NOINTERFACE) before any change', async () => {
    const setup = { connections: [A, B], hresults: [{ method: 'INetSharingConfigurationForINetConnection', hresult: E_NOINTERFACE, id: A.id }] };
    const { value, calls, live } = await inWine({ fake: setup }, async (netcon, t) => [
      await t.capture(netcon.enableSharing('Ethernet', 'public')),
      await t.capture(netcon.shareConnection('Ethernet', 'Wi-Fi')),
    ]);
    for (const outcome of value) {
      expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_SHAREABLE', connection: { id: A.id, name: A.name } } });
    }
    expect(sharingCalls(calls)).toEqual([]);
    expect(live).toEqual({});
  });

  it('gives up on a hung EnableSharing at timeoutMs, with its outcome unknown', async () => {
    const setup = { connections: [A, B], delays: [{ method: 'EnableSharing', ms: 20_000 * slowdown }] };
    const { value } = await inWine({ fake: setup }, async (netcon, t, input) => {
      const started = Date.now();
      const outcome = await t.capture(netcon.enableSharing('Ethernet', 'public', { timeoutMs: input.timeoutMs }));
      return { outcome, ms: Date.now() - started };
    }, { timeoutMs: 300 * slowdown });
    expect(value.outcome).toMatchObject({ ok: false, error: { code: 'ERR_TIMEOUT', operation: 'enableSharing', outcome: 'unknown', timeoutMs: 300 * slowdown } });
    expect(value.ms).toBeLessThan(2_000 * slowdown);
  });
});

describe('rename under Wine', () => {
  it('renames through INetConnection::Rename; a later list shows the new name', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: [A, C] } }, async (netcon, t) => ({
      result: await netcon.rename('ethernet', 'Büro — 有線 🖧'),
      names: (await netcon.listConnections()).map((c) => c.name),
      live: t.live(),
    }));
    expect(value.result).toEqual({ connection: { id: A.id, name: 'Büro — 有線 🖧' }, previousName: 'Ethernet' });
    expect(value.names).toEqual(['Büro — 有線 🖧', C.name]);
    expect(sharingCalls(calls)).toEqual([['Rename', A.id, 0]]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it('refuses a taken name before Rename, and a name Windows refuses as taken is DuplicateNameError', async () => {
    // Two renames to one name at once: both find it free, and the fake refuses the second
    // as Windows would (ERROR_DUP_NAME).
    const setup = { connections: [A, B, C], delays: [{ method: 'Rename', ms: 500 }] };
    const { value, calls, live } = await inWine({ fake: setup }, async (netcon, t) => {
      const taken = await t.capture(netcon.rename('Ethernet', 'ETHERNET 2'));
      const bad = await t.capture(netcon.rename('Ethernet', 'a/b'));
      const race = await Promise.all([t.capture(netcon.rename('Ethernet', 'Uplink')), t.capture(netcon.rename('Wi-Fi', 'uplink'))]);
      return { taken, bad, race, names: (await netcon.listConnections()).map((c) => c.name), live: t.live() };
    });
    expect(value.taken).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NAME_TAKEN', takenBy: { id: C.id, name: C.name } } });
    expect(value.bad).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_ARG_VALUE' } });
    const refused = value.race.filter((r) => !r.ok);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      ok: false,
      error: { code: 'ERROR_DUP_NAME', hresult: 0x80070034, step: 'INetConnection::Rename', classes: expect.arrayContaining(['DuplicateNameError']) },
    });
    expect(value.names.filter((n) => n.toLowerCase() === 'uplink')).toHaveLength(1);
    // The checks made before any COM call made none: only the two racing renames reached Windows.
    expect(sharingCalls(calls).map(([method, , hresult]) => [method, hresult]).sort()).toEqual([
      ['Rename', 0],
      ['Rename', 0x80070034],
    ]);
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });
});
