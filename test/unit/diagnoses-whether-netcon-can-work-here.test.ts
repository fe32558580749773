// diagnose() and `netcon doctor` judge what the addon reads about the machine. Here the facts
// come from netcon/testing's machine or are set by the test; the Wine suite reads real ones.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { Backend } from '../../src/backend';
import { main, type CliApi } from '../../src/cli/main';
import { createClientWith } from '../../src/client';
import { NativeModuleLoadError, UnsupportedPlatformError, type Diagnosis } from '../../src/index';
import type { FakeClientOptions } from '../../src/fake-machine';
import type { NativeDiagnosis } from '../../src/native';
import { createFakeClient } from '../../src/testing';
import { ALL, ETHERNET, fakeMachine } from './fixtures';

const statuses = (d: Diagnosis) => Object.fromEntries(d.checks.map((c) => [c.check, c.status]));
const find = (d: Diagnosis, check: string) => d.checks.find((c) => c.check === check)!;

// A backend whose look at the machine answers `facts` over the fake machine's healthy ones.
async function machineWith(facts: Partial<NativeDiagnosis>, progId?: string, options: FakeClientOptions = { connections: ALL }) {
  const fake = fakeMachine(options, progId);
  const healthy = await fake.backend.diagnose('HNetCfg.HNetShare');
  const backend: Backend = { ...fake.backend, diagnose: async () => ({ ...(healthy as NativeDiagnosis), ...facts }) };
  return createClientWith(() => backend, progId);
}

