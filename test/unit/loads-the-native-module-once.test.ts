import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

import { createAddonLoader } from '../../src/addon';
import { NativeModuleLoadError, NetConError, UnsupportedPlatformError } from '../../src/index';
import { fakeMachine, thrownBy } from './fixtures';

function counting(load: () => unknown) {
  let count = 0;
  return {
    load: () => {
      count += 1;
      return load();
    },
    count: () => count,
  };
}

describe('createAddonLoader', () => {
  it('does not try to load anything off Windows', () => {
    const loader = counting(() => fakeMachine().backend);
    const { loadBackend, isAddonLoadable } = createAddonLoader({ platform: () => 'darwin', load: loader.load });
    const error = thrownBy(loadBackend);
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect((error as UnsupportedPlatformError).message).toContain('"darwin"');
    expect(isAddonLoadable()).toBe(false);
    expect(loader.count()).toBe(0);
  });

  it('wraps a load failure with its cause and the ways out, and does not retry', () => {
    const cause = new Error('No native build was found for platform=win32 arch=arm64\n    loaded from: C:\\app\\node_modules\\netcon\n');
    const loader = counting(() => {
      throw cause;
    });
    const { loadBackend, isAddonLoadable } = createAddonLoader({ platform: () => 'win32', arch: () => 'arm64', load: loader.load });

    const first = thrownBy(loadBackend) as NativeModuleLoadError;
    const second = thrownBy(loadBackend) as NativeModuleLoadError;
    expect(isAddonLoadable()).toBe(false);
    expect(loader.count()).toBe(1);

    for (const error of [first, second]) {
      expect(error).toBeInstanceOf(NativeModuleLoadError);
      expect(error).toBeInstanceOf(NetConError);
      expect(error.code).toBe('ERR_NATIVE_MODULE_LOAD');
      expect(error.cause).toBe(cause);
    }
    const lines = first.message.split('\n');
    expect(lines[0]).toBe('netcon could not load its native module for win32-arm64: No native build was found for platform=win32 arch=arm64');
    expect(first.message).not.toContain('loaded from'); // the detail stays in `cause`
    expect(lines.slice(1).join('\n')).toMatch(/Possible solutions:[^]*install step[^]*prebuild for win32-arm64[^]*Visual Studio Build Tools/);
  });

  it('refuses a module that lacks the expected functions', () => {
    const { loadBackend } = createAddonLoader({ platform: () => 'win32', load: () => ({ list: () => undefined }) });
    const error = thrownBy(loadBackend) as NativeModuleLoadError;
    expect(error.code).toBe('ERR_NATIVE_MODULE_LOAD');
    expect((error.cause as Error).message).toBe('the native module does not export disconnect, connect, initializeSecurity, diagnose, apartment, abandon, subscribe, unsubscribe, sharing, setSharing, rename, deleteConnection, duplicateConnection, portMappings, addPortMapping, changePortMapping, adapters');
  });

  it('loads once and hands out the same binding', () => {
    const binding = { ...fakeMachine().backend, abandon: () => undefined, subscribe: () => ({ ipInterface: 0, ras: 0 }), unsubscribe: () => undefined };
    const loader = counting(() => binding);
    const { loadBackend, isAddonLoadable } = createAddonLoader({ platform: () => 'win32', load: loader.load });
    expect(isAddonLoadable()).toBe(true);
    const first = loadBackend();
    expect(loadBackend()).toBe(first);
    expect(loader.count()).toBe(1);
    // Actions go straight through to the addon.
    expect(first.disconnect).not.toBe(binding.disconnect);
    expect(Object.keys(first).sort()).toEqual([
      'adapters',
      'addPortMapping',
      'apartment',
      'changePortMapping',
      'connect',
      'deleteConnection',
      'diagnose',
      'disconnect',
      'duplicateConnection',
      'initializeSecurity',
      'list',
      'portMappings',
      'rename',
      'setSharing',
      'sharing',
      'watchChanges',
    ]);
  });
});

it('src/addon.ts is the only source file that loads the addon', () => {
  const src = path.join(__dirname, '..', '..', 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(10);
  const loaders = files.filter((file) => /node-gyp-build|require\([^)]*\.node['"]/.test(readFileSync(path.join(src, file), 'utf8')));
  expect(loaders).toEqual(['addon.ts']);
});
