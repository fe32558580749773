// Windows only (the CI workflow): the machine's real HNetCfg.HNetShare, read-only. It must
// never disconnect a real adapter: the only action tried is on a GUID no adapter has.
import { describe, expect, it } from 'vitest';

import { CONNECTION_STATUSES, ConnectionNotFoundError, MEDIA_TYPES, disconnect, listConnections } from '../../src/index';

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
});
