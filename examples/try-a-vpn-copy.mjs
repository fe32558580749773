// Your own code: tries a change on a copy of a VPN entry, never on the entry itself, and
// deletes the copy however the try ends. The client is a parameter, so tests pass netcon/testing's.
import * as netcon from 'netcon';

/**
 * @template T
 * @param {string} vpn the entry to copy: a VPN or dial-up entry
 * @param {(copy: import('netcon').NetConnection) => Promise<T>} tryIt what to do with the copy
 * @param {import('netcon').NetConClient} [client]
 * @returns {Promise<T>}
 */
export async function withVpnCopy(vpn, tryIt, client = netcon) {
  let copy;
  try {
    copy = await client.duplicateConnection(vpn, `${vpn} (trial)`, { timeoutMs: 60_000 });
  } catch (err) {
    if (err instanceof netcon.ConnectionNotDuplicableError) throw new Error(`"${vpn}" is no VPN or dial-up entry: Windows copies only those.`);
    throw err; // ERR_CONNECTION_NAME_TAKEN (a trial copy is left from before), E_ACCESSDENIED ...
  }
  try {
    return await tryIt(copy);
  } finally {
    await client.deleteConnection(copy.id, { timeoutMs: 60_000 });
  }
}
