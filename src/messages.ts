// The words of netcon's error messages: which public call failed, on which connection, and
// how a COM failure reads. The error classes and the HRESULT mapping build theirs from here.
import type { ComErrorContext } from './errors';
import { canonicalGuid } from './guid';

/** `0x80070005`: the unsigned value as 8 upper-case hex digits. */
export function hresultToHex(hresult: number): string {
  return `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** What opens a message: `List connections`, `Find "VPN"`, `Disconnect "Ethernet"`, … */
export function operationLabel(context: Pick<ComErrorContext, 'operation' | 'target' | 'connection'>): string {
  switch (context.operation) {
    case 'list':
      return 'List connections';
    case 'security':
      return 'Initialize COM security';
    case 'diagnose':
      return 'Diagnose';
    case 'watch':
      return 'Watch connections';
    case 'find':
      return context.target === undefined ? 'Find connection' : `Find "${context.target}"`;
    case 'disconnect':
    case 'connect': {
      const verb = context.operation === 'disconnect' ? 'Disconnect' : 'Connect';
      const subject = subjectOf(context);
      return subject === undefined ? verb : `${verb} "${subject}"`;
    }
    default:
      return 'COM call';
  }
}

/**
 * `Disconnect "VPN" failed: E_ACCESSDENIED (0x80070005) at INetConnection::Disconnect — General
 * access denied. <hint>`: the code is left out for an HRESULT the table does not know, and the
 * explanation is then Windows' own text.
 */
export function comFailureMessage(hresult: number, code: string | undefined, explanation: string, context: ComErrorContext): string {
  const hex = hresultToHex(hresult);
  return (
    `${operationLabel(context)} failed: ${code === undefined ? hex : `${code} (${hex})`}` +
    (context.step ? ` at ${context.step}` : '') +
    connectionSuffix(context) +
    (explanation ? ` — ${explanation}` : '.')
  );
}

/** FormatMessage text, on one line and ending in a full stop (it may span lines and lack one). */
export function sentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' || /[.!?]$/.test(flat) ? flat : `${flat}.`;
}

// The connection the user meant: the name they typed, else the name the failure reported,
// else the GUID.
function subjectOf(context: Pick<ComErrorContext, 'target' | 'connection'>): string | undefined {
  const { target, connection } = context;
  if (target !== undefined && canonicalGuid(target) === undefined) return target;
  return connection?.name || connection?.id || target;
}

// Names the connection a step failed on when the label does not already: a list can fail
// while reading some other connection than the one the user asked for.
function connectionSuffix(context: ComErrorContext): string {
  const label = context.connection?.name || context.connection?.id;
  if (!label) return '';
  const subject = context.operation === 'disconnect' || context.operation === 'connect' ? subjectOf(context) : undefined;
  return subject !== undefined && subject.toUpperCase() === label.toUpperCase() ? '' : ` for "${label}"`;
}
