// macOS CI (and any non-Windows host): the built package imports from ESM and CommonJS,
// and every call rejects with ERR_UNSUPPORTED_PLATFORM instead of throwing or crashing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cjs = require('../../dist/index.cjs');
const esm = await import('../../dist/index.mjs');

const failures = [];
for (const [name, call] of [
  ['require: listConnections', () => cjs.listConnections()],
  ['import: disconnect', () => esm.disconnect('Ethernet')],
  ['import: createClient().connect', () => esm.createClient({ progId: 'NetCon.FakeHNetShare' }).connect('Ethernet')],
]) {
  const code = await call().then(() => 'resolved', (error) => error.code);
  console.log(`${name}: ${code}`);
  if (code !== 'ERR_UNSUPPORTED_PLATFORM') failures.push(name);
}
if (esm.NetConError !== cjs.NetConError) failures.push('ESM and CJS do not share one implementation');
if (cjs.isSupported() !== false) failures.push('isSupported() is not false');
if (failures.length) {
  console.error(`failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`netcon imports on ${process.platform} and reports it unsupported, as documented.`);
