#include "diagnose.h"

#include <objbase.h>

#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

namespace {

struct KeyCloser {
  void operator()(HKEY key) const { RegCloseKey(key); }
};
using Key = std::unique_ptr<std::remove_pointer_t<HKEY>, KeyCloser>;

struct ServiceCloser {
  void operator()(SC_HANDLE handle) const { CloseServiceHandle(handle); }
};
using Service = std::unique_ptr<std::remove_pointer_t<SC_HANDLE>, ServiceCloser>;

struct HandleCloser {
  void operator()(HANDLE handle) const { CloseHandle(handle); }
};
using Handle = std::unique_ptr<std::remove_pointer_t<HANDLE>, HandleCloser>;

const wchar_t* ArchName(USHORT machine) {
  switch (machine) {
    case IMAGE_FILE_MACHINE_AMD64:
      return L"x64";
    case IMAGE_FILE_MACHINE_I386:
      return L"ia32";
    case 0xAA64:  // IMAGE_FILE_MACHINE_ARM64, absent from older SDK headers
      return L"arm64";
    default:
      return L"unknown";
  }
}

void ReadWindowsVersion(Diagnosis& d) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
  auto getVersion = reinterpret_cast<RtlGetVersionFn>(reinterpret_cast<void*>(GetProcAddress(ntdll, "RtlGetVersion")));
  OSVERSIONINFOW info = {};
  info.dwOSVersionInfoSize = sizeof(info);
  if (getVersion && getVersion(&info) == 0) {
    d.windowsMajor = info.dwMajorVersion;
    d.windowsMinor = info.dwMinorVersion;
    d.windowsBuild = info.dwBuildNumber;
    d.servicePack = info.szCSDVersion;
  }
  using WineVersionFn = const char*(CDECL*)();
  auto wine = reinterpret_cast<WineVersionFn>(reinterpret_cast<void*>(GetProcAddress(ntdll, "wine_get_version")));
  if (wine) {
    const char* version = wine();
    d.wineVersion.assign(version, version + strlen(version));
  }
}

// IsWow64Process2 (Windows 10 1511+) tells an x64 process emulated on ARM64 the truth, which
// GetNativeSystemInfo does not; it is looked up so that Windows 7 can load the addon.
void ReadOsArch(Diagnosis& d) {
  using IsWow64Process2Fn = BOOL(WINAPI*)(HANDLE, USHORT*, USHORT*);
  auto isWow64Process2 = reinterpret_cast<IsWow64Process2Fn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"kernel32.dll"), "IsWow64Process2")));
  USHORT process = 0, native = 0;
  if (isWow64Process2 && isWow64Process2(GetCurrentProcess(), &process, &native)) {
    d.osArch = ArchName(native);
    return;
  }
  SYSTEM_INFO info;
  GetNativeSystemInfo(&info);
  switch (info.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
      d.osArch = L"x64";
      break;
    case PROCESSOR_ARCHITECTURE_INTEL:
      d.osArch = L"ia32";
      break;
    case 12:  // PROCESSOR_ARCHITECTURE_ARM64
      d.osArch = L"arm64";
      break;
    default:
      d.osArch = L"unknown";
  }
}

std::wstring ModulePath(HMODULE module) {
  std::vector<wchar_t> buffer(MAX_PATH);
  for (;;) {
    DWORD length = GetModuleFileNameW(module, buffer.data(), static_cast<DWORD>(buffer.size()));
    if (length == 0) return std::wstring();
    if (length < buffer.size()) return std::wstring(buffer.data(), length);
    buffer.resize(buffer.size() * 2);
  }
}

// A string value (REG_SZ or REG_EXPAND_SZ, expanded); `error` is the registry's answer.
std::wstring QueryString(HKEY key, const wchar_t* name, LONG& error) {
  DWORD type = 0, bytes = 0;
  error = RegQueryValueExW(key, name, nullptr, &type, nullptr, &bytes);
  if (error != ERROR_SUCCESS) return std::wstring();
  if (type != REG_SZ && type != REG_EXPAND_SZ) {
    error = ERROR_INVALID_DATA;
    return std::wstring();
  }
  std::vector<wchar_t> value(bytes / sizeof(wchar_t) + 1, L'\0');
  error = RegQueryValueExW(key, name, nullptr, &type, reinterpret_cast<BYTE*>(value.data()), &bytes);
  if (error != ERROR_SUCCESS) return std::wstring();
  std::wstring text(value.data());
  if (type != REG_EXPAND_SZ) return text;
  DWORD needed = ExpandEnvironmentStringsW(text.c_str(), nullptr, 0);
  std::vector<wchar_t> expanded(needed + 1, L'\0');
  if (needed == 0 || ExpandEnvironmentStringsW(text.c_str(), expanded.data(), needed) == 0) return text;
  return std::wstring(expanded.data());
}

// Registered server paths are often quoted; the file check wants the bare path.
std::wstring Unquoted(const std::wstring& path) {
  if (path.size() >= 2 && path.front() == L'"') {
    size_t end = path.find(L'"', 1);
    if (end != std::wstring::npos) return path.substr(1, end - 1);
  }
  return path;
}

