// Just enough of Electron's API to type-check examples/electron-*.cjs (npm test's tsc step)
// without installing electron, whose install downloads its binaries. Signatures follow
// Electron's own electron.d.ts.
declare module 'electron' {
  interface IpcMainInvokeEvent {
    readonly sender: unknown;
  }
  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
  }
  export const app: {
    whenReady(): Promise<void>;
  };
  export class BrowserWindow {
    constructor(options?: { width?: number; height?: number; webPreferences?: WebPreferences });
    loadFile(filePath: string): Promise<void>;
  }
  export const ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => Promise<unknown> | unknown): void;
  };
  export const ipcRenderer: {
    invoke(channel: string, ...args: any[]): Promise<any>;
  };
  export const contextBridge: {
    exposeInMainWorld(apiKey: string, api: any): void;
  };
}
