import { describe, expect, it } from 'vitest';

import {
  AccessDeniedError,
  CallCanceledError,
  ComError,
  HRESULTS,
  NetConError,
  errorFromHResult,
  hresultToHex,
  type HResultCode,
} from '../../src/index';
import type { FakeFailure } from '../../src/fake-machine';
import { ALL, ETHERNET_2, WIFI, fakeMachine, rejectionOf, thrownBy } from './fixtures';

const codes = Object.keys(HRESULTS) as HResultCode[];

function disconnectFailure(hresult: number, message = 'Text from FormatMessage.'): { connections: typeof ALL; failures: FakeFailure[] } {
  return { connections: ALL, failures: [{ on: 'disconnect', id: ETHERNET_2.id, hresult, message }] };
}

// ERROR_NOT_FOUND from an action's own call says its connection went before the call:
// ConnectionNotFoundError, as the-testing-fake-answers-com-failures-as-the-addon-does pins.
const errorsOfDisconnect = codes.filter((code) => code !== 'ERROR_NOT_FOUND');
// The service went away mid-call, or the call was cancelled: the disconnect may have happened.
const LEFT_OPEN: readonly string[] = ['RPC_E_DISCONNECTED', 'RPC_S_SERVER_UNAVAILABLE', 'RPC_E_CALL_CANCELED', 'RPC_S_CALL_CANCELLED'];

describe('every HRESULT in the table becomes its own error class', () => {
  it.each(errorsOfDisconnect)('%s', async (code) => {
    const entry = HRESULTS[code];
    const fake = fakeMachine(disconnectFailure(entry.hresult));

    const error = await rejectionOf(fake.client.disconnect('Ethernet 2'), ComError);

    expect(error).toBeInstanceOf(entry.ErrorClass);
    expect(error).toBeInstanceOf(NetConError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(entry.ErrorClass.name);
    expect(error.code).toBe(code);
    expect(error.hresult).toBe(entry.hresult);
    expect(error.operation).toBe('disconnect');
    expect(error.step).toBe('INetConnection::Disconnect');
    expect(error.connection).toEqual({ id: ETHERNET_2.id, name: 'Ethernet 2' });
    expect(error.systemMessage).toBe('Text from FormatMessage.');
    // The answers that leave open whether Windows acted say so.
    const unknown = LEFT_OPEN.includes(code);
    expect(error.outcome).toBe(unknown ? 'unknown' : undefined);
    expect(error.message).toBe(
      `Disconnect "Ethernet 2" failed: ${code} (${hresultToHex(entry.hresult)}) at INetConnection::Disconnect — ` +
        `${entry.meaning}.${entry.hint ? ` ${entry.hint}` : ''}` +
        (unknown ? ' Windows may have acted before it stopped answering: check the connection before retrying.' : ''),
    );
  });

  it('gives each code a distinct class (the two cancellation codes share one), a distinct failing value and a meaning', () => {
    const classes = new Set(codes.map((code) => HRESULTS[code].ErrorClass));
    const values = new Set(codes.map((code) => HRESULTS[code].hresult));
    // COM reports a cancelled call as either; a caller handles both alike.
    expect(HRESULTS.RPC_E_CALL_CANCELED.ErrorClass).toBe(CallCanceledError);
    expect(HRESULTS.RPC_S_CALL_CANCELLED.ErrorClass).toBe(CallCanceledError);
    expect(classes.size).toBe(codes.length - 1);
    expect(values.size).toBe(codes.length);
    for (const code of codes) {
      expect(HRESULTS[code].hresult).toBeGreaterThanOrEqual(0x80000000);
      expect(HRESULTS[code].hresult).toBeLessThanOrEqual(0xffffffff);
      expect(HRESULTS[code].meaning).not.toBe('');
    }
  });

  it('pins the values the SDK defines', () => {
    expect(Object.fromEntries(codes.map((code) => [code, hresultToHex(HRESULTS[code].hresult)]))).toEqual({
      E_ABORT: '0x80004004',
      E_FAIL: '0x80004005',
      E_INVALIDARG: '0x80070057',
      E_NOINTERFACE: '0x80004002',
      E_NOTIMPL: '0x80004001',
      E_OUTOFMEMORY: '0x8007000E',
      E_POINTER: '0x80004003',
      E_UNEXPECTED: '0x8000FFFF',
      E_ACCESSDENIED: '0x80070005',
      REGDB_E_CLASSNOTREG: '0x80040154',
      CO_E_CLASSSTRING: '0x800401F3',
      CO_E_NOTINITIALIZED: '0x800401F0',
      RPC_E_CHANGED_MODE: '0x80010106',
      RPC_E_CALL_CANCELED: '0x80010002',
      RPC_S_CALL_CANCELLED: '0x8007071A',
      ERROR_ELEVATION_REQUIRED: '0x800702E4',
      ERROR_SERVICE_DISABLED: '0x80070422',
      CO_E_SERVER_EXEC_FAILURE: '0x80080005',
      RPC_S_SERVER_UNAVAILABLE: '0x800706BA',
      RPC_E_DISCONNECTED: '0x80010108',
      ERROR_BAD_IMPERSONATION_LEVEL: '0x80070542',
      ERROR_NOT_FOUND: '0x80070490',
      RPC_E_TOO_LATE: '0x80010119',
      EVENT_E_ALL_SUBSCRIBERS_FAILED: '0x80040201',
      ERROR_DUP_NAME: '0x80070034',
    });
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(HRESULTS)).toBe(true);
    expect(Object.isFrozen(HRESULTS.E_ACCESSDENIED)).toBe(true);
  });
});

