// The CLI's commands, each over the part of the public API it needs.
import type * as netcon from '../index';
import { spawn } from 'child_process';

import { acceptOnly, intervalMs, offlineMs, oneTarget, timeoutMs, UsageError, waitMs, type CommandLine } from './arguments';
import { EXIT_CODES } from './exit-codes';
import {
  changeJsonLine,
  changeLine,
  connectionDetails,
  connectionTable,
  detailedConnectionTable,
  interfaceDetails,
  diagnosisReport,
  oneLine,
  seconds,
  shareReport,
  sharingTable,
  spinner,
  successNote,
  type CliIo,
} from './format';

/** The part of the public API the CLI calls. */
export type CliApi = Pick<
  typeof netcon,
  | 'listConnections'
  | 'findConnection'
  | 'disconnect'
  | 'connect'
  | 'diagnose'
  | 'watch'
  | 'listSharing'
  | 'shareConnection'
  | 'disableSharing'
  | 'disableAllSharing'
  | 'rename'
  | 'takeOffline'
  | 'restoreOffline'
  | 'deleteConnection'
  | 'duplicateConnection'
  | 'getSharing'
  | 'listPortMappings'
  | 'addPortMapping'
  | 'removePortMapping'
  | 'enablePortMapping'
  | 'disablePortMapping'
>;

// Asked for once the command line is checked: making the API checks --prog-id, and a usage
// mistake should be reported first.
type ApiOnDemand = () => CliApi;

