// The `netcon` command, as a function of its arguments and output streams so tests can run
// it in-process. It uses only the public API, like any other user of the package.
import { readFileSync } from 'fs';
import * as path from 'path';

import * as netcon from '../index';
import { packageRoot } from '../package-root';
import { readCommandLine, UsageError } from './arguments';
import { act, deleteEntry, doctor, duplicate, list, offline, rename, share, sharing, show, unshare, watch, type CliApi } from './commands';
import { exitCodeFor, EXIT_CODES } from './exit-codes';
import { oneLine, type CliIo } from './format';
import { COMMAND_HELP, HELP } from './help';
import { ports } from './ports';

export type { CliApi } from './commands';
export type { CliIo } from './format';

/** The API for `--prog-id` (undefined when not given); validates it like createClient does. */
export type CliApiFor = (progId: string | undefined) => CliApi;

// The CLI owns its process, so it opts it in to the COM security that VPN and dial-up
// entries need (done by the client before its first COM call, after checking arguments).
const publicApi: CliApiFor = (progId) => netcon.createClient({ progId, comSecurity: 'impersonate' });

/** Runs `netcon <argv>`; resolves the exit code and never rejects. */
export async function main(argv: readonly string[], io: CliIo, apiFor: CliApiFor = publicApi): Promise<number> {
  try {
    const { text, exitCode } = await run(argv, io, apiFor);
    io.stdout(text);
    return exitCode;
  } catch (error) {
    const { code, message } = describeError(error);
    io.stderr(`netcon: ${code}: ${oneLine(message)}\n`);
    return exitCodeFor(code);
  }
}

// A command's output and exit code; every command but doctor exits 0 when it returns.
async function run(argv: readonly string[], io: CliIo, apiFor: CliApiFor): Promise<{ text: string; exitCode: number }> {
  const line = readCommandLine(argv);
  const { command } = line;
  const answer = (text: string) => ({ text, exitCode: EXIT_CODES.OK });
  if (command === 'help') return answer(line.help ? COMMAND_HELP.help : helpFor(line.operands[0]));
  if (line.help) return answer(command === undefined ? HELP : helpFor(command));
  if (line.version) return answer(`${packageVersion()}\n`);
  const api = () => apiFor(line.progId);
  switch (command) {
    case 'list':
      return answer(await list(line, api));
    case 'show':
      return answer(await show(line, api));
    case 'disconnect':
    case 'connect':
      return answer(await act(command, line, api, io));
    case 'doctor':
      return doctor(line, api);
    case 'watch':
      return answer(await watch(line, api, io));
    case 'sharing':
      return answer(await sharing(line, api));
    case 'share':
      return answer(await share(line, api));
    case 'unshare':
      return answer(await unshare(line, api));
    case 'rename':
      return answer(await rename(line, api));
    case 'offline':
      return offline(line, api, io);
    case 'delete':
      return answer(await deleteEntry(line, api));
    case 'duplicate':
      return answer(await duplicate(line, api));
    case 'ports':
      return answer(await ports(line, api));
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

function describeError(error: unknown): { code: string; message: string } {
  if (!(error instanceof Error)) return { code: 'ERROR', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : error.name, message: error.message };
}

function packageVersion(): string {
  const text = readFileSync(path.join(packageRoot(), 'package.json'), 'utf8');
  return String((JSON.parse(text) as { version?: unknown }).version);
}
