// Every Windows architecture netcon ships a prebuild for, by node-gyp-build's folder name
// (prebuilds/win32-<arch>/), with what cross-builds it on Linux and the PE machine type
// the result must carry. The build and the tests that inspect the binaries share it.
export const TARGETS = {
  x64: {
    toolchain: 'mingw-w64-x86_64.cmake',
    compiler: 'x86_64-w64-mingw32-g++-posix',
    from: "Debian's g++-mingw-w64-x86-64-posix package",
    machine: 0x8664,
  },
  ia32: {
    toolchain: 'mingw-w64-i686.cmake',
    compiler: 'i686-w64-mingw32-g++-posix',
    from: "Debian's g++-mingw-w64-i686-posix package",
    machine: 0x14c,
  },
};

export const prebuildPath = (root, arch) => `${root}/prebuilds/win32-${arch}/netcon.napi.node`;
