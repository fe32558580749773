// Electron main process: the renderer lists connections and disconnects one through IPC.
// netcon runs here, never in the renderer; the preload script exposes only these two calls.
const { app, BrowserWindow, ipcMain } = require('electron');
const path = require('node:path');
const netcon = require('netcon');

// Electron passes only `message` of an error thrown from a handler on to the renderer, so
// answer with plain data that keeps netcon's `code`.
/** @param {unknown} err */
const failure = (err) =>
  err instanceof netcon.NetConError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: 'ERR_UNKNOWN', message: String(err) };

// Every call has a deadline (timeoutMs, 60 s unless set): a Windows call that hangs rejects
// with ERR_TIMEOUT and never freezes the app or holds its exit.
ipcMain.handle('netcon:list', async () => {
  try {
    return { ok: true, connections: await netcon.listConnections({ timeoutMs: 5_000 }) };
  } catch (err) {
    return failure(err);
  }
});

ipcMain.handle('netcon:disconnect', async (_event, id) => {
  try {
    // What the renderer sends is untrusted: `{ id }` accepts only a well-formed GUID (else
    // ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE), never a name or anything else.
    await netcon.disconnect({ id }, { timeoutMs: 10_000, wait: { timeoutMs: 15_000 } });
    return { ok: true };
  } catch (err) {
    return failure(err); // E_ACCESSDENIED unless the app runs elevated
  }
});

app.whenReady().then(() => {
  const window = new BrowserWindow({ webPreferences: { preload: path.join(__dirname, 'electron-preload.cjs') } });
  window.loadFile('index.html');
});
