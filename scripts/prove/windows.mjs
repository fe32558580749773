// What `npm run prove` asks of Windows besides netcon: PowerShell's VPN cmdlets, devcon.exe,
// runas and the Windows-only test of a cancelled call. Each answers { ok, output }: whether
// the command succeeded, and what it printed, for the report. The proof's test under Wine
// stands in for exactly this interface (test/prove/stand-ins.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `file` with `args`, output to a file rather than a pipe, within `timeoutMs`. */
export function run(file, args, { timeoutMs = 120_000, cwd, env, verbatim = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'netcon-proof-'));
  const out = join(dir, 'output.txt');
  const fd = openSync(out, 'w');
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', fd, fd], windowsHide: true, windowsVerbatimArguments: verbatim });
    const timer = setTimeout(() => child.kill(), timeoutMs);
    let settled = false;
    // 'error' and 'exit' can both come (a process that failed to be killed): the first counts.
    const done = (code, why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      closeSync(fd);
      const output = readFileSync(out, 'utf8').trim();
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: code === 0, code, output: why ? `${why}\n${output}`.trim() : output });
    };
    child.once('error', (error) => done(null, `${file} did not start: ${error.message}`));
    child.once('exit', (code, signal) => done(code, signal ? `ended by ${signal} (over ${timeoutMs} ms?)` : undefined));
  });
}

// Names are the proof's own (netcon-proof-<hex>): quoted all the same.
const quoted = (text) => `'${text.replace(/'/g, "''")}'`;
const powershell = (command) => run('powershell.exe', ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', `$ErrorActionPreference = 'Stop'; ${command}`]);

// devcon ships with the Windows Driver Kit, under Tools\<version>\<arch> in newer kits.
function devconCandidates() {
  const arch = { x64: 'x64', ia32: 'x86', arm64: 'arm64' }[process.arch] ?? 'x64';
  const kits = join(process.env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)', 'Windows Kits', '10', 'Tools');
  const versions = existsSync(kits) ? readdirSync(kits).filter((v) => /^\d+\./.test(v)).sort().reverse() : [];
  const onPath = (process.env.PATH ?? '').split(';').filter(Boolean).map((dir) => join(dir, 'devcon.exe'));
  return [...onPath, ...versions.map((v) => join(kits, v, arch, 'devcon.exe')), join(kits, arch, 'devcon.exe')];
}

/** `devcon find *MSLOOP`: the instance IDs of KM-TEST loopback adapters. */
async function loopbackIds(devcon) {
  const found = await run(devcon, ['find', '*MSLOOP']);
  return found.output.split(/\r?\n/).map((line) => /^(\S+)\s*:\s*.*loopback/i.exec(line)?.[1]).filter(Boolean);
}

export function createWindows() {
  return {
    addVpn: (name) => powershell(`Add-VpnConnection -Name ${quoted(name)} -ServerAddress 127.0.0.1 -Force -PassThru | Format-List Name, ServerAddress, TunnelType, ConnectionStatus`),
    removeVpn: (name) => powershell(`Remove-VpnConnection -Name ${quoted(name)} -Force`),
    async vpnNames() {
      const answer = await powershell('Get-VpnConnection | ForEach-Object { $_.Name }');
      if (!answer.ok) throw new Error(`Get-VpnConnection failed: ${answer.output}`);
      return answer.output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    },
    findDevcon: async () => devconCandidates().find((file) => existsSync(file)),
    async installLoopback(devcon) {
      const before = new Set(await loopbackIds(devcon));
      const inf = join(process.env.SystemRoot ?? 'C:\\Windows', 'INF', 'netloop.inf');
      const answer = await run(devcon, ['install', inf, '*MSLOOP']);
      return { ...answer, instanceIds: (await loopbackIds(devcon)).filter((id) => !before.has(id)) };
    },
    removeDevice: (devcon, instanceId) => run(devcon, ['remove', `@${instanceId}`]),
    loopbackIds,
    /**
     * `command` with a limited token (`runas /trustlevel:0x20000`, the Basic User level), its
     * output to a file: runas starts it and returns at once, and gives it no console of ours.
     */
    async runLimited(command) {
      const dir = mkdtempSync(join(tmpdir(), 'netcon-proof-limited-'));
      const script = join(dir, 'run.cmd');
      const out = join(dir, 'output.txt');
      const exit = join(dir, 'exit.txt');
      // The redirection first: `echo 0> file` would redirect handle 0.
      writeFileSync(script, `@${command.map((word) => `"${word}"`).join(' ')} > "${out}" 2>&1\r\n@> "${exit}" echo %ERRORLEVEL%\r\n`);
      const started = await run('runas.exe', ['/trustlevel:0x20000', `"cmd.exe /c \\"${script}\\""`], { verbatim: true });
      const deadline = Date.now() + 120_000;
      while (started.ok && !existsSync(exit) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      const code = existsSync(exit) ? Number(readFileSync(exit, 'utf8').trim()) : null;
      const output = existsSync(out) ? readFileSync(out, 'utf8').trim() : '';
      rmSync(dir, { recursive: true, force: true });
      if (!started.ok) return { ok: false, code: null, output: `runas failed: ${started.output}` };
      return { ok: code === 0, code, output: code === null ? `no exit code within 120 s\n${output}` : output };
    },
    /**
     * The port mapping named `name` as Windows' HomeNet WMI store keeps it (what hnetcfg's COM
     * objects wrap): HNet_PortMappingProtocol's Name, IPProtocol and Port, and the
     * HNet_ConnectionPortMapping2 that binds it to a connection (TargetPort, the target, Enabled).
     */
    portMappingView: (name) =>
      powershell(
        `$p = @(Get-CimInstance -Namespace root/Microsoft/HomeNet -ClassName HNet_PortMappingProtocol | Where-Object Name -eq ${quoted(name)}); ` +
          `if (-not $p) { throw 'no HNet_PortMappingProtocol named ' + ${quoted(name)} }; ` +
          `$p | Format-List Name, IPProtocol, Port, Id; ` +
          `Get-CimInstance -Namespace root/Microsoft/HomeNet -ClassName HNet_ConnectionPortMapping2 | Where-Object { $_.Protocol.Id -eq $p[0].Id } | Format-List TargetPort, TargetIPAddress, TargetName, Enabled`,
      ),
    /** The Windows-only e2e file that cancels a call stuck in a proxy, through vitest. */
    async runCancelTest({ repoRoot, packageRoot }) {
      const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
      if (!existsSync(vitest)) return { ok: false, output: `needs the repository's dev dependencies (npm ci): ${vitest} is missing` };
      const env = { ...process.env, ...(packageRoot === repoRoot ? {} : { NETCON_E2E_PACKAGE: packageRoot }) };
      const file = 'test/e2e/cancels-a-call-stuck-in-a-proxy.windows.test.ts';
      const answer = await run(process.execPath, [vitest, 'run', '--project', 'e2e', file], { cwd: repoRoot, env, timeoutMs: 600_000 });
      return { ...answer, output: answer.output.split(/\r?\n/).filter((line) => /✓|✗|×|passed|failed|Error/.test(line)).join('\n') || answer.output };
    },
  };
}
