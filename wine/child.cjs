'use strict';
// A scenario's child process. The runner (itself Windows node.exe) starts it and watches how
// it ends: its exit code, which wine itself may hide after a crash (wine/README.md), and
// when. The child marks moments in a file as it goes; it never exits on its own account, so
// a test sees whether anything netcon holds keeps the process alive.
const fs = require('fs');
const fake = require('./fake-config.cjs');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const pkg = require(spec.packageRoot);
const netcon = spec.progId ? { ...pkg, ...pkg.createClient({ progId: spec.progId }) } : pkg;
const log = () => fake.parseLog(fs.existsSync(process.env.NETCON_FAKE_LOG) ? fs.readFileSync(process.env.NETCON_FAKE_LOG, 'utf8') : '');

const helpers = {
  /** Records that `name` happened now, with a JSON value. */
  mark(name, value) {
    fs.appendFileSync(spec.marksPath, JSON.stringify({ name, at: Date.now(), value }) + '\n');
  },
  calls: () => fake.calls(log()),
  live: () => fake.liveObjects(log()),
  require: (id) => require(id),
  entry: () => ({ packageRoot: spec.packageRoot, progId: spec.progId }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  /** Resolves once `done()` holds, looking every 10 ms, or after `timeoutMs` all the same. */
  async waitFor(done, timeoutMs = 10_000) {
    for (const started = Date.now(); !done() && Date.now() - started < timeoutMs; ) await helpers.sleep(10);
  },
  nativeHelper: () => require(spec.nativeHelper),
  addon: () => require(require.resolve('node-gyp-build', { paths: [spec.packageRoot] }))(spec.packageRoot),
  addonPath: () => require(require.resolve('node-gyp-build', { paths: [spec.packageRoot] })).path(spec.packageRoot),
};

const script = new Function('return (' + spec.source + ')')();
Promise.resolve()
  .then(() => script(netcon, helpers, spec.input))
  .then(
    () => helpers.mark('returned'),
    (error) => {
      helpers.mark('threw', String((error && error.stack) || error));
      process.exitCode = 99;
    },
  );
