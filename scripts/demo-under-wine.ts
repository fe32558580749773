// npm run demo's part on Linux (scripts/demo.mjs does the setup around it): the real netcon
// CLI, the package's bin, in Windows node.exe under Wine against the fake HNetShare server of
// test/fake-hnetshare/, printed as a terminal would show it. Every step checks that the CLI did
// what the transcript shows, so a broken CLI fails the demo instead of printing a broken show.
// test/e2e/demo-shows-the-cli-against-the-test-server.test.ts runs it too.
import { rmSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { FAKE_SERVER, native, netconBin, nodeVersion, prefixes, repoRoot } from '../wine/environment';
import { HRESULTS } from '../src/hresults';
import { disabledWifi, ethernet, vpn as bureauVpn } from '../wine/connections';
import { cliInWine, type FakeConnection, type FakeSetup } from '../wine/run';
import { bootPrefix, buildFakeServer, fetchNode, keepWineServerUp, registerFake, stopWineServer } from '../wine/setup';

// The suite's machine, all connected: the Wi-Fi switched on, the VPN up and named plainly.
const wifi: FakeConnection = { ...disabledWifi, status: 2 }; // NCS_CONNECTED
const vpn: FakeConnection = { ...bureauVpn, name: 'Office VPN', status: 2 };

// Windows finishes a disconnect or connect a moment after the call returns: --wait shows it.
const settle = { Disconnect: 800, Connect: 800 };

interface Step {
  /** Printed before the command, when the fake is told to behave differently. */
  note?: string;
  args: string[];
  fake: FakeSetup;
  /** What the step must print; a failure's description, or undefined when it did. */
  check(out: { code: number | null; stdout: string; stderr: string }): string | undefined;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const listed = (stdout: string, name: string, status: string) => new RegExp(`^${escaped(name)}\\s+${status}\\s`, 'm').test(stdout);

const steps: Step[] = [
  {
    args: ['list'],
    fake: { connections: [ethernet, wifi, vpn], settle },
    check: (out) =>
      out.code !== 0 || out.stderr !== ''
        ? 'expected exit code 0 and nothing on stderr'
        : [ethernet, wifi, vpn].every((c) => listed(out.stdout, c.name, 'connected'))
          ? undefined
          : 'expected Ethernet, Wi-Fi and Office VPN listed as connected',
  },
  {
    args: ['disconnect', vpn.name, '--wait'],
    fake: { connections: [ethernet, wifi, vpn], settle },
    check: (out) =>
      out.code === 0 && /^Disconnected "Office VPN": disconnected after \d+\.\d s\.$/m.test(out.stdout) ? undefined : 'expected exit code 0 and "Disconnected "Office VPN": disconnected after …"',
  },
  {
    // Each command is a new node.exe, and the fake starts each from its config: the
    // connection the last command disconnected starts this one disconnected, as on Windows.
    args: ['connect', vpn.name, '--wait'],
    fake: { connections: [ethernet, wifi, { ...vpn, status: 0 }], settle },
    check: (out) =>
      out.code === 0 && /^Connected "Office VPN": connected after \d+\.\d s\.$/m.test(out.stdout) ? undefined : 'expected exit code 0 and "Connected "Office VPN": connected after …"',
  },
  {
    note: 'The test server now refuses Disconnect with E_ACCESSDENIED, as Windows does for a user who is not an administrator:',
    args: ['disconnect', ethernet.name],
    fake: { connections: [ethernet, wifi, vpn], hresults: [{ method: 'Disconnect', hresult: HRESULTS.E_ACCESSDENIED.hresult }] },
    check: (out) =>
      out.code === 5 && out.stdout === '' && /^netcon: E_ACCESSDENIED: Disconnect "Ethernet" failed: E_ACCESSDENIED \(0x80070005\)[^\n]*\n$/.test(out.stderr)
        ? undefined
        : 'expected exit code 5 and one line "netcon: E_ACCESSDENIED: …" on stderr',
  },
  {
    note: 'Internet Connection Sharing: Ethernet is shared (public) to the Wi-Fi hotspot (private).',
    args: ['sharing'],
    fake: { connections: [{ ...ethernet, sharing: 'public' }, { ...wifi, sharing: 'private' }, vpn] },
    check: (out) =>
      out.code === 0 && /^Ethernet\s+public\s/m.test(out.stdout) && /^Wi-Fi\s+private\s/m.test(out.stdout) && /^Office VPN\s+-\s/m.test(out.stdout)
        ? undefined
        : 'expected Ethernet public, Wi-Fi private and Office VPN not shared',
  },
  {
    args: ['share', vpn.name, wifi.name],
    fake: { connections: [{ ...ethernet, sharing: 'public' }, { ...wifi, sharing: 'private' }, vpn] },
    check: (out) =>
      out.code === 0 && out.stdout === 'Sharing is off on "Ethernet" (it was public).\nShared "Office VPN" (public) to "Wi-Fi" (private).\n'
        ? undefined
        : 'expected sharing off on Ethernet, then "Office VPN" shared to "Wi-Fi"',
  },
  {
    note: 'The test server now answers EnableSharing with 0x80040201, the error ICS users meet most:',
    args: ['share', ethernet.name, wifi.name],
    fake: {
      connections: [ethernet, { ...wifi, sharing: 'private' }, { ...vpn, sharing: 'public' }],
      hresults: [{ method: 'EnableSharing', hresult: HRESULTS.EVENT_E_ALL_SUBSCRIBERS_FAILED.hresult, id: ethernet.id }],
    },
    check: (out) =>
      out.code === 1 && /^netcon: EVENT_E_ALL_SUBSCRIBERS_FAILED: Share "Ethernet" to "Wi-Fi" \(step enable-public\) failed: .*SharedAccess.* The sharing as it was before was put back\.\n$/.test(out.stderr)
        ? undefined
        : 'expected exit code 1, the step, the services to check, and the sharing put back',
  },
  {
    args: ['rename', vpn.name, 'Tokyo VPN'],
    fake: { connections: [ethernet, { ...wifi, sharing: 'private' }, { ...vpn, sharing: 'public' }] },
    check: (out) => (out.code === 0 && out.stdout === 'Renamed "Office VPN" to "Tokyo VPN".\n' ? undefined : 'expected "Renamed "Office VPN" to "Tokyo VPN"."'),
  },
  {
    args: ['unshare'],
    fake: { connections: [ethernet, { ...wifi, sharing: 'private' }, { ...vpn, name: 'Tokyo VPN', sharing: 'public' }] },
    check: (out) =>
      out.code === 0 && out.stdout === 'Sharing is off on "Wi-Fi".\nSharing is off on "Tokyo VPN".\n' ? undefined : 'expected sharing off on Wi-Fi and Tokyo VPN',
  },
];

/**
 * Builds the fake server, fetches Windows node.exe and boots a Wine prefix of the demo's own
 * with the fake registered under its own ProgID; returns what removes the prefix again.
 * Natively (the e2e suite on Windows) the suite's setup has registered the fake already.
 */
export function setUpDemo(): () => void {
  if (native) return () => {};
  // Always x64 Windows Node.js 20, whichever pass's environment it runs in.
  buildFakeServer('x64');
  fetchNode('20', 'x64');
  bootPrefix('demo');
  registerFake('demo', { asHNetShare: false }, 'x64');
  keepWineServerUp('demo');
  return () => {
    stopWineServer('demo');
    rmSync(dirname(prefixes.demo), { recursive: true, force: true });
  };
}

/** Runs every step, printing each as a terminal shows it; true when each did what it shows. */
export async function runDemo(print: (text: string) => void): Promise<boolean> {
  const bin = relative(repoRoot, netconBin());
  const host = native ? 'node.exe' : `Windows node.exe ${nodeVersion('20', 'x64')} under Wine`;
  print(
    `The netcon CLI in ${host}, against netcon's test COM server\n` +
      `(test/fake-hnetshare/) seeded with an Ethernet, a Wi-Fi and a VPN connection.\n` +
      `Here "netcon" stands for: ${native ? 'node' : 'wine node.exe'} ${bin} --prog-id ${FAKE_SERVER.progId}\n`,
  );
  const failed: string[] = [];
  for (const step of steps) {
    if (step.note) print(`\n${step.note}`);
    print(`\n> netcon ${step.args.map(quoted).join(' ')}\n`);
    const out = await cliInWine(step.args, { prefix: 'demo', progId: FAKE_SERVER.progId, fake: step.fake });
    const text = { ...out, stdout: out.stdout.replace(/\r\n/g, '\n'), stderr: out.stderr.replace(/\r\n/g, '\n') };
    print(text.stdout + text.stderr + `[exit code ${out.code}]\n`);
    const failure = step.check(text);
    if (failure) {
      print(`NOT AS EXPECTED: ${failure}\n`);
      failed.push(`netcon ${step.args.join(' ')}`);
    }
  }
  print(failed.length ? `\n${failed.length} of ${steps.length} commands did not behave as expected: ${failed.join('; ')}\n` : `\nEvery command behaved as expected.\n`);
  return failed.length === 0;
}

// As a user types an argument in a shell: in double quotes when it holds anything but plain characters.
const quoted = (arg: string) => (/^[\w./:=@%+,-]+$/.test(arg) ? arg : `"${arg}"`);
