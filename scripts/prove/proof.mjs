// The checks of `npm run prove`, in order. It acts only on what it made itself: a VPN entry
// (and a copy of it, made with duplicateConnection) and, where devcon.exe exists, a KM-TEST
// loopback adapter. A connection that was listed
// before it started is never disconnected, connected or renamed (`ours`), so the machine's
// own network, a CI runner's above all, stays up. What it made is removed however it ends.
import { createRequire } from 'node:module';

import { run } from './windows.mjs';
import { provePortMappings, undo as undoPortMappings } from './ports.mjs';

const ABSENT = '{00000000-0000-4000-8000-00000000F00D}';
// How long a watch may take to report a change: a few of the polling watch's 2 s lists.
const REPORTED_WITHIN_MS = 15_000;
const POLL_MS = 2_000;
const NEVER_MS = 2 ** 31 - 1;
const NOTIFIED_GRACE_MS = 5_000;

/** The checks as they are run, each with its outcome, what Windows answered and its time. */
class Checks {
  list = [];
  values = new Map();

  /**
   * Runs `body` unless a check it needs did not pass. `body` returns what Windows answered, or
   * { answer, value } to keep a value for later checks; a throw fails the check.
   */
  async run(name, title, body, needs = []) {
    const missing = needs.filter((need) => this.status(need) !== 'pass');
    if (missing.length) return this.add(name, title, 'skip', 0, `not run: ${missing.join(', ')} did not pass`);
    const started = Date.now();
    try {
      const out = await body();
      const { answer, value } = typeof out === 'object' && out !== null && 'answer' in out ? out : { answer: out, value: undefined };
      this.values.set(name, value);
      return this.add(name, title, 'pass', Date.now() - started, answer);
    } catch (error) {
      return this.add(name, title, 'fail', Date.now() - started, describe(error));
    }
  }

  /** What Windows answered where nothing is expected of it: recorded, neither passed nor failed. */
  note(name, title, answer) {
    return this.add(name, title, 'note', 0, answer);
  }

  skip(name, title, why) {
    return this.add(name, title, 'skip', 0, why);
  }

  add(name, title, status, ms, answer) {
    this.list.push({ name, title, status, ms, answer: String(answer ?? '') });
    return status === 'pass';
  }

  status(name) {
    return this.list.find((c) => c.name === name)?.status;
  }

  value(name) {
    return this.values.get(name);
  }
}

/** An error as the report shows it: netcon's class, code and HRESULT, and its message. */
export function describe(error) {
  if (!(error instanceof Error)) return `threw ${String(error)}`;
  const { code, hresult } = /** @type {{ code?: string, hresult?: number }} */ (error);
  const hex = typeof hresult === 'number' ? ` 0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}` : '';
  return `${error.name}${code ? ` ${code}` : ''}${hex}: ${error.message}`;
}

// The package's own binding, for the two calls netcon's API refuses to make: Delete and
// Duplicate of a LAN connection, whose answer only real Windows can give. Called with ids far
// above those the package's own calls use, so the two never share one.
function rawAddon(packageRoot) {
  return createRequire(import.meta.url)('node-gyp-build')(packageRoot);
}
let rawCallId = 4_000_000_000;

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const oneLine = (text) => String(text).replace(/\s+/g, ' ').trim();

/** Every change a watch yields, with when it came, read in the background until `signal` aborts. */
function record(watch) {
  const seen = [];
  // A watch that throws is a bug in netcon: it shows as the event the checks did not get.
  (async () => {
    for await (const change of watch) seen.push({ at: Date.now(), change });
  })().catch((error) => seen.push({ at: Date.now(), change: { type: 'threw', error: describe(error) } }));
  return {
    seen,
    /** The first change that `match` accepts, within `ms`, or undefined. */
    async find(match, ms = REPORTED_WITHIN_MS) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = seen.find((s) => match(s.change));
        if (hit || Date.now() >= deadline) return hit;
        await delay(50);
      }
    },
  };
}

/**
 * Runs every check and returns them. `netcon` is the package under test, `windows` the
 * commands (scripts/prove/windows.mjs, or a test's stand-ins), `bin` the package's CLI.
 * `stopping()` is true once the proof was asked to stop (Ctrl+C): it then only cleans up.
 */
