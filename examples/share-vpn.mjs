// Your own code: shares a VPN with a hotspot (or a VM switch) through Internet Connection
// Sharing, and says how that went. The client is a parameter, so tests pass netcon/testing's.
import * as netcon from 'netcon';

/**
 * @param {string} vpn the connection with the Internet
 * @param {string} hotspot the network that receives it
 * @param {import('netcon').NetConClient} [client]
 * @returns {Promise<string>}
 */
export async function shareVpn(vpn, hotspot, client = netcon) {
  try {
    // Takes sharing off any other connection first: Windows shares one pair at a time.
    const { unshared } = await client.shareConnection(vpn, hotspot, { timeoutMs: 30_000 });
    const moved = unshared.map((c) => ` (was on "${c.name}")`).join('');
    return `"${vpn}" is shared to "${hotspot}"${moved}.`;
  } catch (err) {
    if (err instanceof netcon.AccessDeniedError) return 'Run this elevated (Run as administrator).';
    if (err instanceof netcon.SharingServiceError) {
      // 0x80040201: the sharing service refused. err.message names the services to check.
      // Whatever shareConnection had changed is back as it was (err.restored).
      return `Windows' sharing service refused (${err.shareStep} step): ${err.message}`;
    }
    throw err; // ERR_CONNECTION_NOT_FOUND, ERR_CONNECTION_NOT_SHAREABLE, ERR_TIMEOUT ...
  }
}
