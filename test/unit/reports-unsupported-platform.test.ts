// Goes through the real entry point and the real loader: this is what an app that depends
// on netcon sees on Linux and macOS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const realPlatform = Object.getOwnPropertyDescriptor(process, 'platform')!;

// On a Windows runner the loader would find the real addon; pretend otherwise so this file
// pins the same behaviour on every OS. Elsewhere the real platform is used untouched.
beforeAll(() => {
  if (process.platform === 'win32') Object.defineProperty(process, 'platform', { ...realPlatform, value: 'linux' });
});
afterAll(() => {
  Object.defineProperty(process, 'platform', realPlatform);
});

describe('off Windows', () => {
  it('imports without throwing and says it is not supported', async () => {
    const netcon = await import('../../src/index');
    expect(netcon.isSupported()).toBe(false);
  });

  it.each([
    ['listConnections', []],
    ['findConnection', ['Ethernet']],
    ['disconnect', ['Ethernet']],
    ['connect', ['{11111111-2222-3333-4444-555555555555}']],
  ] as const)('%s rejects with ERR_UNSUPPORTED_PLATFORM', async (method, args) => {
    const netcon = await import('../../src/index');
    const call = netcon[method] as (...a: unknown[]) => Promise<unknown>;
    const error = await call(...args).then(
      () => expect.unreachable('expected a rejection'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(netcon.UnsupportedPlatformError);
    expect(error).toBeInstanceOf(netcon.NetConError);
    const { code, platform, message } = error as InstanceType<typeof netcon.UnsupportedPlatformError>;
    expect(code).toBe('ERR_UNSUPPORTED_PLATFORM');
    expect(platform).toBe(process.platform);
    expect(message).toContain(`"${process.platform}"`);
    expect(message).toContain('only works on Windows');
  });

  it('still reports a bad argument as such: arguments are checked first', async () => {
    const netcon = await import('../../src/index');
    await expect(netcon.disconnect('')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});
