// Just enough of Electron's API to type-check examples/electron-*.cjs and test/electron/main.cjs
// (npm test's tsc step) without installing electron, whose install downloads its binaries.
// Signatures follow Electron's own electron.d.ts.
declare module 'electron' {
  interface Event {
    preventDefault(): void;
  }
  interface IpcMainInvokeEvent {
    readonly sender: WebContents;
  }
  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
  }
  interface WebContents {
    executeJavaScript(code: string, userGesture?: boolean): Promise<any>;
    once(event: 'did-finish-load', listener: (event: Event) => void): this;
    once(event: 'did-fail-load', listener: (event: Event, errorCode: number, errorDescription: string, validatedURL: string) => void): this;
  }
  export const app: {
    whenReady(): Promise<void>;
    disableHardwareAcceleration(): void;
    exit(exitCode?: number): void;
    once(event: 'browser-window-created', listener: (event: Event, window: BrowserWindow) => void): typeof app;
  };
  export class BrowserWindow {
    constructor(options?: { width?: number; height?: number; webPreferences?: WebPreferences });
    readonly webContents: WebContents;
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
