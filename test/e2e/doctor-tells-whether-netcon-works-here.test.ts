// netcon doctor in Windows node.exe under Wine: real registry, service manager and token
// reads. The prefix with the fake server registered answers that netcon works; the bare one
// fails at the class's registration and says how to fix it.
import { describe, expect, it } from 'vitest';
import { machine } from '../../wine/connections';
import { OTHER_VIEW_SERVER, binaryUnderTest, native, otherView, suiteArch, windowsPath } from '../../wine/environment';
import { cliInWine, inWine } from '../../wine/run';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const line = (stdout: string, check: string) => stdout.split(/\r?\n/).find((l) => new RegExp(`^(ok|warn|fail)\\s+${check}\\s`).test(l)) ?? '';

describe('netcon doctor', () => {
  it('answers that netcon works where the COM class is registered, and exits 0', async () => {
    const out = await cliInWine(['doctor'], { fake: { connections: machine } });
    console.log(`netcon doctor, prefix with the fake server:\n${out.stdout}`);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^netcon can work here\.\r?\n/);
    expect(line(out.stdout, 'windows')).toMatch(native ? /^ok\s+windows\s+Windows \d/ : /^ok\s+windows\s+Windows .*, under Wine \d/);
    // Natively the workflow's job decides the architecture (windows-11-arm: arm64; x86 Node: a
    // 32-bit process). Under Wine the pass's: a 32-bit process on a 64-bit machine in the ia32 pass.
    expect(line(out.stdout, 'architecture')).toMatch(
      suiteArch === 'ia32' ? /^ok\s+architecture\s+ia32 process \(node\.exe\), ia32 binary, x64 machine \(WoW64\)$/ : /^ok\s+architecture\s+(x64|arm64) process \(node\.exe\), \1 binary, \1 machine$/,
    );
    // The binary under test, by its full path: the prebuild of the package the run requires (the
    // workflow's prebuild jobs: the one a fresh project installed from the packed tarball), or
    // in the workflow's source-build job the MSVC build that node-gyp-build prefers.
    const kind = binaryUnderTest.endsWith('.napi.node') ? 'prebuild' : 'local build';
    expect(line(out.stdout, 'binary')).toMatch(new RegExp(`^ok\\s+binary\\s+${kind}: ${escapeRegExp(windowsPath(binaryUnderTest))}$`, 'i'));
    expect(line(out.stdout, 'com-class')).toMatch(/^ok\s+com-class\s+\S+ → \{[0-9A-F-]{36}\} → .*fake-hnetshare.*\.dll \(InprocServer32, ThreadingModel Both\)$/i);
    expect(line(out.stdout, 'trial-list')).toMatch(new RegExp(`^ok\\s+trial-list\\s+listConnections\\(\\) found ${machine.length} connections in \\d+ ms$`));
    expect(out.stdout.split(/\r?\n/).filter((l) => /^fail\s/.test(l))).toEqual([]);
    expect(out.live).toEqual({});
  });

  it('fails at the class registration where nothing is registered, gives the fix, and exits 8', async () => {
    const out = await cliInWine(['doctor'], { prefix: 'bare' });
    console.log(`netcon doctor, bare prefix:\n${out.stdout}`);
    expect(out.code).toBe(8);
    expect(out.stdout).toMatch(/^netcon cannot work here as things are: see the fails below\.\r?\n/);
    const lines = out.stdout.split(/\r?\n/);
    const comClass = lines.findIndex((l) => /^fail\s+com-class\s/.test(l));
    expect(lines[comClass]).toMatch(/is not registered \(CLSIDFromProgID: 0x800401F3\)|which has no server registered/);
    expect(lines[comClass + 1]).toMatch(/^\s+fix: (hnetcfg\.dll is missing or not registered.*regsvr32|Register the COM server for )/);
    expect(line(out.stdout, 'trial-list')).toMatch(/^fail\s+trial-list\s+listConnections\(\) failed: (REGDB_E_CLASSNOTREG|CO_E_CLASSSTRING): /);
  });

  // Under Wine the ProgID itself is in one view only; on Windows 7 and later ProgIDs are
  // shared and only the CLSID is, so there the class is found and its server is not.
  it.runIf(otherView.registered)(`reports a class registered only for ${otherView.bits}-bit processes as such, not as missing`, async () => {
    const { value } = await inWine({ fake: { connections: machine } }, async (netcon, t, progId) => netcon.createClient({ progId }).diagnose(), OTHER_VIEW_SERVER.progId);
    const bits = otherView.bits === 64 ? 32 : 64;
    const comClass = value.checks.find((c) => c.check === 'com-class');
    expect(comClass).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        new RegExp(`^NetCon\\.OtherViewServer is registered only for ${otherView.bits}-bit processes \\(.*fake-hnetshare.*\\.dll\\); this is a ${bits}-bit process$`, 'i'),
      ),
      fix: `Register NetCon.OtherViewServer for ${bits}-bit processes too (its ${bits}-bit server, with reg import … /reg:${bits} or that build's regsvr32), or run netcon in a ${otherView.bits}-bit process.`,
    });
  });

  it('gives the same checks to diagnose() in a script, and JSON with --json', async () => {
    const json = await cliInWine(['doctor', '--json'], { fake: { connections: machine } });
    expect(json.code).toBe(0);
    const fromCli = JSON.parse(json.stdout) as { ok: boolean; checks: { check: string; status: string }[] };
    const { value: result } = await inWine({ fake: { connections: machine } }, async (netcon) => netcon.diagnose());
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.check)).toEqual(fromCli.checks.map((c) => c.check));
    expect(result.checks.map((c) => c.check)).toEqual(['windows', 'architecture', 'runtime', 'binary', 'com-class', 'service', 'elevation', 'apartment', 'trial-list']);
  });
});