describe('the message says what failed, where, and what to do', () => {
  it('reads as documented for access denied', async () => {
    const fake = fakeMachine(disconnectFailure(0x80070005, 'Access is denied.'));
    const error = await rejectionOf(fake.client.disconnect('Ethernet 2'), ComError);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toBe(
      'Disconnect "Ethernet 2" failed: E_ACCESSDENIED (0x80070005) at INetConnection::Disconnect — General access denied. ' +
        'Disconnecting or connecting usually needs an elevated process: Run as administrator.',
    );
  });

  it('says what access denied means for a list, which is not about disconnecting', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'list', hresult: 0x80070005 }] });
    const error = await rejectionOf(fake.client.listConnections(), ComError);
    expect(error.message).toBe(
      'List connections failed: E_ACCESSDENIED (0x80070005) at EnumEveryConnection — General access denied. ' +
        'Windows refused this process the connections: run it elevated (Run as administrator), or check who may use the Network Connections service.',
    );
    // A name target's lookup is part of the action: the action's hint.
    const byName = await rejectionOf(fake.client.disconnect('Ethernet 2'), ComError);
    expect(byName.message).toMatch(/Disconnecting or connecting usually needs an elevated process/);
  });

  it('names the connection from the failure when the caller gave a GUID', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'connect', hresult: 0x80004005 }] });
    const error = await rejectionOf(fake.client.connect(ETHERNET_2.id.toLowerCase()), ComError);
    expect(error.message).toMatch(/^Connect "Ethernet 2" failed: E_FAIL \(0x80004005\) at INetConnection::Connect — /);
  });

  it('falls back to the selected connection when the failure carries none', async () => {
    // A step before the connection: the failure names none.
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'disconnect', hresult: 0x80004004, step: 'EnumEveryConnection' }] });
    const error = await rejectionOf(fake.client.disconnect('ethernet 2'), ComError);
    expect(error.connection).toEqual({ id: '{11111111-2222-3333-4444-555555555555}', name: 'Ethernet 2' });
    expect(error.message).toMatch(/^Disconnect "ethernet 2" failed: E_ABORT/);
  });

  it('falls back to the GUID when nothing else is known', async () => {
    const fake = fakeMachine({ failures: [{ on: 'disconnect', hresult: 0x80004005, step: 'CoCreateInstance' }] });
    const error = await rejectionOf(fake.client.disconnect('11111111-2222-3333-4444-555555555555'), ComError);
    expect(error.connection).toBeUndefined();
    expect(error.message).toMatch(/^Disconnect "\{11111111-2222-3333-4444-555555555555\}" failed: E_FAIL/);
  });

  it('gives err.connection.id in the listed form whether the call named a GUID or a name', async () => {
    // The machine answers Wi-Fi's GUID as its server gives it: lower case, without braces.
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'disconnect', hresult: 0x80070005 }] });
    const [listed] = (await fake.client.listConnections()).filter((c) => c.name === 'Wi-Fi');
    for (const target of [listed.id.toLowerCase(), 'Wi-Fi']) {
      const error = await rejectionOf(fake.client.disconnect(target), ComError);
      expect(error.connection).toEqual({ id: listed.id, name: 'Wi-Fi' });
    }
  });

  it('reports a list failure with the connection being read', async () => {
    const list: FakeFailure = { on: 'list', id: WIFI.id, hresult: 0x80004005, step: 'INetConnectionProps::get_Status', message: 'Unspecified error' };
    const fake = fakeMachine({ connections: ALL, failures: [list] });
    const error = await rejectionOf(fake.client.listConnections(), ComError);
    expect(error.operation).toBe('list');
    expect(error.message).toBe(
      'List connections failed: E_FAIL (0x80004005) at INetConnectionProps::get_Status for "Wi-Fi" — Unspecified failure.',
    );
  });

  it('keeps the target in front when the list fails on another connection during a disconnect by name', async () => {
    const fake = fakeMachine({ connections: ALL, failures: [{ on: 'list', id: WIFI.id, hresult: 0x8007000e, step: 'INetConnection::GetProperties' }] });
    const error = await rejectionOf(fake.client.disconnect('Ethernet 2'), ComError);
    expect(error.operation).toBe('disconnect');
    // The server's lower-case, braceless GUID comes back as listConnections() shows ids.
    const id = '{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}';
    expect(error.connection).toEqual({ id, name: 'Wi-Fi' });
    expect(error.message).toBe(
      'Disconnect "Ethernet 2" failed: E_OUTOFMEMORY (0x8007000E) at INetConnection::GetProperties for "Wi-Fi" — ' +
        'Failed to allocate necessary memory.',
    );
    expect(fake.calls.map((c) => c.method)).toEqual(['list']);
  });

  it('labels a find failure with what was searched for', async () => {
    const list: FakeFailure = { on: 'list', hresult: 0x80040154, step: 'CoCreateInstance', message: 'Class not registered' };
    const error = await rejectionOf(fakeMachine({ failures: [list] }).client.findConnection('Wi-Fi'), ComError);
    expect(error.operation).toBe('find');
    expect(error.message).toMatch(/^Find "Wi-Fi" failed: REGDB_E_CLASSNOTREG \(0x80040154\) at CoCreateInstance — Class not registered\. HNetCfg\.HNetShare is not available/);
  });
});

