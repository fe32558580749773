// Your own code: forwards a port of the connection shared as public to a computer on the
// shared network, enabled, replacing what mapped that port before. The client is a parameter,
// so tests pass netcon/testing's.
import * as netcon from 'netcon';

/**
 * @param {string} connection the connection shared as public
 * @param {{ name: string, protocol: 'tcp' | 'udp', port: number, to: string, toPort?: number }} rule
 * @param {import('netcon').NetConClient} [client]
 * @returns {Promise<string>}
 */
export async function forwardPort(connection, rule, client = netcon) {
  const { name, protocol, port, to, toPort = port } = rule;
  const target = /^\d+\.\d+\.\d+\.\d+$/.test(to) ? { targetIPAddress: to } : { targetName: to };
  try {
    // Windows keeps one mapping per protocol and external port: take the old one off first.
    await client.removePortMapping(connection, { protocol, externalPort: port }).catch((err) => {
      if (!(err instanceof netcon.PortMappingNotFoundError)) throw err;
    });
    const added = await client.addPortMapping(connection, { name, protocol, externalPort: port, internalPort: toPort, ...target, enabled: true }, { timeoutMs: 30_000 });
    return `${added.protocol.toUpperCase()} ${added.externalPort} on "${connection}" goes to ${to}:${added.internalPort}.`;
  } catch (err) {
    if (err instanceof netcon.ConnectionNotSharedAsPublicError) return `Share "${connection}" first (netcon share): it is ${err.sharing ?? 'not shared'}.`;
    if (err instanceof netcon.AccessDeniedError) return 'Run this elevated (Run as administrator).';
    throw err; // ERR_CONNECTION_NOT_FOUND, SharingServiceError (0x80040201), ERR_TIMEOUT ...
  }
}
