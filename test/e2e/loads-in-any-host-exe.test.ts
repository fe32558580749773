import { describe, expect, it } from 'vitest';
import { ethernet } from '../../wine/connections';
import { expectedNodeVersion, native, suiteNode, suiteNodeLines, suiteWindows } from '../../wine/environment';
import { inWine } from '../../wine/run';

// Electron's executable (and any app built on it) exports Node-API under its own name:
// the addon must find Node-API in whatever process loaded it, not in "node.exe".
describe('the cross-built addon loads in any host executable', () => {
  it('works in node.exe renamed to MyElectronApp.exe', async () => {
    const { value } = await inWine({ host: 'renamed', fake: { connections: [ethernet] } }, async (netcon, t) => ({
      execPath: t.platform().execPath,
      version: t.platform().version,
      supported: netcon.isSupported(),
      names: (await netcon.listConnections()).map((c) => c.name),
      disconnect: await t.capture(netcon.disconnect('Ethernet')),
    }));
    expect(value.execPath).toMatch(/MyElectronApp\.exe$/);
    // The suite's Node: in the Node 16 pass the host stands in for Electron 22.
    expect(value.version).toBe(expectedNodeVersion(suiteNode));
    expect(value.supported).toBe(true);
    expect(value.names).toEqual(['Ethernet']);
    expect(value.disconnect.ok).toBe(true);
  });

  // 20 and 22 (20 runs the rest of the suite too); a NETCON_E2E_NODE pass checks its own line here.
  it.each(suiteNodeLines)('works in Windows Node.js %s, on the Windows version its pass sets', async (node) => {
    const { value, live } = await inWine({ node, fake: { connections: [ethernet] } }, async (netcon, t) => ({
      version: t.platform().version,
      windows: (t.require('node:os') as typeof import('node:os')).release(),
      names: (await netcon.listConnections()).map((c) => c.name),
    }));
    // Natively the workflow's Node matrix (16, 20, 22, 24) covers the versions instead.
    expect(value.version).toBe(expectedNodeVersion(node));
    if (!native) expect(value.windows).toMatch(suiteWindows === 'win7' ? /^6\.1\./ : /^10\./);
    expect(value.names).toEqual(['Ethernet']);
    expect(live).toEqual({});
  });
});
