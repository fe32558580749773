import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

import { createBindingLoader } from '../../src/binding';
import { NativeModuleLoadError, NetConError, UnsupportedPlatformError } from '../../src/errors';
import { fakeBinding, thrownBy } from './fake-binding';

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

describe('createBindingLoader', () => {
  it('does not try to load anything off Windows', () => {
    const loader = counting(() => fakeBinding().binding);
    const { loadBinding, isBindingLoadable } = createBindingLoader({ platform: () => 'darwin', load: loader.load });
    const error = thrownBy(loadBinding);
    expect(error).toBeInstanceOf(UnsupportedPlatformError);
    expect((error as UnsupportedPlatformError).message).toContain('"darwin"');
    expect(isBindingLoadable()).toBe(false);
    expect(loader.count()).toBe(0);
  });

  it('wraps a load failure with its cause and the ways out, and does not retry', () => {
    const cause = new Error('No native build was found for platform=win32 arch=arm64\n    loaded from: C:\\app\\node_modules\\netcon\n');
    const loader = counting(() => {
      throw cause;
    });
    const { loadBinding, isBindingLoadable } = createBindingLoader({ platform: () => 'win32', arch: () => 'arm64', load: loader.load });

    const first = thrownBy(loadBinding) as NativeModuleLoadError;
    const second = thrownBy(loadBinding) as NativeModuleLoadError;
    expect(isBindingLoadable()).toBe(false);
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
    const { loadBinding } = createBindingLoader({ platform: () => 'win32', load: () => ({ list: () => undefined }) });
    const error = thrownBy(loadBinding) as NativeModuleLoadError;
    expect(error.code).toBe('ERR_NATIVE_MODULE_LOAD');
    expect((error.cause as Error).message).toBe('the native module does not export disconnect, connect, initializeSecurity, abandon');
  });

  it('loads once and hands out the same binding', () => {
    const binding = { ...fakeBinding().binding, abandon: () => undefined };
    const loader = counting(() => binding);
    const { loadBinding, isBindingLoadable } = createBindingLoader({ platform: () => 'win32', load: loader.load });
    expect(isBindingLoadable()).toBe(true);
    const first = loadBinding();
    expect(loadBinding()).toBe(first);
    expect(loader.count()).toBe(1);
    // Actions go straight through to the addon.
    expect(first.disconnect).not.toBe(binding.disconnect);
    expect(Object.keys(first).sort()).toEqual(['connect', 'disconnect', 'initializeSecurity', 'list']);
  });
});

it('src/binding.ts is the only source file that loads the addon', () => {
  const src = path.join(__dirname, '..', '..', 'src');
  const loaders = readdirSync(src).filter((file) => /node-gyp-build|\.node['"]/.test(readFileSync(path.join(src, file), 'utf8')));
  expect(loaders).toEqual(['binding.ts']);
});
