// Unit tests of forward-a-port.mjs on any OS: netcon/testing's fake machine keeps Windows'
// rules for port mappings (one per protocol and external port, on the public connection only).
import { createFakeClient } from 'netcon/testing';
import { describe, expect, it } from 'vitest';

import { forwardPort } from './forward-a-port.mjs';

/** @type {import('netcon/testing').FakeConnectionInput[]} */
const MACHINE = [
  {
    id: '{8A1B2C3D-4E5F-4061-9728-3A4B5C6D7E01}',
    name: 'Ethernet',
    sharing: 'public',
    portMappings: [{ name: 'Old game', protocol: 'udp', externalPort: 47123, internalPort: 1, targetIPAddress: '192.168.137.9' }],
  },
  { id: '{8A1B2C3D-4E5F-4061-9728-3A4B5C6D7E02}', name: 'Local Area Connection* 10', sharing: 'private' },
];

describe('forwardPort', () => {
  it('replaces the mapping of that port and enables the new one', async () => {
    const client = createFakeClient({ connections: MACHINE });
    expect(await forwardPort('Ethernet', { name: 'Game', protocol: 'udp', port: 47123, to: '192.168.137.20', toPort: 47124 }, client)).toBe(
      'UDP 47123 on "Ethernet" goes to 192.168.137.20:47124.',
    );
    expect((await client.listPortMappings('Ethernet')).map((m) => [m.name, m.externalPort, m.internalPort, m.enabled])).toEqual([['Game', 47123, 47124, true]]);
  });

  it('says to share the connection first when it is not the public one', async () => {
    const client = createFakeClient({ connections: MACHINE });
    expect(await forwardPort('Local Area Connection* 10', { name: 'Web', protocol: 'tcp', port: 8080, to: 'printer' }, client)).toBe(
      'Share "Local Area Connection* 10" first (netcon share): it is private.',
    );
  });
});
