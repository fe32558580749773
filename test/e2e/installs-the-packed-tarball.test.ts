// The package exactly as users get it: `npm pack`, installed into a fresh project, used from
// CommonJS, ESM and TypeScript on Linux, then the same installed tree in Windows node.exe,
// where the prebuilt binary must load with no build step.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { TARGETS } from '../../scripts/targets.mjs';
import { nodeLinePass, repoRoot, workDir } from '../../wine/environment';
import { ethernet, vpn } from '../../wine/connections';
import { cliInWine, inWine } from '../../wine/run';

const consumerDir = join(workDir, 'consumer');
const app = join(consumerDir, 'app');
const installed = join(app, 'node_modules', 'netcon');

interface Packed {
  filename: string;
  size: number;
  files: { path: string }[];
}
let packed: Packed;
let installLog: string;

beforeAll(() => {
  rmSync(consumerDir, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', consumerDir], repoRoot)) as Packed[];
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  installLog = npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', join(consumerDir, packed.filename)], app);
});

// The tarball and its use on Linux are the same in every pass, so they are part of the first
// pass only: a NETCON_E2E_NODE pass (Node 16) has only the Windows part, in its own node.exe.
const linuxSide = nodeLinePass ? (_name: string, _body: () => void) => {} : describe;

linuxSide('the npm pack tarball', () => {
  it('holds dist (ESM, CJS, types), every prebuild, the fallback build sources, README, the guides, the examples and LICENSE', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json', 'README.md', 'LICENSE', 'binding.gyp', 'scripts/install-check.js',
        'dist/index.cjs', 'dist/index.mjs', 'dist/index.d.cts', 'dist/index.d.mts', 'dist/cjs/index.js', 'dist/cjs/cli/bin.js',
        'dist/testing.cjs', 'dist/testing.mjs', 'dist/testing.d.cts', 'dist/testing.d.mts',
        'native/addon.cc', 'native/netcon_com.cc', 'native/netcon_com.h', 'native/com_ptr.h',
        ...Object.keys(TARGETS).map((arch) => `prebuilds/win32-${arch}/netcon.napi.node`),
        'docs/README.md', 'docs/errors.md', 'docs/platforms.md', 'examples/node-script.mjs',
      ]),
    );
    // Nothing of the repository's own machinery: tests, fixtures, build trees, sources of dist/,
    // the generated API pages (the type declarations carry the same comments).
    expect(files.filter((f) => /^(test|build|src|cmake|bench|wine|docs\/api|\.ci|\.github)\/|^CMakeLists|^tsconfig|^vitest/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('docs/') && !/^docs\/[^/]+\.md$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('scripts/'))).toEqual(['scripts/install-check.js']);
  });

  it('packs to under 2 MB', () => {
    expect(packed.size).toBeLessThan(2 * 1024 * 1024);
  });
});

