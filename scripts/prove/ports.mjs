// The port-mapping checks of `npm run prove`, on the VPN entry the proof made: share it as
// public (only when no connection is shared: sharing ours must take nothing off another), add a
// mapping 47123 -> 47124, read it back through netcon and through Windows' own store, enable,
// disable and remove it, and take the sharing off. What settles the byte-order question
// (docs/sharing.md) is recorded: the two ports differ, and so do their byte-swapped values.
import { describe } from './proof.mjs';

export const EXTERNAL_PORT = 47123;
export const INTERNAL_PORT = 47124;
const TARGET = '192.168.137.20';
/** A 16-bit port with its two bytes swapped: what a port in network byte order reads as on x86. */
export const swapped = (port) => ((port & 0xff) << 8) | (port >> 8);

/**
 * Runs the checks on `vpn` (the proof's own, `ours` checked), undoing what it did however it
 * ends. `made.sharing` and `made.mapping` say what is still to undo, for the proof's clean-up.
 */
export async function provePortMappings(checks, { netcon, windows, vpn, ours, runId, made }) {
  const name = `netcon-proof-${runId}`;
  const shared = await checks.run('ports-shareable', 'No connection is shared: sharing the VPN entry as public changes nothing of the machine\'s', async () => {
    const sharing = await netcon.listSharing({ timeoutMs: 60_000 });
    const others = sharing.filter((c) => c.id !== vpn.id && c.sharing !== null);
    if (others.length) throw new Error(`shared before the proof: ${others.map((c) => `${c.name} (${c.sharing})`).join(', ')}; the port-mapping checks leave them alone and do not run`);
    return sharing.map((c) => `${c.name}: ${c.sharing ?? '-'}`).join('\n');
  });
  if (!shared) return;
  try {
    const enabled = await checks.run('ports-share-public', 'enableSharing(VPN entry, "public"): what Windows answers', async () => {
      made.sharing = vpn.id;
      return JSON.stringify(await netcon.enableSharing(ours(vpn.id), 'public', { timeoutMs: 60_000 }));
    });
    if (!enabled) return;
    const mapping = { name, protocol: 'tcp', externalPort: EXTERNAL_PORT, internalPort: INTERNAL_PORT, targetIPAddress: TARGET };
    const added = await checks.run('ports-added', `addPortMapping(VPN entry, TCP ${EXTERNAL_PORT} -> ${TARGET}:${INTERNAL_PORT}): read back as given, disabled`, async () => {
      made.mapping = { protocol: 'tcp', externalPort: EXTERNAL_PORT };
      const result = await netcon.addPortMapping(ours(vpn.id), mapping, { timeoutMs: 60_000 });
      const text = JSON.stringify(result);
      if (result.externalPort === swapped(EXTERNAL_PORT) && result.internalPort === swapped(INTERNAL_PORT)) {
        throw new Error(`Windows reads the ports back byte-swapped (${result.externalPort} -> ${result.internalPort}): they are in network byte order; change PortFromWindows/PortToWindows in native/port_mappings.cc. ${text}`);
      }
      if (result.externalPort !== EXTERNAL_PORT || result.internalPort !== INTERNAL_PORT) throw new Error(`read back as ${result.externalPort} -> ${result.internalPort}: ${text}`);
      if (result.enabled) throw new Error(`enabled at once, though Microsoft documents a new mapping as disabled: ${text}`);
      return text;
    });
    if (!added) return;
    await checks.run('ports-listed', 'listPortMappings() shows it, with both ports as given', async () => {
      const found = (await netcon.listPortMappings(ours(vpn.id), { timeoutMs: 60_000 })).filter((m) => m.name === name);
      if (found.length !== 1) throw new Error(`${found.length} mappings named ${name}`);
      if (found[0].externalPort !== EXTERNAL_PORT || found[0].internalPort !== INTERNAL_PORT) throw new Error(`listed as ${found[0].externalPort} -> ${found[0].internalPort}`);
      return JSON.stringify(found[0]);
    });
    // Windows' own record of the mapping, read without hnetcfg's COM wrapper.
    const view = await windows.portMappingView(name).catch((error) => ({ ok: false, output: describe(error) }));
    checks.note('ports-windows-view', `Windows' own store of the mapping (HNet_PortMappingProtocol / HNet_ConnectionPortMapping2): its ports, for the byte order`, view.ok ? byteOrderNote(view.output) : `not available: ${view.output}`);
    await checks.run('ports-enabled', 'enablePortMapping() by name: listed enabled', async () => {
      await netcon.enablePortMapping(ours(vpn.id), name, { timeoutMs: 60_000 });
      const listed = (await netcon.listPortMappings(vpn.id, { timeoutMs: 60_000 })).find((m) => m.name === name);
      if (!listed?.enabled) throw new Error(`listed as ${JSON.stringify(listed)}`);
      return JSON.stringify(listed);
    });
    await checks.run('ports-disabled', 'disablePortMapping() by protocol and external port: listed disabled', async () => {
      await netcon.disablePortMapping(ours(vpn.id), { protocol: 'tcp', externalPort: EXTERNAL_PORT }, { timeoutMs: 60_000 });
      const listed = (await netcon.listPortMappings(vpn.id, { timeoutMs: 60_000 })).find((m) => m.name === name);
      if (listed?.enabled !== false) throw new Error(`listed as ${JSON.stringify(listed)}`);
      return JSON.stringify(listed);
    });
  } finally {
    await undo(checks, { netcon, vpn, name, made });
  }
}

// What the checks left: the mapping removed, the sharing taken off. Also the proof's clean-up.
export async function undo(checks, { netcon, vpn, name, made }) {
  if (made.mapping) {
    await checks.run('ports-removed', 'removePortMapping(): no longer listed', async () => {
      const removed = await netcon.removePortMapping(vpn.id, made.mapping, { timeoutMs: 60_000 });
      made.mapping = undefined;
      const left = (await netcon.listPortMappings(vpn.id, { timeoutMs: 60_000 })).filter((m) => m.name === name);
      if (left.length) throw new Error(`still listed: ${JSON.stringify(left)}`);
      return JSON.stringify(removed);
    });
  }
  if (made.sharing) {
    await checks.run('ports-unshared', 'disableSharing(VPN entry): not shared', async () => {
      await netcon.disableSharing(vpn.id, { timeoutMs: 60_000 });
      made.sharing = undefined;
      const sharing = await netcon.getSharing(vpn.id, { timeoutMs: 60_000 });
      if (sharing.sharing !== null) throw new Error(`still shared: ${JSON.stringify(sharing)}`);
      return JSON.stringify(sharing);
    });
  }
}

/** What Windows' store says of the two ports: as given (host order there), or byte-swapped. */
export function byteOrderNote(output) {
  const number = (label) => Number(new RegExp(`^\\s*${label}\\s*:\\s*(\\d+)`, 'mi').exec(output)?.[1] ?? NaN);
  const port = number('Port');
  const target = number('TargetPort');
  const read = (value, given) =>
    Number.isNaN(value) ? 'not shown' : value === given ? `${value} (as given)` : value === swapped(given) ? `${value} (${given} byte-swapped: network byte order)` : `${value} (neither ${given} nor ${swapped(given)})`;
  return `external port ${read(port, EXTERNAL_PORT)}, internal port ${read(target, INTERNAL_PORT)}\n${output}`;
}
