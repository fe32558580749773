'use strict';
// Writes and reads the files through which tests script the fake HNetShare server
// (test/fake-hnetshare/README.md has the formats). Shared by the Linux side (run.ts, the
// bench) and by the runner inside Windows node.exe, so both speak exactly the same format.

// Names travel as UTF-8 text between TABs: a backslash, a control character (TAB, NUL, …)
// or a lone surrogate goes as the fake's \uXXXX escape (one UTF-16 unit) instead.
function escapeText(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const high = unit >= 0xd800 && unit <= 0xdbff;
    const low = unit >= 0xdc00 && unit <= 0xdfff;
    const next = text.charCodeAt(i + 1);
    if (high && next >= 0xdc00 && next <= 0xdfff) {
      out += text[i] + text[i + 1];
      i++;
    } else if (unit === 0x5c) out += '\\\\';
    else if (unit < 0x20 || unit === 0x7f || high || low) out += '\\u' + unit.toString(16).padStart(4, '0');
    else out += text[i];
  }
  return out;
}

/** @param {object} setup see FakeSetup in run.ts */
function configText(setup) {
  const lines = ['# netcon e2e scenario'];
  const hex = (n) => '0x' + (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
  if (setup.zombies) lines.push('zombies');
  if (setup.roundTripUs) lines.push(['roundtrip', setup.roundTripUs].join('\t'));
  for (const c of setup.connections ?? []) {
    lines.push(['conn', c.id, escapeText(c.name), escapeText(c.deviceName ?? 'Fake Adapter'), c.status ?? 2, c.mediaType ?? 3, hex(c.characteristics ?? 0)].join('\t'));
    if (c.guidText !== undefined) lines.push(['guidtext', c.id, escapeText(c.guidText)].join('\t'));
    if (c.sharing !== undefined) lines.push(['share', c.id, c.sharing].join('\t'));
    for (const m of c.portMappings ?? []) {
      const target = m.targetIPAddress ?? m.targetName;
      lines.push(['map', c.id, escapeText(m.name), m.protocol, m.externalPort, m.internalPort, escapeText(target), m.enabled ? 'enabled' : 'disabled'].join('\t'));
    }
  }
  for (const h of setup.hresults ?? []) lines.push(['hresult', h.method, hex(h.hresult), h.id ?? ''].join('\t').trimEnd());
  for (const n of setup.nulls ?? []) lines.push(['null', n.method, n.id ?? ''].join('\t').trimEnd());
  for (const d of setup.delays ?? []) lines.push(['delay', d.method, d.ms, d.id ?? ''].join('\t').trimEnd());
  for (const item of setup.items ?? []) lines.push(['item', item.position, item.kind].join('\t'));
  if (setup.nextEnding) lines.push(['next', setup.nextEnding].join('\t'));
  if (setup.copyId) lines.push(['copyid', setup.copyId].join('\t'));
  for (const [method, status] of Object.entries(setup.after ?? {})) lines.push(['after', method, status].join('\t'));
  for (const [method, ms] of Object.entries(setup.settle ?? {})) lines.push(['settle', method, ms].join('\t'));
  return lines.join('\n') + '\n';
}

/** Parses the fake's log into events: { kind: 'new'|'delete'|'call'|'config'|'warn', fields } */
function parseLog(text) {
  return text
    .split(/\r?\n/)
    .filter(Boolean)
    .map((line) => {
      const [kind, ...fields] = line.split('\t');
      return { kind, fields };
    });
}

/**
 * Events of one kind ('new', 'delete' or 'call') counted by class or method: each line counts
 * one, and a tally line (NETCON_FAKE_LOG_MODE=tally, written at process exit) its number.
 */
function counts(events, kind) {
  const n = {};
  for (const e of events) {
    if (e.kind === kind) n[e.fields[0]] = (n[e.fields[0]] ?? 0) + 1;
    if (e.kind === 'tally' && e.fields[0] === kind) n[e.fields[1]] = (n[e.fields[1]] ?? 0) + Number(e.fields[2]);
  }
  return n;
}

/** Objects the fake constructed and has not destroyed yet, by class. */
function liveObjects(events) {
  const live = counts(events, 'new');
  for (const [cls, n] of Object.entries(counts(events, 'delete'))) live[cls] = (live[cls] ?? 0) - n;
  for (const k of Object.keys(live)) if (live[k] === 0) delete live[k];
  return live;
}

/** Calls the fake logged, as { method, id, hresult }. */
function calls(events) {
  return events
    .filter((e) => e.kind === 'call')
    .map((e) => ({ method: e.fields[0], id: e.fields[1], hresult: Number(e.fields[2]) >>> 0 }));
}

/** The fake's warn lines: unusable config lines, calls on released objects. */
function warnings(events) {
  return events.filter((e) => e.kind === 'warn').map((e) => e.fields.join(' '));
}

module.exports = { configText, parseLog, counts, liveObjects, calls, warnings };
