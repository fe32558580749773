// How the CLI shows connections and outcomes on a terminal.
import {
  hresultToHex,
  type ActionResult,
  type ConnectionChange,
  type ConnectionDetails,
  type ConnectionSharing,
  type DetailedConnection,
  type Diagnosis,
  type InterfaceAddress,
  type NetConnection,
  type ShareResult,
} from '../index';

/** Where the CLI writes; each call is one complete chunk of text. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: only then does a long wait show a spinner. */
  readonly isTTY?: boolean;
  /**
   * A signal aborted when the user interrupts (Ctrl+C). Asking for it makes an interrupt end
   * the command (`netcon watch`, exit code 0) instead of the process.
   */
  interrupt?(): AbortSignal;
}

// Terminal columns a string takes: East Asian wide characters and emoji take two, combining
// marks and joiners none. Enough to keep the table's columns straight for real names.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u;
const ZERO = /[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe0f]/u;

/** Terminal columns `text` takes. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return width;
}

/** `netcon list`: one row per connection under NAME, STATUS, TYPE, DEVICE, GUID. */
export function connectionTable(connections: readonly NetConnection[]): string {
  return table([
    ['NAME', 'STATUS', 'TYPE', 'DEVICE', 'GUID'],
    ...connections.map((c) => [c.name, c.status, c.mediaType, c.deviceName, c.id]),
  ]);
}

const withPrefix = (list: readonly InterfaceAddress[]) => list.map((a) => `${a.address}/${a.prefixLength}`);

/** `netcon list --details`: one row per connection under NAME, STATUS, IPV4, IPV6, GATEWAY, INTERNET, GUID. */
export function detailedConnectionTable(connections: readonly DetailedConnection[]): string {
  const row = ({ name, status, id, details: d }: DetailedConnection) =>
    d === null
      ? [name, status, 'no adapter', '-', '-', '-', id]
      : [name, status, withPrefix(d.ipv4).join(' ') || '-', withPrefix(d.ipv6).join(' ') || '-', d.gateways.join(' ') || '-', d.internet ? 'yes' : 'no', id];
  return table([['NAME', 'STATUS', 'IPV4', 'IPV6', 'GATEWAY', 'INTERNET', 'GUID'], ...connections.map(row)]);
}

// 1000000000 → "1 Gbit/s", as Windows' adapter status dialog writes link speeds.
function bitsPerSecond(value: number | null): string {
  if (value === null) return 'unknown';
  const units: [number, string][] = [[1e9, 'Gbit/s'], [1e6, 'Mbit/s'], [1e3, 'kbit/s']];
  const [size, unit] = units.find(([size]) => value >= size) ?? [1, 'bit/s'];
  return `${Number((value / size).toFixed(1))} ${unit}`;
}

/** `netcon show --details`: the connection's network interface, one field per line, after connectionDetails. */
export function interfaceDetails(d: ConnectionDetails | null): string {
  const fields: [string, string][] =
    d === null
      ? [['Interface', 'none: Windows has no interface for it now']]
      : [
          ['Interface', `index ${d.ifIndex}, LUID ${d.luid}, ${d.operStatus}`],
          ['MAC', d.mac ?? 'none'],
          ['MTU', String(d.mtu)],
          ['Link speed', `${bitsPerSecond(d.transmitLinkSpeed)} transmit, ${bitsPerSecond(d.receiveLinkSpeed)} receive`],
          ['IPv4', withPrefix(d.ipv4).join(', ') || 'none'],
          ['IPv6', withPrefix(d.ipv6).join(', ') || 'none'],
          ['Gateways', d.gateways.join(', ') || 'none'],
          ['DNS servers', d.dnsServers.join(', ') || 'none'],
          ['DNS suffix', d.dnsSuffix || 'none'],
          ['Internet', d.internet ? 'yes: it holds the default route Windows ranks first' : 'no'],
        ];
  return fields.map(([label, value]) => `${`${label}:`.padEnd(17)}${value}\n`).join('');
}

/** `netcon sharing`: one row per connection under NAME, SHARING, GUID. */
export function sharingTable(connections: readonly ConnectionSharing[]): string {
  const role = (c: ConnectionSharing) =>
    !c.shareable ? 'cannot be shared' : c.sharing === null ? '-' : c.sharing === 'unknown' ? `unknown type ${c.sharingType}` : c.sharing;
  return table([['NAME', 'SHARING', 'GUID'], ...connections.map((c) => [c.name, role(c), c.id])]);
}

/** `netcon share`: what is shared now, and what was taken off to make room. */
export function shareReport(result: ShareResult): string {
  const taken = result.unshared.map((c) => `Sharing is off on "${c.name}" (it was ${c.sharing}).\n`);
  return `${taken.join('')}Shared "${result.public.name}" (public) to "${result.private.name}" (private).\n`;
}

