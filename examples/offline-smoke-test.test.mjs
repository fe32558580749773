// Unit tests of offline-smoke-test.mjs on any OS: netcon/testing's machine takes its
// connections down and brings them back as netcon does, without a guardian process.
import { createFakeClient } from 'netcon/testing';
import { describe, expect, it } from 'vitest';

import { smokeTest } from './offline-smoke-test.mjs';

/** @type {import('netcon/testing').FakeConnectionInput[]} */
const MACHINE = [
  { id: '{7E2A4C61-0B3D-4F58-9A1E-2C3D4E5F6A01}', name: 'Ethernet' },
  { id: '{7E2A4C61-0B3D-4F58-9A1E-2C3D4E5F6A02}', name: 'Wi-Fi', status: 'hardware-disabled' },
];

describe('smokeTest', () => {
  it('checks the app online, with every connected connection down, and online again', async () => {
    const client = createFakeClient({ connections: MACHINE });
    /** @type {string[]} */
    const seen = [];
    const results = await smokeTest(
      async (phase) => {
        const statuses = (await client.listConnections()).map((c) => `${c.name} ${c.status}`).join(', ');
        seen.push(`${phase}: ${statuses}`);
        return true;
      },
      { client },
    );
    expect(results).toEqual({ online: true, offline: true, back: true });
    expect(seen).toEqual([
      'online: Ethernet connected, Wi-Fi hardware-disabled',
      'offline: Ethernet disconnected, Wi-Fi hardware-disabled',
      'back: Ethernet connected, Wi-Fi hardware-disabled',
    ]);
  });

  it('brings the network back when the check throws', async () => {
    const client = createFakeClient({ connections: MACHINE });
    const check = async (/** @type {string} */ phase) => {
      if (phase === 'offline') throw new Error('the app crashed offline');
      return true;
    };
    await expect(smokeTest(check, { client })).rejects.toThrow('the app crashed offline');
    expect((await client.listConnections()).map((c) => c.status)).toEqual(['connected', 'hardware-disabled']);
  });
});
