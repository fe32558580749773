// Generated hostile arguments (fast-check): every public function must reject them with a
// Node-style code before asking for the native binding at all, and never throw anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseClientOptions } from '../../src/validate';
import { NetConError } from '../../src/index';
import { ALL, fakeMachine } from './fixtures';

const ARG_CODES = ['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE'];

const thrown = fc.oneof(fc.anything(), fc.string().map((m) => new Error(m)), fc.constant(undefined));

/**
 * Objects whose reading throws: getters, Proxy traps, revoked Proxies. Generated as makers,
 * because fast-check itself looks into the values it generates, and these would throw at it.
 */
const treacherousOn = (key: string) => fc.oneof(
  thrown.map((t) => ({ make: () => Object.defineProperty({}, key, { get: () => { throw t; } }) })),
  thrown.map((t) => ({ make: () => new Proxy({}, { get: () => { throw t; } }) })),
  thrown.map((t) => ({
    make: () => new Proxy({}, { get: () => { throw t; }, getPrototypeOf: () => { throw t; }, ownKeys: () => { throw t; }, has: () => { throw t; } }),
  })),
  fc.constant({
    make: () => {
      const { proxy, revoke } = Proxy.revocable({ id: '{6A1F2B3C-4D5E-4F60-8A9B-0C1D2E3F4A5B}' }, {});
      revoke();
      return proxy;
    },
  }),
  thrown.map((t) => ({ make: () => new Proxy(() => {}, { get: () => { throw t; } }) })),
);
const treacherous = treacherousOn('id');
const plain = (value: unknown) => ({ make: () => value, [fc.toStringMethod]: () => fc.stringify(value) });

/** Neither a string nor an object with a string id. */
const wrongType = fc.oneof(
  fc.integer(), fc.double(), fc.bigInt(), fc.boolean(), fc.constant(null), fc.constant(undefined),
  fc.constant(Symbol('target')), fc.func(fc.anything()), fc.date(), fc.uint8Array(),
  fc.array(fc.anything(), { maxLength: 5 }),
  fc.object().filter((o) => typeof (o as { id?: unknown }).id !== 'string'),
  fc.anything().map((id) => ({ id: typeof id === 'string' ? 42 : id })),
  fc.string().map((s) => new String(s)),
);

