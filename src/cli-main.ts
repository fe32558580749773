// The `netcon` command, as a function of its arguments and output streams so tests can run
// it in-process. It uses only the public API, like any other user of the package.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';

import { EXIT_CODES, exitCodeFor } from './exit-codes';
import * as netcon from './index';
import { MAX_TIMEOUT_MS } from './limits';
import type { NetConnection } from './index';
import { packageRoot } from './package-root';

/** Where the CLI writes; each call is one complete chunk of text. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: only then does a long wait show a spinner. */
  readonly isTTY?: boolean;
}

/** The part of the public API the CLI calls. */
export type CliApi = Pick<typeof netcon, 'listConnections' | 'findConnection' | 'disconnect' | 'connect'>;

/** The API for `--prog-id` (undefined when not given); validates it like createClient does. */
export type CliApiFor = (progId: string | undefined) => CliApi;

// The CLI owns its process, so it opts it in to the COM security that VPN and dial-up
// entries need (done by the client before its first COM call, after checking arguments).
const publicApi: CliApiFor = (progId) => netcon.createClient({ progId, comSecurity: 'impersonate' });

const DEFAULT_WAIT_MS = 30_000;

const EXIT_TEXT = `Exit codes: ${EXIT_CODES.OK} ok, ${EXIT_CODES.FAILURE} failure, ${EXIT_CODES.USAGE} usage error or invalid name/GUID, \
${EXIT_CODES.CONNECTION_NOT_FOUND} not found,
${EXIT_CODES.AMBIGUOUS_CONNECTION} ambiguous name, ${EXIT_CODES.ACCESS_DENIED} access denied, \
${EXIT_CODES.UNSUPPORTED} not Windows or native module not loadable,
${EXIT_CODES.TIMEOUT} --timeout or --wait ran out.`;

/** `netcon --help` output. */
export const HELP = `Usage: netcon <command> [options]

Commands:
  list [--json]                         Every connection: NAME, STATUS, TYPE, DEVICE, GUID
  show <name|GUID> [--json]             One connection in full
  disconnect <name|GUID> [--wait [ms]]  Disconnect a connection
  connect <name|GUID> [--wait [ms]]     Connect a connection
  help [command]                        This help, or a command's

Options:
  --json               Print JSON instead of text (list, show)
  --wait [ms]          After disconnect/connect, wait until Windows reports the
                       connection down/up (default ${DEFAULT_WAIT_MS} ms)
  --timeout <ms>       Give up on a COM call Windows has not answered after this
                       long (default ${netcon.DEFAULT_TIMEOUT_MS} ms; exit code ${EXIT_CODES.TIMEOUT})
  --prog-id <ProgID>   Use this COM class instead of HNetCfg.HNetShare (an
                       HNetShare-compatible test server registered under it)
  -h, --help           Show help (after a command: that command's)
  --version            Show netcon's version

Names are compared ignoring case; quote names that contain spaces ("Ethernet 2"),
and put "--" before a name that starts with "-". Disconnecting and connecting
usually need an elevated prompt (Run as administrator).

${EXIT_TEXT}
`;

/** Each command's `--help`. */
export const COMMAND_HELP: Readonly<Record<string, string>> = Object.freeze({
  list: `Usage: netcon list [--json] [--all] [--timeout <ms>]

Lists every network connection Windows shows in Network Connections, disabled and
disconnected ones included: nothing is hidden, so --all changes nothing and is only
accepted for scripts that ask for it. Columns: NAME, STATUS, TYPE, DEVICE, GUID.
--json prints the connections as a JSON array (every field, characteristics decoded).
`,
  show: `Usage: netcon show <name|GUID> [--json] [--timeout <ms>]

Shows one connection in full: name, status, type, device, GUID and characteristics.
A name is compared ignoring case; a GUID may be written with or without braces.
`,
  disconnect: `Usage: netcon disconnect <name|GUID> [--wait [ms]] [--timeout <ms>]

Disconnects the connection, as Network Connections' Disable/Disconnect does. Windows
often finishes after the call returned: --wait then waits until it reports the
connection disconnected, hardware-disabled or media-disconnected (default ${DEFAULT_WAIT_MS} ms;
exit code ${EXIT_CODES.TIMEOUT} when it did not). --timeout bounds the disconnect call
itself; when it runs out Windows may still finish the disconnect. Usually needs an
elevated prompt.
`,
  connect: `Usage: netcon connect <name|GUID> [--wait [ms]] [--timeout <ms>]

Connects the connection. --wait then waits until Windows reports it connected
(default ${DEFAULT_WAIT_MS} ms; exit code ${EXIT_CODES.TIMEOUT} when it did not). --timeout bounds
the connect call itself. Usually needs an elevated prompt.
`,
  help: `Usage: netcon help [command]

Shows netcon's help, or a command's.
`,
});

// Our own usage mistakes; util.parseArgs raises its own ERR_PARSE_ARGS_* errors.
class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** Runs `netcon <argv>`; resolves the exit code and never rejects. */
export async function main(argv: readonly string[], io: CliIo, apiFor: CliApiFor = publicApi): Promise<number> {
  try {
    io.stdout(await run(argv, io, apiFor));
    return EXIT_CODES.OK;
  } catch (error) {
    const { code, message } = describeError(error);
    // One line, so scripts can grep it and logs keep it whole.
    io.stderr(`netcon: ${code}: ${oneLine(message)}\n`);
    return exitCodeFor(code);
  }
}

