// Electron, in a test build's main process: does the app's offline mode work? Takes the
// machine offline, waits until the page says it is offline, and brings the network back
// (also if the app is killed meanwhile: netcon's guardian runs as ELECTRON_RUN_AS_NODE).
const netcon = require('netcon');

/**
 * Resolves with how long the page took to notice each change, in ms.
 * @param {import('electron').BrowserWindow} window the app's window, its page loaded
 */
async function checkOfflineMode(window) {
  /** @param {boolean} expected */
  const until = async (expected) => {
    const started = Date.now();
    while ((await window.webContents.executeJavaScript('navigator.onLine')) !== expected) {
      if (Date.now() - started > 30_000) throw new Error(`the page did not report navigator.onLine ${expected} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return Date.now() - started;
  };
  const wentOffline = await netcon.runOffline(undefined, () => until(false), { maxMs: 120_000 });
  return { wentOffline, cameBack: await until(true) };
}

module.exports = { checkOfflineMode };
