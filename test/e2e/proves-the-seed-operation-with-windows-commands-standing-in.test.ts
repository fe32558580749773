// `npm run prove` (scripts/prove.mjs) in Windows node.exe under Wine, against the test COM
// server: real netcon, real COM, its real report and clean-up. Only the commands Wine lacks
// stand in (test/prove/stand-ins.mjs): PowerShell's VPN cmdlets and devcon change the fake's
// connections as they change Windows', and runas's limited token is netcon's token read
// answering "not elevated". So the workflow's first real run can fail on Windows facts, not
// on the script. Natively the workflow runs npm run prove itself (vitest.config.mts).
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { machine } from '../../wine/connections';
import { nativeHelperAddon, packageUnderTest, repoRoot, windowsPath, workDir } from '../../wine/environment';
import { scriptInWine, type FakeSetup } from '../../wine/run';

interface Check {
  name: string;
  title: string;
  status: 'pass' | 'fail' | 'skip' | 'note';
  ms: number;
  answer: string;
}
interface Report {
  ok: boolean;
  runId: string;
  checks: Check[];
}

async function prove(trouble: string[], fake: FakeSetup = { connections: machine }) {
  const out = mkdtempSync(join(workDir, 'prove-'));
  const run = await scriptInWine(
    join(repoRoot, 'scripts', 'prove.mjs'),
    ['--package', windowsPath(packageUnderTest), '--stand-ins', windowsPath(join(repoRoot, 'test', 'prove', 'stand-ins.mjs')), '--out', windowsPath(out)],
    { fake, timeoutMs: 240_000, env: { NETCON_NATIVE_HELPER: windowsPath(nativeHelperAddon), NETCON_PROVE_STAND_INS: trouble.join(',') } },
  );
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
  const markdown = readFileSync(join(out, 'report.md'), 'utf8');
  const status = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
  const answer = (name: string) => report.checks.find((c) => c.name === name)?.answer ?? '';
  // What the fake's config holds at the end: the machine as it was, or what was left behind.
  const configLeft = readFileSync(run.config, 'utf8').split('\n').filter((line) => line.startsWith('conn\t'));
  return { ...run, report, markdown, status, answer, configLeft };
}

const machineLines = machine.map((c) => c.id);
const acts = ['Disconnect', 'Connect', 'Rename', 'EnableSharing', 'DisableSharing', 'Delete', 'Duplicate', 'AddPortMapping', 'RemovePortMapping', 'PortMapping.Enable', 'PortMapping.Disable'];

