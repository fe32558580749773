// node node-script.mjs               lists the connections (any user)
// node node-script.mjs "Ethernet 2"  also disconnects that one and waits until Windows reports it down (elevated)
import { AccessDeniedError, AmbiguousConnectionError, NetConError, WaitTimeoutError, disconnect, listConnections } from 'netcon';

const target = process.argv[2];

try {
  for (const c of await listConnections()) {
    console.log(`${c.name.padEnd(28)} ${c.status.padEnd(20)} ${c.mediaType.padEnd(8)} ${c.id}`);
  }
  if (target) {
    // Resolves once Windows shows it disconnected, hardware-disabled or media-disconnected.
    await disconnect(target, { wait: { timeoutMs: 15_000 } });
    console.log(`"${target}" is down.`);
  }
} catch (err) {
  if (err instanceof AccessDeniedError) {
    console.error('Access denied: run this from an elevated prompt (Run as administrator).');
  } else if (err instanceof WaitTimeoutError) {
    // lastStatus is absent when no look at the connection returned in time.
    const state = err.lastStatus === undefined ? 'never read' : `still ${err.lastStatus}`;
    console.error(`Disconnect accepted, but "${err.target}" was ${state} after ${err.timeoutMs} ms.`);
  } else if (err instanceof AmbiguousConnectionError) {
    console.error(`Several connections are called "${err.target}"; pass one of these GUIDs: ${err.candidates.join(', ')}`);
  } else if (err instanceof NetConError) {
    // ERR_CONNECTION_NOT_FOUND, ERR_UNSUPPORTED_PLATFORM, a COM failure (err.hresult, err.step) ...
    console.error(`${err.code}: ${err.message}`);
  } else {
    throw err;
  }
  process.exitCode = 1;
}
