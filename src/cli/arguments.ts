// The command line, read into a command, its operands and options. Mistakes are UsageErrors
// (exit code 2); util.parseArgs raises its own ERR_PARSE_ARGS_* errors, which count as such too.
import { parseArgs } from 'util';

import { DEFAULT_WAIT_TIMEOUT_MS, MAX_TIMEOUT_MS } from '../index';

/** A mistake on the command line. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** The options every command may be given (`--help`, `--version` and the rest are read too). */
export type OptionName = 'json' | 'all' | 'wait' | 'interval' | 'for' | 'max' | 'restore' | 'yes' | 'details' | PortOptionName;

/** `netcon ports add|remove|enable|disable`'s options. */
export type PortOptionName = 'name' | 'protocol' | 'external' | 'internal' | 'target-ip' | 'target-name' | 'enable';
const PORT_OPTIONS: readonly PortOptionName[] = ['name', 'protocol', 'external', 'internal', 'target-ip', 'target-name', 'enable'];

/** A command line, read. */
export interface CommandLine {
  /** undefined for none (`netcon` alone, `netcon --version`). */
  readonly command?: string;
  readonly operands: readonly string[];
  readonly help: boolean;
  readonly version: boolean;
  readonly json: boolean;
  /** The options given that only some commands take. */
  readonly given: readonly OptionName[];
  readonly progId?: string;
  /** `--timeout`'s text; see timeoutMs(). */
  readonly timeout?: string;
  /** `--wait`'s text, `''` when given without a value; see waitMs(). */
  readonly wait?: string;
  /** `--interval`'s text; see intervalMs(). */
  readonly interval?: string;
  /** `netcon offline`'s `--for` and `--max` texts, and `--restore`. */
  readonly for?: string;
  readonly max?: string;
  readonly restore: boolean;
  /** `netcon delete`'s confirmation. */
  readonly yes: boolean;
  /** `--details`: list and show each connection's network interface too. */
  readonly details: boolean;
  /** What follows `--`: `netcon offline`'s command and its arguments. */
  readonly commandToRun?: readonly string[];
  /** `netcon ports`' options, as given (`--enable`: `true`). */
  readonly ports: { readonly [O in PortOptionName]?: O extends 'enable' ? boolean : string };
}

/** Reads argv (without node and the script). */
export function readCommandLine(argv: readonly string[]): CommandLine {
  const args = withWaitValues(argv);
  const { values, positionals, tokens } = parseArgs({
    args,
    tokens: true,
    options: {
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      wait: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
      'prog-id': { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      for: { type: 'string' },
      max: { type: 'string' },
      restore: { type: 'boolean' },
      yes: { type: 'boolean' },
      name: { type: 'string' },
      protocol: { type: 'string' },
      external: { type: 'string' },
      internal: { type: 'string' },
      'target-ip': { type: 'string' },
      'target-name': { type: 'string' },
      enable: { type: 'boolean' },
      details: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  let [command, ...operands] = positionals;
  // After `--`, `netcon offline` takes the command it runs; elsewhere `--` lets a name start with "-".
  const end = tokens.find((t) => t.kind === 'option-terminator');
  let commandToRun: string[] | undefined;
  if (command === 'offline' && end) {
    commandToRun = args.slice(end.index + 1);
    operands = operands.slice(0, operands.length - commandToRun.length);
  }
  return {
    command,
    operands,
    help: values.help === true,
    version: values.version === true,
    json: values.json === true,
    given: ([...(['json', 'all', 'wait', 'interval', 'for', 'max', 'restore', 'yes', 'details'] as const), ...PORT_OPTIONS] as const).filter((option) => values[option] !== undefined),
    progId: values['prog-id'],
    timeout: values.timeout,
    wait: values.wait,
    interval: values.interval,
    for: values.for,
    max: values.max,
    restore: values.restore === true,
    yes: values.yes === true,
    details: values.details === true,
    ...(commandToRun ? { commandToRun } : {}),
    ports: Object.fromEntries(PORT_OPTIONS.filter((o) => values[o] !== undefined).map((o) => [o, values[o]])),
  };
}

/** `--for` / `--max` in ms (from 1 to 24 h), or undefined when not given. */
export function offlineMs(line: CommandLine, option: 'for' | 'max'): number | undefined {
  const text = line[option];
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(ms >= 1 && ms <= 86_400_000)) throw new UsageError(`--${option} takes milliseconds from 1 to 86400000 (24 h), got "${text}".`);
  return ms;
}

// The two numbers are read when a command uses them, so that `--help` or a misplaced option
// is reported first.

/** `--timeout` in ms, or undefined for the API's default. */
export function timeoutMs(line: CommandLine): number | undefined {
  return line.timeout === undefined ? undefined : milliseconds('--timeout', line.timeout, 1);
}

/** `--wait [ms]` in ms (DEFAULT_WAIT_TIMEOUT_MS without a value), or undefined for no wait. */
export function waitMs(line: CommandLine): number | undefined {
  if (line.wait === undefined) return undefined;
  return line.wait === '' ? DEFAULT_WAIT_TIMEOUT_MS : milliseconds('--wait', line.wait, 0);
}

/** `--interval` in ms, or undefined for watch()'s default. */
export function intervalMs(line: CommandLine): number | undefined {
  return line.interval === undefined ? undefined : milliseconds('--interval', line.interval, 1);
}

/** Refuses options the command does not take. */
export function acceptOnly(line: CommandLine, accepted: readonly OptionName[]): void {
  const stray = line.given.find((option) => !accepted.includes(option));
  if (stray) throw new UsageError(`--${stray} does not apply to "netcon ${line.command}".`);
}

/** The command's one connection name or GUID. */
export function oneTarget(line: CommandLine): string {
  const { command, operands } = line;
  if (operands.length !== 1) {
    throw new UsageError(
      `"${command}" takes one connection name or GUID, got ${operands.length}` + (operands.length > 1 ? ' (quote a name that contains spaces).' : '.'),
    );
  }
  return operands[0];
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

function milliseconds(option: string, text: string, min: number): number {
  const ms = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(ms >= min && ms <= MAX_TIMEOUT_MS)) throw new UsageError(`${option} takes milliseconds from ${min} to ${MAX_TIMEOUT_MS}, got "${text}".`);
  return ms;
}