describe('diagnose()', () => {
  it('passes every check on a healthy machine, in order from the machine up to a trial list', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    const diagnosis = await client.diagnose();
    expect(diagnosis.ok).toBe(true);
    expect(diagnosis.checks.map((c) => c.check)).toEqual([
      'windows', 'architecture', 'runtime', 'binary', 'com-class', 'service', 'elevation', 'apartment', 'trial-list',
    ]);
    expect(diagnosis.checks.every((c) => c.status === 'ok' && c.fix === undefined)).toBe(true);
    expect(find(diagnosis, 'windows').summary).toBe('Windows 10 (10.0.19045)');
    expect(find(diagnosis, 'com-class').summary).toBe(
      'HNetCfg.HNetShare → {5C63C1AD-3956-4FF8-8486-40034758315B} → C:\\Windows\\System32\\hnetcfg.dll (InprocServer32, ThreadingModel Both)',
    );
    expect(find(diagnosis, 'trial-list').summary).toMatch(/^listConnections\(\) found 1 connection in \d+ ms$/);
    expect(find(diagnosis, 'runtime').summary).toBe(`Node ${process.versions.node}, Node-API ${process.versions.napi}`);
    expect(client.calls.map((c) => c.method)).toEqual(['diagnose', 'list']);
  });

  it('fails the trial list with the code of the error a list would get', async () => {
    const client = createFakeClient({ connections: [ETHERNET], failures: [{ on: 'list', hresult: 'E_ACCESSDENIED' }] });
    const diagnosis = await client.diagnose();
    expect(diagnosis.ok).toBe(false);
    expect(find(diagnosis, 'trial-list')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^listConnections\(\) failed: E_ACCESSDENIED: List connections failed/) });
  });

  it("sends a failed trial list to docs/errors.md by its path in the package, which ships it", async () => {
    const client = createFakeClient({ connections: [ETHERNET], failures: [{ on: 'list', hresult: 'E_FAIL' }] });
    const errorsPage = join(__dirname, '..', '..', 'docs', 'errors.md');
    expect(find(await client.diagnose(), 'trial-list').fix).toBe(`See the other checks, and ${errorsPage} for this code.`);
    expect(existsSync(errorsPage)).toBe(true);
  });

  it('reports the platform off Windows, and nothing else', async () => {
    const client = createClientWith(() => {
      throw new UnsupportedPlatformError('linux');
    });
    const diagnosis = await client.diagnose();
    expect(diagnosis).toEqual({
      ok: false,
      checks: [{ check: 'platform', status: 'fail', summary: 'linux: netcon works only on Windows', fix: expect.stringContaining('ERR_UNSUPPORTED_PLATFORM') }],
    });
  });

  it('reports a native module that does not load, with the loader\'s fixes', async () => {
    const client = createClientWith(() => {
      throw new NativeModuleLoadError(new Error('The specified module could not be found.'), 'arm64');
    });
    const diagnosis = await client.diagnose();
    expect(statuses(diagnosis)).toEqual({ runtime: 'ok', binary: 'fail' });
    expect(find(diagnosis, 'binary')).toMatchObject({
      summary: 'netcon could not load its native module for win32-arm64: The specified module could not be found.',
      fix: expect.stringMatching(/^Reinstall netcon .* Visual Studio Build Tools/),
    });
  });

  it('fails at the class registration with the fix, when the ProgID is unknown', async () => {
    const diagnosis = await (await machineWith({ clsidHresult: 0x800401f3, clsid: '' })).diagnose();
    expect(find(diagnosis, 'com-class')).toEqual({
      check: 'com-class',
      status: 'fail',
      summary: 'HNetCfg.HNetShare is not registered (CLSIDFromProgID: 0x800401F3)',
      fix: expect.stringContaining('regsvr32 %SystemRoot%\\System32\\hnetcfg.dll'),
    });
    expect(diagnosis.ok).toBe(false);
  });

  it('gives a 32-bit process on 64-bit Windows the SysWOW64 regsvr32 and DLL for a missing HNetShare', async () => {
    for (const osArch of ['x64', 'arm64']) {
      const diagnosis = await (await machineWith({ clsidHresult: 0x800401f3, clsid: '', binaryArch: 'ia32', osArch })).diagnose();
      expect(find(diagnosis, 'com-class')).toMatchObject({
        status: 'fail',
        fix: expect.stringMatching(/for 32-bit processes .*: %SystemRoot%\\SysWOW64\\regsvr32 %SystemRoot%\\SysWOW64\\hnetcfg\.dll$/),
      });
    }
    // On 32-bit Windows there is no SysWOW64.
    const on32 = await (await machineWith({ clsidHresult: 0x800401f3, clsid: '', binaryArch: 'ia32', osArch: 'ia32' })).diagnose();
    expect(find(on32, 'com-class').fix).toMatch(/: regsvr32 %SystemRoot%\\System32\\hnetcfg\.dll$/);
  });

  it('reports a class registered only in the other registry view as such, not as missing', async () => {
    const facts = { clsidHresult: 0x800401f3, clsid: '', otherView: '64-bit', otherViewServerPath: 'C:\\x64\\server.dll', binaryArch: 'ia32', osArch: 'x64' };
    const diagnosis = await (await machineWith(facts, 'Vendor.Server')).diagnose();
    expect(find(diagnosis, 'com-class')).toEqual({
      check: 'com-class',
      status: 'fail',
      summary: 'Vendor.Server is registered only for 64-bit processes (C:\\x64\\server.dll); this is a 32-bit process',
      fix: 'Register Vendor.Server for 32-bit processes too (its 32-bit server, with reg import … /reg:32 or that build\'s regsvr32), or run netcon in a 64-bit process.',
    });
  });

  it('fails a registered class whose server file is missing', async () => {
    const diagnosis = await (await machineWith({ serverFileExists: false })).diagnose();
    expect(find(diagnosis, 'com-class')).toMatchObject({ status: 'fail', summary: expect.stringMatching(/hnetcfg\.dll \(InprocServer32, ThreadingModel Both\): the file is missing$/) });
  });

  it('fails a disabled Network Connections service with the command that fixes it', async () => {
    const diagnosis = await (await machineWith({ serviceState: 1, serviceStartType: 4 })).diagnose();
    expect(find(diagnosis, 'service')).toEqual({
      check: 'service',
      status: 'fail',
      summary: 'Network Connections service (Netman): stopped, disabled',
      fix: 'From an elevated prompt: sc config Netman start= demand',
    });
  });

  it('counts a stopped, manual service as fine: Windows starts it on demand', async () => {
    const diagnosis = await (await machineWith({ serviceState: 1, serviceStartType: 3 })).diagnose();
    expect(find(diagnosis, 'service')).toMatchObject({ status: 'ok', summary: 'Network Connections service (Netman): stopped, start manual; Windows starts it when netcon asks' });
  });

  it('fails a missing service when the list fails too, and lets a server that answered without it pass', async () => {
    const options = { connections: ALL, failures: [{ on: 'list' as const, hresult: 0x80040154, step: 'EnumEveryConnection' }] };
    const hnetshare = await (await machineWith({ serviceError: 1060 }, undefined, options)).diagnose();
    expect(find(hnetshare, 'service')).toMatchObject({ status: 'fail', summary: 'Network Connections service (Netman): not installed' });
    const testServer = await (await machineWith({ serviceError: 1060 }, 'NetCon.FakeHNetShare')).diagnose();
    expect(find(testServer, 'service')).toMatchObject({ status: 'ok', summary: 'Network Connections service (Netman): not installed; NetCon.FakeHNetShare answered without it' });
    expect(testServer.ok).toBe(true);
  });

  it('warns, without failing, when the process is not elevated', async () => {
    const diagnosis = await (await machineWith({ elevated: false })).diagnose();
    expect(find(diagnosis, 'elevation')).toMatchObject({ status: 'warn', fix: expect.stringContaining('Run as administrator') });
    expect(diagnosis.ok).toBe(true);
  });

  it('names Windows 7 and Wine, and an emulated process', async () => {
    const facts = { windowsMajor: 6, windowsMinor: 1, windowsBuild: 7601, servicePack: 'Service Pack 1', wineVersion: '8.0', osArch: 'arm64', hostExe: 'C:\\app\\MyApp.exe' };
    const diagnosis = await (await machineWith(facts)).diagnose();
    expect(find(diagnosis, 'windows')).toMatchObject({ status: 'ok', summary: 'Windows 7 (6.1.7601), Service Pack 1, under Wine 8.0' });
    expect(find(diagnosis, 'architecture').summary).toBe(`${process.arch} process (MyApp.exe), x64 binary, arm64 machine (emulated)`);
  });

  it('says that a 32-bit binary on x64 runs under WoW64, not emulated', async () => {
    const diagnosis = await (await machineWith({ binaryArch: 'ia32', osArch: 'x64' })).diagnose();
    expect(find(diagnosis, 'architecture').summary).toBe(`${process.arch} process (node.exe), ia32 binary, x64 machine (WoW64)`);
  });

  it('tells a prebuild from a local build', async () => {
    const local = await (await machineWith({ addonPath: 'C:\\app\\node_modules\\netcon\\build\\Release\\netcon.node' })).diagnose();
    expect(find(local, 'binary').summary).toBe('local build: C:\\app\\node_modules\\netcon\\build\\Release\\netcon.node');
    const prebuild = await createFakeClient().diagnose();
    expect(find(prebuild, 'binary').summary).toMatch(/^prebuild: .*\\prebuilds\\win32-x64\\netcon\.napi\.node$/);
  });

  it('gives a stuck look at the machine its deadline, and still answers', async () => {
    const fake = fakeMachine({ connections: ALL });
    const hung: Backend = { ...fake.backend, diagnose: () => new Promise(() => {}) };
    const started = performance.now();
    const diagnosis = await createClientWith(() => hung).diagnose({ timeoutMs: 50 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(find(diagnosis, 'windows')).toMatchObject({ status: 'fail', summary: "could not read the machine's facts: Windows did not answer in time" });
    expect(diagnosis.ok).toBe(false);
  });

  it('rejects when its signal aborts, and with an aborted signal makes no call', async () => {
    const client = createFakeClient({ connections: [ETHERNET], delays: { list: 10_000 } });
    const controller = new AbortController();
    const pending = client.diagnose({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORT_ERR', operation: 'list' });
    const idle = createFakeClient();
    await expect(idle.diagnose({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORT_ERR', operation: 'diagnose' });
    expect(idle.calls).toEqual([]);
    await expect(idle.diagnose({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});

describe('netcon doctor', () => {
  async function doctor(argv: string[], client: CliApi) {
    let stdout = '';
    let stderr = '';
    const exitCode = await main(['doctor', ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, () => client);
    return { exitCode, stdout, stderr };
  }

  it('prints a verdict and a line per check, and exits 0 when netcon can work here', async () => {
    const { exitCode, stdout, stderr } = await doctor([], createFakeClient({ connections: [ETHERNET] }));
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('netcon can work here.');
    expect(lines[2]).toBe('ok    windows       Windows 10 (10.0.19045)');
    expect(lines.filter((l) => /^(ok|warn|fail) /.test(l))).toHaveLength(9);
  });

  it('puts the fix under a failing check and exits 8', async () => {
    const { exitCode, stdout } = await doctor([], await machineWith({ serviceStartType: 4, serviceState: 1 }));
    expect(exitCode).toBe(8);
    expect(stdout).toMatch(/^netcon cannot work here as things are: see the fails below\.\n/);
    expect(stdout).toContain('\nfail  service       Network Connections service (Netman): stopped, disabled\n' + ' '.repeat(20) + 'fix: From an elevated prompt: sc config Netman start= demand\n');
  });

  it('exits 6 off Windows, and prints the same as JSON with --json', async () => {
    const offWindows = createClientWith(() => {
      throw new UnsupportedPlatformError('darwin');
    });
    const text = await doctor([], offWindows);
    expect(text.exitCode).toBe(6);
    expect(text.stdout).toContain('fail  platform  darwin: netcon works only on Windows\n');
    const json = await doctor(['--json'], offWindows);
    expect(json.exitCode).toBe(6);
    expect(JSON.parse(json.stdout)).toEqual(await offWindows.diagnose());
  });

  it('refuses operands and options it does not take', async () => {
    const client = createFakeClient();
    expect(await doctor(['Ethernet'], client)).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^netcon: ERR_USAGE: "doctor" takes no arguments/) });
    expect(await doctor(['--wait'], client)).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/--wait does not apply to "netcon doctor"/) });
    expect(client.calls).toEqual([]);
  });
});