linuxSide('installed into a fresh project on Linux', () => {
  it('ran its install step and built nothing', () => {
    expect(installLog).toMatch(/netcon@\S+ install/);
    expect(installLog).not.toMatch(/gyp info|node-gyp rebuild/);
    expect(existsSync(join(installed, 'build'))).toBe(false);
    expect(existsSync(join(installed, 'prebuilds', 'win32-x64', 'netcon.napi.node'))).toBe(true);
  });

  it('works from require and import, as one implementation, rejecting calls with ERR_UNSUPPORTED_PLATFORM', () => {
    const script = `
      const cjs = require('netcon');
      const code = (p) => p.then(() => 'resolved', (e) => e.code + ' ' + (e instanceof cjs.NetConError));
      import('netcon').then(async (esm) => {
        console.log(JSON.stringify({
          cjs: Object.keys(cjs).sort(),
          esm: Object.keys(esm).filter((k) => k !== 'default').sort(),
          sameClasses: esm.NetConError === cjs.NetConError && esm.ComError === cjs.ComError,
          cjsList: await code(cjs.listConnections()),
          esmDisconnect: await code(esm.disconnect('Ethernet')),
          clientList: await code(esm.createClient({ progId: 'NetCon.FakeHNetShare' }).listConnections()),
          supported: cjs.isSupported(),
          pkg: require('netcon/package.json').name,
          // netcon/testing works everywhere: it needs no native module.
          fake: await (async () => {
            const { createFakeClient } = await import('netcon/testing');
            const client = createFakeClient({ connections: [{ id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' }] });
            await client.disconnect('Ethernet');
            const cjsTesting = require('netcon/testing');
            const denied = cjsTesting.createFakeClient({ connections: [{ id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' }], failures: [{ on: 'disconnect', hresult: 'E_ACCESSDENIED' }] });
            const error = await denied.disconnect('Ethernet').catch((e) => e);
            return [client.connections()[0].status, error instanceof cjs.AccessDeniedError];
          })(),
        }));
      });`;
    const out = spawnSync(process.execPath, ['-e', script], { cwd: app, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    const result = JSON.parse(out.stdout);
    expect(result.esm).toEqual(result.cjs);
    expect(result.cjs).toEqual(expect.arrayContaining(['listConnections', 'findConnection', 'disconnect', 'connect', 'createClient', 'isSupported', 'NetConError']));
    expect(result).toMatchObject({
      sameClasses: true,
      cjsList: 'ERR_UNSUPPORTED_PLATFORM true',
      esmDisconnect: 'ERR_UNSUPPORTED_PLATFORM true',
      clientList: 'ERR_UNSUPPORTED_PLATFORM true',
      supported: false,
      pkg: 'netcon',
      fake: ['disconnected', true],
    });
  });

  // The same consumer code under both module systems TypeScript users pick. Its two
  // expect-error directives fail the compile if the types were missing or `any`.
  const consumer = `
    import { createClient, disconnect, listConnections, waitForStatus, ComError, NetConError, type NetConnection } from 'netcon';
    import { createFakeClient } from 'netcon/testing';
    export async function firstLan(): Promise<NetConnection | undefined> {
      const client = createClient({ progId: 'NetCon.FakeHNetShare' });
      const all: NetConnection[] = [...(await listConnections()), ...(await client.listConnections())];
      try {
        await disconnect(all[0]);
      } catch (error) {
        if (error instanceof ComError) console.log(error.hresult.toString(16), error.step);
        else if (error instanceof NetConError) console.log(error.code.toLowerCase());
      }
      const fake = createFakeClient({ connections: [{ id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}', name: 'Ethernet' }] });
      await fake.disconnect('Ethernet', { wait: { timeoutMs: 1000 } });
      const down: NetConnection = await waitForStatus('Ethernet', ['disconnected', 'hardware-disabled']);
      console.log(down.status, fake.calls.length);
      // @ts-expect-error a number is no target
      await disconnect(42);
      // @ts-expect-error progId is a string
      createClient({ progId: 1 });
      return all.find((c) => c.mediaType === 'lan' && c.status === 'connected');
    }
  `;
  const tsc = (config: object, files: string[]) => {
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], ...config }, files }));
    return spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
  };

  it('type-checks under module NodeNext, from CommonJS and from ESM files', () => {
    writeFileSync(join(app, 'consumer.ts'), consumer);
    writeFileSync(join(app, 'consumer.mts'), consumer);
    const out = tsc({ module: 'NodeNext', moduleResolution: 'NodeNext' }, ['consumer.ts', 'consumer.mts']);
    expect(out.stdout + out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('type-checks under module CommonJS', () => {
    writeFileSync(join(app, 'consumer.ts'), consumer);
    const out = tsc({ module: 'CommonJS', moduleResolution: 'Node10' }, ['consumer.ts']);
    expect(out.stdout + out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('fails to type-check a misuse (the check above is real)', () => {
    writeFileSync(join(app, 'misuse.ts'), `import { disconnect } from 'netcon';\nvoid disconnect(42);\n`);
    const out = tsc({ module: 'NodeNext', moduleResolution: 'NodeNext' }, ['misuse.ts']);
    expect(out.stdout).toMatch(/misuse\.ts\(2,17\): error TS2345/);
  });
});

describe('the same installed tree in Windows node.exe', () => {
  const fake = { connections: [ethernet, vpn] };

  it('loads the prebuild with no build step and lists the fake server, from require and import', async () => {
    const { value, live } = await inWine({ packageRoot: installed, fake }, async (netcon, t, input) => {
      const esm = (await t.importModule(input.esm)) as typeof netcon;
      return {
        cjs: (await netcon.listConnections()).map((c) => c.name),
        esm: (await esm.listConnections()).map((c) => c.name),
        sameClasses: esm.NetConError === netcon.NetConError,
      };
    }, { esm: pathToFileURL(join(installed, 'dist', 'index.mjs')).href.replace('file://', 'file:///Z:') });
    expect(value).toEqual({ cjs: ['Ethernet', vpn.name], esm: ['Ethernet', vpn.name], sameClasses: true });
    expect(live).toEqual({});
    expect(existsSync(join(installed, 'build'))).toBe(false);
  });

  it('works in a renamed host executable too', async () => {
    const { value } = await inWine({ packageRoot: installed, host: 'renamed', fake }, async (netcon) => (await netcon.listConnections()).length);
    expect(value).toBe(2);
  });

  it('runs the installed bin', async () => {
    const out = await cliInWine(['list', '--json'], { packageRoot: installed, fake });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).map((c: { id: string }) => c.id)).toEqual([ethernet.id, vpn.id]);
  });
});
