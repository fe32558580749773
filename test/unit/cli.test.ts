// The CLI runs in-process over the real client and a fake binding, so argument checking,
// error classes and exit codes are the ones a user gets.
import { readFileSync } from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

import { main, type CliApi } from '../../src/cli/main';
import { createClientWith } from '../../src/client';
import { parseClientOptions } from '../../src/validate';
import { NativeModuleLoadError, UnsupportedPlatformError } from '../../src/index';
import { EXIT_CODES, exitCodeFor } from '../../src/cli/exit-codes';
import type { FakeClientOptions, FakeFailure } from '../../src/fake-machine';
import { ALL, ETHERNET, ETHERNET_2, fakeMachine, } from './fixtures';

async function run(argv: string[], api: CliApi | ((progId: string | undefined) => CliApi)) {
  let stdout = '';
  let stderr = '';
  const apiFor = typeof api === 'function' ? api : () => api;
  const exitCode = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, apiFor);
  return { exitCode, stdout, stderr };
}

async function runFake(argv: string[], options: FakeClientOptions = { connections: ALL }) {
  const fake = fakeMachine(options);
  return { ...(await run(argv, fake.client)), calls: fake.calls };
}

// Windows' texts end in CRLF; the error line must not.
function failure(on: 'list' | 'disconnect', hresult: number): FakeFailure {
  return { on, hresult, message: 'Windows says no.\r\n' };
}

// Every error goes to stderr as exactly this.
const ERROR_LINE = /^netcon: [A-Z][A-Z0-9_]*: [^\r\n]+\n$/;

describe('netcon list', () => {
  it('prints an aligned table', async () => {
    const { exitCode, stdout, stderr } = await runFake(['list'], { connections: [ETHERNET, ETHERNET_2] });
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(stdout).toBe(
      [
        'NAME        STATUS              TYPE  DEVICE                               GUID',
        'Ethernet    connected           lan   Intel(R) Ethernet Connection I219-V  {6A1F2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B}',
        'Ethernet 2  media-disconnected  lan   Realtek USB GbE Family Controller    {11111111-2222-3333-4444-555555555555}',
        '',
      ].join('\n'),
    );
  });

  it('prints only the header when there are no connections', async () => {
    const { stdout } = await runFake(['list'], { connections: [] });
    expect(stdout).toBe('NAME  STATUS  TYPE  DEVICE  GUID\n');
  });

  it('prints the array as JSON with --json', async () => {
    const fake = fakeMachine({ connections: ALL });
    const { exitCode, stdout } = await run(['list', '--json'], fake.client);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toEqual(await fake.client.listConnections());
  });
});

describe.each([
  ['disconnect', 'Disconnected'],
  ['connect', 'Connected'],
] as const)('netcon %s', (command, done) => {
  it('acts on a name and confirms in one line', async () => {
    const { exitCode, stdout, stderr, calls } = await runFake([command, 'ethernet 2']);
    expect({ exitCode, stdout, stderr }).toEqual({ exitCode: 0, stdout: `${done} "ethernet 2".\n`, stderr: '' });
    expect(calls.at(-1)).toMatchObject({ method: command, guid: '{11111111-2222-3333-4444-555555555555}' });
  });

  it('acts on a GUID directly', async () => {
    const { exitCode, calls } = await runFake([command, '11111111-2222-3333-4444-555555555555']);
    expect(exitCode).toBe(0);
    expect(calls.map((c) => c.method)).toEqual([command]);
  });

  it('takes a name that starts with a dash after --', async () => {
    const { stderr } = await runFake([command, '--', '-odd name']);
    expect(stderr).toBe('netcon: ERR_CONNECTION_NOT_FOUND: No network connection matches "-odd name".\n');
  });
});

describe('help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints usage to stdout', async (...argv) => {
    const { exitCode, stdout, stderr, calls } = await runFake(argv);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(stdout).toMatch(/^Usage: netcon <command>/);
    expect(stdout).toContain('disconnect <name|GUID>');
    expect(calls).toEqual([]);
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const { exitCode, stdout } = await runFake(['--version']);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });
});

