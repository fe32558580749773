// Preload script: the renderer gets window.netcon.list() and window.netcon.disconnect(id).
const { contextBridge, ipcRenderer } = require('electron');

contextBridge.exposeInMainWorld('netcon', {
  list: () => ipcRenderer.invoke('netcon:list'),
  disconnect: (/** @type {string} */ id) => ipcRenderer.invoke('netcon:disconnect', id),
});
