// Every Windows function a netcon binary imports, with the first Windows that has it, so that a
// test can hold each binary to the oldest Windows it promises (docs/platforms.md). A binary
// that imports a function its Windows lacks does not load there at all ("The specified
// procedure could not be found"), whatever the code path, so the floor is a property of the
// import table, not of the code that runs.
// A new import needs a row here: its DLL, its first Windows and where that was read.

// Oldest first. 'xp' stands for XP or earlier (Microsoft Learn says "Windows 2000" for some).
export const WINDOWS_VERSIONS = ['xp', 'vista', '7', '8', '8.1', '10'] as const;
export type WindowsVersion = (typeof WINDOWS_VERSIONS)[number];

export const isNewer = (version: WindowsVersion, than: WindowsVersion) =>
  WINDOWS_VERSIONS.indexOf(version) > WINDOWS_VERSIONS.indexOf(than);

// The oldest Windows each binary must load on, by scripts/targets.mjs's names. x64 and ia32:
// Windows 7 SP1, the oldest Windows any Node-API runtime we support starts on. arm64: Windows
// 10, the first Windows on ARM64 that runs Node. zig-x64 is the test-only x64 twin of the
// arm64 toolchain, so it has arm64's imports and is held to arm64's floor.
export const WINDOWS_FLOOR: Record<string, WindowsVersion> = { x64: '7', ia32: '7', arm64: '10', 'zig-x64': '10' };

export const SOURCES = {
  learn: 'Microsoft Learn: the function\'s "Minimum supported client"',
  'yy-thunks': "Chuyu-Team/YY-Thunks, which provides it on older Windows: the Windows named on its thunk (src/Thunks/*.hpp)",
  'msvcrt.def': "mingw-w64's mingw-w64-crt/lib-common/msvcrt.def.in: the section for the Windows whose msvcrt.dll added it",
  'x64-unwind':
    'the x64 exception-handling runtime, in kernel32 of every x64 Windows (XP x64 on) and of ARM64 Windows; Learn names no minimum',
} as const;
export type Source = keyof typeof SOURCES;

export interface WindowsImport {
  dll: string;
  name: string;
  since: WindowsVersion;
  source: Source;
  note?: string;
}

const rows = (dll: string, since: WindowsVersion, source: Source, names: string[], note?: string): WindowsImport[] =>
  names.map((name) => ({ dll, name, since, source, ...(note && { note }) }));