describe('usage errors exit 2 with one line on stderr and touch nothing', () => {
  it.each([
    [[], 'ERR_USAGE'],
    [['bogus'], 'ERR_USAGE'],
    [['disconnect'], 'ERR_USAGE'],
    [['connect', 'Ethernet', '2'], 'ERR_USAGE'],
    [['list', 'extra'], 'ERR_USAGE'],
    [['disconnect', 'Ethernet', '--json'], 'ERR_USAGE'],
    [['list', '--bad'], 'ERR_PARSE_ARGS_UNKNOWN_OPTION'],
    [['disconnect', ''], 'ERR_INVALID_ARG_VALUE'],
    [['disconnect', '{1234}'], 'ERR_INVALID_ARG_VALUE'],
  ])('%j', async (argv, code) => {
    const { exitCode, stdout, stderr, calls } = await runFake(argv);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(ERROR_LINE);
    expect(stderr.startsWith(`netcon: ${code}: `)).toBe(true);
    expect(calls).toEqual([]);
  });
});

describe('failures map to exit codes', () => {
  it('3 when no connection matches', async () => {
    const { exitCode, stderr } = await runFake(['disconnect', 'Nope']);
    expect(exitCode).toBe(3);
    expect(stderr).toBe('netcon: ERR_CONNECTION_NOT_FOUND: No network connection matches "Nope".\n');
  });

  it('4 when a name is ambiguous', async () => {
    const { exitCode, stderr } = await runFake(['connect', 'VPN']);
    expect(exitCode).toBe(4);
    expect(stderr).toMatch(ERROR_LINE);
    expect(stderr).toContain('{0000000A-0000-0000-0000-000000000001}, {0000000B-0000-0000-0000-000000000002}');
  });

  it('5 for access denied', async () => {
    const { exitCode, stderr } = await runFake(['disconnect', 'Ethernet 2'], { connections: ALL, failures: [failure('disconnect', 0x80070005)] });
    expect(exitCode).toBe(5);
    expect(stderr).toBe(
      'netcon: E_ACCESSDENIED: Disconnect "Ethernet 2" failed: E_ACCESSDENIED (0x80070005) at INetConnection::Disconnect — ' +
        'General access denied. Disconnecting or connecting usually needs an elevated process: Run as administrator.\n',
    );
  });

  it('1 for any other COM failure, known or not', async () => {
    for (const hresult of [0x80004005, 0x80070490]) {
      const { exitCode, stderr } = await runFake(['list'], { failures: [failure('list', hresult)] });
      expect(exitCode).toBe(1);
      expect(stderr).toMatch(ERROR_LINE);
    }
  });

  it('6 off Windows', async () => {
    const api = createClientWith(() => {
      throw new UnsupportedPlatformError('linux');
    });
    const { exitCode, stderr } = await run(['list'], api);
    expect(exitCode).toBe(6);
    expect(stderr).toMatch(/^netcon: ERR_UNSUPPORTED_PLATFORM: .*"linux"/);
  });

  it('6, on one line, when the native module cannot be loaded', async () => {
    const api = createClientWith(() => {
      throw new NativeModuleLoadError(new Error('not a valid Win32 application.\r\nC:\\x\\netcon.node'), 'x64');
    });
    const { exitCode, stderr } = await run(['list'], api);
    expect(exitCode).toBe(6);
    expect(stderr).toMatch(ERROR_LINE);
    expect(stderr).toMatch(/^netcon: ERR_NATIVE_MODULE_LOAD: .*Possible solutions: - Reinstall/);
  });

  it('1 for something that is not a netcon error at all', async () => {
    const api: CliApi = {
      listConnections: () => Promise.reject(new Error('boom')),
      disconnect: () => Promise.reject('a string'),
      connect: () => Promise.reject(new Error('unused')),
      findConnection: () => Promise.reject(new Error('unused')),
      diagnose: () => Promise.reject(new Error('unused')),
      watch: () => {
        throw new Error('unused');
      },
      listSharing: () => Promise.reject(new Error('unused')),
      shareConnection: () => Promise.reject(new Error('unused')),
      disableSharing: () => Promise.reject(new Error('unused')),
      disableAllSharing: () => Promise.reject(new Error('unused')),
      rename: () => Promise.reject(new Error('unused')),
      takeOffline: () => Promise.reject(new Error('unused')),
      restoreOffline: () => Promise.reject(new Error('unused')),
      deleteConnection: () => Promise.reject(new Error('unused')),
      duplicateConnection: () => Promise.reject(new Error('unused')),
      getSharing: () => Promise.reject(new Error('unused')),
      listPortMappings: () => Promise.reject(new Error('unused')),
      addPortMapping: () => Promise.reject(new Error('unused')),
      removePortMapping: () => Promise.reject(new Error('unused')),
      enablePortMapping: () => Promise.reject(new Error('unused')),
      disablePortMapping: () => Promise.reject(new Error('unused')),
    };
    expect(await run(['list'], api)).toEqual({ exitCode: 1, stdout: '', stderr: 'netcon: Error: boom\n' });
    expect(await run(['disconnect', 'x'], api)).toEqual({ exitCode: 1, stdout: '', stderr: 'netcon: ERROR: a string\n' });
  });
});

