import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The e2e files of tools that run their own Node and the repository's build: the bench, the demo.
const TOOLS = ['test/e2e/bench-runs-and-reports-every-section.test.ts', 'test/e2e/demo-shows-the-cli-against-the-test-server.test.ts'];
const source = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        // examples/*.test.mjs are the README's example of a user's own tests; they import
        // 'netcon' and 'netcon/testing' by name, which here means the sources.
        resolve: {
          alias: [
            { find: /^netcon$/, replacement: source('index.ts') },
            { find: /^netcon\/testing$/, replacement: source('testing.ts') },
          ],
        },
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'examples/**/*.test.mjs'] },
      },
      // Checks the prebuilt binaries (npm test builds them first; Linux only, where they are made).
      { test: { name: 'package', include: ['test/package/**/*.test.ts'] } },
      {
        test: {
          // Windows node.exe under Wine on Linux; natively on Windows (the CI workflow).
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude:
            process.platform === 'win32'
              ? [
                  // Both need what only the Linux build makes: the Zig test binary, and npm
                  // pack on Linux. On Windows the workflow's jobs install the packed tarball
                  // themselves and run this suite against it (NETCON_E2E_PACKAGE).
                  'test/e2e/installs-the-packed-tarball.test.ts',
                  'test/e2e/zig-built-addon-loads-in-any-host-exe.test.ts',
                  // util-linux's script(1) makes the pseudo-terminal; Windows has none of it.
                  'test/e2e/cli-in-a-terminal.test.ts',
                  // npm run prove's logic with Wine's stand-ins for PowerShell, devcon and runas:
                  // the workflow runs npm run prove itself, against Windows.
                  'test/e2e/proves-the-seed-operation-with-windows-commands-standing-in.test.ts',
                  // The workflow's jobs that test an installed package in a node.exe of their
                  // own: the bench and the demo run the repository's build in vitest's x64 Node
                  // (and the bench an x64 program against the fake), whatever the job tests;
                  // the job that builds from source runs them.
                  ...(process.env.NETCON_E2E_PACKAGE ? TOOLS : []),
                ]
              : [
                  // Windows-only: what Wine cannot do (its file says what the suite checks instead).
                  'test/e2e/**/*.windows.test.ts',
                  // npm test's Node 16 and 32-bit passes (NETCON_E2E_NODE, NETCON_E2E_ARCH:
                  // wine/environment.ts) leave out the tools that run their own x64 Node 20
                  // whatever the pass: the bench and the demo.
                  ...(process.env.NETCON_E2E_NODE || process.env.NETCON_E2E_ARCH ? TOOLS : []),
                  // The Zig-built test addon is an x64 binary: a 32-bit or ARM64 node.exe cannot load it.
                  ...(process.env.NETCON_E2E_ARCH && process.env.NETCON_E2E_ARCH !== 'x64' ? ['test/e2e/zig-built-addon-loads-in-any-host-exe.test.ts'] : []),
                  // npm test on Linux runs these once the Zig builds it started have finished
                  // (NETCON_ZIG_PENDING): they need the arm64 prebuild or the zig-x64 test build.
                  ...(process.env.NETCON_ZIG_PENDING
                    ? ['test/e2e/zig-built-addon-loads-in-any-host-exe.test.ts', 'test/e2e/installs-the-packed-tarball.test.ts']
                    : []),
                ],
          // Builds the fake COM server, fetches Windows node.exe and boots the Wine prefixes.
          globalSetup: ['wine/setup.ts'],
          // Each test starts Windows node.exe under Wine: about a second, more on a busy machine.
          testTimeout: 120_000,
          // Mostly waiting (Wine starting, scripted delays and hangs): two files at once even on
          // the 2-core machines where vitest would run one (availableParallelism() - 1). Vitest
          // wants a project with its own maxWorkers in a group of its own: after the others.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
