import { describe, expect, it } from 'vitest';
import { ethernet } from '../../wine/connections';
import { native, nodeVersions } from '../../wine/environment';
import { inWine } from '../../wine/run';

// Electron's executable (and any app built on it) exports Node-API under its own name:
// the addon must find Node-API in whatever process loaded it, not in "node.exe".
describe('the cross-built addon loads in any host executable', () => {
  it('works in node.exe renamed to MyElectronApp.exe', async () => {
    const { value } = await inWine({ host: 'renamed', fake: { connections: [ethernet] } }, async (netcon, t) => ({
      execPath: t.platform().execPath,
      supported: netcon.isSupported(),
      names: (await netcon.listConnections()).map((c) => c.name),
      disconnect: await t.capture(netcon.disconnect('Ethernet')),
    }));
    expect(value.execPath).toMatch(/MyElectronApp\.exe$/);
    expect(value.supported).toBe(true);
    expect(value.names).toEqual(['Ethernet']);
    expect(value.disconnect.ok).toBe(true);
  });

  it('works in Windows Node.js 22 as well as 20', async () => {
    const { value, live } = await inWine({ node: '22', fake: { connections: [ethernet] } }, async (netcon, t) => ({
      version: t.platform().version,
      names: (await netcon.listConnections()).map((c) => c.name),
    }));
    // Natively the workflow's Node matrix (20, 22, 24) covers the versions instead.
    expect(value.version).toBe(native ? process.version : `v${nodeVersions['22']}`);
    expect(value.names).toEqual(['Ethernet']);
    expect(live).toEqual({});
  });
});
