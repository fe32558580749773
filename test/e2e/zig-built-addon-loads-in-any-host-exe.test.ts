import { describe, expect, it } from 'vitest';
import { testBuildPath } from '../../scripts/targets.mjs';
import { CLSID_NetSharingManager, repoRoot, windowsPath } from '../../wine/environment';
import { ethernet, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

// Wine runs no ARM64 code, so the arm64 prebuild's toolchain is proven here instead: the
// same Zig setup (clang, lld delay-loading node.exe, our hook, static libc++) built for x64
// and loaded by path, bypassing the package's loader, in node.exe and a renamed host.
describe('an addon built with the arm64 prebuild\'s Zig toolchain, for x64', () => {
  const addon = windowsPath(testBuildPath(repoRoot, 'zig-x64'));

  it.each(['node.exe', 'renamed'] as const)('works in %s', async (host) => {
    const { value, live } = await inWine({ host, fake: { connections: [ethernet, vpn] } }, async (_netcon, t, input) => {
      const module = { exports: {} as Record<string, (...args: (string | number)[]) => Promise<unknown>> };
      process.dlopen(module, input.addon);
      return {
        host: t.platform().execPath,
        exports: Object.keys(module.exports).sort(),
        // The addon's own packed form (src/addon.ts decodeList): one string and the fields.
        // The last argument names the call (src/addon.ts), for abandon().
        list: await module.exports.list('HNetCfg.HNetShare', 1).then((r) => ({ ...(r as object), fields: Array.from((r as { fields: Float64Array }).fields) })),
        disconnect: await module.exports.disconnect('HNetCfg.HNetShare', input.vpn, 2),
        diagnose: await module.exports.diagnose('HNetCfg.HNetShare', 3),
        // iphlpapi and rasapi32, delay-loaded by lld (the arm64 build makes its own rasapi32 import library).
        adapters: await (module.exports.adapters as unknown as (id: number) => Promise<{ ok: boolean; adapters?: unknown[] }>)(4).then((r) => ({ ok: r.ok, count: r.adapters?.length })),
        subscribe: (module.exports.subscribe as unknown as (fn: () => void) => unknown)(() => {}),
        unsubscribe: (module.exports.unsubscribe as unknown as () => unknown)(),
      };
    }, { addon, vpn: vpn.id });
    expect(value.host).toMatch(host === 'renamed' ? /MyElectronApp\.exe$/ : /node\.exe$/);
    expect(value.exports).toEqual([
      'abandon', 'adapters', 'addPortMapping', 'apartment', 'changePortMapping', 'comThreads', 'connect', 'deleteConnection', 'diagnose', 'disconnect', 'duplicateConnection',
      'initializeSecurity', 'list', 'notifications', 'portMappings', 'rename', 'setSharing', 'sharing', 'subscribe', 'unsubscribe',
    ]);
    expect(value.list).toMatchObject({ ok: true, text: `${ethernet.id}${ethernet.name}${ethernet.deviceName}${vpn.id}${vpn.name}${vpn.deviceName}` });
    expect((value.list as { fields: number[] }).fields).toHaveLength(12);
    expect(value.disconnect).toMatchObject({ ok: true, found: true, hresult: 0 });
    // doctor's reads, compiled by Zig: the registry, the service manager, the token.
    expect(value.diagnose).toMatchObject({ ok: true, binaryArch: 'x64', clsid: CLSID_NetSharingManager, serverKind: 'InprocServer32', threadingModel: 'Both' });
    expect(value.adapters).toEqual({ ok: true, count: expect.any(Number) });
    expect(value.subscribe).toEqual({ ipInterface: 0, ras: expect.any(Number) });
    expect(live).toEqual({});
  });
});
