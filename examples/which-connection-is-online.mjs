// node which-connection-is-online.mjs   each connection with its addresses, and the one that holds the Internet
import { NetConError, listConnections } from 'netcon';

try {
  for (const c of await listConnections({ details: true })) {
    if (c.details === null || c.details === undefined) {
      console.log(`${c.name}: no adapter (Windows has no interface for it now)`);
      continue;
    }
    const ipv4 = c.details.ipv4.map((a) => `${a.address}/${a.prefixLength}`).join(', ') || 'no IPv4 address';
    console.log(`${c.name}: ${ipv4}, MAC ${c.details.mac ?? 'none'}${c.details.internet ? ' (holds the Internet)' : ''}`);
  }
} catch (err) {
  // ERR_UNSUPPORTED_PLATFORM off Windows; a failing IP Helper call names its step (err.step).
  if (!(err instanceof NetConError)) throw err;
  console.error(`${err.code}: ${err.message}`);
  process.exitCode = 1;
}