export const WINDOWS_IMPORTS: WindowsImport[] = [
  ...rows('kernel32.dll', 'xp', 'learn', [
    'AddVectoredExceptionHandler',
    'CloseHandle',
    'CreateEventA',
    'CreateEventW',
    'CreateSemaphoreA',
    'CreateThread',
    'CreateTimerQueueTimer',
    'DeleteCriticalSection',
    'DeleteTimerQueueTimer',
    'DuplicateHandle',
    'EnterCriticalSection',
    'ExpandEnvironmentStringsW',
    'FormatMessageW',
    'FreeLibrary',
    'GetCurrentProcess',
    'GetCurrentProcessId',
    'GetCurrentThread',
    'GetCurrentThreadId',
    'GetFileAttributesW',
    'GetHandleInformation',
    'GetLastError',
    'GetModuleFileNameW',
    'GetModuleHandleA',
    'GetModuleHandleW',
    'GetProcAddress',
    'GetProcessAffinityMask',
    'GetSystemDirectoryW',
    'GetSystemTimeAsFileTime',
    'GetThreadContext',
    'GetThreadPriority',
    'InitializeCriticalSection',
    'IsDBCSLeadByteEx',
    'IsDebuggerPresent',
    'LeaveCriticalSection',
    'LoadLibraryA',
    'LoadLibraryExW',
    'LoadLibraryW',
    'LocalAlloc',
    'LocalFree',
    'MultiByteToWideChar',
    'OpenProcess',
    'OutputDebugStringA',
    'QueryPerformanceCounter',
    'QueryPerformanceFrequency',
    'QueueUserWorkItem',
    'RaiseException',
    'RegisterWaitForSingleObject',
    'ReleaseSemaphore',
    'RemoveVectoredExceptionHandler',
    'ResetEvent',
    'ResumeThread',
    'RtlCaptureContext',
    'SetEvent',
    'SetLastError',
    'SetProcessAffinityMask',
    'SetThreadContext',
    'SetThreadPriority',
    'Sleep',
    'SuspendThread',
    'SwitchToThread',
    'TlsAlloc',
    'TlsGetValue',
    'TlsSetValue',
    'TryEnterCriticalSection',
    'UnregisterWaitEx',
    'VirtualProtect',
    'VirtualQuery',
    'WaitForMultipleObjects',
    'WaitForSingleObject',
    'WaitForSingleObjectEx',
    'WideCharToMultiByte',
  ]),
  ...rows('kernel32.dll', 'xp', 'yy-thunks', ['GetModuleHandleExW', 'GetNativeSystemInfo']),
  ...rows(
    'kernel32.dll',
    'vista',
    'yy-thunks',
    ['GetTickCount64'],
    'from the static winpthreads (misc.o), which libstdc++ of the -posix compilers needs',
  ),
  ...rows('kernel32.dll', 'vista', 'yy-thunks', [
    'AcquireSRWLockExclusive',
    'AcquireSRWLockShared',
    'FlsAlloc',
    'FlsGetValue',
    'FlsSetValue',
    'GetThreadId',
    'InitOnceExecuteOnce',
    'ReleaseSRWLockExclusive',
    'ReleaseSRWLockShared',
    'SleepConditionVariableSRW',
    'WakeAllConditionVariable',
    'WakeConditionVariable',
  ]),
  ...rows('kernel32.dll', '7', 'yy-thunks', ['TryAcquireSRWLockExclusive']),
  ...rows('kernel32.dll', '8', 'yy-thunks', ['GetSystemTimePreciseAsFileTime'], "Zig's libc++ (the arm64 build and its x64 twin)"),
  ...rows(
    'kernel32.dll',
    '10',
    'learn',
    ['IsWow64Process2'],
    'Windows 10 1709: reach it through GetProcAddress only; an import would stop x64/ia32 loading before Windows 10',
  ),
  ...rows('kernel32.dll', 'xp', 'x64-unwind', [
    'RtlLookupFunctionEntry',
    'RtlRestoreContext',
    'RtlUnwindEx',
    'RtlVirtualUnwind',
    '__C_specific_handler',
  ]),

  ...rows('ole32.dll', 'xp', 'learn', [
    'CLSIDFromProgID',
    'CoCancelCall',
    'CoCreateInstance',
    'CoDisableCallCancellation',
    'CoEnableCallCancellation',
    'CoInitializeEx',
    'CoInitializeSecurity',
    'CoTaskMemFree',
    'CoUninitialize',
    'IIDFromString',
    'StringFromGUID2',
  ]),
  ...rows('ole32.dll', '7', 'yy-thunks', ['CoGetApartmentType']),

  // Change notifications for watch() (native/notify.cc).
  ...rows('iphlpapi.dll', 'vista', 'learn', ['CancelMibChangeNotify2', 'NotifyIpInterfaceChange']),
  ...rows('rasapi32.dll', 'xp', 'learn', ['RasConnectionNotificationW']),
  // Each connection's addresses and default routes for listConnections({ details: true }) (native/adapters.cc).
  ...rows('iphlpapi.dll', 'xp', 'learn', ['GetAdaptersAddresses']),
  ...rows('iphlpapi.dll', 'vista', 'learn', ['FreeMibTable', 'GetIpForwardTable2']),

  ...rows('oleaut32.dll', 'xp', 'learn', ['SysAllocStringLen', 'SysFreeString', 'SysStringLen', 'VariantClear', 'VariantInit']),

  // For `netcon doctor`: the registry, the Network Connections service, the process's token.
  ...rows('advapi32.dll', 'xp', 'learn', [
    'CloseServiceHandle',
    'GetTokenInformation',
    'OpenProcessToken',
    'OpenSCManagerW',
    'OpenServiceW',
    'QueryServiceConfigW',
    'QueryServiceStatusEx',
    'RegCloseKey',
    'RegOpenKeyExW',
    'RegQueryValueExW',
  ]),
  ...rows('kernel32.dll', 'xp', 'learn', ['IsWow64Process'], 'XP SP2; `netcon doctor` in a 32-bit process (64-bit builds drop the call)'),
  // For initializeComSecurity(): the security descriptor CoInitializeSecurity is given.
  ...rows('advapi32.dll', 'xp', 'learn', [
    'AddAccessAllowedAce',
    'CopySid',
    'CreateWellKnownSid',
    'GetLengthSid',
    'InitializeAcl',
    'InitializeSecurityDescriptor',
    'SetSecurityDescriptorDacl',
    'SetSecurityDescriptorGroup',
    'SetSecurityDescriptorOwner',
  ]),

  // Windows's own C runtime, which mingw-w64 links against (not the Visual C++ redistributable).
  ...rows('msvcrt.dll', 'xp', 'msvcrt.def', [
    '__mb_cur_max',
    '_amsg_exit',
    '_beginthreadex',
    '_close',
    '_endthreadex',
    '_errno',
    '_initterm',
    '_iob',
    '_lock',
    '_read',
    '_setjmp',
    '_setjmp3',
    '_strdup',
    '_stricmp',
    '_ultoa',
    '_unlock',
    '_wcsicmp',
    'abort',
    'atoi',
    'calloc',
    'exit',
    'fflush',
    'fprintf',
    'fputc',
    'fputs',
    'fputwc',
    'free',
    'fwprintf',
    'fwrite',
    'islower',
    'isspace',
    'isupper',
    'iswctype',
    'isxdigit',
    'localeconv',
    'longjmp',
    'malloc',
    'memchr',
    'memcmp',
    'memcpy',
    'memmove',
    'memset',
    'printf',
    'realloc',
    'setlocale',
    'signal',
    'strchr',
    'strcmp',
    'strerror',
    'strlen',
    'strncmp',
    'strtol',
    'strtoul',
    'vfprintf',
    'wcslen',
    'wcstol',
    'wcstoul',
  ]),
  ...rows(
    'msvcrt.dll',
    'xp',
    'msvcrt.def',
    ['___lc_codepage_func', '___mb_cur_max_func', '__iob_func', '_aligned_free', '_aligned_malloc'],
    "added in Windows XP's msvcrt.dll",
  ),
];