// util.parseArgs has no optional option values: "--wait" alone, or followed by a number.
function withWaitValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (argv[i] !== '--wait') out.push(argv[i]);
    else if (/^\d+$/.test(argv[i + 1] ?? '')) out.push(`--wait=${argv[++i]}`);
    else out.push('--wait=');
  }
  return out;
}

async function run(argv: readonly string[], io: CliIo, apiFor: CliApiFor): Promise<string> {
  const { values, positionals } = parseArgs({
    args: withWaitValues(argv),
    options: {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      wait: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      'prog-id': { type: 'string' },
      timeout: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [command, ...operands] = positionals;
  if (command === 'help') return values.help ? COMMAND_HELP.help : helpFor(operands[0]);
  if (values.help) return command === undefined ? HELP : helpFor(command);
  if (values.version) return `${packageVersion()}\n`;

  const only = (allowed: string[]) => {
    for (const option of ['json', 'all', 'wait'] as const) {
      if (values[option] !== undefined && !allowed.includes(option)) {
        throw new UsageError(`--${option} does not apply to "netcon ${command}".`);
      }
    }
  };
  const oneTarget = () => {
    if (operands.length !== 1) {
      throw new UsageError(
        `"${command}" takes one connection name or GUID, got ${operands.length}` +
          (operands.length > 1 ? ' (quote a name that contains spaces).' : '.'),
      );
    }
    return operands[0];
  };

  const call = { timeoutMs: values.timeout === undefined ? undefined : parseMs('--timeout', values.timeout) };

  switch (command) {
    case 'list': {
      only(['json', 'all']);
      if (operands.length > 0) throw new UsageError(`"list" takes no arguments, got ${JSON.stringify(operands)}.`);
      const connections = await apiFor(values['prog-id']).listConnections(call);
      return values.json ? `${JSON.stringify(connections, null, 2)}\n` : formatTable(connections);
    }
    case 'show': {
      only(['json']);
      const connection = await apiFor(values['prog-id']).findConnection(oneTarget(), call);
      return values.json ? `${JSON.stringify(connection, null, 2)}\n` : formatDetails(connection);
    }
    case 'disconnect':
    case 'connect': {
      only(['wait']);
      const target = oneTarget();
      const waitMs = values.wait === undefined ? undefined : values.wait === '' ? DEFAULT_WAIT_MS : parseMs('--wait', values.wait);
      const api = apiFor(values['prog-id']);
      const done = command === 'disconnect' ? 'Disconnected' : 'Connected';
      if (waitMs === undefined) return `${done} "${target}".\n${successNote(await api[command](target, call))}`;
      const started = Date.now();
      const stop = spinner(io, `${command === 'disconnect' ? 'Disconnecting' : 'Connecting'} "${target}"`, started);
      try {
        const result = await api[command](target, { ...call, wait: { timeoutMs: waitMs } });
        return `${done} "${target}": ${result.connection.status} after ${seconds(Date.now() - started)}.\n${successNote(result)}`;
      } finally {
        stop();
      }
    }
    case undefined:
      throw new UsageError('missing command. Run "netcon --help" for usage.');
    default:
      throw new UsageError(`unknown command "${command}". Run "netcon --help" for usage.`);
  }
}

function helpFor(command: string | undefined): string {
  if (command === undefined) return HELP;
  const text = COMMAND_HELP[command];
  if (!text) throw new UsageError(`unknown command "${command}". Run "netcon --help" for usage.`);
  return text;
}

function parseMs(option: '--wait' | '--timeout', text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : NaN;
  const min = option === '--timeout' ? 1 : 0;
  if (!(ms >= min && ms <= MAX_TIMEOUT_MS)) {
    throw new UsageError(`${option} takes milliseconds from ${min} to ${MAX_TIMEOUT_MS}, got "${text}".`);
  }
  return ms;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

// Windows said yes in a way worth knowing: S_FALSE, or a change that needs a restart.
function successNote(result: netcon.ActionResult): string {
  if (result.hresult === 0) return '';
  const hex = netcon.hresultToHex(result.hresult);
  return `Windows answered ${result.code === hex ? hex : `${result.code} (${hex})`} rather than S_OK.\n`;
}

// A line on stderr redrawn in place, only on a terminal: piped output stays clean.
function spinner(io: CliIo, label: string, started: number): () => void {
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

// Terminal columns a string takes: East Asian wide characters and emoji take two, combining
// marks and joiners none. Enough to keep the table's columns straight for real names.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|\p{Extended_Pictographic}/u;
const ZERO = /[\p{Mn}\p{Me}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufe0f]/u;
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return width;
}

function formatTable(connections: readonly NetConnection[]): string {
  const rows = [
    ['NAME', 'STATUS', 'TYPE', 'DEVICE', 'GUID'],
    ...connections.map((c) => [c.name, c.status, c.mediaType, c.deviceName, c.id]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column]))));
  // The last column is not padded: trailing spaces only get in the way of copy and paste.
  const pad = (cell: string, column: number) => cell + ' '.repeat(widths[column] - displayWidth(cell));
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : pad(cell, column))).join('  '));
  return `${lines.join('\n')}\n`;
}

function formatDetails(c: NetConnection): string {
  const flags = c.characteristics.flags.join(', ');
  const hex = `0x${c.characteristics.value.toString(16).toUpperCase().padStart(8, '0')}`;
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

function describeError(error: unknown): { code: string; message: string } {
  if (!(error instanceof Error)) return { code: 'ERROR', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : error.name, message: error.message };
}

function packageVersion(): string {
  const text = readFileSync(path.join(packageRoot(), 'package.json'), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version);
}
