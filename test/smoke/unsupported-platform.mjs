// macOS CI (and any non-Windows host): the built package imports from ESM and CommonJS,
// and every call rejects with ERR_UNSUPPORTED_PLATFORM instead of throwing or crashing.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

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
// diagnose() resolves anywhere, with one failed check naming the platform; netcon doctor exits 6.
const diagnosis = await esm.diagnose();
if (diagnosis.ok || diagnosis.checks.length !== 1 || diagnosis.checks[0].check !== 'platform') failures.push('diagnose() did not report the platform');
const doctor = spawnSync(process.execPath, [fileURLToPath(new URL('../../dist/cjs/cli/bin.js', import.meta.url)), 'doctor'], { encoding: 'utf8' });
console.log(`netcon doctor: exit ${doctor.status}: ${doctor.stdout.split('\n')[2]}`);
if (doctor.status !== 6 || !doctor.stdout.includes(`fail  platform  ${process.platform}: netcon works only on Windows`)) failures.push('netcon doctor did not exit 6 naming the platform');
if (failures.length) {
  console.error(`failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`netcon imports on ${process.platform} and reports it unsupported, as documented.`);
