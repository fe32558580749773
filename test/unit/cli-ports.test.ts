// `netcon ports` in-process over netcon/testing's machine: the table and JSON of the mappings of
// connections shared as public, add / enable / disable / remove, and the usage errors.
import { describe, expect, it } from 'vitest';

import { main } from '../../src/cli/main';
import { createFakeClient, type FakeClientOptions } from '../../src/testing';

const VPN = { id: '{7D2E4F60-1A2B-4C3D-8E9F-0A1B2C3D4E01}', name: 'Corp VPN', sharing: 'public' } as const;
const HOTSPOT = { id: '{7D2E4F60-1A2B-4C3D-8E9F-0A1B2C3D4E02}', name: 'Hotspot', sharing: 'private' } as const;
const GAME = { name: 'Game', protocol: 'udp', externalPort: 47123, internalPort: 47124, targetIPAddress: '192.168.137.20' } as const;

async function run(argv: string[], options: FakeClientOptions = { connections: [{ ...VPN, portMappings: [GAME] }, HOTSPOT] }) {
  const client = createFakeClient(options);
  let stdout = '';
  let stderr = '';
  const exitCode = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, () => client);
  return { exitCode, stdout, stderr, client };
}

describe('netcon ports', () => {
  it('lists the mappings of every connection shared as public as a table, and as JSON', async () => {
    expect(await run(['ports'])).toMatchObject({
      exitCode: 0,
      stderr: '',
      stdout: 'CONNECTION  NAME  PROTOCOL  EXTERNAL  INTERNAL  TARGET          ENABLED\nCorp VPN    Game  UDP       47123     47124     192.168.137.20  no\n',
    });
    const { stdout } = await run(['ports', 'Corp VPN', '--json']);
    expect(JSON.parse(stdout)).toEqual([{ connection: { id: VPN.id, name: VPN.name }, mappings: [expect.objectContaining({ name: 'Game', protocol: 'udp', externalPort: 47123 })] }]);
    expect((await run(['ports'], { connections: [HOTSPOT] })).stdout).toMatch(/^No connection is shared as public/);
  });

  it('adds, enables, disables and removes a mapping, by name or by --protocol and --external', async () => {
    const options = { connections: [VPN] };
    const client = createFakeClient(options);
    const out: string[] = [];
    const cli = async (argv: string[]) => {
      const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => out.push(`stderr: ${t}`) }, () => client);
      expect(code, out.join('')).toBe(0);
    };
    await cli(['ports', 'add', 'Corp VPN', '--name', 'Web', '--protocol', 'TCP', '--external', '8080', '--internal', '80', '--target-name', 'printer']);
    await cli(['ports', 'enable', 'Corp VPN', 'Web']);
    await cli(['ports', 'disable', 'Corp VPN', '--protocol', 'tcp', '--external', '8080']);
    await cli(['ports', 'remove', VPN.id, 'Web']);
    expect(out).toEqual([
      'Added "Web" (TCP 8080 -> printer:80) on "Corp VPN" (disabled: netcon ports enable).\n',
      'Enabled "Web" (TCP 8080 -> printer:80) on "Corp VPN".\n',
      'Disabled "Web" (TCP 8080 -> printer:80) on "Corp VPN".\n',
      `Removed "Web" (TCP 8080 -> printer:80) on "${VPN.id}".\n`,
    ]);
    expect(await client.listPortMappings(VPN.id)).toEqual([]);
  });

  it('reports refusals with their codes, and usage mistakes with exit code 2', async () => {
    const taken = await run(['ports', 'add', 'Corp VPN', '--name', 'Again', '--protocol', 'udp', '--external', '47123', '--internal', '1', '--target-ip', '192.168.137.9']);
    expect(taken).toMatchObject({ exitCode: 1, stdout: '' });
    expect(taken.stderr).toMatch(/^netcon: ERR_PORT_MAPPING_EXISTS: "Corp VPN" has a port mapping for "Game" \(UDP 47123\) already/);
    expect((await run(['ports', 'add', 'Hotspot', '--name', 'x', '--protocol', 'udp', '--external', '1', '--internal', '1', '--target-ip', '192.168.137.9'])).stderr).toMatch(/^netcon: ERR_CONNECTION_NOT_SHARED_AS_PUBLIC: /);
    expect((await run(['ports', 'remove', 'Corp VPN', 'Nope'])).stderr).toMatch(/^netcon: ERR_PORT_MAPPING_NOT_FOUND: /);
    for (const argv of [
      ['ports', 'add', 'Corp VPN', '--name', 'x', '--protocol', 'udp', '--external', '1', '--internal', '1'],
      ['ports', 'add', 'Corp VPN', '--name', 'x', '--protocol', 'udp', '--external', 'http', '--internal', '1', '--target-ip', '10.0.0.1'],
      ['ports', 'add', 'Corp VPN', '--name', 'x', '--protocol', 'udp', '--external', '70000', '--internal', '1', '--target-ip', '10.0.0.1'],
      ['ports', 'remove', 'Corp VPN'],
      ['ports', 'enable'],
      ['ports', 'Corp VPN', '--enable'],
      ['ports', 'a', 'b'],
    ]) {
      const { exitCode, stderr } = await run(argv);
      expect(exitCode, `${argv.join(' ')}: ${stderr}`).toBe(2);
    }
  });
});
