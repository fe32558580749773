// node offline-smoke-test.mjs <host[:port]>   does the app notice when the network drops, and
// recover when it comes back? Run it elevated on a test machine or a self-hosted runner: the
// connections come back even if this script is killed or the job is cancelled.
import { connect } from 'node:net';

import * as netcon from 'netcon';

/**
 * Asks `check(phase)` online, offline (every connected connection down) and online again.
 * `check` answers whether the app behaves as it should then. `client` is netcon itself, or
 * netcon/testing's createFakeClient() in tests.
 * @param {(phase: 'online' | 'offline' | 'back') => Promise<boolean>} check
 * @param {{ client?: Pick<import('netcon').NetConClient, 'runOffline'>, maxMs?: number }} [options]
 */
export async function smokeTest(check, { client = netcon, maxMs = 60_000 } = {}) {
  const online = await check('online');
  // Restored whatever check() does; after maxMs the guardian restores them by itself.
  const offline = await client.runOffline(undefined, () => check('offline'), { maxMs });
  return { online, offline, back: await check('back') };
}

/** Whether a TCP connection to host:port opens within 3 s. @param {string} host @param {number} port */
function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).once('timeout', () => done(false));
  });
}

if (process.argv[2]) {
  const [host, port = '443'] = process.argv[2].split(':');
  const results = await smokeTest(async (phase) => (await reachable(host, Number(port))) === (phase !== 'offline'));
  console.log(results);
  process.exitCode = Object.values(results).every(Boolean) ? 0 : 1;
}
