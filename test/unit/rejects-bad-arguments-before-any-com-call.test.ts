import { describe, expect, it } from 'vitest';

import {
  ComError,
  NetConError,
  NetConInvalidArgTypeError,
  NetConInvalidArgValueError,
  errorFromHResult,
} from '../../src/index';
import { ALL, fakeMachine } from './fixtures';

type Method = 'findConnection' | 'disconnect' | 'connect';
const methods: Method[] = ['findConnection', 'disconnect', 'connect'];

// Calls the method the way untyped JavaScript could, and insists it returns a promise
// instead of throwing synchronously.
function call(method: Method, target: unknown) {
  const fake = fakeMachine({ connections: ALL });
  let promise: Promise<unknown> | undefined;
  expect(() => {
    promise = (fake.client[method] as (t: unknown) => Promise<unknown>)(target);
  }).not.toThrow();
  expect(promise).toBeInstanceOf(Promise);
  return { fake, promise: promise! };
}

async function rejectsBeforeCom(method: Method, target: unknown): Promise<Error & { code: string }> {
  const { fake, promise } = call(method, target);
  const error = await promise.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e as Error & { code: string },
  );
  expect(fake.backendRequests()).toBe(0);
  expect(fake.calls).toEqual([]);
  return error;
}

const GUID_OBJECT = { id: '{11111111-2222-3333-4444-555555555555}' };

const wrongTypes: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a boolean', true],
  ['a symbol', Symbol('x')],
  ['a function', () => 'Ethernet'],
  ['an array', ['Ethernet']],
  ['an object without id', { name: 'Ethernet' }],
  ['an object with a numeric id', { id: 7 }],
  ['a String object', new String('Ethernet')],
];

const badValues: [string, string][] = [
  ['an empty string', ''],
  ['a string with NUL', 'Ether\0net'],
  ['4097 ASCII bytes', 'a'.repeat(4097)],
  ['4098 UTF-8 bytes in 2049 characters', '\u00e9'.repeat(2049)],
  ['an opening brace only', '{'],
  ['a short braced GUID', '{1234}'],
  ['an unbalanced brace', '{11111111-2222-3333-4444-555555555555'],
  ['a closing brace only at the end', '11111111-2222-3333-4444-555555555555}'],
  ['an opening brace closed by something else', '{11111111-2222-3333-4444-555555555555)'],
  ['a GUID with a wrong group length', '1111111-2222-3333-4444-555555555555'],
  ['a GUID with a non-hex digit', '{1111111G-2222-3333-4444-555555555555}'],
  ['hex and five dashes', 'abcd-ef01-2345-6789-abcd-ef01'],
  ['dashes only', '----'],
];

describe.each(methods)('%s', (method) => {
  it.each(wrongTypes)('rejects %s with ERR_INVALID_ARG_TYPE', async (_label, value) => {
    const error = await rejectsBeforeCom(method, value);
    expect(error).toBeInstanceOf(NetConInvalidArgTypeError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(NetConError);
    expect(error).not.toBeInstanceOf(ComError);
    expect(error.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(error.message).toMatch(/^The "target" argument must be of type string.*\. Received /);
  });

  it.each(badValues)('rejects %s with ERR_INVALID_ARG_VALUE', async (_label, value) => {
    const error = await rejectsBeforeCom(method, value);
    expect(error).toBeInstanceOf(NetConInvalidArgValueError);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toBeInstanceOf(NetConError);
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toMatch(/^The "target" argument must be .+\. Received /);
  });

  it.each([
    ['4096 ASCII bytes', 'a'.repeat(4096)],
    ['4096 UTF-8 bytes in 2048 characters', '\u00e9'.repeat(2048)],
    ['a name with one dash', 'dead-beef'],
    ['hex with three dashes', 'dead-beef-cafe-f00d'],
    ['letters and four dashes', 'Ethernet-1-2-3-4'],
    ['a GUID with a leading space', ' 11111111-2222-3333-4444-555555555555'],
  ])('treats %s as a name and looks it up', async (_label, value) => {
    const { fake, promise } = call(method, value);
    await expect(promise).rejects.toMatchObject({ code: 'ERR_CONNECTION_NOT_FOUND', target: value });
    expect(fake.calls.map((c) => c.method)).toEqual(['list']);
  });
});

describe.each(['disconnect', 'connect'] as const)('%s with a connection object', (method) => {
  it('rejects an id that is not a GUID with ERR_INVALID_ARG_VALUE naming the property', async () => {
    const error = await rejectsBeforeCom(method, { id: 'Ethernet' });
    expect(error).toBeInstanceOf(RangeError);
    expect(error.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error.message).toBe(`The "target.id" property must be a GUID such as {01234567-89AB-CDEF-0123-456789ABCDEF}. Received 'Ethernet'`);
  });

  it('accepts a GUID id', async () => {
    const { fake, promise } = call(method, GUID_OBJECT);
    await promise;
    expect(fake.calls).toEqual([{ method, progId: 'HNetCfg.HNetShare', guid: GUID_OBJECT.id }]);
  });
});

it('findConnection takes only a string, not a connection object', async () => {
  const error = await rejectsBeforeCom('findConnection', GUID_OBJECT);
  expect(error.code).toBe('ERR_INVALID_ARG_TYPE');
  expect(error.message).toBe('The "target" argument must be of type string. Received { id: \'{11111111-2222-3333-4444-555555555555}\' }');
});

it('describes the received value the way Node does', async () => {
  expect((await rejectsBeforeCom('disconnect', 42)).message).toMatch(/Received type number \(42\)$/);
  expect((await rejectsBeforeCom('disconnect', null)).message).toMatch(/Received null$/);
  expect((await rejectsBeforeCom('disconnect', new Map())).message).toMatch(/Received an instance of Map$/);
  const long = (await rejectsBeforeCom('disconnect', 'x'.repeat(5000))).message;
  expect(long.length).toBeLessThan(300);
});

describe('NetConError instanceof', () => {
  it('holds for argument errors and for every class netcon defines', () => {
    expect(new NetConInvalidArgTypeError('target', 'of type string', 1)).toBeInstanceOf(NetConError);
    expect(new NetConInvalidArgValueError('target', 'non-empty', '')).toBeInstanceOf(NetConError);
    expect(errorFromHResult(0x80004005)).toBeInstanceOf(NetConError);
    expect(new NetConError('X', 'y')).toBeInstanceOf(NetConError);
  });

  it('does not hold for look-alikes', () => {
    const imposter = Object.assign(new TypeError('x'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(imposter).not.toBeInstanceOf(NetConError);
    expect({ code: 'E_FAIL' }).not.toBeInstanceOf(NetConError);
    expect(null).not.toBeInstanceOf(NetConError);
    expect('NetConError').not.toBeInstanceOf(NetConError);
  });

  it('stays an ordinary prototype check for subclasses', () => {
    expect(new NetConInvalidArgTypeError('target', 'of type string', 1)).not.toBeInstanceOf(ComError);
    expect(new NetConError('X', 'y')).not.toBeInstanceOf(ComError);
  });
});
