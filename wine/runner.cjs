'use strict';
// Runs one scenario inside Windows node.exe (under Wine): loads netcon through the package's
// public entry, runs the test's script against it and writes what happened to a JSON file.
// stdout is not used: Wine cannot write a Windows process's output to a pipe.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const fake = require('./fake-config.cjs');

const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const pkg = require(scenario.packageRoot);
// With a ProgID the scenario sees a createClient client in place of the top-level functions.
const netcon = scenario.progId ? { ...pkg, ...pkg.createClient({ progId: scenario.progId }) } : pkg;
const log = () => fake.parseLog(fs.existsSync(process.env.NETCON_FAKE_LOG) ? fs.readFileSync(process.env.NETCON_FAKE_LOG, 'utf8') : '');

function serializeError(err) {
  if (!(err instanceof Error)) return { thrown: String(err) };
  const classes = Object.keys(netcon).filter((k) => /Error$/.test(k) && typeof netcon[k] === 'function' && err instanceof netcon[k]);
  for (const base of ['TypeError', 'RangeError']) if (err instanceof globalThis[base]) classes.push(base);
  const { name, message, code, hresult, operation, step, connection, candidates, target, outcome, timeoutMs, shareStep, restored, holder, takenBy, mapping, matches, sharing } = err;
  return { name, message, code, hresult, operation, step, connection, candidates, target, outcome, timeoutMs, shareStep, restored, holder, takenBy, mapping, matches, sharing, classes };
}

const helpers = {
  /** Settles a promise into plain data, so one script can check many failures. */
  async capture(promise) {
    try {
      return { ok: true, value: await promise };
    } catch (err) {
      return { ok: false, error: serializeError(err) };
    }
  },
  /** Resolves once `done()` holds, looking every 10 ms, or after `timeoutMs` all the same. */
  async waitFor(done, timeoutMs = 10_000) {
    for (const started = Date.now(); !done() && Date.now() - started < timeoutMs; ) await new Promise((resolve) => setTimeout(resolve, 10));
  },
  /**
   * Appends { name, at: Date.now(), value } as a line to the marks file, which a test of
   * startInWine reads while the scenario runs. An Error in `value` goes as capture() reports it.
   */
  mark(name, value) {
    const line = JSON.stringify({ name, at: Date.now(), value }, (_key, v) => (v instanceof Error ? serializeError(v) : v));
    fs.appendFileSync(scenario.marksPath, line + '\n');
  },
  /** Replaces the fake's scenario; the fake reloads it at the next CoCreateInstance. */
  configure(setup) {
    fs.writeFileSync(process.env.NETCON_FAKE_CONFIG, fake.configText(setup));
  },
  live: () => fake.liveObjects(log()),
  /** The fake's 'new' or 'delete' events so far, counted by class. */
  counts: (kind) => fake.counts(log(), kind),
  calls: () => fake.calls(log()),
  warnings: () => fake.warnings(log()),
  clearLog: () => fs.writeFileSync(process.env.NETCON_FAKE_LOG, ''),
  // Scenario sources pass through Vite, which rewrites a dynamic import() in them.
  importModule: (url) => import(url),
  soak: (options) => require('./soak.cjs').soak(netcon, options, require(scenario.nativeHelper)),
  /** require() from here, for Node's own modules (worker_threads) in a scenario. */
  require: (id) => require(id),
  /** The test-only addon of test/native-helper/ (COM apartments, handle counts). */
  nativeHelper: () => require(scenario.nativeHelper),
  /** What a worker thread needs to load netcon as this scenario does. */
  entry: () => ({ packageRoot: scenario.packageRoot, progId: scenario.progId }),
  platform: () => ({ platform: process.platform, arch: process.arch, version: process.version, execPath: process.execPath }),
  /** The addon netcon itself loaded (the same module instance), for its thread figures. */
  addon: () => require(require.resolve('node-gyp-build', { paths: [scenario.packageRoot] }))(scenario.packageRoot),
  /** Where that addon's file is. */
  addonPath: () => require(require.resolve('node-gyp-build', { paths: [scenario.packageRoot] })).path(scenario.packageRoot),
  /**
   * Runs `source` in a child node.exe (child.cjs) and resolves how it ended: exit code,
   * when it exited (Date.now()), its marks by name, and its stderr.
   */
  runChild(source, input, { timeoutMs = 60_000 } = {}) {
    const dir = fs.mkdtempSync(path.join(path.dirname(scenario.resultPath), 'child-'));
    const specPath = path.join(dir, 'spec.json');
    const marksPath = path.join(dir, 'marks.jsonl');
    const spec = { packageRoot: scenario.packageRoot, progId: scenario.progId, nativeHelper: scenario.nativeHelper, source: source.toString(), input, marksPath };
    fs.writeFileSync(specPath, JSON.stringify(spec));
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(__dirname, 'child.cjs'), specPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let exitedAt;
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill(), timeoutMs);
      child.on('exit', () => (exitedAt = Date.now()));
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        const marks = {};
        const lines = fs.existsSync(marksPath) ? fs.readFileSync(marksPath, 'utf8').split('\n').filter(Boolean) : [];
        for (const line of lines) {
          const mark = JSON.parse(line);
          marks[mark.name] = { at: mark.at, value: mark.value };
        }
        resolve({ exitCode, signal, exitedAt, marks, stderr });
      });
    });
  },
};

const script = new Function('return (' + scenario.source + ')')();
Promise.resolve()
  .then(() => script(netcon, helpers, scenario.input))
  .then(
    (value) => ({ ok: true, value }),
    (err) => ({ ok: false, error: serializeError(err) }),
  )
  .then((result) => fs.writeFileSync(scenario.resultPath, JSON.stringify(result)));
