// `netcon ports`: the port mappings of connections shared as public, and adding, removing,
// enabling and disabling them. Its sub-commands are its first operand, as offline's `--restore`
// is an option of one command rather than another command.
import type * as netcon from '../index';
import { acceptOnly, timeoutMs, UsageError, type CommandLine } from './arguments';
import { table } from './format';

/** The part of the public API `netcon ports` calls. */
export type PortsApi = Pick<typeof netcon, 'listSharing' | 'getSharing' | 'listPortMappings' | 'addPortMapping' | 'removePortMapping' | 'enablePortMapping' | 'disablePortMapping'>;

/** One connection's mappings, as `netcon ports --json` prints them. */
interface ConnectionPorts {
  readonly connection: { readonly id: string; readonly name: string };
  readonly mappings: readonly netcon.PortMapping[];
}

const SUBCOMMANDS = ['add', 'remove', 'enable', 'disable'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** `netcon ports [<name|GUID>]` and `netcon ports add|remove|enable|disable <name|GUID> …`: stdout's text. */
export async function ports(line: CommandLine, api: () => PortsApi): Promise<string> {
  const [first, ...rest] = line.operands;
  const sub = SUBCOMMANDS.find((s) => s === first);
  if (sub === undefined) return list(line, api);
  return change(sub, rest, line, api);
}

async function list(line: CommandLine, api: () => PortsApi): Promise<string> {
  acceptOnly(line, ['json']);
  if (line.operands.length > 1) throw new UsageError(`"ports" takes at most one connection name or GUID, got ${line.operands.length} (quote a name that contains spaces).`);
  const call = { timeoutMs: timeoutMs(line) };
  const netconApi = api();
  const connections =
    line.operands.length === 1 ? [await netconApi.getSharing(line.operands[0], call)] : (await netconApi.listSharing(call)).filter((c) => c.sharing === 'public');
  const found: ConnectionPorts[] = [];
  for (const c of connections) found.push({ connection: { id: c.id, name: c.name }, mappings: await netconApi.listPortMappings(c.id, call) });
  if (line.json) return `${JSON.stringify(found, null, 2)}\n`;
  if (found.length === 0) return 'No connection is shared as public: port mappings belong to the connection shared as public (netcon share).\n';
  return portTable(found);
}

/** The mappings as a table: CONNECTION, NAME, PROTOCOL, EXTERNAL, INTERNAL, TARGET, ENABLED. */
export function portTable(found: readonly ConnectionPorts[]): string {
  const rows = found.flatMap(({ connection, mappings }) =>
    mappings.map((m) => [
      connection.name,
      m.name,
      m.protocol === 'unknown' ? String(m.ipProtocol) : m.protocol.toUpperCase(),
      String(m.externalPort),
      String(m.internalPort),
      m.targetIPAddress || m.targetName,
      m.enabled ? 'yes' : 'no',
    ]),
  );
  const empty = found.filter((f) => f.mappings.length === 0).map((f) => `"${f.connection.name}" has no port mappings.\n`);
  if (rows.length === 0) return empty.join('');
  return table([['CONNECTION', 'NAME', 'PROTOCOL', 'EXTERNAL', 'INTERNAL', 'TARGET', 'ENABLED'], ...rows]) + empty.join('');
}

// A port from the command line; the API checks its range and says so in its error.
function portNumber(option: string, text: string | undefined): number {
  if (text === undefined) throw new UsageError(`--${option} is needed: the port, 1-65535.`);
  if (!/^\d+$/.test(text)) throw new UsageError(`--${option} takes a port from 1 to 65535, got "${text}".`);
  return Number(text);
}

// The mapping a remove/enable/disable names: its name as an operand, or --protocol and --external.
function mappingOf(sub: Subcommand, operands: readonly string[], line: CommandLine): netcon.PortMappingTarget {
  const { protocol, external } = line.ports;
  if (operands.length === 1 && protocol === undefined && external === undefined) return operands[0];
  if (operands.length === 0 && protocol !== undefined) return { protocol, externalPort: portNumber('external', external) };
  throw new UsageError(`"ports ${sub}" takes a connection and then a mapping's name, or --protocol and --external (quote names that contain spaces).`);
}

async function change(sub: Subcommand, operands: readonly string[], line: CommandLine, api: () => PortsApi): Promise<string> {
  const [target, ...rest] = operands;
  if (target === undefined) throw new UsageError(`"ports ${sub}" takes the connection shared as public first, by name or GUID.`);
  const call = { timeoutMs: timeoutMs(line) };
  if (sub === 'add') {
    acceptOnly(line, ['json', 'name', 'protocol', 'external', 'internal', 'target-ip', 'target-name', 'enable']);
    if (rest.length > 0) throw new UsageError(`"ports add" takes one connection, got ${operands.length} (quote a name that contains spaces).`);
    const p = line.ports;
    if (p.name === undefined || p.protocol === undefined) throw new UsageError('"ports add" needs --name and --protocol tcp|udp.');
    if ((p['target-ip'] === undefined) === (p['target-name'] === undefined)) throw new UsageError('"ports add" needs one of --target-ip <IPv4 address> and --target-name <computer name>.');
    const common = { name: p.name, protocol: p.protocol, externalPort: portNumber('external', p.external), internalPort: portNumber('internal', p.internal), enabled: p.enable === true };
    const mapping: netcon.NewPortMapping = p['target-ip'] !== undefined ? { ...common, targetIPAddress: p['target-ip'] } : { ...common, targetName: p['target-name'] as string };
    const added = await api().addPortMapping(target, mapping, call);
    return line.json ? `${JSON.stringify(added, null, 2)}\n` : `Added ${describe(added)} on "${target}"${added.enabled ? '' : ' (disabled: netcon ports enable)'}.\n`;
  }
  acceptOnly(line, ['json', 'protocol', 'external']);
  const mapping = mappingOf(sub, rest, line);
  const method = ({ remove: 'removePortMapping', enable: 'enablePortMapping', disable: 'disablePortMapping' } as const)[sub];
  const done = await api()[method](target, mapping, call);
  const verb = { remove: 'Removed', enable: 'Enabled', disable: 'Disabled' }[sub];
  return line.json ? `${JSON.stringify(done, null, 2)}\n` : `${verb} ${describe(done)} on "${target}".\n`;
}

const describe = (m: netcon.PortMapping) =>
  `"${m.name}" (${m.protocol === 'unknown' ? m.ipProtocol : m.protocol.toUpperCase()} ${m.externalPort} -> ${m.targetIPAddress || m.targetName}:${m.internalPort})`;
