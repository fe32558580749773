// Your own code: takes a VPN down and says how that went. It takes the netcon client as a
// parameter, so the app passes netcon itself and the tests pass netcon/testing's fake.
import * as netcon from 'netcon';

/**
 * @param {string} name
 * @param {import('netcon').NetConClient} [client]
 * @returns {Promise<'down' | 'absent' | 'needs-admin'>}
 */
export async function dropVpn(name, client = netcon) {
  try {
    await client.disconnect(name, { wait: { timeoutMs: 5_000, intervalMs: 100 } });
    return 'down';
  } catch (err) {
    if (!(err instanceof netcon.NetConError)) throw err;
    if (err.code === 'ERR_CONNECTION_NOT_FOUND') return 'absent';
    if (err instanceof netcon.AccessDeniedError) return 'needs-admin';
    throw err; // ERR_TIMEOUT, another COM failure ...
  }
}