describe('an HRESULT outside the table', () => {
  it('is a plain ComError that quotes the system message', async () => {
    const fake = fakeMachine(disconnectFailure(0x80070015, 'The device is not ready.'));
    const error = await rejectionOf(fake.client.disconnect('Ethernet 2'), ComError);
    expect(Object.getPrototypeOf(error)).toBe(ComError.prototype);
    expect(error.name).toBe('ComError');
    expect(error.code).toBe('E_UNKNOWN_HRESULT');
    expect(error.hresult).toBe(0x80070015);
    expect(error.systemMessage).toBe('The device is not ready.');
    expect(error.message).toBe('Disconnect "Ethernet 2" failed: 0x80070015 at INetConnection::Disconnect — The device is not ready.');
  });

  it('names a connection by its GUID when its name was not read', () => {
    const connection = { id: '{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}' };
    const error = errorFromHResult(0x8007000e, { operation: 'disconnect', target: 'Ethernet 2', step: 'INetConnectionProps::get_Name', connection });
    expect(error.connection).toEqual(connection);
    expect(error.message).toBe(
      'Disconnect "Ethernet 2" failed: E_OUTOFMEMORY (0x8007000E) at INetConnectionProps::get_Name for "{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}" — ' +
        'Failed to allocate necessary memory.',
    );
  });

  it('ends the message after the step when Windows has no text', () => {
    const error = errorFromHResult(0x80071234, { operation: 'list', step: 'EnumEveryConnection', systemMessage: '' });
    expect(error.message).toBe('List connections failed: 0x80071234 at EnumEveryConnection.');
  });

  it('keeps a multi-line system message on one line and ends it with a full stop', () => {
    const error = errorFromHResult(0x80071234, { operation: 'list', step: 'EnumEveryConnection', systemMessage: 'First part\r\nsecond part' });
    expect(error.message).toBe('List connections failed: 0x80071234 at EnumEveryConnection — First part second part.');
    expect(error.systemMessage).toBe('First part\r\nsecond part');
  });
});

describe('errorFromHResult and hresultToHex', () => {
  it('accepts the signed form of an HRESULT', () => {
    const error = errorFromHResult(0x80070005 | 0);
    expect(0x80070005 | 0).toBeLessThan(0);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.hresult).toBe(0x80070005);
  });

  it('works without context', () => {
    const error = errorFromHResult(0x80004005);
    expect(error.operation).toBeUndefined();
    expect(error.step).toBeUndefined();
    expect(error.message).toBe('COM call failed: E_FAIL (0x80004005) — Unspecified failure.');
  });

  it.each([0, 1, 2, 0x7fffffff, 1.5, Number.NaN, Infinity, 2 ** 32, -(2 ** 31) - 1])('refuses %s as not a failing HRESULT', (value) => {
    const error = thrownBy(() => errorFromHResult(value));
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toBeInstanceOf(NetConError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/^The "hresult" argument must be /) });
  });

  it('refuses a non-number as the wrong type', () => {
    const error = thrownBy(() => errorFromHResult('0x80004005' as unknown as number));
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it.each([
    [0, '0x00000000'],
    [5, '0x00000005'],
    [0x8007000e, '0x8007000E'],
    [-2147024891, '0x80070005'],
    [0xffffffff, '0xFFFFFFFF'],
  ])('formats %s as %s', (value, hex) => {
    expect(hresultToHex(value)).toBe(hex);
  });
});
