// node watch-vpn.mjs "Office VPN"   says when that connection drops or comes back, until Ctrl+C
import * as netcon from 'netcon';

const UP = ['connected'];

/**
 * Yields 'down' or 'up' each time the connection named `name` goes down or comes back, until
 * `signal` aborts. `client` is netcon itself, or netcon/testing's createFakeClient() in tests.
 * @param {string} name
 * @param {{ client?: Pick<import('netcon').NetConClient, 'watch'>, signal?: AbortSignal }} [options]
 * @returns {AsyncGenerator<'up' | 'down'>}
 */
export async function* upsAndDowns(name, { client = netcon, signal } = {}) {
  for await (const change of client.watch({ signal })) {
    if (change.type === 'error') {
      // A list failed (the service is restarting, a deadline passed): the watch goes on.
      console.error(`watch: ${change.error.code}: ${change.error.message}`);
      continue;
    }
    if (change.connection.name.toLowerCase() !== name.toLowerCase()) continue;
    const wasUp = change.type === 'changed' ? UP.includes(change.previous.status) : change.type === 'removed';
    const isUp = change.type !== 'removed' && UP.includes(change.connection.status);
    if (wasUp !== isUp) yield isUp ? 'up' : 'down';
  }
}

if (process.argv[2]) {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  for await (const state of upsAndDowns(process.argv[2], { signal: stop.signal })) {
    console.log(`${new Date().toLocaleTimeString()} "${process.argv[2]}" is ${state}`);
  }
}
