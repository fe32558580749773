// The words of netcon's error messages: which public call failed, on which connection, and
// how a COM failure reads. The error classes and the HRESULT mapping build theirs from here.
import type { ComErrorContext } from './errors';
import { canonicalGuid } from './guid';

/** `0x80070005`: the unsigned value as 8 upper-case hex digits. */
export function hresultToHex(hresult: number): string {
  return `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** What opens a message: `List connections`, `Find "VPN"`, `Disconnect "Ethernet"`, … */
export function operationLabel(context: Pick<ComErrorContext, 'operation' | 'target' | 'connection' | 'shareStep'>): string {
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
    case 'sharing':
      return context.target === undefined ? 'Read sharing' : `Read sharing of "${context.target}"`;
    case 'share':
      // Its target names both sides: `"Wi-Fi" to "Ethernet"`.
      return (context.target === undefined ? 'Share' : `Share ${context.target}`) + (context.shareStep ? ` (step ${context.shareStep})` : '');
    case 'enableSharing':
    case 'disableSharing':
    case 'rename':
    case 'delete':
    case 'duplicate': {
      const verb = { enableSharing: 'Enable sharing on', disableSharing: 'Disable sharing on', rename: 'Rename', delete: 'Delete', duplicate: 'Duplicate' }[
        context.operation
      ];
      const subject = subjectOf(context);
      return subject === undefined ? verb : `${verb} "${subject}"`;
    }
    case 'disconnect':
    case 'connect': {
      const verb = context.operation === 'disconnect' ? 'Disconnect' : 'Connect';
      const subject = subjectOf(context);
      return subject === undefined ? verb : `${verb} "${subject}"`;
    }
    case 'portMappings':
    case 'addPortMapping':
    case 'removePortMapping':
    case 'enablePortMapping':
    case 'disablePortMapping': {
      const verb = {
        portMappings: 'Read port mappings of',
        addPortMapping: 'Add a port mapping to',
        removePortMapping: 'Remove a port mapping from',
        enablePortMapping: 'Enable a port mapping on',
        disablePortMapping: 'Disable a port mapping on',
      }[context.operation];
      const subject = subjectOf(context);
      return subject === undefined ? verb.replace(/ (of|to|from|on)$/, '') : `${verb} "${subject}"`;
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
    (explanation ? ` — ${explanation}` : '.') +
    (context.outcome === 'unknown' ? ' Windows may have acted before it stopped answering: check the connection before retrying.' : '') +
    (context.outcome === 'made' ? ' Windows made the copy before this failed: it exists, list the connections to see it.' : '') +
    restoreSentence(context)
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

// The operations whose label names their connection already.
const ACTS_ON_ONE: ReadonlySet<string> = new Set(['disconnect', 'connect', 'enableSharing', 'disableSharing', 'rename', 'delete', 'duplicate', 'portMappings', 'addPortMapping', 'removePortMapping', 'enablePortMapping', 'disablePortMapping']);

// Names the connection a step failed on when the label does not already: a list can fail
// while reading some other connection than the one the user asked for.
function connectionSuffix(context: ComErrorContext): string {
  const label = context.connection?.name || context.connection?.id;
  if (!label) return '';
  const subject = ACTS_ON_ONE.has(context.operation ?? '') ? subjectOf(context) : undefined;
  return subject !== undefined && subject.toUpperCase() === label.toUpperCase() ? '' : ` for "${label}"`;
}

// After a failed shareConnection(): whether the sharing as it was could be put back.
function restoreSentence(context: ComErrorContext): string {
  if (context.restored === true) return ' The sharing as it was before was put back.';
  if (context.restored !== false) return '';
  // Short: the whole message of the first failure would repeat this one's hint.
  const first = context.restoreErrors?.[0] as (Error & { code?: string; connection?: { name?: string; id: string } }) | undefined;
  const where = first?.connection ? ` on "${first.connection.name || first.connection.id}"` : '';
  const what = first ? ` (${first.code ?? first.message}${where})` : '';
  return ` Putting the sharing back failed too${what}: check it with netcon sharing.`;
}