/** Rows under a header, columns padded to the widest cell. */
export function table(rows: readonly string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]))));
  // The last column is not padded: trailing spaces only get in the way of copy and paste.
  const pad = (cell: string, column: number) => cell + ' '.repeat(widths[column] - displayWidth(cell));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, column))).join('  '));
  return `${lines.join('\n')}\n`;
}

/** `netcon show`: one field per line. */
export function connectionDetails(c: NetConnection): string {
  const flags = c.characteristics.flags.join(', ');
  // The mask in the 8-digit form HRESULTs are shown in, as Windows' tools show NCCF masks.
  const hex = hresultToHex(c.characteristics.value);
  const fields: [string, string][] = [
    ['Name', c.name],
    ['Status', `${c.status} (${c.statusCode})`],
    ['Type', `${c.mediaType} (${c.mediaTypeCode})`],
    ['Device', c.deviceName],
    ['GUID', c.id],
    ['Characteristics', flags ? `${hex} ${flags}` : hex],
  ];
  return fields.map(([label, value]) => `${`${label}:`.padEnd(17)}${value}\n`).join('');
}

/** A line when Windows said yes in a way worth knowing: S_FALSE, or a change that needs a restart. */
export function successNote(result: ActionResult): string {
  if (result.hresult === 0) return '';
  const hex = hresultToHex(result.hresult);
  return `Windows answered ${result.code === hex ? hex : `${result.code} (${hex})`} rather than S_OK.\n`;
}

/** `1.5 s` */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Text on one line, so scripts can grep it and logs keep it whole. */
export const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** A line on stderr redrawn in place, only on a terminal: piped output stays clean. Returns its stop. */
export function spinner(io: CliIo, label: string, started: number): () => void {
  if (!io.isTTY) return () => {};
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const draw = () => io.stderr(`\r${frames[frame++ % frames.length]} ${label}… ${seconds(Date.now() - started)}\x1b[K`);
  draw();
  const timer = setInterval(draw, 100);
  return () => {
    clearInterval(timer);
    io.stderr('\r\x1b[K');
  };
}

/** `netcon doctor`: a verdict, then one line per check with its fix under it. */
export function diagnosisReport(diagnosis: Diagnosis): string {
  const verdict = diagnosis.ok ? 'netcon can work here.' : 'netcon cannot work here as things are: see the fails below.';
  const width = Math.max(...diagnosis.checks.map((c) => c.check.length));
  const lines = diagnosis.checks.flatMap((c) => [
    `${c.status.padEnd(4)}  ${c.check.padEnd(width)}  ${oneLine(c.summary)}`,
    ...(c.fix ? [`${' '.repeat(6 + width + 2)}fix: ${oneLine(c.fix)}`] : []),
  ]);
  return `${verdict}\n\n${lines.join('\n')}\n`;
}

// What a change shows of a connection in a `netcon watch` line.
const WATCHED_FIELDS: readonly [string, (c: NetConnection) => string][] = [
  ['name', (c) => JSON.stringify(c.name)],
  ['status', (c) => c.status],
  ['device', (c) => JSON.stringify(c.deviceName)],
  ['type', (c) => c.mediaType],
  ['characteristics', (c) => hresultToHex(c.characteristics.value)],
];

/**
 * `netcon watch`: one line per change, `<ISO time>  <type>  "<name>"  <what>  <GUID>`; a
 * `changed` line names each field that changed, `status connected -> disconnected`.
 */
export function changeLine(change: Exclude<ConnectionChange, { type: 'error' }>, time: Date): string {
  const c = change.connection;
  const what =
    change.type === 'changed'
      ? WATCHED_FIELDS.filter(([, read]) => read(change.previous) !== read(c))
          .map(([field, read]) => `${field} ${read(change.previous)} -> ${read(c)}`)
          .join(', ')
      : `${c.status} ${c.mediaType}`;
  return `${time.toISOString()}  ${change.type.padEnd(7)}  ${JSON.stringify(c.name)}  ${what}  ${c.id}\n`;
}

/** `netcon watch --json`: one JSON object per line, with `time` first; an error as its code, message and HRESULT. */
export function changeJsonLine(change: ConnectionChange, time: Date): string {
  if (change.type !== 'error') return `${JSON.stringify({ time: time.toISOString(), ...change })}\n`;
  const { code, message } = change.error;
  const hresult = (change.error as { hresult?: number }).hresult;
  return `${JSON.stringify({ time: time.toISOString(), type: 'error', error: { code, message, ...(hresult === undefined ? {} : { hresult }) } })}\n`;
}