const hex = (length: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${length}}$`));
/** Strings netcon must refuse: empty, NULs, over 4 KiB, GUID-shaped but malformed. */
const badString = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.string(), fc.string()).map(([a, b]) => `${a}\0${b}`),
  fc.tuple(fc.integer({ min: 4097, max: 200_000 }), fc.string()).map(([n, s]) => 'x'.repeat(n) + s),
  fc.integer({ min: 1, max: 40 }).filter((n) => n !== 32).chain((n) => hex(n)).map((h) => `{${h}}`),
  fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(11)).map((parts) => parts.join('-')),
  fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(13)).map((parts) => `{${parts.join('-')}}`),
  fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => `{${parts.join('-')}`),
);
const badId = badString.map((id) => ({ id }));
const hostileTarget = fc.oneof(treacherous, wrongType.map(plain), badString.map(plain), badId.map(plain));

async function rejection(call: () => Promise<unknown>) {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    return error;
  }
  throw new Error(`resolved with ${String(result)}`);
}

function expectArgumentError(error: unknown) {
  expect(ARG_CODES).toContain((error as { code?: unknown }).code);
  expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
  expect(error).toBeInstanceOf(NetConError);
  expect(typeof (error as Error).message).toBe('string');
}

describe('generated hostile arguments', () => {
  const actions = ['disconnect', 'connect'] as const;

  it.each(actions)('%s rejects them all before any COM call', async (action) => {
    await fc.assert(
      fc.asyncProperty(hostileTarget, async (target) => {
        const fake = fakeMachine({ connections: ALL });
        expectArgumentError(await rejection(() => fake.client[action](target.make() as never)));
        expect(fake.calls).toEqual([]);
        expect(fake.backendRequests()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('deleteConnection and duplicateConnection reject hostile targets, new names and options before any COM call', async () => {
    // A name rename() would refuse: wrong type, empty or blank, too long, or with a character Windows refuses.
    const badName = fc.oneof(
      wrongType.filter((v) => typeof v !== 'string'),
      fc.constant(''),
      fc.stringMatching(/^ +$/),
      fc.integer({ min: 256, max: 5000 }).map((n) => 'x'.repeat(n)),
      fc.tuple(fc.string(), fc.constantFrom('\\', '/', ':', '*', '?', '"', '<', '>', '|', '\0', '\n'), fc.string()).map(([a, c, z]) => a + c + z),
    );
    const badOptions = fc.oneof(
      treacherousOn('timeoutMs'),
      treacherousOn('signal'),
      fc.oneof(fc.constant(0), fc.constant(-1), fc.double({ min: 0.1, max: 0.9 }), fc.constant('100')).map((timeoutMs) => plain({ timeoutMs })),
      fc.constant(plain({ signal: 'aborted' })),
      fc.oneof(fc.integer(), fc.string(), fc.constant(null)).map(plain),
    );
    const GOOD_TARGET = plain(ALL[0].id);
    const call = fc.oneof(
      hostileTarget.map((target) => ({ method: 'deleteConnection' as const, target, name: plain('x'), options: plain(undefined) })),
      badOptions.map((options) => ({ method: 'deleteConnection' as const, target: GOOD_TARGET, name: plain('x'), options })),
      hostileTarget.map((target) => ({ method: 'duplicateConnection' as const, target, name: plain('Copy'), options: plain(undefined) })),
      badName.map((name) => ({ method: 'duplicateConnection' as const, target: GOOD_TARGET, name: plain(name), options: plain(undefined) })),
      badOptions.map((options) => ({ method: 'duplicateConnection' as const, target: GOOD_TARGET, name: plain('Copy'), options })),
    );
    await fc.assert(
      fc.asyncProperty(call, async ({ method, target, name, options }) => {
        const fake = fakeMachine({ connections: ALL });
        const error = await rejection(() =>
          method === 'deleteConnection'
            ? fake.client.deleteConnection(target.make() as never, options.make() as never)
            : fake.client.duplicateConnection(target.make() as never, name.make() as never, options.make() as never),
        );
        expectArgumentError(error);
        expect(fake.calls).toEqual([]);
        expect(fake.backendRequests()).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('findConnection rejects them all, objects included, before any COM call', async () => {
    await fc.assert(
      fc.asyncProperty(hostileTarget, async (target) => {
        const fake = fakeMachine({ connections: ALL });
        expectArgumentError(await rejection(() => fake.client.findConnection(target.make() as never)));
        expect(fake.backendRequests()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  // Port mappings: a hostile connection with a good mapping, and a good connection with a
  // hostile mapping (treacherous objects, wrong types, wrong values, unknown keys).
  // A mapping's name may be any text but blank, over 255 characters or with control characters.
  const badName = fc.oneof(
    fc.constant(''),
    fc.constant('   '),
    fc.string({ minLength: 256, maxLength: 300 }),
    fc.tuple(fc.string(), fc.integer({ min: 0, max: 31 }), fc.string()).map(([a, c, b]) => `${a}${String.fromCharCode(c)}${b}`),
  );
  const GOOD_MAPPING = { name: 'Game', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' };
  const badPort = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double().filter((d) => !Number.isInteger(d)), fc.constant(NaN), fc.constant(Infinity));
  const hostileMapping = fc.oneof(
    treacherousOn('name'),
    wrongType.filter((v) => typeof v !== 'string').map(plain),
    badPort.map((externalPort) => plain({ ...GOOD_MAPPING, externalPort })),
    badPort.map((internalPort) => plain({ ...GOOD_MAPPING, internalPort })),
    fc.anything().filter((p) => !(typeof p === 'string' && /^(tcp|udp)$/i.test(p)) && p !== 6 && p !== 17).map((protocol) => plain({ ...GOOD_MAPPING, protocol })),
    badName.map((name) => plain({ ...GOOD_MAPPING, name })),
    fc.string().filter((ip) => !/^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(ip)).map((targetIPAddress) => plain({ ...GOOD_MAPPING, targetIPAddress })),
    fc.string().map((targetName) => plain({ ...GOOD_MAPPING, targetName })),
    fc.string({ minLength: 1 }).filter((k) => !['name', 'protocol', 'externalPort', 'internalPort', 'targetName', 'targetIPAddress', 'enabled'].includes(k)).map((k) => plain({ ...GOOD_MAPPING, [k]: 1 })),
  );

  it('addPortMapping rejects a hostile connection or mapping before any COM call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileTarget.map((t) => ({ target: t, mapping: plain(GOOD_MAPPING) })), hostileMapping.map((m) => ({ target: plain('Ethernet'), mapping: m }))), async ({ target, mapping }) => {
        const fake = fakeMachine({ connections: ALL });
        expectArgumentError(await rejection(() => fake.client.addPortMapping(target.make() as never, mapping.make() as never)));
        expect(fake.calls).toEqual([]);
        expect(fake.backendRequests()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['listPortMappings', 'removePortMapping', 'enablePortMapping', 'disablePortMapping'] as const)('%s rejects hostile connections and mapping names before any COM call', async (method) => {
    const hostileRef = fc.oneof(treacherousOn('protocol'), badName.map(plain), badPort.map((externalPort) => plain({ protocol: 'tcp', externalPort })), wrongType.filter((v) => typeof v !== 'string' && (typeof v !== 'object' || v === null || Array.isArray(v))).map(plain));
    await fc.assert(
      fc.asyncProperty(method === 'listPortMappings' ? hostileTarget.map((t) => ({ target: t, ref: plain('Game') })) : fc.oneof(hostileTarget.map((t) => ({ target: t, ref: plain('Game') })), hostileRef.map((r) => ({ target: plain('Ethernet'), ref: r }))), async ({ target, ref }) => {
        const fake = fakeMachine({ connections: ALL });
        const call = method === 'listPortMappings' ? () => fake.client.listPortMappings(target.make() as never, {}) : () => fake.client[method](target.make() as never, ref.make() as never);
        expectArgumentError(await rejection(call));
        expect(fake.calls).toEqual([]);
        expect(fake.backendRequests()).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('createClient rejects hostile options and ProgIDs synchronously', () => {
    const PROG_ID = /^[A-Za-z][A-Za-z0-9._-]{0,38}$/;
    const badProgId = fc.oneof(
      // A GUID-shaped string can be a well-formed ProgID ("abcdef01-2345-…" is one).
      badString.filter((s) => !PROG_ID.test(s)),
      fc.string().filter((s) => !PROG_ID.test(s)),
      wrongType.filter((v) => v !== undefined && typeof v !== 'string'),
    );
    fc.assert(
      fc.property(
        fc.oneof(treacherousOn('progId'), badProgId.map((progId) => plain({ progId })), wrongType.filter((v) => v !== undefined && typeof v !== 'object').map(plain)),
        (options) => {
        let error: unknown;
        try {
          parseClientOptions(options.make());
        } catch (e) {
          error = e;
        }
        expectArgumentError(error);
      }),
      { numRuns: 500 },
    );
  });

  it('names the property whose getter threw, and keeps what it threw as the cause', async () => {
    const boom = new Error('getter says no');
    const fake = fakeMachine({ connections: ALL });
    const error = await rejection(() => fake.client.disconnect(Object.defineProperty({}, 'id', { get: () => { throw boom; } }) as never));
    expect(error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringMatching(/^The "target\.id" property must be readable/), cause: boom });
  });
});