describe.concurrent('npm run prove, with the Windows commands standing in', () => {
  it('passes every check, records what Windows answered, acts only on what it made, and leaves nothing', async () => {
    const run = await prove([]);
    console.log(run.markdown);
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.ok).toBe(true);
    expect(run.report.checks.map((c) => `${c.name}: ${c.status}`)).toEqual(
      [
        'com-security: pass', 'elevated: pass', 'listed-before: pass',
        'vpn-created: pass', 'vpn-listed: pass', 'watch-added: pass', 'notified-added: note',
        'vpn-renamed: pass', 'watch-changed: pass', 'notified-changed: note',
        'vpn-connect-fails: pass', 'vpn-disconnect: note', 'vpn-duplicated: pass', 'vpn-copy-deleted: pass',
        'ports-shareable: pass', 'ports-share-public: pass', 'ports-added: pass', 'ports-listed: pass', 'ports-windows-view: note',
        'ports-enabled: pass', 'ports-disabled: pass', 'ports-removed: pass', 'ports-unshared: pass',
        'vpn-removed: pass', 'watch-removed: pass', 'notified-removed: note',
        'devcon: pass', 'loopback-installed: pass', 'loopback-disconnected: pass', 'loopback-connected: pass', 'loopback-sharing: pass',
        'loopback-not-removable: pass', 'loopback-duplicate-answer: note', 'loopback-delete-answer: note', 'loopback-removed: pass',
        'disconnect-absent: pass', 'doctor-elevated: pass', 'doctor-limited: pass', 'cancel-through-a-proxy: pass', 'left-nothing: pass',
      ],
    );
    // The VPN is a tunnel; dialling it fails with RAS error 800 and Windows' own text for it,
    // which only mprmsg.dll has (Wine's stand-in of it here).
    expect(JSON.parse(run.answer('vpn-listed'))).toMatchObject({ name: `netcon-proof-${run.report.runId}`, mediaType: 'tunnel' });
    expect(run.answer('vpn-connect-fails')).toMatch(/0x80070320: .*\(System32 mprmsg\.dll\) The remote connection was not made because the attempted VPN tunnels failed/);
    // Wine's notification functions are stubs: only polling saw the changes, and the report says so.
    expect(run.answer('notified-added')).toBe('no notification that netcon subscribes to: only polling saw it');
    expect(run.answer('vpn-disconnect')).toMatch(/^resolved \{/);
    expect(run.answer('loopback-disconnected')).toMatch(/"status":"disconnected"/);
    expect(run.answer('loopback-connected')).toMatch(/"status":"connected"/);
    expect(run.answer('doctor-limited')).toMatch(/^elevation: warn not elevated/m);
    expect(run.answer('doctor-elevated')).toMatch(/^elevation: ok elevated/m);
    expect(run.answer('left-nothing')).toMatch(/^nothing was left to remove$/);
    // The copy: the renamed VPN's name and " copy", a tunnel with the VPN's characteristics,
    // made and deleted through netcon; a LAN connection refused first, and the test server's
    // model of Windows' own answer for one (E_NOTIMPL) recorded.
    const copy = JSON.parse(run.answer('vpn-duplicated').split('; the VPN: ')[0]);
    expect(copy).toMatchObject({ name: `netcon-proof-${run.report.runId}-renamed copy`, mediaType: 'tunnel', status: 'disconnected', characteristics: { value: 0xe } });
    expect(JSON.parse(run.answer('vpn-copy-deleted'))).toEqual({ connection: { id: copy.id, name: copy.name } });
    expect(run.calls.filter((c) => c.method === 'Duplicate' || c.method === 'Delete').map((c) => [c.method, c.hresult])).toEqual([
      ['Duplicate', 0],
      ['Delete', 0],
      ['Duplicate', 0x80004001],
      ['Delete', 0x80004001],
    ]);
    expect(run.answer('loopback-not-removable')).toMatch(/^ConnectionNotRemovableError ERR_CONNECTION_NOT_REMOVABLE: /);
    expect(run.answer('loopback-duplicate-answer')).toMatch(/"ok":false,"hresult":2147500033,"step":"INetConnection::Duplicate"/);
    expect(run.answer('loopback-delete-answer')).toMatch(/"ok":false,"hresult":2147500033,"step":"INetConnection::Delete"/);
    // The port mapping: read back as given through netcon, and in the server's own record
    // (Windows' HomeNet store on a real run), where the byte order shows.
    expect(JSON.parse(run.answer('ports-added'))).toMatchObject({ name: `netcon-proof-${run.report.runId}`, protocol: 'tcp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20', enabled: false });
    expect(run.answer('ports-windows-view')).toMatch(/^external port 47123 \(as given\), internal port 47124 \(as given\)\n/);
    expect(run.calls.filter((c) => c.method === 'AddPortMapping' || c.method === 'RemovePortMapping').map((c) => [c.method, c.hresult])).toEqual([['AddPortMapping', 0], ['RemovePortMapping', 0]]);
    // The Markdown report: a row per check.
    expect(run.markdown).toMatch(/^# netcon proof [0-9a-f]{8}: every check passed$/m);
    expect(run.markdown.split('\n').filter((l) => /^\| .* \| (pass|\*\*FAIL\*\*|skipped|recorded) \|/.test(l))).toHaveLength(run.report.checks.length);
    // Every action went to a connection the proof made: none to the machine's own.
    const acted = run.calls.filter((c) => acts.includes(c.method));
    expect(acted.length).toBeGreaterThanOrEqual(4);
    expect(acted.filter((c) => machineLines.includes(c.id))).toEqual([]);
    expect(run.configLeft.map((line) => line.split('\t')[1])).toEqual(machineLines);
    expect(run.live).toEqual({});
  });

  it('reports a failed step with its HRESULT, goes on, cleans up all the same, and exits 1; without devcon it says so', async () => {
    const run = await prove(['no-devcon', 'cancel-test-fails'], { connections: machine, hresults: [{ method: 'Rename', hresult: 0x80070005 }] });
    expect(run.code).toBe(1);
    expect(run.report.ok).toBe(false);
    expect(run.status).toMatchObject({ 'vpn-renamed': 'fail', 'vpn-duplicated': 'pass', 'vpn-copy-deleted': 'pass', 'vpn-removed': 'pass', 'devcon': 'skip', 'cancel-through-a-proxy': 'fail', 'left-nothing': 'pass' });
    expect(run.answer('vpn-renamed')).toMatch(/^AccessDeniedError E_ACCESSDENIED 0x80070005: /);
    expect(run.answer('devcon')).toMatch(/devcon\.exe was not found \(it ships with the Windows Driver Kit\)/);
    expect(run.report.checks.filter((c) => c.name.startsWith('loopback-'))).toEqual([]);
    expect(run.markdown).toMatch(/^# netcon proof [0-9a-f]{8}: a check FAILED$/m);
    expect(run.configLeft.map((line) => line.split('\t')[1])).toEqual(machineLines);
  });

  it('leaves port mappings alone while a connection of the machine is shared, and says when Windows\' own store cannot be read', async () => {
    const [first, ...rest] = machine;
    const sharedMachine = await prove(['no-devcon'], { connections: [{ ...first, sharing: 'private' }, ...rest] });
    expect(sharedMachine.status).toMatchObject({ 'ports-shareable': 'fail', 'vpn-removed': 'pass', 'left-nothing': 'pass' });
    expect(sharedMachine.answer('ports-shareable')).toMatch(/^Error: shared before the proof: .*\(private\)/);
    // No sharing or mapping change at all: only the VPN's own connect, disconnect, rename, and
    // its copy made and deleted.
    expect(sharedMachine.calls.filter((c) => acts.includes(c.method) && !['Connect', 'Disconnect', 'Rename', 'Duplicate', 'Delete'].includes(c.method))).toEqual([]);
    const noView = await prove(['no-devcon', 'no-port-view']);
    expect(noView.status).toMatchObject({ 'ports-added': 'pass', 'ports-windows-view': 'note', 'ports-removed': 'pass', 'ports-unshared': 'pass', 'left-nothing': 'pass' });
    expect(noView.answer('ports-windows-view')).toMatch(/^not available: Get-CimInstance : Invalid namespace/);
    expect(noView.live).toEqual({});
  });

  it('never acts on a connection listed before it started, even one that answers to its VPN\'s name', async () => {
    const run = await prove(['vpn-reuses-a-guid', 'no-devcon']);
    expect(run.code).toBe(1);
    expect(run.status).toMatchObject({ 'vpn-listed': 'fail', 'left-nothing': 'fail' });
    expect(run.status['vpn-renamed']).toBeUndefined();
    expect(run.answer('vpn-listed')).toMatch(/refusing to act on \{.*\}: it was listed before the proof started/);
    expect(run.calls.filter((c) => acts.includes(c.method))).toEqual([]);
    // It is not the proof's to remove: the report says it is still there, and it stays.
    expect(run.answer('left-nothing')).toBe(`Error: still listed: netcon-proof-${run.report.runId}`);
    expect(run.configLeft.map((line) => line.split('\t')[1])).toEqual(machineLines);
  });
});
