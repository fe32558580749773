// node disconnect-with-a-deadline.mjs "Office VPN"
// Disconnects it (elevated), giving up after 10 s or at once on Ctrl+C, then waits up to 15 s
// until Windows reports it down.
import { CallTimeoutError, NetConAbortError, NetConError, WaitTimeoutError, disconnect } from 'netcon';

const target = process.argv[2];
if (!target) {
  console.error('usage: node disconnect-with-a-deadline.mjs <name|GUID>');
  process.exit(2);
}

// A signal listener does not keep the process alive: the script still ends when the call does.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted with Ctrl+C')));

try {
  const result = await disconnect(target, { timeoutMs: 10_000, signal: controller.signal, wait: { timeoutMs: 15_000 } });
  console.log(`"${result.connection.name}" is ${result.connection.status}.`);
} catch (err) {
  if (err instanceof WaitTimeoutError) {
    // The disconnect itself succeeded; Windows had not finished it when the wait ran out.
    // lastStatus is absent when no look at the connection returned in time.
    const state = err.lastStatus === undefined ? 'never read' : `still ${err.lastStatus}`;
    console.error(`Windows accepted the disconnect, but "${err.target}" was ${state} after ${err.timeoutMs} ms.`);
  } else if (err instanceof CallTimeoutError || err instanceof NetConAbortError) {
    // Stopped while Windows was at work (outcome 'unknown'): the disconnect may still happen.
    const maybe = err.outcome === 'unknown' ? ' Windows may still finish it: look at its status before trying again.' : '';
    console.error(`Gave up on "${target}" (${err.code}).${maybe}`);
  } else if (err instanceof NetConError) {
    console.error(`${err.code}: ${err.message}`);
  } else {
    throw err;
  }
  process.exitCode = 1;
}
