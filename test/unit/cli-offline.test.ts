// `netcon offline` in-process over netcon/testing's machine: the lines it prints, the command it
// runs and its exit code, the restore whatever happens, and the usage errors.
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main';
import { createFakeClient, type FakeClientOptions } from '../../src/testing';

const ETHERNET = { id: '{2B7C9E10-4D3F-4A6B-8C1D-5E6F7A8B9C01}', name: 'Ethernet' } as const;
const WIFI = { id: '{2B7C9E10-4D3F-4A6B-8C1D-5E6F7A8B9C02}', name: 'Wi-Fi' } as const;

async function run(argv: string[], options: FakeClientOptions = { connections: [ETHERNET, WIFI] }) {
  const client = createFakeClient(options);
  let stdout = '';
  let stderr = '';
  const exitCode = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, () => client);
  const statuses = Object.fromEntries((await client.listConnections()).map((c) => [c.name, c.status]));
  return { exitCode, stdout, stderr, statuses, client };
}

const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

describe('netcon offline', () => {
  it('takes the named connection down for --for ms, prints a line each way, and brings it back', async () => {
    const { exitCode, stdout, stderr, statuses } = await run(['offline', 'Wi-Fi', '--for', '20']);
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(stdout).toMatch(new RegExp(`^${TIME}  down      Wi-Fi  after \\d+\\.\\d s\\n${TIME}  back      Wi-Fi  connected after \\d+\\.\\d s\\n$`));
    expect(statuses).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected' });
  });

  it('runs the command after --, exits with its exit code, and brings the network back', async () => {
    const { exitCode, stdout, statuses } = await run(['offline', '--json', '--', process.execPath, '-e', 'process.exit(3)']);
    expect(exitCode).toBe(3);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; name: string });
    expect(events.map((e) => `${e.event} ${e.name}`)).toEqual(['down Ethernet', 'down Wi-Fi', 'back Ethernet', 'back Wi-Fi']);
    expect(statuses).toEqual({ Ethernet: 'connected', 'Wi-Fi': 'connected' });
  });

  it('exits 9 when a connection does not come back, and says which', async () => {
    const client = createFakeClient({ connections: [ETHERNET] });
    let stdout = '';
    const done = main(['offline', '--for', '50'], { stdout: (t) => (stdout += t), stderr: () => {} }, () => client);
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.setFailures([{ on: 'connect', hresult: 'E_FAIL' }]);
    expect(await done).toBe(9);
    expect(stdout).toMatch(/NOT BACK  Ethernet  E_FAIL: /);
  });

  it('--restore brings back nothing when no window left anything down', async () => {
    const { exitCode, stdout } = await run(['offline', '--restore']);
    expect({ exitCode, stdout }).toEqual({ exitCode: 0, stdout: '' });
  });

  it.each([
    [['offline', '--restore', 'Ethernet'], /takes no connections and no command/],
    [['offline', '--for', '10', '--', 'cmd'], /--for does not apply with a command/],
    [['offline', '--'], /nothing after "--"/],
    [['offline', '--for', '0'], /--for takes milliseconds from 1 to 86400000/],
    [['offline', '--max', 'soon'], /--max takes milliseconds/],
    [['offline', '--interval', '5'], /--interval does not apply to "netcon offline"/],
  ])('%j is a usage error (exit 2), before anything is taken down', async (argv, message) => {
    const { exitCode, stderr, client } = await run(argv);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(message);
    expect(client.calls.filter((c) => c.method === 'disconnect')).toEqual([]);
  });

  it('leaves "--" before a name that starts with "-" to the other commands', async () => {
    const { exitCode, stderr } = await run(['disconnect', '--', '-odd-name']);
    expect(exitCode).toBe(3);
    expect(stderr).toMatch(/ERR_CONNECTION_NOT_FOUND: .*"-odd-name"/);
  });
});
