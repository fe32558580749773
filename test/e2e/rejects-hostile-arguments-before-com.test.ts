import { describe, expect, it } from 'vitest';
import { ethernet } from '../../wine/connections';
import { inWine } from '../../wine/run';

// The unit suite fuzzes the argument checks with generated values; this runs a fixed set
// of the worst of them through the real package in Windows node.exe, where a slip would
// reach COM: the fake must see no call and no object at all, and the process must live on.
describe('hostile arguments in Windows node.exe', () => {
  it('are all rejected with a Node-style code, and COM is never touched', async () => {
    const { value, calls, live, exitCode } = await inWine({ fake: { connections: [ethernet] } }, async (netcon, t) => {
      const boom = () => {
        throw new Error('boom');
      };
      const revoked = Proxy.revocable({}, {});
      revoked.revoke();
      const targets: unknown[] = [
        undefined, null, 0, -1, NaN, Infinity, 10n, true, Symbol('x'), () => 'Ethernet', [], ['Ethernet'], {}, new Date(),
        new String('Ethernet'), { id: 42 }, { id: null }, { id: '' }, { id: 'Ethernet' }, { id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6}' },
        Object.defineProperty({}, 'id', { get: boom }), new Proxy({}, { get: boom }), new Proxy({}, { get: boom, getPrototypeOf: boom, has: boom }),
        revoked.proxy, new Proxy(() => {}, { get: boom }),
        '', 'Ether\0net', 'x'.repeat(4097), '\u{1F680}'.repeat(1025), 'N'.repeat(10_000_000),
        '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A', '6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6AA', '{6B0C3F2A91D44E8BA7C52F1E3D4C5B6A}', '{}', '{zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz}',
      ];
      const results: string[] = [];
      for (const target of targets) {
        for (const call of [
          () => netcon.disconnect(target as never),
          () => netcon.connect(target as never),
          () => netcon.findConnection(target as never),
        ]) {
          const settled = await t.capture(call() as Promise<unknown>);
          results.push(settled.ok ? "resolved" : `${settled.error.code}${settled.error.code ? "" : " " + settled.error.name + ": " + settled.error.message}`);
        }
      }
      // deleteConnection and duplicateConnection: hostile targets, new names and options.
      const entryCalls: (() => Promise<unknown>)[] = [
        ...targets.map((target) => () => netcon.deleteConnection(target as never, { timeoutMs: 1000 })),
        ...targets.map((target) => () => netcon.duplicateConnection(target as never, 'Copy')),
        ...[undefined, null, 7, {}, '', '   ', 'a/b', 'a\\b', 'a:b', 'a*b', 'a?b', 'a"b', 'a<b', 'a>b', 'a|b', 'a\0b', 'a\nb', 'x'.repeat(256), Object.defineProperty({}, 'length', { get: boom })].map(
          (name) => () => netcon.duplicateConnection('Ethernet', name as never),
        ),
        ...[null, 1, 'x', [], { timeoutMs: 0 }, { timeoutMs: -1 }, { timeoutMs: 1.5 }, { timeoutMs: '5' }, { signal: 'x' }, Object.defineProperty({}, 'timeoutMs', { get: boom }), revoked.proxy].flatMap(
          (options) => [() => netcon.deleteConnection('Ethernet', options as never), () => netcon.duplicateConnection('Ethernet', 'Copy', options as never)],
        ),
      ];
      for (const call of entryCalls) {
        const settled = await t.capture(call());
        results.push(settled.ok ? 'resolved' : `${settled.error.code}${settled.error.code ? '' : ' ' + settled.error.name + ': ' + settled.error.message}`);
      }
      // Port mappings: each hostile target with a good mapping, and hostile mappings on a good target.
      const mapping = { name: 'Game', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' };
      for (const target of targets) {
        for (const call of [
          () => netcon.listPortMappings(target as never),
          () => netcon.addPortMapping(target as never, mapping),
          () => netcon.removePortMapping(target as never, 'Game'),
        ]) {
          const settled = await t.capture(call() as Promise<unknown>);
          results.push(settled.ok ? 'resolved' : `${settled.error.code}`);
        }
      }
      const mappings: unknown[] = [
        undefined, null, 'Game', [], revoked.proxy, new Proxy({}, { get: boom }), Object.defineProperty({ ...mapping }, 'name', { get: boom }),
        { ...mapping, externalPort: 0 }, { ...mapping, externalPort: 65536 }, { ...mapping, internalPort: 1.5 }, { ...mapping, internalPort: '80' },
        { ...mapping, protocol: 'icmp' }, { ...mapping, protocol: 1 }, { ...mapping, protocol: null }, { ...mapping, name: '' }, { ...mapping, name: 'a\nb' },
        { ...mapping, name: 'N'.repeat(256) }, { ...mapping, targetIPAddress: '999.1.1.1' }, { ...mapping, targetIPAddress: '192.168.137.020' },
        { ...mapping, targetName: 'pc' }, { ...mapping, targetIPAddress: undefined }, { ...mapping, targetIPAddress: undefined, targetName: 'bad name' },
        { ...mapping, enabled: 1 }, { ...mapping, extra: true },
      ];
      for (const m of mappings) {
        const settled = await t.capture(netcon.addPortMapping('Ethernet', m as never));
        results.push(settled.ok ? 'resolved' : `${settled.error.code}`);
      }
      for (const ref of [undefined, null, '', ' ', 'a\u0000b', 42, {}, { protocol: 'tcp' }, { protocol: 'gre', externalPort: 1 }, { protocol: 'tcp', externalPort: 0 }, revoked.proxy]) {
        const settled = await t.capture(netcon.enablePortMapping('Ethernet', ref as never));
        results.push(settled.ok ? 'resolved' : `${settled.error.code}`);
      }
      const portCalls = targets.length * 3 + mappings.length + 11;
      for (const options of [null, 1, 'HNetCfg.HNetShare', [], { progId: 1 }, { progId: '' }, { progId: 'a\\b' }, { progId: 'x'.repeat(40) }, Object.defineProperty({}, 'progId', { get: boom }), revoked.proxy]) {
        try {
          netcon.createClient(options as never);
          results.push('created');
        } catch (error) {
          results.push(`${(error as { code?: string }).code}`);
        }
      }
      // listConnections' and findConnection's details option, and watch()'s.
      const detailsValues: unknown[] = [null, 0, 1, 'true', {}, [], () => true, Symbol('x'), 10n, new Boolean(true)];
      const badDetails = [
        ...detailsValues.map((details) => ({ details })),
        Object.defineProperty({}, 'details', { get: boom }),
        new Proxy({}, { get: boom }),
      ];
      for (const options of badDetails) {
        for (const call of [() => netcon.listConnections(options as never), () => netcon.findConnection('Ethernet', options as never)]) {
          const settled = await t.capture(call() as Promise<unknown>);
          results.push(settled.ok ? 'resolved' : `${settled.error.code}`);
        }
        try {
          netcon.watch(options as never);
          results.push('watching');
        } catch (error) {
          results.push(`${(error as { code?: string }).code}`);
        }
      }
      return { results, count: targets.length * 3 + entryCalls.length + 10 + portCalls + badDetails.length * 3 };
    });
    expect(exitCode).toBe(0);
    expect(value.results).toHaveLength(value.count);
    expect(value.results.filter((r) => r !== 'ERR_INVALID_ARG_TYPE' && r !== 'ERR_INVALID_ARG_VALUE')).toEqual([]);
    expect(calls).toEqual([]);
    expect(live).toEqual({});
  });
});