describe('--prog-id', () => {
  // As the real CLI does it: createClient's validation, then every call with that ProgID.
  function runWithProgId(argv: string[]) {
    const progIds: (string | undefined)[] = [];
    const fakes: ReturnType<typeof fakeMachine>[] = [];
    const apiFor = (progId: string | undefined) => {
      progIds.push(progId);
      const fake = fakeMachine({ connections: ALL }, parseClientOptions(progId === undefined ? undefined : { progId }).progId);
      fakes.push(fake);
      return fake.client;
    };
    return run(argv, apiFor).then((out) => ({ ...out, progIds, calls: fakes.flatMap((f) => f.calls) }));
  }

  it('sends every call to that COM class', async () => {
    const out = await runWithProgId(['--prog-id', 'NetCon.FakeHNetShare', 'disconnect', 'Ethernet']);
    expect(out).toMatchObject({ exitCode: 0, stderr: '', progIds: ['NetCon.FakeHNetShare'] });
    expect(out.calls.map((c) => [c.method, c.progId])).toEqual([['list', 'NetCon.FakeHNetShare'], ['disconnect', 'NetCon.FakeHNetShare']]);
  });

  it('defaults to HNetCfg.HNetShare', async () => {
    const out = await runWithProgId(['list']);
    expect(out.progIds).toEqual([undefined]);
    expect(out.calls).toEqual([{ method: 'list', progId: 'HNetCfg.HNetShare' }]);
  });

  it.each([['no\\such'], [''], ['1abc']])('rejects %j as a usage error, calling nothing', async (progId) => {
    const out = await runWithProgId(['list', '--prog-id', progId]);
    expect(out).toMatchObject({ exitCode: EXIT_CODES.USAGE, stdout: '', calls: [] });
    expect(out.stderr).toMatch(/^netcon: ERR_INVALID_ARG_VALUE: The "options\.progId" property must be a ProgID/);
    expect(out.stderr).toMatch(ERROR_LINE);
  });

  it('is in --help', async () => {
    expect((await runWithProgId(['--help'])).stdout).toMatch(/--prog-id <ProgID>/);
  });
});

