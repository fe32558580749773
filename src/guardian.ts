// The guardian of an offline window (offline.ts), a process of its own: it is told the plan
// (which connections, which COM class, the deadline) over its IPC channel, writes it to a state
// file, and answers "ready". It then brings the connections back when the deadline passes or
// when the channel closes without a "restored" first: the system closes it when the owner
// ends, however it ends. It only ever connects. It exits once they are back, and leaves the
// state file behind when one did not come back, for restoreOffline().
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { createClient } from './index';
import { makeOfflineStateDir, restoreEach, type GuardianPlan } from './offline';

/** How long after the deadline it acts: the owner, when alive, restores at the deadline itself. */
const DEADLINE_GRACE_MS = 1_000;

let plan: GuardianPlan | undefined;
let stateFile: string | undefined;
let done = false;

async function restoreAndExit(): Promise<void> {
  if (done || !plan) return process.exit(0);
  done = true;
  const client = createClient({ progId: plan.progId, ...(plan.comSecurity ? { comSecurity: 'impersonate' as const } : {}) });
  const back = (await restoreEach(client, plan.connections)).every((r) => r.ok);
  if (back && stateFile) rmSync(stateFile, { force: true });
  process.exit(back ? 0 : 1);
}

process.once('message', (message: { plan?: GuardianPlan }) => {
  try {
    plan = message.plan;
    if (!plan) throw new Error('no plan');
    // Exclusive: a file already there (or a link planted in its place) is not written through.
    stateFile = join(makeOfflineStateDir(), `${plan.windowId}.json`);
    writeFileSync(stateFile, JSON.stringify({ ...plan, guardianPid: process.pid }), { flag: 'wx' });
    setTimeout(() => void restoreAndExit(), Math.max(0, plan.deadline - Date.now()) + DEADLINE_GRACE_MS);
    process.on('message', (next: { restored?: boolean }) => {
      if (typeof next.restored !== 'boolean') return;
      // The owner brought them back; if one did not come back, the state file stays for
      // restoreOffline().
      done = true;
      if (next.restored && stateFile) rmSync(stateFile, { force: true });
      process.exit(0);
    });
    process.send?.({ ready: true });
  } catch (error) {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  }
});

process.on('disconnect', () => void restoreAndExit());
