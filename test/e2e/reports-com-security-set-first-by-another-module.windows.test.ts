// Windows only: vitest.config.mts leaves this file out elsewhere. Wine's CoInitializeSecurity
// is a stub that answers S_OK every time, so under Wine the suite makes COM answer
// RPC_E_TOO_LATE through the import table instead (reports-what-real-windows-answers.test.ts).
import { expect, it } from 'vitest';
import { machine } from '../../wine/connections';
import { inWine } from '../../wine/run';

it('reports RPC_E_TOO_LATE when another module of the process set COM security first', async () => {
  const { value } = await inWine({ fake: { connections: machine } }, async (netcon, t) => {
    // Another module's choice (identify level), made before netcon asks, as Electron makes it.
    const first = t.nativeHelper().initializeSecurityFirst();
    const late = await t.capture(netcon.initializeComSecurity());
    // Listing still works, at the level the other module chose.
    const listed = await t.capture(netcon.listConnections());
    return { first, late, listed: listed.ok };
  });
  expect(value.first).toBe(0);
  expect(value.late).toMatchObject({ ok: false, error: { name: 'ComSecurityTooLateError', code: 'RPC_E_TOO_LATE', hresult: 0x80010119, step: 'CoInitializeSecurity' } });
  expect(value.listed).toBe(true);
});
