import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo, setUpDemo } from '../../scripts/demo-under-wine';

// Keeps `npm run demo` honest: its own setup (a new prefix with the fake under its own ProgID)
// and its commands, everything but installing Debian packages. The transcript is checked here
// on its own, not only through the demo's verdict.
describe('npm run demo (the netcon CLI in Windows node.exe under Wine, against the test server)', () => {
  let removePrefix: () => void = () => {};
  beforeAll(() => {
    removePrefix = setUpDemo();
  });
  afterAll(() => removePrefix());

  it('lists the connections, disconnects and connects one, shows access denied with exit code 5, then shares, renames and unshares', async () => {
    let transcript = '';
    const ok = await runDemo((text) => (transcript += text));
    console.log(transcript);
    const lines = transcript.split('\n');
    const after = (command: string) => lines.slice(lines.indexOf(`> ${command}`) + 1);

    const list = after('netcon list');
    expect(list[0]).toMatch(/^NAME\s+STATUS\s+TYPE\s+DEVICE\s+GUID$/);
    expect(list.slice(1, 4)).toEqual([
      expect.stringMatching(/^Ethernet\s+connected\s+lan\s+Intel\(R\) Ethernet Connection \(7\) I219-V\s+\{6B0C3F2A-/),
      expect.stringMatching(/^Wi-Fi\s+connected\s+lan\s+Intel\(R\) Wi-Fi 6 AX201 160MHz\s+\{A1B2C3D4-/),
      expect.stringMatching(/^Office VPN\s+connected\s+tunnel\s+WAN Miniport \(IKEv2\)\s+\{3C2B1A09-/),
    ]);
    expect(list[4]).toBe('[exit code 0]');

    expect(after('netcon disconnect "Office VPN" --wait').slice(0, 2)).toEqual([expect.stringMatching(/^Disconnected "Office VPN": disconnected after \d\.\d s\.$/), '[exit code 0]']);
    expect(after('netcon connect "Office VPN" --wait').slice(0, 2)).toEqual([expect.stringMatching(/^Connected "Office VPN": connected after \d\.\d s\.$/), '[exit code 0]']);
    expect(after('netcon disconnect Ethernet').slice(0, 2)).toEqual([
      expect.stringMatching(/^netcon: E_ACCESSDENIED: Disconnect "Ethernet" failed: E_ACCESSDENIED \(0x80070005\) /),
      '[exit code 5]',
    ]);

    const sharing = after('netcon sharing');
    expect(sharing.slice(0, 5)).toEqual([
      expect.stringMatching(/^NAME\s+SHARING\s+GUID$/),
      expect.stringMatching(/^Ethernet\s+public\s+\{6B0C3F2A-/),
      expect.stringMatching(/^Wi-Fi\s+private\s+\{A1B2C3D4-/),
      expect.stringMatching(/^Office VPN\s+-\s+\{3C2B1A09-/),
      '[exit code 0]',
    ]);
    expect(after('netcon share "Office VPN" Wi-Fi').slice(0, 3)).toEqual([
      'Sharing is off on "Ethernet" (it was public).',
      'Shared "Office VPN" (public) to "Wi-Fi" (private).',
      '[exit code 0]',
    ]);
    expect(after('netcon share Ethernet Wi-Fi').slice(0, 2)).toEqual([
      expect.stringMatching(/^netcon: EVENT_E_ALL_SUBSCRIBERS_FAILED: Share "Ethernet" to "Wi-Fi" \(step enable-public\) failed: .* put back\.$/),
      '[exit code 1]',
    ]);
    expect(after('netcon rename "Office VPN" "Tokyo VPN"').slice(0, 2)).toEqual(['Renamed "Office VPN" to "Tokyo VPN".', '[exit code 0]']);
    expect(after('netcon unshare').slice(0, 3)).toEqual(['Sharing is off on "Wi-Fi".', 'Sharing is off on "Tokyo VPN".', '[exit code 0]']);

    expect(transcript).not.toContain('NOT AS EXPECTED');
    expect(ok).toBe(true);
  });
});