export async function prove({ netcon, windows, bin, repoRoot, packageRoot, runId, stopping = () => false }) {
  const checks = new Checks();
  const name = `netcon-proof-${runId}`;
  const renamed = `${name}-renamed`;
  const stop = new AbortController();
  /** @type {Set<string> | undefined} unknown until the first list: nothing may be acted on before it */
  let before;
  const made = {
    vpn: /** @type {string|undefined} */ (undefined),
    loopback: /** @type {string[]} */ ([]),
    devcon: /** @type {string|undefined} */ (undefined),
    // The VPN entry's id while the proof has it shared, and the mapping it added (ports.mjs).
    sharing: /** @type {string|undefined} */ (undefined),
    mapping: /** @type {{ protocol: string, externalPort: number }|undefined} */ (undefined),
  };
  // The names of copies the proof asked for: cleanUp deletes any left, whatever happened.
  const copies = /** @type {Set<string>} */ (new Set());

  // The one rule that keeps the machine's own network up.
  const ours = (id) => {
    if (!before) throw new Error(`refusing to act on ${id}: the connections there before the proof are unknown`);
    if (before.has(id)) throw new Error(`refusing to act on ${id}: it was listed before the proof started, so it is not the proof's own`);
    return id;
  };

  try {
    // First: COM security can be set only before the process's first marshalled call, and
    // every call netcon makes to the Network Connections service is one.
    await checks.run('com-security', 'initializeComSecurity() before any other COM call', async () => {
      await netcon.initializeComSecurity({ timeoutMs: 30_000 });
      return 'resolved';
    });
    const elevated = await checks.run('elevated', 'The proof runs elevated', async () => {
      const diagnosis = await netcon.diagnose({ timeoutMs: 60_000 });
      const elevation = diagnosis.checks.find((c) => c.check === 'elevation');
      if (elevation?.status !== 'ok') throw new Error(`${elevation?.summary ?? 'no elevation check'}: run npm run prove from an elevated prompt`);
      const lines = diagnosis.checks.map((c) => `${c.check}: ${c.status} ${c.summary}`);
      return { answer: lines.join('\n'), value: diagnosis };
    });
    if (!elevated) return checks.list;

    const listed = await checks.run('listed-before', 'The connections there before the proof (never acted on)', async () => {
      const listed = await netcon.listConnections({ timeoutMs: 60_000 });
      before = new Set(listed.map((c) => c.id));
      return listed.map((c) => `${c.name} (${c.mediaType}, ${c.status})`).join('\n') || 'none';
    });
    // Without that list nothing can be told apart from the machine's own: no action at all.
    if (!listed) return checks.list;

    // Two watches: the default kind, which also lists every 2 s, and one of a client of its own
    // (its own list ticks) that lists only when Windows notifies a change.
    const polled = record(netcon.watch({ signal: stop.signal, intervalMs: POLL_MS }));
    const notified = record(netcon.createClient({ comSecurity: 'impersonate' }).watch({ signal: stop.signal, intervalMs: NEVER_MS }));
    // Each takes its first list as it starts: changes are counted from there.
    await delay(3_000);
    const reported = async (event, title, match, since) => {
      let hitAt;
      await checks.run(`watch-${event}`, `watch() reports the VPN entry ${title}`, async () => {
        const hit = await polled.find(match);
        hitAt = hit?.at;
        if (!hit) throw new Error(`no ${event} event within ${REPORTED_WITHIN_MS} ms; the watch saw: ${oneLine(JSON.stringify(polled.seen.map((s) => s.change.type)))}`);
        return `${event} after ${hit.at - since} ms`;
      });
      // A notification wakes the other watch within a list's time of the polling one's report;
      // one that came later would have been too late to matter.
      const woken = await notified.find(match, Math.max(0, Math.min(since + REPORTED_WITHIN_MS, (hitAt ?? 0) + NOTIFIED_GRACE_MS) - Date.now()));
      checks.note(`notified-${event}`, `Windows notified the VPN entry ${title}`, woken ? `a notification woke a watch that never polls, ${woken.at - since} ms after the change` : 'no notification that netcon subscribes to: only polling saw it');
    };

    if (!stopping()) {
      const started = Date.now();
      await checks.run('vpn-created', `Add-VpnConnection -Name ${name} -ServerAddress 127.0.0.1`, async () => {
        const answer = await windows.addVpn(name);
        made.vpn = name;
        if (!answer.ok) throw new Error(answer.output);
        return answer.output;
      });
      await checks.run('vpn-listed', 'listConnections() shows it, as a tunnel', async () => {
        const found = (await netcon.listConnections({ timeoutMs: 60_000 })).filter((c) => c.name === name);
        if (found.length !== 1) throw new Error(`${found.length} connections named ${name}`);
        const [vpn] = found;
        ours(vpn.id);
        if (vpn.mediaType !== 'tunnel') throw new Error(`media type ${vpn.mediaType} (${vpn.mediaTypeCode}), not tunnel`);
        return { answer: JSON.stringify(vpn), value: vpn };
      }, ['vpn-created']);
      const vpn = checks.value('vpn-listed');
      if (vpn) await reported('added', 'added', (c) => c.type === 'added' && c.connection.id === vpn.id, started);

      if (vpn && !stopping()) {
        const renamedAt = Date.now();
        await checks.run('vpn-renamed', `rename() to ${renamed}`, async () => {
          const result = await netcon.rename(ours(vpn.id), renamed, { timeoutMs: 60_000 });
          made.vpn = renamed;
          const listed = (await netcon.listConnections({ timeoutMs: 60_000 })).find((c) => c.id === vpn.id);
          if (listed?.name !== renamed) throw new Error(`listed as ${JSON.stringify(listed?.name)} after the rename`);
          return JSON.stringify(result);
        });
        if (checks.status('vpn-renamed') === 'pass') {
          await reported('changed', 'renamed', (c) => c.type === 'changed' && c.connection.id === vpn.id && c.previous.name === name && c.connection.name === renamed, renamedAt);
        }

        await checks.run('vpn-connect-fails', 'connect() fails (no server at 127.0.0.1) with a typed error carrying Windows\' RAS text', async () => {
          try {
            await netcon.connect(ours(vpn.id), { timeoutMs: 120_000 });
          } catch (error) {
            if (!(error instanceof netcon.NetConError)) throw new Error(`not a NetConError: ${describe(error)}`);
            const text = oneLine(error.systemMessage ?? '').replace(/\.$/, '');
            if (!text) throw new Error(`no Windows text for it: ${describe(error)}`);
            if (!oneLine(error.message).includes(text)) throw new Error(`the message does not carry Windows' text "${text}": ${describe(error)}`);
            return describe(error);
          }
          await netcon.disconnect(vpn.id, { timeoutMs: 60_000 }).catch(() => {});
          throw new Error('connect() succeeded: something answered as a VPN server at 127.0.0.1');
        });

        const disconnected = await (async () => {
          const started = Date.now();
          try {
            return { ok: true, ms: Date.now() - started, answer: JSON.stringify(await netcon.disconnect(ours(vpn.id), { timeoutMs: 60_000 })) };
          } catch (error) {
            return { ok: false, ms: Date.now() - started, error };
          }
        })();
        // Nothing is documented for a disconnect of an entry that is not connected: what
        // Windows answers is recorded. Anything but a typed netcon error is a failure.
        if (disconnected.ok || disconnected.error instanceof netcon.NetConError) {
          checks.add('vpn-disconnect', 'disconnect() of the entry, not connected: what Windows answers', 'note', disconnected.ms, disconnected.ok ? `resolved ${disconnected.answer}` : describe(disconnected.error));
        } else {
          checks.add('vpn-disconnect', 'disconnect() of the entry, not connected: what Windows answers', 'fail', disconnected.ms, describe(disconnected.error));
        }
      }

      // INetConnection::Duplicate and Delete of the proof's own entry. What RAS answers for real
      // entries is only known from here.
      if (vpn && made.vpn && !stopping()) {
        const copyName = `${made.vpn} copy`;
        const listedVpn = (await netcon.listConnections({ timeoutMs: 60_000 })).find((c) => c.id === vpn.id) ?? vpn;
        await checks.run('vpn-duplicated', `duplicateConnection() to ${copyName}: listed with the VPN's characteristics`, async () => {
          copies.add(copyName);
          const copy = await netcon.duplicateConnection(ours(vpn.id), copyName, { timeoutMs: 120_000 });
          ours(copy.id);
          const listed = (await netcon.listConnections({ timeoutMs: 60_000 })).filter((c) => c.name === copyName);
          if (listed.length !== 1 || listed[0].id !== copy.id) throw new Error(`listed ${listed.length} connections named ${copyName}: ${JSON.stringify(listed)}; duplicateConnection gave ${JSON.stringify(copy)}`);
          const flags = (c) => `${c.mediaType} ${c.characteristics.value.toString(16)} (${c.characteristics.flags.join(', ')})`;
          if (flags(listed[0]) !== flags(listedVpn)) throw new Error(`the copy is ${flags(listed[0])}, the VPN ${flags(listedVpn)}`);
          return { answer: `${JSON.stringify(copy)}; the VPN: ${JSON.stringify(listedVpn)}`, value: copy };
        });
        const copy = checks.value('vpn-duplicated');
        if (copy) {
          await checks.run('vpn-copy-deleted', `deleteConnection() of ${copyName}: no longer listed`, async () => {
            const result = await netcon.deleteConnection(ours(copy.id), { timeoutMs: 120_000 });
            const left = (await netcon.listConnections({ timeoutMs: 60_000 })).filter((c) => c.id === copy.id);
            if (left.length) throw new Error(`still listed: ${JSON.stringify(left[0])}`);
            copies.delete(copyName);
            return JSON.stringify(result);
          });
        }
      }
      // Port mappings on the entry shared as public (scripts/prove/ports.mjs), before it goes.
      if (vpn && !stopping()) await provePortMappings(checks, { netcon, windows, vpn, ours, runId, made });

      if (vpn && made.vpn) {
        const removedAt = Date.now();
        const removed = await checks.run('vpn-removed', `Remove-VpnConnection -Name ${made.vpn}`, async () => {
          const answer = await windows.removeVpn(made.vpn);
          if (!answer.ok) throw new Error(answer.output);
          made.vpn = undefined;
          const left = (await netcon.listConnections({ timeoutMs: 60_000 })).filter((c) => c.id === vpn.id);
          if (left.length) throw new Error(`still listed: ${JSON.stringify(left[0])}`);
          return answer.output || 'removed';
        });
        if (removed) await reported('removed', 'removed', (c) => c.type === 'removed' && c.connection.id === vpn.id, removedAt);
      }
    }

    // A real adapter, made for the proof: the seed's INetConnection::Disconnect on a LAN
    // connection (it disables the adapter) and Connect (enables it again).
    if (!stopping()) {
      made.devcon = await windows.findDevcon();
      if (!made.devcon) {
        checks.skip('devcon', 'devcon.exe, to add a KM-TEST loopback adapter', 'devcon.exe was not found (it ships with the Windows Driver Kit): the loopback adapter checks did not run');
      } else {
        checks.add('devcon', 'devcon.exe, to add a KM-TEST loopback adapter', 'pass', 0, made.devcon);
        const installed = await checks.run('loopback-installed', 'devcon install netloop.inf *MSLOOP: a new connection is listed', async () => {
          const answer = await windows.installLoopback(made.devcon);
          made.loopback = answer.instanceIds;
          if (!answer.ok) throw new Error(answer.output);
          if (answer.instanceIds.length !== 1) throw new Error(`${answer.instanceIds.length} new loopback devices: ${answer.output}`);
          const deadline = Date.now() + 60_000;
          for (;;) {
            const fresh = (await netcon.listConnections({ timeoutMs: 60_000 })).filter((c) => !before.has(c.id) && /loopback/i.test(c.deviceName));
            if (fresh.length === 1) return { answer: `${answer.instanceIds[0]}: ${JSON.stringify(fresh[0])}`, value: fresh[0] };
            if (fresh.length > 1) throw new Error(`${fresh.length} new loopback connections: ${fresh.map((c) => c.name).join(', ')}`);
            if (Date.now() > deadline) throw new Error(`no new loopback connection listed within 60 s (devcon: ${answer.output})`);
            await delay(1_000);
          }
        });
        const loopback = checks.value('loopback-installed');
        if (installed && !stopping()) {
          await checks.run('loopback-disconnected', 'disconnect(…, { wait }) of the loopback adapter', async () => {
            const result = await netcon.disconnect(ours(loopback.id), { timeoutMs: 60_000, wait: { timeoutMs: 60_000 } });
            if (result.connection.status !== 'disconnected') throw new Error(`status ${result.connection.status} after the wait: ${JSON.stringify(result)}`);
            return JSON.stringify(result);
          });
          await checks.run('loopback-connected', 'connect(…, { wait }) brings it back', async () => {
            const result = await netcon.connect(ours(loopback.id), { timeoutMs: 60_000, wait: { timeoutMs: 60_000 } });
            if (result.connection.status === 'disconnected') throw new Error(`still disconnected after the wait: ${JSON.stringify(result)}`);
            return JSON.stringify(result);
          }, ['loopback-disconnected']);
          await checks.run('loopback-sharing', 'getSharing() of the loopback adapter', async () => JSON.stringify(await netcon.getSharing(loopback.id, { timeoutMs: 60_000 })));
          // netcon refuses these before asking Windows (the characteristics lack the flags); what
          // Windows itself answers for a LAN connection is not documented, so the proof asks it,
          // through the binding, about its own adapter only.
          await checks.run('loopback-not-removable', 'deleteConnection() of the loopback adapter is refused before any COM call', async () => {
            const error = await netcon.deleteConnection(ours(loopback.id), { timeoutMs: 60_000 }).then(() => undefined, (e) => e);
            if (!(error instanceof netcon.ConnectionNotRemovableError)) throw new Error(error ? describe(error) : 'deleteConnection resolved');
            return `${describe(error)}; characteristics ${JSON.stringify(loopback.characteristics)}`;
          });
          const copyName = `${name}-loopback-copy`;
          copies.add(copyName);
          for (const [check, call] of [
            ['loopback-duplicate-answer', (addon) => addon.duplicateConnection(netcon.DEFAULT_PROG_ID, ours(loopback.id), copyName, rawCallId++)],
            ['loopback-delete-answer', (addon) => addon.deleteConnection(netcon.DEFAULT_PROG_ID, ours(loopback.id), rawCallId++)],
          ]) {
            let answer;
            try {
              answer = JSON.stringify(await call(rawAddon(packageRoot)));
            } catch (error) {
              answer = `threw ${describe(error)}`;
            }
            checks.note(check, `What Windows answers to INetConnection::${check.includes('delete') ? 'Delete' : 'Duplicate'} of a LAN connection (asked through the binding)`, answer);
          }
        }
        if (installed) {
          await checks.run('loopback-removed', `devcon remove @${made.loopback[0]}: no longer listed`, async () => {
            const answer = await windows.removeDevice(made.devcon, made.loopback[0]);
            if (!answer.ok) throw new Error(answer.output);
            made.loopback = made.loopback.slice(1);
            const deadline = Date.now() + 60_000;
            while ((await netcon.listConnections({ timeoutMs: 60_000 })).some((c) => c.id === loopback.id)) {
              if (Date.now() > deadline) throw new Error(`still listed 60 s after devcon removed it (devcon: ${answer.output})`);
              await delay(1_000);
            }
            return answer.output;
          });
        }
      }
    }

    await checks.run('disconnect-absent', 'disconnect() of a GUID no connection has: ERR_CONNECTION_NOT_FOUND', async () => {
      try {
        await netcon.disconnect(ABSENT, { timeoutMs: 60_000 });
      } catch (error) {
        if (error instanceof netcon.ConnectionNotFoundError) return describe(error);
        throw error;
      }
      throw new Error(`disconnect(${ABSENT}) resolved`);
    });

    const doctor = async (limited) => {
      if (!limited) return run(process.execPath, [bin, 'doctor', '--json']);
      return windows.runLimited([process.execPath, bin, 'doctor', '--json']);
    };
    for (const limited of [false, true]) {
      const expected = limited ? 'warn' : 'ok';
      await checks.run(limited ? 'doctor-limited' : 'doctor-elevated', `netcon doctor ${limited ? 'with a limited token (runas /trustlevel:0x20000)' : 'elevated'}: exit code 0, elevation ${expected}`, async () => {
        const answer = await doctor(limited);
        let diagnosis;
        try {
          diagnosis = JSON.parse(answer.output);
        } catch {
          throw new Error(`exit code ${answer.code}, no JSON: ${answer.output}`);
        }
        const lines = diagnosis.checks.map((c) => `${c.check}: ${c.status} ${c.summary}`).join('\n');
        const elevation = diagnosis.checks.find((c) => c.check === 'elevation');
        if (answer.code !== 0) throw new Error(`exit code ${answer.code}\n${lines}`);
        if (elevation?.status !== expected) throw new Error(`elevation ${elevation?.status}, not ${expected}\n${lines}`);
        return lines;
      });
    }

    await checks.run('cancel-through-a-proxy', 'CoCancelCall through a proxy (test/e2e/cancels-a-call-stuck-in-a-proxy.windows.test.ts)', async () => {
      const answer = await windows.runCancelTest({ repoRoot, packageRoot });
      if (!answer.ok) throw new Error(answer.output);
      return answer.output;
    });
  } catch (error) {
    checks.add('proof', 'The proof itself', 'fail', 0, `stopped by an unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await cleanUp(checks, { netcon, windows, made, name, renamed, runId, copies, before });
    stop.abort();
  }
  return checks.list;
}

// Whatever happened above: the VPN entry under either name, and every loopback device the
// proof added, are removed, and the report says whether anything is left.
async function cleanUp(checks, { netcon, windows, made, name, renamed, runId, copies, before }) {
  // A mapping or sharing left by a port-mapping check that stopped half-way goes first, while
  // the entry is still there.
  if (made.sharing) await undoPortMappings(checks, { netcon, vpn: { id: made.sharing }, name, made });
  await checks.run('left-nothing', 'Everything the proof made is removed', async () => {
    const problems = [];
    const removed = [];
    // A copy left behind (the proof stopped between Duplicate and Delete, or the Delete failed):
    // by its name, which only the proof uses, and never a connection listed before it started.
    try {
      for (const c of await netcon.listConnections({ timeoutMs: 60_000 })) {
        if (!copies.has(c.name) || !before || before.has(c.id)) continue;
        const deleted = await netcon.deleteConnection(c.id, { timeoutMs: 120_000 }).then(() => undefined, (error) => error);
        if (!deleted) removed.push(`copy ${c.name}`);
        // A copy Windows would not let netcon delete is a VPN entry still: removed below, by name.
        else if (!(await windows.vpnNames()).includes(c.name)) problems.push(`copy ${c.name}: ${describe(deleted)}`);
      }
    } catch (error) {
      problems.push(`copies: ${describe(error)}`);
    }
    try {
      for (const entry of await windows.vpnNames()) {
        if (entry !== name && entry !== renamed && !copies.has(entry)) continue;
        const answer = await windows.removeVpn(entry);
        (answer.ok ? removed : problems).push(`VPN entry ${entry}${answer.ok ? '' : `: ${answer.output}`}`);
      }
      const left = (await windows.vpnNames()).filter((entry) => entry.includes(`netcon-proof-${runId}`));
      if (left.length) problems.push(`VPN entries still there: ${left.join(', ')}`);
    } catch (error) {
      problems.push(`VPN entries: ${describe(error)}`);
    }
    for (const id of made.loopback) {
      const answer = await windows.removeDevice(made.devcon, id);
      (answer.ok ? removed : problems).push(`loopback device ${id}${answer.ok ? '' : `: ${answer.output}`}`);
    }
    if (made.loopback.length) {
      const left = (await windows.loopbackIds(made.devcon)).filter((id) => made.loopback.includes(id));
      if (left.length) problems.push(`loopback devices still there: ${left.join(', ')}`);
    }
    const listed = (await netcon.listConnections({ timeoutMs: 60_000 }).catch(() => [])).filter((c) => c.name === name || c.name === renamed || copies.has(c.name));
    if (listed.length) problems.push(`still listed: ${listed.map((c) => c.name).join(', ')}`);
    if (problems.length) throw new Error(problems.join('\n'));
    return removed.length ? `removed here: ${removed.join(', ')}` : 'nothing was left to remove';
  });
}
