// CI on a Windows runner: the real netcon against the runner's real HNetShare, read-only.
// It never disconnects the runner's adapters: the job would cut its own network.
import assert from 'node:assert/strict';

import { createClient, disconnect, isSupported, listConnections } from 'netcon';

assert.ok(isSupported(), 'netcon cannot load here: this check needs Windows with the native module installed');

const connections = await listConnections();
assert.ok(connections.length > 0, 'no network connection listed');
for (const c of connections) {
  assert.match(c.id, /^\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}$/);
  assert.notEqual(c.status, 'unknown', `${c.name}: status code ${c.statusCode}`);
  console.log(`${c.name}: ${c.status} (${c.mediaType})`);
}

// The whole disconnect path, without cutting anything: a GUID no connection has.
await assert.rejects(disconnect('{00000000-0000-4000-8000-000000000000}'), { code: 'ERR_CONNECTION_NOT_FOUND' });

// With an HNetShare-compatible test server of your own registered under a ProgID, exercise
// real disconnects against it instead of the machine's adapters.
const progId = process.env.NETCON_TEST_PROG_ID;
if (progId) {
  const client = createClient({ progId });
  const [first] = await client.listConnections();
  await client.disconnect(first, { wait: { timeoutMs: 10_000 } });
  await client.connect(first, { wait: { timeoutMs: 10_000 } });
  console.log(`${progId}: disconnected and reconnected "${first.name}"`);
}
