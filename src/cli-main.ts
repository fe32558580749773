// The `netcon` command, as a function of its arguments and output streams so tests can run
// it in-process. It uses only the public API, like any other user of the package.
import { readFileSync } from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';

import { EXIT_CODES, exitCodeFor } from './exit-codes';
import * as netcon from './index';
import { packageRoot } from './package-root';
import type { NetConnection } from './index';

/** Where the CLI writes; each call is one complete chunk of text. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The part of the public API the CLI calls. */
export type CliApi = Pick<typeof netcon, 'listConnections' | 'disconnect' | 'connect'>;

/** The API for `--prog-id` (undefined when not given); validates it like createClient does. */
export type CliApiFor = (progId: string | undefined) => CliApi;

const publicApi: CliApiFor = (progId) => (progId === undefined ? netcon : netcon.createClient({ progId }));

/** `netcon --help` output. */
export const HELP = `Usage: netcon <command> [options]

Commands:
  list [--json]            List network connections: NAME, STATUS, TYPE, DEVICE, GUID
  disconnect <name|GUID>   Disconnect a connection
  connect <name|GUID>      Connect a connection

Options:
  --json                   With list: print the connections as a JSON array
  --prog-id <ProgID>       Use this COM class instead of HNetCfg.HNetShare (an
                           HNetShare-compatible test server registered under it)
  -h, --help               Show this help
  --version                Show netcon's version

Names are compared ignoring case; quote names that contain spaces ("Ethernet 2"),
and put "--" before a name that starts with "-". Disconnecting and connecting
usually need an elevated prompt (Run as administrator).

Exit codes: ${EXIT_CODES.OK} ok, ${EXIT_CODES.FAILURE} failure, ${EXIT_CODES.USAGE} usage error or invalid name/GUID, \
${EXIT_CODES.CONNECTION_NOT_FOUND} not found,
${EXIT_CODES.AMBIGUOUS_CONNECTION} ambiguous name, ${EXIT_CODES.ACCESS_DENIED} access denied, \
${EXIT_CODES.UNSUPPORTED} not Windows or native module not loadable.
`;

// Our own usage mistakes; util.parseArgs raises its own ERR_PARSE_ARGS_* errors.
class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** Runs `netcon <argv>`; resolves the exit code and never rejects. */
export async function main(argv: readonly string[], io: CliIo, apiFor: CliApiFor = publicApi): Promise<number> {
  try {
    io.stdout(await run(argv, apiFor));
    return EXIT_CODES.OK;
  } catch (error) {
    const { code, message } = describeError(error);
    // One line, so scripts can grep it and logs keep it whole.
    io.stderr(`netcon: ${code}: ${message.replace(/\s*[\r\n]+\s*/g, ' ').trim()}\n`);
    return exitCodeFor(code);
  }
}

async function run(argv: readonly string[], apiFor: CliApiFor): Promise<string> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      'prog-id': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return HELP;
  if (values.version) return `${packageVersion()}\n`;

  const [command, ...operands] = positionals;
  const api = apiFor(values['prog-id']);
  switch (command) {
    case 'list': {
      if (operands.length > 0) throw new UsageError(`"list" takes no arguments, got ${JSON.stringify(operands)}.`);
      const connections = await api.listConnections();
      return values.json ? `${JSON.stringify(connections, null, 2)}\n` : formatTable(connections);
    }
    case 'disconnect':
    case 'connect': {
      if (values.json) throw new UsageError('--json only applies to "netcon list".');
      if (operands.length !== 1) {
        throw new UsageError(
          `"${command}" takes one connection name or GUID, got ${operands.length}` +
            (operands.length > 1 ? ' (quote a name that contains spaces).' : '.'),
        );
      }
      const [target] = operands;
      await api[command](target);
      return `${command === 'disconnect' ? 'Disconnected' : 'Connected'} "${target}".\n`;
    }
    case undefined:
      throw new UsageError('missing command. Run "netcon --help" for usage.');
    default:
      throw new UsageError(`unknown command "${command}". Run "netcon --help" for usage.`);
  }
}

function formatTable(connections: readonly NetConnection[]): string {
  const rows = [
    ['NAME', 'STATUS', 'TYPE', 'DEVICE', 'GUID'],
    ...connections.map((c) => [c.name, c.status, c.mediaType, c.deviceName, c.id]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  // The last column is not padded: trailing spaces only get in the way of copy and paste.
  const lines = rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]))).join('  '));
  return `${lines.join('\n')}\n`;
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
