// Windows only (the CI workflow): the machine's real HNetCfg.HNetShare, read-only. It must
// never disconnect a real adapter: the only action tried is on a GUID no adapter has.
import { describe, expect, it } from 'vitest';

import { CONNECTION_STATUSES, ConnectionNotFoundError, MEDIA_TYPES, disableSharing, disconnect, listConnections, listSharing, rename } from '../../src/index';

const GUID = /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/;

describe('the real HNetCfg.HNetShare', () => {
  it('lists at least one connection with a valid GUID and known status and media type', async () => {
    const connections = await listConnections();
    console.log(connections.map((c) => `${c.name} | ${c.status} | ${c.mediaType} | ${c.deviceName} | ${c.id}`).join('\n'));
    expect(connections.length).toBeGreaterThan(0);
    for (const c of connections) {
      expect(c.id).toMatch(GUID);
      expect(CONNECTION_STATUSES as readonly string[]).toContain(c.status);
      expect(MEDIA_TYPES as readonly string[]).toContain(c.mediaType);
    }
  });

  it('rejects disconnecting a GUID that no connection has with ERR_CONNECTION_NOT_FOUND', async () => {
    const absent = '{00000000-0000-4000-8000-00000000F00D}';
    expect((await listConnections()).map((c) => c.id)).not.toContain(absent);
    await expect(disconnect(absent)).rejects.toBeInstanceOf(ConnectionNotFoundError);
    await expect(disconnect(absent)).rejects.toMatchObject({ code: 'ERR_CONNECTION_NOT_FOUND' });
  });

  // What the real hnetcfg answers for each connection's sharing configuration, printed so the
  // workflow's log shows it (which adapters Windows will not share, what a runner has shared).
  it('reads every connection\'s Internet Connection Sharing, the same connections as a list', async () => {
    const sharing = await listSharing();
    console.log(sharing.map((c) => `${c.name} | shareable ${c.shareable} | ${c.sharing ?? '-'}${c.sharingType === undefined ? '' : ` (${c.sharingType})`}`).join('\n'));
    expect(sharing.map((c) => c.id).sort()).toEqual((await listConnections()).map((c) => c.id).sort());
    for (const c of sharing) {
      expect(c.id).toMatch(GUID);
      expect([null, 'public', 'private', 'unknown']).toContain(c.sharing);
      if (!c.shareable) expect(c.sharing).toBe(null);
    }
  });

  it('rejects unsharing and renaming a GUID that no connection has, changing nothing', async () => {
    const absent = '{00000000-0000-4000-8000-00000000F00E}';
    await expect(disableSharing(absent)).rejects.toMatchObject({ code: 'ERR_CONNECTION_NOT_FOUND' });
    await expect(rename(absent, 'netcon smoke test')).rejects.toMatchObject({ code: 'ERR_CONNECTION_NOT_FOUND' });
  });
});
