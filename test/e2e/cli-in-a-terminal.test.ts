import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netconBin, nodeExe, suiteNode, windowsPath, wineEnv, wineLoader, workDir } from '../../wine/environment';
import { ethernet } from '../../wine/connections';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fake = require('../../wine/fake-config.cjs') as { configText(setup: object): string };

// The CLI as a person sees it: Windows node.exe under Wine in a pseudo-terminal (util-linux
// `script`), where Wine gives node.exe a console and --wait draws its spinner.
describe('netcon disconnect --wait in a terminal', () => {
  it('draws a spinner with the elapsed time on stderr, then clears it and prints the result', () => {
    mkdirSync(join(workDir, 'runs'), { recursive: true });
    const dir = mkdtempSync(join(workDir, 'runs', 'pty-'));
    const config = join(dir, 'config.txt');
    const transcript = join(dir, 'transcript.txt');
    writeFileSync(config, fake.configText({ connections: [ethernet], settle: { Disconnect: 1200 } }));
    const cli = windowsPath(netconBin());
    const command = `${wineLoader().map((word) => `'${word}'`).join(' ')} '${nodeExe(suiteNode)}' '${cli}' disconnect Ethernet --wait`;
    execFileSync('script', ['-q', '-e', '-c', command, transcript], {
      env: wineEnv('hnetshare', { NETCON_FAKE_CONFIG: windowsPath(config) }),
      stdio: 'ignore',
      timeout: 60_000,
    });
    const text = readFileSync(transcript, 'utf8');
    console.log(`terminal transcript (escape sequences shown as \\e):\n${text.replace(/\x1b/g, '\\e')}`);
    expect(text).toMatch(/⠋ Disconnecting "Ethernet"… 0\.0 s/);
    expect(text).toMatch(/Disconnecting "Ethernet"… 1\.\d s/);
    expect(text).toMatch(/\r\x1b\[K(\x1b\[\?25[hl])*Disconnected "Ethernet": disconnected after 1\.\d s\./);
    expect(text).toMatch(/COMMAND_EXIT_CODE="0"/);
  });
});
