// A stand-in for `electron` in Windows node.exe under Wine, where Electron itself does not run
// but its main process, which is Node, does: test/electron/main.cjs and the app of
// docs/electron.md (examples/electron-*.cjs) run against it in the e2e suite. It has only
// what they use, and keeps what Electron does that could hide a mistake in them: the page
// reaches the main process only through the preload's contextBridge API and
// ipcRenderer.invoke; what crosses is structured-cloned; the preload runs sandboxed in a world
// of its own; errors reach the page as Electron words them; the process lives until
// app.exit().
'use strict';
const { EventEmitter } = require('events');
const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const v8 = require('v8');
const vm = require('vm');

// Electron copies IPC arguments and results, and executeJavaScript's result, with the
// structured clone algorithm, V8's serializer: a function fails, a class instance arrives as a
// plain object.
const clone = (value) => v8.deserialize(v8.serialize(value));

const app = new EventEmitter();
let ready = false;
// Electron's main process runs until it quits, whatever its event loop holds: a check that
// never calls app.exit() hangs here too.
setInterval(() => {}, 2 ** 30);
// 'ready' comes once the main script has run.
const whenReady = new Promise((resolve) => setImmediate(() => {
  ready = true;
  app.emit('ready', {}, {});
  resolve();
}));
Object.assign(app, {
  whenReady: () => whenReady,
  isReady: () => ready,
  disableHardwareAcceleration() {
    if (ready) throw new Error('app.disableHardwareAcceleration() can only be called before app is ready');
  },
  exit: (code = 0) => process.exit(code),
});

const handlers = new Map();
const ipcMain = {
  handle(channel, listener) {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, listener);
  },
};

class WebContents extends EventEmitter {
  constructor(preload) {
    super();
    this.preload = preload;
    this.page = undefined;
  }

  async loadFile(file) {
    // Relative to the app's folder, app.getAppPath(): the main script's.
    const page = path.resolve(path.dirname(require.main.filename), file);
    if (!fs.existsSync(page)) {
      this.emit('did-fail-load', {}, -6, 'ERR_FILE_NOT_FOUND', pathToFileURL(page).href);
      throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(page).href}'`);
    }
    // The page's world: its window is its global object, and holds only what the preload exposed.
    this.page = vm.createContext({});
    vm.runInContext('globalThis.window = globalThis', this.page);
    if (this.preload !== undefined) this.runPreload();
    this.emit('did-finish-load', {});
  }

  runPreload() {
    const page = this.page;
    const sender = this;
    const electron = {
      contextBridge: {
        exposeInMainWorld(key, api) {
          if (Object.prototype.hasOwnProperty.call(page, key)) throw new Error('Cannot bind an API on top of an existing property on the window object');
          // A frozen copy in the page's world; a call's arguments are copied into the preload's.
          const copy = Object.entries(api).map(([name, value]) => [name, typeof value === 'function' ? (...args) => value(...clone(args)) : clone(value)]);
          page[key] = Object.freeze(Object.fromEntries(copy));
        },
      },
      ipcRenderer: {
        async invoke(channel, ...args) {
          const sent = clone(args);
          let reply;
          try {
            const handler = handlers.get(channel);
            if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
            reply = { result: clone(await handler({ sender, frameId: 1, processId: 1 }, ...sent)) };
          } catch (error) {
            // The page gets only the error's text.
            console.error(`Error occurred in handler for '${channel}':`, error);
            reply = { error: String(error) };
          }
          if ('error' in reply) throw new Error(`Error invoking remote method '${channel}': ${reply.error}`);
          return reply.result;
        },
      },
    };
    // A sandboxed preload (Electron 20's default) can require only these.
    const modules = new Map([['electron', electron], ['events', require('events')], ['timers', require('timers')], ['url', require('url')]]);
    const preloadRequire = (id) => {
      if (!modules.has(id)) throw new Error(`module not found: ${id}`);
      return modules.get(id);
    };
    const module = { exports: {} };
    try {
      const source = fs.readFileSync(this.preload, 'utf8');
      const run = vm.runInContext(`(function (require, exports, module) {${source}\n})`, vm.createContext({ console }), { filename: this.preload });
      run(preloadRequire, module.exports, module);
    } catch (error) {
      // Electron logs it and loads the page all the same, without the preload's API.
      console.error(`Unable to load preload script: ${this.preload}`);
      console.error(error);
    }
  }

  async executeJavaScript(code) {
    if (this.page === undefined) throw new Error('executeJavaScript before the page loaded');
    return clone(await vm.runInContext(String(code), this.page));
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options = {}) {
    super();
    const preferences = options.webPreferences || {};
    if (preferences.sandbox === false || preferences.contextIsolation === false || preferences.nodeIntegration) {
      throw new Error("the electron stand-in has only Electron's default renderer: sandboxed, context-isolated, no Node");
    }
    // Electron only logs a preload it cannot find, and the page then lacks its API: refused here,
    // where the mistake is.
    const { preload } = preferences;
    if (preload !== undefined && !(path.isAbsolute(preload) && fs.existsSync(preload))) {
      throw new Error(`webPreferences.preload must be the absolute path of a file: ${preload}`);
    }
    this.webContents = new WebContents(preload);
    app.emit('browser-window-created', { preventDefault() {} }, this);
  }

  loadFile(file) {
    return this.webContents.loadFile(file);
  }
}

// What `require('electron')` gives the main process; the preload gets contextBridge and ipcRenderer.
module.exports = { app, BrowserWindow, ipcMain };
