// Connections as Windows reports them, for the fake server to serve: the machine the e2e
// tests and the bench script it with.
import type { FakeConnection } from './run';

export const ethernet: FakeConnection = {
  id: '{6B0C3F2A-91D4-4E8B-A7C5-2F1E3D4C5B6A}',
  name: 'Ethernet',
  deviceName: 'Intel(R) Ethernet Connection (7) I219-V',
  status: 2, // NCS_CONNECTED
  mediaType: 3, // NCM_LAN
  characteristics: 0x1 | 0x8 | 0x800, // all-users, allow-rename, default
};

export const ethernet2: FakeConnection = {
  id: '{0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0}',
  name: 'Ethernet 2',
  deviceName: 'Realtek USB GbE Family Controller',
  status: 7, // NCS_MEDIA_DISCONNECTED
  mediaType: 3,
  characteristics: 0x1 | 0x8,
};

export const disabledWifi: FakeConnection = {
  // Windows may hand GUIDs back in lower case; netcon upper-cases them.
  id: '{a1b2c3d4-e5f6-4711-8899-aabbccddeeff}',
  name: 'Wi-Fi',
  deviceName: 'Intel(R) Wi-Fi 6 AX201 160MHz',
  status: 5, // NCS_HARDWARE_DISABLED
  mediaType: 3,
  characteristics: 0x1 | 0x8 | 0x10000 | 0x40000 | 0x300000, // hosted-network, wifi-direct, LAN sub-field 3
};

export const vpn: FakeConnection = {
  id: '{3C2B1A09-8F7E-4D6C-B5A4-93827160FEDC}',
  name: 'Bureau VPN — 東京 🚀 مكتب',
  deviceName: 'WAN Miniport (IKEv2)',
  status: 0, // NCS_DISCONNECTED
  mediaType: 5, // NCM_TUNNEL
  characteristics: 0x4 | 0x40, // allow-removal, outgoing-only
};

export const machine = [ethernet, ethernet2, disabledWifi, vpn];
