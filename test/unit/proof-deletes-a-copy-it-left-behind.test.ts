// npm run prove's checks (scripts/prove/proof.mjs) over netcon/testing's machine, with the
// Windows commands as plain functions over that machine: when Windows made the VPN's copy but
// reading it back failed, the proof's clean-up still finds the copy by its name and deletes it,
// and never touches a connection listed before it started.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

import * as netcon from '../../src/index';
import { createFakeClient } from '../../src/testing';

interface Check {
  name: string;
  status: string;
  answer: string;
}
type Prove = (options: Record<string, unknown>) => Promise<Check[]>;

// The machine's own VPN entry: removable and duplicable, and never to be acted on.
const OWN_VPN = { id: '{7E1D2C3B-4A59-4867-9F8E-7D6C5B4A3921}', name: 'Own VPN', mediaType: 'tunnel', characteristics: 0xe } as const;
const ETHERNET = { id: '{7E1D2C3B-4A59-4867-9F8E-7D6C5B4A3922}', name: 'Ethernet' } as const;

describe('npm run prove over netcon/testing', () => {
  it('deletes a copy Windows made when reading it back failed, and only the proof\'s own', async () => {
    const client = createFakeClient({
      connections: [ETHERNET, OWN_VPN],
      failures: [{ on: 'duplicate', step: 'INetConnection::GetProperties (the duplicate)', hresult: 'E_FAIL' }],
    });
    const ownIds = new Set<string>([ETHERNET.id, OWN_VPN.id]);
    const entries = new Map<string, string>();
    const windows = {
      async addVpn(name: string) {
        const id = `{${randomUUID().toUpperCase()}}`;
        client.addConnection({ id, name, mediaType: 'tunnel', status: 'disconnected', characteristics: 0xe });
        entries.set(id, name);
        return { ok: true, output: `Name : ${name}` };
      },
      async removeVpn(name: string) {
        const found = client.connections().find((c) => c.name === name && !ownIds.has(c.id));
        if (!found) return { ok: false, output: `${name} cannot be found` };
        client.removeConnection(found.id);
        return { ok: true, output: '' };
      },
      // The phonebook: every tunnel the proof did not find there, copies included.
      vpnNames: async () => client.connections().filter((c) => c.mediaType === 'tunnel').map((c) => c.name),
      findDevcon: async () => undefined,
      runLimited: async () => ({ ok: false, code: null, output: 'not here' }),
      runCancelTest: async () => ({ ok: true, output: 'not here' }),
      portMappingView: async () => ({ ok: false, output: 'not here' }),
    };
    const fakeNetcon = { ...netcon, ...client, createClient: () => client };
    const proofUrl = pathToFileURL(join(__dirname, '..', '..', 'scripts', 'prove', 'proof.mjs')).href;
    const { prove } = (await import(proofUrl)) as { prove: Prove };
    const checks = await prove({ netcon: fakeNetcon, windows, bin: join(__dirname, 'no-such-bin.js'), repoRoot: '.', packageRoot: '.', runId: 'c0ffee00' });
    const status = Object.fromEntries(checks.map((c) => [c.name, c.status]));
    const answer = (name: string) => checks.find((c) => c.name === name)?.answer ?? '';

    expect(status).toMatchObject({ 'vpn-created': 'pass', 'vpn-renamed': 'pass', 'vpn-duplicated': 'fail', 'vpn-removed': 'pass', 'left-nothing': 'pass' });
    expect(status['vpn-copy-deleted']).toBeUndefined();
    expect(answer('vpn-duplicated')).toMatch(/^UnspecifiedFailureError E_FAIL 0x80004005: .*Windows made the copy before this failed/);
    expect(answer('left-nothing')).toBe('removed here: copy netcon-proof-c0ffee00-renamed copy');
    expect(client.connections().map((c) => c.id)).toEqual([ETHERNET.id, OWN_VPN.id]);
    // Nothing the machine had before was changed: only the proof's entry and its copy.
    const touched = client.calls.filter((c) => c.method !== 'list' && c.method !== 'diagnose' && c.method !== 'security' && c.method !== 'sharing');
    expect(touched.filter((c) => c.id !== undefined && ownIds.has(c.id))).toEqual([]);
    expect(touched.map((c) => c.method)).toEqual(expect.arrayContaining(['rename', 'duplicate', 'delete']));
  }, 90_000);
});
