// Windows only (the CI workflow; vitest.config.mts leaves *.windows.test.ts out elsewhere): the
// machine's real HNetCfg.HNetShare, read-only, in the job's node.exe and through the package
// under test (the prebuild jobs: the one a fresh project installed from the packed tarball).
// It must never disconnect a real adapter: the only actions tried are on GUIDs no adapter has.
// Under Wine there is no HNetShare: the whole suite stands in with the fake server.
import { describe, expect, it } from 'vitest';

import { CONNECTION_STATUSES, MEDIA_TYPES } from '../../src/index';
import { inWine } from '../../wine/run';

const GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;
const real = { progId: 'HNetCfg.HNetShare' };

describe('the real HNetCfg.HNetShare', () => {
  it('lists at least one connection with a valid GUID and known status and media type', async () => {
    const { value: connections } = await inWine(real, (netcon) => netcon.listConnections());
    console.log(connections.map((c) => `${c.name} | ${c.status} | ${c.mediaType} | ${c.deviceName} | ${c.id}`).join('\n'));
    expect(connections.length).toBeGreaterThan(0);
    for (const c of connections) {
      expect(c.id).toMatch(GUID);
      expect(CONNECTION_STATUSES as readonly string[]).toContain(c.status);
      expect(MEDIA_TYPES as readonly string[]).toContain(c.mediaType);
    }
  });

  it('rejects disconnecting a GUID that no connection has with ERR_CONNECTION_NOT_FOUND', async () => {
    const { value } = await inWine(real, async (netcon, t, absent) => ({
      ids: (await netcon.listConnections()).map((c) => c.id),
      disconnect: await t.capture(netcon.disconnect(absent)),
    }), '{00000000-0000-4000-8000-00000000F00D}');
    expect(value.ids).not.toContain('{00000000-0000-4000-8000-00000000F00D}');
    expect(value.disconnect).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND', classes: expect.arrayContaining(['ConnectionNotFoundError']) } });
  });

  // What the real hnetcfg answers for each connection's sharing configuration, printed so the
  // workflow's log shows it (which adapters Windows will not share, what a runner has shared).
  it("reads every connection's Internet Connection Sharing, the same connections as a list", async () => {
    const { value } = await inWine(real, async (netcon) => ({ sharing: await netcon.listSharing(), ids: (await netcon.listConnections()).map((c) => c.id) }));
    console.log(value.sharing.map((c) => `${c.name} | shareable ${c.shareable} | ${c.sharing ?? '-'}${c.sharingType === undefined ? '' : ` (${c.sharingType})`}`).join('\n'));
    expect(value.sharing.map((c) => c.id).sort()).toEqual([...value.ids].sort());
    for (const c of value.sharing) {
      expect(c.id).toMatch(GUID);
      expect([null, 'public', 'private', 'unknown']).toContain(c.sharing);
      if (!c.shareable) expect(c.sharing).toBe(null);
    }
  });

  it('rejects unsharing and renaming a GUID that no connection has, changing nothing', async () => {
    const { value } = await inWine(real, async (netcon, t, absent) => ({
      unshare: await t.capture(netcon.disableSharing(absent)),
      rename: await t.capture(netcon.rename(absent, 'netcon smoke test')),
    }), '{00000000-0000-4000-8000-00000000F00E}');
    expect(value.unshare).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
    expect(value.rename).toMatchObject({ ok: false, error: { code: 'ERR_CONNECTION_NOT_FOUND' } });
  });
});
