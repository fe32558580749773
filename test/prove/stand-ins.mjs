// Stands in for scripts/prove/windows.mjs when npm test runs `npm run prove`'s script under
// Wine: PowerShell's VPN cmdlets, devcon and runas, which Wine does not have, change the test
// COM server's connections as they change Windows' (the config file NETCON_FAKE_CONFIG names;
// a change there is a new machine for the fake). Everything else, netcon included, is real.
// NETCON_PROVE_STAND_INS lists what a test wants to go wrong: no-devcon, add-vpn-fails,
// vpn-reuses-a-guid (the new entry shows up as a connection listed before the proof, under
// its GUID, which the proof must then leave alone), cancel-test-fails, no-port-view (Windows'
// port-mapping store cannot be read).
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { run } from '../../scripts/prove/windows.mjs';

const LOOPBACK = 'Microsoft KM-TEST Loopback Adapter';

export function createWindows({ netcon }) {
  const config = process.env.NETCON_FAKE_CONFIG;
  if (!config) throw new Error('the stand-ins need NETCON_FAKE_CONFIG, the test COM server\'s config file');
  const trouble = new Set((process.env.NETCON_PROVE_STAND_INS ?? '').split(',').filter(Boolean));
  const lines = () => readFileSync(config, 'utf8').split(/\r?\n/).filter(Boolean);
  const add = (added) => writeFileSync(config, [...lines(), ...added].join('\n') + '\n');
  const drop = (dropped) => writeFileSync(config, lines().filter((line) => !dropped.includes(line)).join('\n') + '\n');
  const guid = () => `{${randomUUID().toUpperCase()}}`;
  /** The phonebook: each entry's GUID and its lines in the config. */
  const vpns = new Map();
  /** devcon's devices: instance ID → their lines. */
  const devices = new Map();
  let devicesMade = 0;

  // A renamed entry keeps its GUID, and Windows' phonebook follows the rename netcon made.
  const phonebook = async () => (await netcon.listConnections()).filter((c) => vpns.has(c.id));

  return {
    async addVpn(name) {
      if (trouble.has('add-vpn-fails')) return { ok: false, output: 'Add-VpnConnection : Access is denied.' };
      if (trouble.has('vpn-reuses-a-guid')) {
        const [first] = lines().filter((line) => line.startsWith('conn\t'));
        const fields = first.split('\t');
        fields[2] = name;
        writeFileSync(config, lines().map((line) => (line === first ? fields.join('\t') : line)).join('\n') + '\n');
        return { ok: true, output: `Name : ${name}` };
      }
      const id = guid();
      // An entry not connected (NCS_DISCONNECTED), a tunnel, removable and renamable; dialling it
      // fails as dialling 127.0.0.1 does, with RAS error 800 (HRESULT_FROM_WIN32).
      const entry = [['conn', id, name, 'WAN Miniport (IKEv2)', 0, 5, '0x0000000E'].join('\t'), ['hresult', 'Connect', '0x80070320', id].join('\t')];
      add(entry);
      vpns.set(id, entry);
      return { ok: true, output: `Name : ${name}\nServerAddress : 127.0.0.1\nTunnelType : Automatic\nConnectionStatus : Disconnected` };
    },
    async removeVpn(name) {
      const found = (await phonebook()).find((c) => c.name === name);
      if (!found) return { ok: false, output: `Remove-VpnConnection : The VPN connection ${name} cannot be found.` };
      drop(vpns.get(found.id));
      vpns.delete(found.id);
      return { ok: true, output: '' };
    },
    vpnNames: async () => (await phonebook()).map((c) => c.name),
    findDevcon: async () => (trouble.has('no-devcon') ? undefined : 'C:\\stand-in\\devcon.exe'),
    async installLoopback() {
      const instanceId = `ROOT\\NET\\${String(devicesMade++).padStart(4, '0')}`;
      const entry = [['conn', guid(), `Ethernet ${devicesMade + 8}`, LOOPBACK, 2, 3, '0x00000008'].join('\t')];
      add(entry);
      devices.set(instanceId, entry);
      return { ok: true, output: 'Device node created. Install is complete when drivers are installed...\nDrivers installed successfully.', instanceIds: [instanceId] };
    },
    async removeDevice(_devcon, instanceId) {
      if (!devices.has(instanceId)) return { ok: false, output: `No devices were removed.` };
      drop(devices.get(instanceId));
      devices.delete(instanceId);
      return { ok: true, output: `${instanceId}: Removed\n1 device(s) were removed.` };
    },
    loopbackIds: async () => [...devices.keys()],
    // Windows' HomeNet WMI store: here the test server's own record, its state file (test/
    // fake-hnetshare/README.md, Shared state), read without netcon. `no-port-view` makes it
    // unavailable, as on a Windows without that namespace.
    async portMappingView(name) {
      if (trouble.has('no-port-view')) return { ok: false, output: 'Get-CimInstance : Invalid namespace "root/Microsoft/HomeNet"' };
      let state = '';
      try {
        state = readFileSync(`${config}.state`, 'utf8');
      } catch {
        // no state file: nothing changed yet
      }
      const line = state.split('\n').map((l) => l.split('\t')).find((f) => f[0] === 'map' && f[8] === name);
      if (!line) return { ok: false, output: `no HNet_PortMappingProtocol named ${name}` };
      const [, , protocol, port, targetPort, enabled, kind, target] = line;
      return {
        ok: true,
        output: `Name       : ${name}\nIPProtocol : ${protocol}\nPort       : ${port}\n\nTargetPort      : ${targetPort}\n${kind === 'ip' ? 'TargetIPAddress' : 'TargetName'} : ${target}\nEnabled         : ${enabled === '1'}`,
      };
    },
    // runas /trustlevel:0x20000 gives the command a token that is not elevated: here the
    // command runs with netcon's GetTokenInformation answering as such a token does.
    runLimited: ([node, ...args]) => run(node, [fileURLToPath(new URL('./as-limited-token.cjs', import.meta.url)), ...args]),
    runCancelTest: async () =>
      trouble.has('cancel-test-fails')
        ? { ok: false, output: 'stand-in: × cancels a Disconnect stuck in a proxy at its deadline' }
        : { ok: true, output: 'stand-in: the CoCancelCall test runs only on Windows, where the workflow runs it' },
  };
}
