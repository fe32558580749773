// netcon delay-loads rasapi32.dll and iphlpapi.dll (CMakeLists.txt): an app that only lists
// must not get the RAS client in its process, and the first watch() must load it and work. Read
// from the DLLs the process has loaded (process.report), in a new node.exe.
import { expect, it } from 'vitest';
import { ethernet, vpn } from '../../wine/connections';
import { inWine } from '../../wine/run';

it('a list loads the addon but not rasapi32.dll; the first watch() loads it and subscribes', async () => {
  const { value } = await inWine({ fake: { connections: [ethernet, vpn] } }, async (_netcon, t) => {
    const child = await t.runChild(async (netcon, c) => {
      const loaded = () => (process.report.getReport() as { sharedObjects: string[] }).sharedObjects.map((file: string) => file.split(/[\\/]/).pop()!.toLowerCase()).sort();
      c.mark('start', loaded());
      const listed = await netcon.listConnections();
      c.mark('listed', { names: listed.map((x) => x.name), loaded: loaded() });
      const controller = new AbortController();
      const watching = (async () => {
        for await (const _ of netcon.watch({ intervalMs: 60_000, signal: controller.signal })) void _;
      })();
      await c.waitFor(() => c.addon().notifications().subscribers === 1);
      c.mark('watching', { stats: c.addon().notifications(), loaded: loaded() });
      controller.abort();
      await watching;
    }, {});
    return child;
  });
  const marks = value.marks as Record<string, { value: { loaded: string[]; names?: string[]; stats?: Record<string, unknown> } | string[] }>;
  const start = marks.start.value as string[];
  const listed = marks.listed.value as { loaded: string[]; names: string[] };
  const watching = marks.watching.value as { loaded: string[]; stats: Record<string, unknown> };
  expect(value.exitCode).toBe(0);
  expect(start).not.toContain('netcon.napi.node');
  expect(start).not.toContain('rasapi32.dll');
  expect(listed.names).toEqual([ethernet.name, vpn.name]);
  expect(listed.loaded).toContain('netcon.napi.node');
  expect(listed.loaded).not.toContain('rasapi32.dll');
  // The delay-load helper found both DLLs' functions: a failure there raises an exception that
  // ends the process. Wine's RasConnectionNotificationW refuses (rasRegistered false), Windows' does not.
  expect(watching.stats).toMatchObject({ subscribers: 1, ipInterfaceRegistered: true });
  expect(watching.loaded).toContain('rasapi32.dll');
}, 120_000);