describe('exit-code table', () => {
  it('has the documented values', () => {
    expect(EXIT_CODES).toEqual({
      OK: 0,
      FAILURE: 1,
      USAGE: 2,
      CONNECTION_NOT_FOUND: 3,
      AMBIGUOUS_CONNECTION: 4,
      ACCESS_DENIED: 5,
      UNSUPPORTED: 6,
      TIMEOUT: 7,
      DOCTOR_FAILED: 8,
      NOT_RESTORED: 9,
    });
    expect(Object.isFrozen(EXIT_CODES)).toBe(true);
  });

  it.each([
    ['ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 2],
    ['ERR_INVALID_ARG_TYPE', 2],
    ['E_FAIL', 1],
    ['E_UNKNOWN_HRESULT', 1],
    ['toString', 1],
    [undefined, 1],
  ])('maps %s to %i', (code, exit) => {
    expect(exitCodeFor(code)).toBe(exit);
  });
});

describe('netcon watch', () => {
  // The watch as a user runs it: its lines while the machine changes, then Ctrl+C.
  async function watchWhile(argv: string[], change: (machine: ReturnType<typeof fakeMachine>['machine']) => void, done: number | ((output: string) => boolean)) {
    const fake = fakeMachine({ connections: [ETHERNET, ETHERNET_2] });
    const interrupt = new AbortController();
    let stdout = '';
    let stderr = '';
    const seen = () => (typeof done === 'number' ? (stdout + stderr).split('\n').length - 1 >= done : done(stdout + stderr));
    const io = { stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), interrupt: () => interrupt.signal };
    const exit = main(argv, io, () => fake.client);
    await new Promise((resolve) => setTimeout(resolve, 30));
    change(fake.machine);
    while (!seen()) await new Promise((resolve) => setTimeout(resolve, 5));
    interrupt.abort();
    return { exitCode: await exit, stdout, stderr };
  }
  const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

  it('prints a timestamped line per change until Ctrl+C, then exits 0', async () => {
    const { exitCode, stdout, stderr } = await watchWhile(['watch', '--interval', '5'], (machine) => {
      machine.updateConnection(ETHERNET.id, { status: 'media-disconnected', name: 'LAN' });
      machine.removeConnection(ETHERNET_2.id);
      machine.addConnection({ id: '{0F1E2D3C-4B5A-4697-8877-665544332211}', name: 'Wi-Fi', mediaType: 'lan' });
    }, 3);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.slice(0, 24)).toMatch(TIME);
    expect(lines.map((line) => line.slice(24))).toEqual([
      '  changed  "LAN"  name "Ethernet" -> "LAN", status connected -> media-disconnected  {6A1F2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B}',
      '  added    "Wi-Fi"  connected lan  {0F1E2D3C-4B5A-4697-8877-665544332211}',
      '  removed  "Ethernet 2"  media-disconnected lan  {11111111-2222-3333-4444-555555555555}',
    ]);
  });

  it('prints JSON lines with --json, error events included, and goes on after a failed list', async () => {
    const { exitCode, stdout, stderr } = await watchWhile(['watch', '--json', '--interval', '5'], (machine) => {
      machine.setFailures([failure('list', 0x80070005)]);
      setTimeout(() => {
        machine.setFailures([]);
        machine.updateConnection(ETHERNET_2.id, { status: 'connected' });
      }, 30);
    }, (output) => output.includes('"type":"changed"'));
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    const events = stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    for (const event of events) expect(event.time).toMatch(TIME);
    expect(events[0]).toMatchObject({ type: 'error', error: { code: 'E_ACCESSDENIED', hresult: 0x80070005 } });
    expect(events[0].error.message).toMatch(/^Watch connections failed: E_ACCESSDENIED \(0x80070005\)/);
    const changed = events.find((event) => event.type === 'changed');
    expect(changed).toMatchObject({ connection: { name: 'Ethernet 2', status: 'connected' }, previous: { status: 'media-disconnected' } });
  });

  it('prints a failed list on stderr in text mode', async () => {
    const { exitCode, stdout, stderr } = await watchWhile(['watch', '--interval', '5'], (machine) => machine.setFailures([failure('list', 0x80070005)]), 1);
    expect({ exitCode, stdout }).toEqual({ exitCode: 0, stdout: '' });
    expect(stderr.split('\n')[0]).toMatch(/^\S+Z  error    E_ACCESSDENIED: Watch connections failed: E_ACCESSDENIED \(0x80070005\) at EnumEveryConnection — General access denied\. /);
  });

  it('refuses operands, options of other commands and a bad --interval before watching', async () => {
    for (const argv of [['watch', 'Ethernet'], ['watch', '--wait'], ['watch', '--interval', '0'], ['watch', '--interval', 'soon'], ['list', '--interval', '5']]) {
      const { exitCode, stderr, calls } = await runFake(argv);
      expect({ argv, exitCode, calls }).toEqual({ argv, exitCode: 2, calls: [] });
      expect(stderr).toMatch(ERROR_LINE);
    }
  });

  it('exits 6 off Windows, as every command does', async () => {
    const { exitCode, stderr } = await run(['watch'], () => createClientWith(() => {
      throw new UnsupportedPlatformError('linux');
    }));
    expect(exitCode).toBe(6);
    expect(stderr).toMatch(/^netcon: ERR_UNSUPPORTED_PLATFORM: /);
  });
});
