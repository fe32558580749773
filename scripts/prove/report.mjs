// The Markdown half of npm run prove's report: a table a CI job summary or an issue shows as is.

const MARK = { pass: 'pass', fail: '**FAIL**', skip: 'skipped', note: 'recorded' };

// A table cell: one line, no column break.
const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export function markdown(report) {
  const counts = ['pass', 'fail', 'skip', 'note'].map((s) => `${report.checks.filter((c) => c.status === s).length} ${MARK[s].replace(/\*/g, '')}`).join(', ');
  return [
    `# netcon proof ${report.runId}: ${report.ok ? 'every check passed' : 'a check FAILED'}`,
    '',
    `netcon ${report.netcon.version} (${report.netcon.package}), Node ${report.node.version} ${report.node.arch}, ${report.startedAt}, ${(report.durationMs / 1000).toFixed(1)} s: ${counts}.`,
    '',
    '| check | result | ms | what Windows answered |',
    '|---|---|---:|---|',
    ...report.checks.map((c) => `| ${cell(c.title)} (\`${c.name}\`) | ${MARK[c.status]} | ${c.ms} | ${cell(c.answer)} |`),
    '',
  ].join('\n');
}
