// @ts-check
// The Electron check of netcon's CI: the main process of a project that installed the packed
// netcon and electron, run by `npx electron .`. Beside it are the app of docs/electron.md
// (electron-main.cjs, electron-preload.cjs) and index.html. It drives that app from its page
// (window.netcon → preload → IPC → the app's handlers → netcon), then calls netcon here
// directly, prints a line per check and exits 1 if one failed. The e2e suite runs it in
// Windows node.exe under Wine with a stand-in for electron (test/electron/stand-in/).
const { app } = require('electron');
const netcon = require('netcon');

// No connection has this GUID: disconnecting it must find nothing, and touches nothing.
const ABSENT = '{00000000-0000-4000-8000-00000000F00D}';
// The binary must be the prebuild npm installed for this process, not a build from source.
// NETCON_CHECK_BINARY names another file of the package, for the e2e suite on the Windows
// job that builds netcon with MSVC (build\Release\netcon.node).
const BINARY = `\\node_modules\\netcon\\${process.env.NETCON_CHECK_BINARY || `prebuilds\\win32-${process.arch}\\netcon.napi.node`}`;
const WATCHDOG_MS = 120_000;

let failed = false;

/** @param {unknown} err */
const why = (err) => (!(err instanceof Error) ? String(err) : err.name === 'Error' ? err.message : `${err.name}: ${err.message}`);

/**
 * Runs one check and prints its line, then the lines it gathered in `details`.
 * @param {string} name
 * @param {(details: string[]) => Promise<string>} body resolves with what it found, throws why not
 */
async function check(name, body) {
  /** @type {string[]} */
  const details = [];
  try {
    console.log(`ok   ${name}  ${await body(details)}`);
  } catch (err) {
    failed = true;
    console.log(`FAIL ${name}  ${why(err)}`);
  }
  for (const line of details) console.log(`       ${line}`);
}

function finish() {
  clearTimeout(watchdog);
  console.log(failed ? 'netcon does not work in this Electron' : 'netcon works in this Electron');
  // app.exit() ends the process at once: first let the lines reach a pipe.
  process.stdout.write('', () => app.exit(failed ? 1 : 0));
}

const watchdog = setTimeout(() => {
  console.log(`FAIL watchdog  no verdict after ${WATCHDOG_MS / 1000} s: a check hangs`);
  app.exit(1);
}, WATCHDOG_MS);

/** @param {import('electron').BrowserWindow} window the app's window, its page loaded */
async function runChecks(window) {
  /** @param {string} code */
  const inPage = (code) => window.webContents.executeJavaScript(code);

  await check('renderer-list', async (details) => {
    const answer = await inPage('window.netcon.list()');
    if (answer?.ok !== true || !Array.isArray(answer.connections) || answer.connections.length === 0) throw new Error(`answered ${JSON.stringify(answer)}`);
    for (const c of answer.connections) details.push(`${c.name}  ${c.status}  ${c.mediaType}  ${c.id}`);
    return `window.netcon.list(): ${answer.connections.length} connections`;
  });

  await check('renderer-disconnect', async () => {
    const answer = await inPage(`window.netcon.disconnect('${ABSENT}')`);
    if (answer?.ok !== false || answer.code !== 'ERR_CONNECTION_NOT_FOUND') throw new Error(`answered ${JSON.stringify(answer)}`);
    return `window.netcon.disconnect('${ABSENT}'): ERR_CONNECTION_NOT_FOUND`;
  });

  await check('watch', async (details) => {
    /** @type {import('netcon').ConnectionChange[]} */
    const changes = [];
    for await (const change of netcon.watch({ signal: AbortSignal.timeout(2000) })) changes.push(change);
    for (const c of changes) details.push(c.type === 'error' ? `error ${c.error.code}: ${c.error.message}` : `${c.type} ${c.connection.name}`);
    const errors = changes.filter((c) => c.type === 'error').length;
    if (errors > 0) throw new Error(`${errors} error events in 2 s`);
    return `2 s, ${changes.length} changes, no error event`;
  });

  const diagnosis = netcon.diagnose();
  diagnosis.catch(() => {}); // each check below reports it
  await check('diagnose', async (details) => {
    const { ok, checks } = await diagnosis;
    for (const c of checks) details.push(`${c.status.padEnd(4)} ${c.check}  ${c.summary}`);
    if (!ok) throw new Error(`failed: ${checks.filter((c) => c.status === 'fail').map((c) => c.check).join(', ')}`);
    return 'ok: true';
  });

  await check('binary', async () => {
    const binary = (await diagnosis).checks.find((c) => c.check === 'binary');
    const path = binary?.summary.replace(/\//g, '\\') ?? '';
    if (!path.toLowerCase().endsWith(BINARY.toLowerCase())) throw new Error(`${binary?.summary ?? 'diagnose() has no binary check'}: not …${BINARY}`);
    return path;
  });

  await check('disconnect', async () => {
    try {
      await netcon.disconnect(ABSENT);
    } catch (err) {
      if (err instanceof netcon.ConnectionNotFoundError && err.code === 'ERR_CONNECTION_NOT_FOUND') return `disconnect('${ABSENT}'): ConnectionNotFoundError, ERR_CONNECTION_NOT_FOUND`;
      throw err;
    }
    throw new Error(`disconnect('${ABSENT}') resolved`);
  });
}

console.log(`runtime  electron ${process.versions.electron || '(none: a stand-in)'}, node ${process.versions.node}, ${process.arch}`);
app.disableHardwareAcceleration(); // CI runners have no GPU

// The app opens its window when ready; once its page has loaded, the preload's API is there.
app.once('browser-window-created', (_event, window) => {
  window.webContents.once('did-fail-load', (_e, code, description) => {
    failed = true;
    console.log(`FAIL page  index.html did not load: ${description} (${code})`);
    finish();
  });
  window.webContents.once('did-finish-load', () => {
    runChecks(window)
      .catch((err) => {
        failed = true;
        console.log(`FAIL checks  ${why(err)}`);
      })
      .finally(finish);
  });
});

// @ts-expect-error examples/electron-main.cjs, which the project has beside this file
require('./electron-main.cjs');