void ReadRegistration(Diagnosis& d, const std::wstring& progId) {
  CLSID clsid;
  d.clsidHr = ResolveClsid(progId, &clsid);
  if (FAILED(d.clsidHr)) return;
  d.clsid = GuidText(clsid);
  if (d.clsid.empty()) return;
  d.serverError = ERROR_FILE_NOT_FOUND;
  for (const wchar_t* kind : {L"InprocServer32", L"LocalServer32"}) {
    std::wstring path = L"CLSID\\" + d.clsid + L"\\" + kind;
    HKEY raw = nullptr;
    LONG opened = RegOpenKeyExW(HKEY_CLASSES_ROOT, path.c_str(), 0, KEY_QUERY_VALUE, &raw);
    if (opened == ERROR_FILE_NOT_FOUND) continue;
    d.serverError = opened;
    if (opened != ERROR_SUCCESS) return;
    Key key(raw);
    d.serverKind = kind;
    d.serverPath = QueryString(key.get(), nullptr, d.serverError);
    if (d.serverError != ERROR_SUCCESS) return;
    LONG modelError;
    d.threadingModel = QueryString(key.get(), L"ThreadingModel", modelError);
    std::wstring file = Unquoted(d.serverPath);
    // A bare DLL name is found along the DLL search path, as CoCreateInstance finds it.
    d.serverFileExists = file.find(L'\\') == std::wstring::npos || GetFileAttributesW(file.c_str()) != INVALID_FILE_ATTRIBUTES;
    return;
  }
}

// Under WoW64 a 32-bit and a 64-bit process see their own HKCR\CLSID (and on Wine their own
// ProgIDs): a class registered for the other kind of process only is "not registered" here.
void ReadOtherView(Diagnosis& d, const std::wstring& progId) {
  bool is64 = sizeof(void*) == 8;
  BOOL wow64 = FALSE;
  if (!is64 && (!IsWow64Process(GetCurrentProcess(), &wow64) || !wow64)) return;  // 32-bit Windows has one view
  REGSAM view = is64 ? KEY_WOW64_32KEY : KEY_WOW64_64KEY;
  std::wstring clsid = d.clsid;
  LONG error;
  if (FAILED(d.clsidHr)) {
    HKEY raw = nullptr;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, (progId + L"\\CLSID").c_str(), 0, KEY_QUERY_VALUE | view, &raw) != ERROR_SUCCESS) return;
    Key key(raw);
    clsid = QueryString(key.get(), nullptr, error);
    if (error != ERROR_SUCCESS) return;
  }
  for (const wchar_t* kind : {L"InprocServer32", L"LocalServer32"}) {
    HKEY raw = nullptr;
    if (RegOpenKeyExW(HKEY_CLASSES_ROOT, (L"CLSID\\" + clsid + L"\\" + kind).c_str(), 0, KEY_QUERY_VALUE | view, &raw) != ERROR_SUCCESS)
      continue;
    Key key(raw);
    std::wstring path = QueryString(key.get(), nullptr, error);
    if (error != ERROR_SUCCESS) continue;
    d.otherView = is64 ? L"32-bit" : L"64-bit";
    d.otherViewServerPath = path;
    return;
  }
}

void ReadService(Diagnosis& d) {
  Service manager(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (!manager) {
    d.serviceError = GetLastError();
    return;
  }
  Service service(OpenServiceW(manager.get(), L"Netman", SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG));
  if (!service) {
    d.serviceError = GetLastError();
    return;
  }
  SERVICE_STATUS_PROCESS status = {};
  DWORD needed = 0;
  if (!QueryServiceStatusEx(service.get(), SC_STATUS_PROCESS_INFO, reinterpret_cast<BYTE*>(&status), sizeof(status), &needed)) {
    d.serviceError = GetLastError();
    return;
  }
  d.serviceState = status.dwCurrentState;
  QueryServiceConfigW(service.get(), nullptr, 0, &needed);
  std::vector<BYTE> config(needed);
  if (needed == 0 || !QueryServiceConfigW(service.get(), reinterpret_cast<QUERY_SERVICE_CONFIGW*>(config.data()), needed, &needed)) {
    d.serviceError = GetLastError();
    return;
  }
  d.serviceStartType = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(config.data())->dwStartType;
}

void ReadElevation(Diagnosis& d) {
  HANDLE raw = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &raw)) {
    d.elevationError = GetLastError();
    return;
  }
  Handle token(raw);
  TOKEN_ELEVATION elevation = {};
  DWORD size = 0;
  if (!GetTokenInformation(token.get(), TokenElevation, &elevation, sizeof(elevation), &size)) {
    d.elevationError = GetLastError();
    return;
  }
  d.elevated = elevation.TokenIsElevated != 0;
}

}  // namespace

Diagnosis Diagnose(const std::wstring& progId) {
  Diagnosis d;
  ReadWindowsVersion(d);
  ReadOsArch(d);
  d.hostExe = ModulePath(nullptr);
  HMODULE self = nullptr;
  if (GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                         reinterpret_cast<LPCWSTR>(&Diagnose), &self)) {
    d.addonPath = ModulePath(self);
  }
  ReadRegistration(d, progId);
  if (FAILED(d.clsidHr) || d.serverError == ERROR_FILE_NOT_FOUND) ReadOtherView(d, progId);
  ReadService(d);
  ReadElevation(d);
  return d;
}

ApartmentInfo CurrentApartment() {
  ApartmentInfo info;
  APTTYPE type;
  APTTYPEQUALIFIER qualifier;
  info.hr = CoGetApartmentType(&type, &qualifier);
  if (SUCCEEDED(info.hr)) {
    info.type = type;
    info.qualifier = qualifier;
  }
  return info;
}

const wchar_t* BinaryArch() {
#if defined(_M_ARM64) || defined(__aarch64__)
  return L"arm64";
#elif defined(_M_X64) || defined(__x86_64__)
  return L"x64";
#else
  return L"ia32";
#endif
}
