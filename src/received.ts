// How an argument error describes what it was given, in the words Node's own errors use
// (lib/internal/errors.js, determineSpecificType), so netcon's read like Node's.
import { inspect } from 'util';

/** `The "name" argument`, or `The "options.id" property` for a dotted name, as Node says it. */
export function argumentPhrase(name: string): string {
  return `The "${name}" ${name.includes('.') ? 'property' : 'argument'}`;
}

/** `type number (5)`, `an instance of Map`, `function f`, `null`: what a wrong-type argument was. */
export function describeReceived(value: unknown): string {
  // A Proxy's traps or a getter run here, and may throw: the message must still be made.
  try {
    return describeReceivedUnsafe(value);
  } catch {
    return 'a value that throws when inspected';
  }
}

function describeReceivedUnsafe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'function') return `function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Object') return `an instance of ${ctor}`;
    return shortInspect(value);
  }
  return `type ${typeof value} (${shortInspect(value)})`;
}

/** util.inspect output, bounded and on one line: the value may be a 4 KiB name or hold control characters. */
export function shortInspect(value: unknown): string {
  let text: string;
  try {
    text = inspect(value, { depth: 1, breakLength: Infinity, colors: false });
  } catch {
    return 'a value that throws when inspected';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
