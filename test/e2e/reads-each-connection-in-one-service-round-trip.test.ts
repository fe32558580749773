import { describe, expect, it } from 'vitest';
import { disabledWifi, ethernet, ethernet2, machine, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

// On Windows every INetConnectionProps getter is a call into the Network Connections service
// (hnetcfg's getters each call GetProperties); netcon makes one INetConnection::GetProperties
// per connection instead, and reads the whole connection at one moment. The fake counts every
// call and every CoTaskMem block it hands out, so a block netcon does not free is a leak.
const E_NOTIMPL = 0x80004001;
const E_NOINTERFACE = 0x80004002;
const GETTERS = ['NetConnectionProps', 'get_Guid', 'get_Name', 'get_DeviceName', 'get_Status', 'get_MediaType', 'get_Characteristics'];

const count = (calls: { method: string; id: string }[], method: string, id?: string) =>
  calls.filter((c) => c.method === method && (id === undefined || c.id === id)).length;

describe('reading connections', () => {
  it('makes one GetProperties per connection per list, no getter, and frees every block it was given', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
      const listed = await netcon.listConnections();
      return {
        listed: listed.map((c) => [c.id, c.name, c.deviceName, c.statusCode, c.mediaTypeCode, c.characteristics.value]),
        blocks: { handedOut: t.counts('new').CoTaskMem, freed: t.counts('delete').CoTaskMem },
        live: t.live(),
      };
    });
    expect(value.listed).toEqual(machine.map((c) => [c.id.toUpperCase(), c.name, c.deviceName, c.status, c.mediaType, c.characteristics]));
    for (const c of machine) expect(count(calls, 'GetProperties', c.id), c.name).toBe(1);
    for (const getter of GETTERS) expect(count(calls, getter), getter).toBe(0);
    // Three blocks per GetProperties (the struct and two strings), each freed.
    expect(value.blocks).toEqual({ handedOut: 3 * machine.length, freed: 3 * machine.length });
    expect(value.live).toEqual({});
    expect(live).toEqual({});
  });

  it.each([
    ['E_NOTIMPL', E_NOTIMPL],
    ['E_NOINTERFACE', E_NOINTERFACE],
  ])('falls back to NetConnectionProps and the getters for the one connection whose GetProperties answers %s', async (_name, hresult) => {
    const fake = { connections: machine, hresults: [{ method: 'GetProperties', hresult, id: vpn.id }] };
    const { value, calls, live } = await inWine({ fake }, async (netcon) => (await netcon.listConnections()).map((c) => [c.id, c.name, c.status]));
    expect(value).toEqual(machine.map((c) => [c.id.toUpperCase(), c.name, expect.any(String)]));
    expect(count(calls, 'GetProperties')).toBe(machine.length);
    for (const getter of GETTERS) expect([getter, count(calls, getter), count(calls, getter, vpn.id)]).toEqual([getter, 1, 1]);
    expect(live).toEqual({});
  });

  it('finds the target of an action by GetProperties, comparing GUIDs by value, and reads nothing else', async () => {
    const { value, calls, live } = await inWine({ fake: { connections: machine } }, async (netcon, t, input) => {
      return { result: await netcon.disconnect(input.id.toLowerCase()), live: t.live() };
    }, { id: disabledWifi.id });
    expect(value.result).toEqual({ connection: { id: disabledWifi.id.toUpperCase(), name: disabledWifi.name }, hresult: 0, code: 'S_OK' });
    // The walk stops at the target: Ethernet, Ethernet 2, then Wi-Fi; the VPN is never read.
    expect(calls.filter((c) => c.method === 'GetProperties').map((c) => c.id)).toEqual([ethernet.id, ethernet2.id, disabledWifi.id]);
    expect(calls.filter((c) => c.method === 'Disconnect').map((c) => c.id)).toEqual([disabledWifi.id]);
    for (const getter of GETTERS) expect(count(calls, getter), getter).toBe(0);
    expect(live).toEqual({});
  });

  it('acts on a connection whose server answers its GUID without braces, in lower case (one GUID rule on both sides)', async () => {
    const braceless = { ...vpn, guidText: vpn.id.slice(1, -1).toLowerCase() };
    const fake = { connections: [ethernet, braceless], hresults: [{ method: 'GetProperties', hresult: E_NOTIMPL }] };
    const { value, calls, live } = await inWine({ fake }, async (netcon, t) => {
      const listed = await netcon.listConnections();
      const target = listed[1];
      return { id: target.id, result: await t.capture(netcon.disconnect(target)) };
    });
    // Listed braced and upper case, as every id; the native lookup compares the GUID's value.
    expect(value.id).toBe(vpn.id);
    expect(value.result).toMatchObject({ ok: true, value: { connection: { id: vpn.id, name: vpn.name }, code: 'S_OK' } });
    expect(calls.filter((c) => c.method === 'Disconnect').map((c) => c.id)).toEqual([vpn.id]);
    expect(live).toEqual({});
  });

  it('costs one service round trip per connection where the getters cost six', async () => {
    const connections = [ethernet, ethernet2, disabledWifi, vpn];
    const timed = async (hresults: { method: string; hresult: number }[]) =>
      (await inWine({ fake: { connections, roundTripUs: 20_000, hresults } }, async (netcon) => {
        await netcon.listConnections(); // warm
        const started = performance.now();
        await netcon.listConnections();
        return performance.now() - started;
      })).value;
    const oneTrip = await timed([]);
    const sixTrips = await timed([{ method: 'GetProperties', hresult: E_NOTIMPL }]);
    console.info(`4 connections at 20 ms a round trip: GetProperties ${Math.round(oneTrip)} ms, getters ${Math.round(sixTrips)} ms`);
    // 4 x 20 ms at least; the getters' path 4 x 6 x 20 ms at least.
    expect(oneTrip).toBeGreaterThanOrEqual(80);
    expect(sixTrips).toBeGreaterThanOrEqual(480);
    expect(oneTrip).toBeLessThan(480);
  });
});