/** `netcon list`: stdout's text. */
export async function list(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json', 'all', 'details']);
  if (line.operands.length > 0) throw new UsageError(`"list" takes no arguments, got ${JSON.stringify(line.operands)}.`);
  if (line.details) {
    const detailed = (await api().listConnections({ timeoutMs: timeoutMs(line), details: true })) as netcon.DetailedConnection[];
    return line.json ? `${JSON.stringify(detailed, null, 2)}\n` : detailedConnectionTable(detailed);
  }
  const connections = await api().listConnections({ timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(connections, null, 2)}\n` : connectionTable(connections);
}

/** `netcon show <target>` */
export async function show(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json', 'details']);
  if (line.details) {
    const detailed = (await api().findConnection(oneTarget(line), { timeoutMs: timeoutMs(line), details: true })) as netcon.DetailedConnection;
    return line.json ? `${JSON.stringify(detailed, null, 2)}\n` : connectionDetails(detailed) + interfaceDetails(detailed.details);
  }
  const connection = await api().findConnection(oneTarget(line), { timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(connection, null, 2)}\n` : connectionDetails(connection);
}

/** `netcon disconnect|connect <target> [--wait [ms]]`: the client's own `wait` does the waiting. */
export async function act(action: 'disconnect' | 'connect', line: CommandLine, apiOnDemand: ApiOnDemand, io: CliIo): Promise<string> {
  acceptOnly(line, ['wait']);
  const target = oneTarget(line);
  const wait = waitMs(line);
  const call = { timeoutMs: timeoutMs(line) };
  const api = apiOnDemand();
  const done = action === 'disconnect' ? 'Disconnected' : 'Connected';
  if (wait === undefined) return `${done} "${target}".\n${successNote(await api[action](target, call))}`;
  const started = Date.now();
  const stop = spinner(io, `${action === 'disconnect' ? 'Disconnecting' : 'Connecting'} "${target}"`, started);
  try {
    const result = await api[action](target, { ...call, wait: { timeoutMs: wait } });
    return `${done} "${target}": ${result.connection.status} after ${seconds(Date.now() - started)}.\n${successNote(result)}`;
  } finally {
    stop();
  }
}

/** `netcon doctor`: the report, and the exit code it calls for. */
export async function doctor(line: CommandLine, api: ApiOnDemand): Promise<{ text: string; exitCode: number }> {
  acceptOnly(line, ['json']);
  if (line.operands.length > 0) throw new UsageError(`"doctor" takes no arguments, got ${JSON.stringify(line.operands)}.`);
  const diagnosis = await api().diagnose({ timeoutMs: timeoutMs(line) });
  const text = line.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : diagnosisReport(diagnosis);
  const cannotRunHere = diagnosis.checks.some((c) => c.status === 'fail' && (c.check === 'platform' || c.check === 'binary'));
  return { text, exitCode: diagnosis.ok ? EXIT_CODES.OK : cannotRunHere ? EXIT_CODES.UNSUPPORTED : EXIT_CODES.DOCTOR_FAILED };
}

/**
 * `netcon watch [--json] [--interval <ms>]`: a line per change as it comes, until interrupted
 * (Ctrl+C: exit code 0). A failed list is a line too, on stderr (in `--json`, on stdout with
 * the rest), and the watch goes on.
 */
export async function watch(line: CommandLine, api: ApiOnDemand, io: CliIo): Promise<string> {
  acceptOnly(line, ['json', 'interval']);
  if (line.operands.length > 0) throw new UsageError(`"watch" takes no arguments, got ${JSON.stringify(line.operands)}.`);
  const options = { timeoutMs: timeoutMs(line), intervalMs: intervalMs(line) };
  const changes = api().watch({ ...options, signal: io.interrupt?.() });
  if (io.isTTY && !line.json) io.stderr('Watching for changes (Ctrl+C to stop)…\n');
  for await (const change of changes) {
    const time = new Date();
    if (line.json) io.stdout(changeJsonLine(change, time));
    else if (change.type === 'error') io.stderr(`${time.toISOString()}  error    ${change.error.code}: ${oneLine(change.error.message)}\n`);
    else io.stdout(changeLine(change, time));
  }
  return '';
}

/** `netcon sharing [--json]`: every connection's Internet Connection Sharing. */
export async function sharing(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json']);
  if (line.operands.length > 0) throw new UsageError(`"sharing" takes no arguments, got ${JSON.stringify(line.operands)}.`);
  const connections = await api().listSharing({ timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(connections, null, 2)}\n` : sharingTable(connections);
}

/** `netcon share <public> <private> [--json]` */
export async function share(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json']);
  if (line.operands.length !== 2) {
    throw new UsageError(
      `"share" takes two connections, the one to share and the one that receives it, got ${line.operands.length} (quote a name that contains spaces).`,
    );
  }
  const [publicSide, privateSide] = line.operands;
  const result = await api().shareConnection(publicSide, privateSide, { timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(result, null, 2)}\n` : shareReport(result);
}

/** `netcon unshare [<name|GUID>] [--json]`: that connection's sharing off, or every connection's. */
export async function unshare(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json']);
  const call = { timeoutMs: timeoutMs(line) };
  if (line.operands.length === 0) {
    const changed = await api().disableAllSharing(call);
    if (line.json) return `${JSON.stringify(changed, null, 2)}\n`;
    if (changed.length === 0) return 'No connection was shared.\n';
    return changed.map((c) => `Sharing is off on "${c.connection.name}".\n`).join('');
  }
  const result = await api().disableSharing(oneTarget(line), call);
  return line.json ? `${JSON.stringify(result, null, 2)}\n` : `Sharing is off on "${result.connection.name}".\n`;
}

/** `netcon rename <name|GUID> <new name> [--json]` */
export async function rename(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json']);
  if (line.operands.length !== 2) {
    throw new UsageError(`"rename" takes a connection and its new name, got ${line.operands.length} (quote a name that contains spaces).`);
  }
  const [target, newName] = line.operands;
  const result = await api().rename(target, newName, { timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(result, null, 2)}\n` : `Renamed "${result.previousName}" to "${result.connection.name}".\n`;
}

/**
 * `netcon delete <name|GUID> --yes`: without --yes it changes nothing and is a usage error, since
 * a deletion cannot be undone.
 */
export async function deleteEntry(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['yes', 'json']);
  const target = oneTarget(line);
  if (!line.yes) {
    throw new UsageError(`deleting "${target}" cannot be undone: nothing was changed. Confirm with --yes (netcon delete <name|GUID> --yes).`);
  }
  const result = await api().deleteConnection(target, { timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(result, null, 2)}\n` : `Deleted "${result.connection.name}" (${result.connection.id}).\n`;
}

/** `netcon duplicate <name|GUID> <new name> [--json]` */
export async function duplicate(line: CommandLine, api: ApiOnDemand): Promise<string> {
  acceptOnly(line, ['json']);
  if (line.operands.length !== 2) {
    throw new UsageError(`"duplicate" takes a connection and the copy's name, got ${line.operands.length} (quote a name that contains spaces).`);
  }
  const [target, newName] = line.operands;
  const copy = await api().duplicateConnection(target, newName, { timeoutMs: timeoutMs(line) });
  return line.json ? `${JSON.stringify(copy, null, 2)}\n` : `Duplicated "${target}" as "${copy.name}" (${copy.id}).\n`;
}

/**
 * `netcon offline [<name|GUID>...] [--for <ms>] [--max <ms>] [--json] [-- <command> [args...]]`
 * and `netcon offline --restore`: takes the connections down (by default every connected one),
 * runs the command with this process's stdio, or waits `--for` ms or until Ctrl+C, and brings
 * them back. The exit code is the command's, or NOT_RESTORED when one did not come back.
 */
export async function offline(line: CommandLine, api: ApiOnDemand, io: CliIo): Promise<{ text: string; exitCode: number }> {
  const at = () => new Date().toISOString();
  const print = (event: Record<string, unknown>, text: string) => io.stdout(line.json ? `${JSON.stringify({ time: at(), ...event })}\n` : `${at()}  ${text}\n`);
  const report = (restored: readonly netcon.RestoredConnection[]) => {
    for (const r of restored) {
      print(
        { event: r.ok ? 'back' : 'not-back', id: r.id, name: r.name, status: r.status, tookMs: r.tookMs, ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}) },
        r.ok ? `back      ${r.name}  ${r.status} after ${seconds(r.tookMs)}` : `NOT BACK  ${r.name}  ${r.error ? `${r.error.code}: ${oneLine(r.error.message)}` : r.status}`,
      );
    }
    return restored.every((r) => r.ok) ? EXIT_CODES.OK : EXIT_CODES.NOT_RESTORED;
  };

  if (line.restore) {
    acceptOnly(line, ['restore', 'json']);
    if (line.operands.length > 0 || line.commandToRun) throw new UsageError('"offline --restore" takes no connections and no command: it brings back what earlier windows left down.');
    return { text: '', exitCode: report(await api().restoreOffline({ timeoutMs: timeoutMs(line) })) };
  }
  acceptOnly(line, ['for', 'max', 'json']);
  const command = line.commandToRun;
  if (command && command.length === 0) throw new UsageError('nothing after "--": give the command to run offline.');
  if (command && line.for !== undefined) throw new UsageError('--for does not apply with a command: the window lasts as long as the command runs.');
  const forMs = offlineMs(line, 'for');
  const maxMs = offlineMs(line, 'max');

  const window = await api().takeOffline(line.operands.length ? line.operands : undefined, { maxMs, timeoutMs: timeoutMs(line) });
  for (const c of window.connections) print({ event: 'down', id: c.id, name: c.name, tookMs: c.tookMs }, `down      ${c.name}  after ${seconds(c.tookMs)}`);
  let commandExit: number = EXIT_CODES.OK;
  try {
    if (command) {
      // Ctrl+C reaches the command too: this process waits for it, then restores.
      io.interrupt?.();
      commandExit = await runCommand(command);
    }
    else await waitFor(forMs, window.deadline, io.interrupt?.());
  } finally {
    const restoredCode = report(await window.restore());
    if (restoredCode !== EXIT_CODES.OK) commandExit = restoredCode;
  }
  return { text: '', exitCode: commandExit };
}

// The command with this process's stdio; its exit code (a signal's end counts as a failure).
function runCommand([file, ...args]: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit' });
    child.once('error', (error) => reject(new UsageError(`could not run "${file}": ${error.message}`)));
    child.once('exit', (code) => resolve(code ?? EXIT_CODES.FAILURE));
  });
}

// `--for` ms, or until the window's deadline or Ctrl+C, whichever comes first.
function waitFor(forMs: number | undefined, deadline: Date, interrupt: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const ms = Math.min(forMs ?? Infinity, deadline.getTime() - Date.now());
    const timer = setTimeout(resolve, Math.max(0, ms));
    interrupt?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
