// Test-only addon: leaves threads in COM apartments as other code in a host process would
// (Electron's main thread is an OLE STA; another addon may leave libuv pool threads in an
// STA), so the e2e suite can check that netcon works there. It never uninitialises what it
// initialises: the point is to leave the threads that way, as that other code would.
#include <windows.h>
#include <objbase.h>
#include <ole2.h>
#include <sddl.h>
#include <delayimp.h>

// Every Node-API function is resolved at run time from the executable that loaded us
// (node.exe or a renamed host), so no import library or delay-load hook is needed and
// MSVC and mingw-w64 build it alike. NAPI_EXTERN is emptied so the header only declares.
#define NAPI_EXTERN
#include <node_api.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "raw-lists.h"

namespace {

template <typename F>
F Resolve(HMODULE module, const char* name) {
  FARPROC p = GetProcAddress(module, name);
  F f;
  static_assert(sizeof(f) == sizeof(p), "function pointers have one size");
  memcpy(&f, &p, sizeof(f));  // FARPROC to the real signature, without a cast warning
  return f;
}
// NAPI(napi_x)(args...) calls the host's napi_x; each name is looked up once.
#define NAPI(name)                                                                 \
  ([] {                                                                            \
    static const auto f = Resolve<decltype(&name)>(GetModuleHandleW(nullptr), #name); \
    return f;                                                                      \
  }())

napi_value Number(napi_env env, double value) {
  napi_value out = nullptr;
  NAPI(napi_create_double)(env, value, &out);
  return out;
}

napi_value Hresult(napi_env env, HRESULT hr) { return Number(env, static_cast<uint32_t>(hr)); }

void SetNamed(napi_env env, napi_value object, const char* name, napi_value value) {
  NAPI(napi_set_named_property)(env, object, name, value);
}

napi_value String(napi_env env, const char* text) {
  napi_value out = nullptr;
  NAPI(napi_create_string_utf8)(env, text, NAPI_AUTO_LENGTH, &out);
  return out;
}

// A thread that never initialised COM counts as in the MTA while any thread of the process
// is in it ("implicit MTA"): that is not a join, and is told apart.
const char* ApartmentName(HRESULT hr, APTTYPE type, APTTYPEQUALIFIER qualifier) {
  if (hr == CO_E_NOTINITIALIZED) return "none";
  if (FAILED(hr)) return "error";
  switch (type) {
    case APTTYPE_STA: return "sta";
    case APTTYPE_MAINSTA: return "main-sta";
    case APTTYPE_MTA: return qualifier == APTTYPEQUALIFIER_IMPLICIT_MTA ? "implicit-mta" : "mta";
    case APTTYPE_NA: return "na";
    default: return "other";
  }
}

// The calling thread's apartment as { hresult, apartment }: hresult is CoGetApartmentType's.
napi_value ApartmentOfThisThread(napi_env env) {
  APTTYPE type = APTTYPE_CURRENT;
  APTTYPEQUALIFIER qualifier = APTTYPEQUALIFIER_NONE;
  HRESULT hr = CoGetApartmentType(&type, &qualifier);
  napi_value out = nullptr;
  NAPI(napi_create_object)(env, &out);
  SetNamed(env, out, "hresult", Hresult(env, hr));
  SetNamed(env, out, "apartment", String(env, ApartmentName(hr, type, qualifier)));
  return out;
}

napi_value EnterSta(napi_env env, napi_callback_info) {
  return Hresult(env, CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED));
}

napi_value OleInit(napi_env env, napi_callback_info) { return Hresult(env, OleInitialize(nullptr)); }

napi_value CurrentApartment(napi_env env, napi_callback_info) { return ApartmentOfThisThread(env); }

// Wine's GetProcessHandleCount is a stub that answers 0, which no real process can have; the
// system handle table (NtQuerySystemInformation's SystemHandleInformation, which Wine does
// keep) counts the same thing there.
ULONG HandlesInSystemTable() {
  using Query = LONG(WINAPI*)(ULONG, void*, ULONG, ULONG*);
  auto query = Resolve<Query>(GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation");
  if (!query) return 0;
  struct Entry {  // SYSTEM_HANDLE_TABLE_ENTRY_INFO
    USHORT pid;   // the owner's process id, only its low 16 bits in this table
    USHORT backTraceIndex;
    UCHAR type;
    UCHAR attributes;
    USHORT handle;
    void* object;
    ULONG access;
  };
  struct Table {  // SYSTEM_HANDLE_INFORMATION
    ULONG count;
    Entry entries[1];
  };
  constexpr ULONG kSystemHandleInformation = 16;
  constexpr LONG kInfoLengthMismatch = static_cast<LONG>(0xC0000004);
  std::vector<unsigned char> buffer(1 << 16);
  LONG status;
  ULONG needed = 0;
  while ((status = query(kSystemHandleInformation, buffer.data(), static_cast<ULONG>(buffer.size()), &needed)) ==
         kInfoLengthMismatch)
    buffer.resize(buffer.size() * 2 > needed ? buffer.size() * 2 : needed + 4096);
  if (status < 0) return 0;
  const auto* table = reinterpret_cast<const Table*>(buffer.data());
  USHORT self = static_cast<USHORT>(GetCurrentProcessId());
  ULONG count = 0;
  for (ULONG i = 0; i < table->count; ++i) count += table->entries[i].pid == self;
  return count;
}

// GetProcessHandleCount: the handles this process has open, for leak checks over many calls.
napi_value HandleCount(napi_env env, napi_callback_info) {
  DWORD count = 0;
  if (!GetProcessHandleCount(GetCurrentProcess(), &count)) count = 0;
  if (count == 0) count = HandlesInSystemTable();
  return Number(env, count);
}

// n async works that each hold their pool thread until all n have started: so n works land
// on n different threads, and with n = UV_THREADPOOL_SIZE every pool thread gets one.
struct PoolVisit {
  bool enterSta = false;
  uint32_t n = 0;
  napi_deferred deferred = nullptr;
  std::mutex mutex;
  std::condition_variable allArrived;
  uint32_t arrived = 0;
  uint32_t completed = 0;
  struct Slot {
    PoolVisit* visit;
    napi_async_work work = nullptr;
    DWORD threadId = 0;
    HRESULT initHr = S_OK;  // CoInitializeEx's answer, when entering an STA
    HRESULT typeHr = S_OK;
    APTTYPE type = APTTYPE_CURRENT;
    APTTYPEQUALIFIER qualifier = APTTYPEQUALIFIER_NONE;
    bool metTheOthers = false;
  };
  std::vector<Slot> slots;
};

void VisitPoolThread(napi_env, void* data) {
  auto* slot = static_cast<PoolVisit::Slot*>(data);
  PoolVisit& visit = *slot->visit;
  slot->threadId = GetCurrentThreadId();
  if (visit.enterSta) slot->initHr = CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED);
  slot->typeHr = CoGetApartmentType(&slot->type, &slot->qualifier);
  std::unique_lock<std::mutex> lock(visit.mutex);
  ++visit.arrived;
  visit.allArrived.notify_all();
  // Bounded, so a pool smaller than n reports metTheOthers: false instead of hanging.
  slot->metTheOthers =
      visit.allArrived.wait_for(lock, std::chrono::seconds(20), [&] { return visit.arrived >= visit.n; });
}

void PoolThreadVisited(napi_env env, napi_status, void* data) {
  auto* slot = static_cast<PoolVisit::Slot*>(data);
  PoolVisit* visit = slot->visit;
  NAPI(napi_delete_async_work)(env, slot->work);
  if (++visit->completed < visit->n) return;
  napi_value threads = nullptr;
  NAPI(napi_create_array_with_length)(env, visit->n, &threads);
  for (uint32_t i = 0; i < visit->n; ++i) {
    const PoolVisit::Slot& s = visit->slots[i];
    napi_value item = nullptr;
    NAPI(napi_create_object)(env, &item);
    SetNamed(env, item, "threadId", Number(env, s.threadId));
    if (visit->enterSta) SetNamed(env, item, "hresult", Hresult(env, s.initHr));
    SetNamed(env, item, "apartment", String(env, ApartmentName(s.typeHr, s.type, s.qualifier)));
    napi_value met = nullptr;
    NAPI(napi_get_boolean)(env, s.metTheOthers, &met);
    SetNamed(env, item, "metTheOthers", met);
    NAPI(napi_set_element)(env, threads, i, item);
  }
  NAPI(napi_resolve_deferred)(env, visit->deferred, threads);
  delete visit;
}

napi_value StartPoolVisit(napi_env env, napi_callback_info info, bool enterSta) {
  size_t argc = 1;
  napi_value arg = nullptr;
  NAPI(napi_get_cb_info)(env, info, &argc, &arg, nullptr, nullptr);
  uint32_t n = 0;
  if (argc < 1 || NAPI(napi_get_value_uint32)(env, arg, &n) != napi_ok || n < 1 || n > 128) {
    NAPI(napi_throw_range_error)(env, nullptr, "expected a thread count from 1 to 128");
    return nullptr;
  }
  auto* visit = new PoolVisit;
  visit->enterSta = enterSta;
  visit->n = n;
  visit->slots.resize(n);
  napi_value promise = nullptr;
  NAPI(napi_create_promise)(env, &visit->deferred, &promise);
  napi_value name = String(env, "netcon-test-pool-visit");
  for (auto& slot : visit->slots) {
    slot.visit = visit;
    NAPI(napi_create_async_work)(env, nullptr, name, VisitPoolThread, PoolThreadVisited, &slot, &slot.work);
    NAPI(napi_queue_async_work)(env, slot.work);
  }
  return promise;
}

napi_value OccupyPoolThreadsInSta(napi_env env, napi_callback_info info) { return StartPoolVisit(env, info, true); }
napi_value PoolThreadApartments(napi_env env, napi_callback_info info) { return StartPoolVisit(env, info, false); }

// CoInitializeSecurity as netcon's binary calls it, seen through its import table: Wine's
// own is a stub that answers S_OK whatever came first, so this is how a test under Wine sees
// the arguments netcon passes and makes COM answer what Windows would (RPC_E_TOO_LATE).
struct SecurityCall {
  std::string descriptor;  // SDDL of owner, group and DACL; "" for none
  LONG authServices;
  DWORD authnLevel;
  DWORD impLevel;
  DWORD capabilities;
};
std::mutex g_securityMutex;
std::vector<SecurityCall> g_securityCalls;
HRESULT g_securityAnswer = S_OK;

std::string Sddl(PSECURITY_DESCRIPTOR descriptor) {
  char* text = nullptr;
  if (!descriptor || !ConvertSecurityDescriptorToStringSecurityDescriptorA(
                         descriptor, SDDL_REVISION_1, OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
                         &text, nullptr))
    return std::string();
  std::string out(text);
  LocalFree(text);
  return out;
}

HRESULT WINAPI RecordSecurity(PSECURITY_DESCRIPTOR descriptor, LONG authServices, SOLE_AUTHENTICATION_SERVICE*, void*,
                              DWORD authnLevel, DWORD impLevel, void*, DWORD capabilities, void*) {
  std::lock_guard<std::mutex> lock(g_securityMutex);
  g_securityCalls.push_back({Sddl(descriptor), authServices, authnLevel, impLevel, capabilities});
  return g_securityAnswer;
}

// The process's user as SDDL writes a SID, to compare a descriptor's entries with.
napi_value ProcessUserSid(napi_env env, napi_callback_info) {
  HANDLE token;
  std::string sid;
  if (OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) {
    BYTE buffer[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
    DWORD size = sizeof(buffer);
    char* text = nullptr;
    if (GetTokenInformation(token, TokenUser, buffer, size, &size) &&
        ConvertSidToStringSidA(reinterpret_cast<TOKEN_USER*>(buffer)->User.Sid, &text)) {
      sid = text;
      LocalFree(text);
    }
    CloseHandle(token);
  }
  return String(env, sid.c_str());
}

bool PatchSlot(ULONG_PTR* slot, void* replacement) {
  DWORD old;
  if (!VirtualProtect(slot, sizeof(void*), PAGE_READWRITE, &old)) return false;
  *slot = reinterpret_cast<ULONG_PTR>(replacement);
  VirtualProtect(slot, sizeof(void*), old, &old);
  return true;
}

// Whether a name table (import lookup or delay-import name table) has `function`, and where.
bool FindInNameTable(BYTE* base, IMAGE_THUNK_DATA* names, const char* function, size_t* index) {
  for (size_t i = 0; names[i].u1.AddressOfData; ++i) {
    if (IMAGE_SNAP_BY_ORDINAL(names[i].u1.Ordinal)) continue;
    auto* byName = reinterpret_cast<IMAGE_IMPORT_BY_NAME*>(base + names[i].u1.AddressOfData);
    if (strcmp(reinterpret_cast<const char*>(byName->Name), function) == 0) {
      *index = i;
      return true;
    }
  }
  return false;
}

// netcon delay-loads iphlpapi.dll and rasapi32.dll (CMakeLists.txt). lld lists their
// descriptors in the Delay Import directory; GNU ld leaves that directory empty, so the image
// is searched for what a descriptor must hold, as test/package/pe.ts does in the file:
// attributes 1 (RVAs), then the RVA of a DLL's name, then RVAs of its handle, slots and names.
std::vector<ImgDelayDescr*> DelayDescriptors(BYTE* base, IMAGE_NT_HEADERS* nt) {
  std::vector<ImgDelayDescr*> found;
  const DWORD size = nt->OptionalHeader.SizeOfImage;
  const IMAGE_DATA_DIRECTORY& dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT];
  if (dir.VirtualAddress) {
    for (auto* d = reinterpret_cast<ImgDelayDescr*>(base + dir.VirtualAddress); d->rvaDLLName; ++d) found.push_back(d);
    return found;
  }
  auto inside = [&](DWORD rva) { return rva != 0 && rva < size; };
  for (DWORD at = 0; at + sizeof(ImgDelayDescr) <= size; at += 4) {
    auto* d = reinterpret_cast<ImgDelayDescr*>(base + at);
    if (d->grAttrs != 1 || !inside(d->rvaDLLName) || !inside(d->rvaHmod) || !inside(d->rvaIAT) || !inside(d->rvaINT)) continue;
    const char* name = reinterpret_cast<const char*>(base + d->rvaDLLName);
    size_t length = strnlen(name, MAX_PATH);
    if (length > 4 && length < MAX_PATH && (_stricmp(name + length - 4, ".dll") == 0 || _stricmp(name + length - 4, ".exe") == 0))
      found.push_back(d);
  }
  return found;
}

// Points `module`'s import of `function` (by name, from any DLL, imported plainly or
// delay-loaded, before or after its first call) at `replacement`.
bool PatchImport(HMODULE module, const char* function, void* replacement) {
  auto* base = reinterpret_cast<BYTE*>(module);
  auto* dos = reinterpret_cast<IMAGE_DOS_HEADER*>(base);
  auto* nt = reinterpret_cast<IMAGE_NT_HEADERS*>(base + dos->e_lfanew);
  const IMAGE_DATA_DIRECTORY& dir = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT];
  size_t index = 0;
  if (dir.VirtualAddress) {
    for (auto* desc = reinterpret_cast<IMAGE_IMPORT_DESCRIPTOR*>(base + dir.VirtualAddress); desc->Name; ++desc) {
      auto* names = reinterpret_cast<IMAGE_THUNK_DATA*>(base + (desc->OriginalFirstThunk ? desc->OriginalFirstThunk : desc->FirstThunk));
      auto* slots = reinterpret_cast<IMAGE_THUNK_DATA*>(base + desc->FirstThunk);
      if (FindInNameTable(base, names, function, &index)) return PatchSlot(&slots[index].u1.Function, replacement);
    }
  }
  for (ImgDelayDescr* d : DelayDescriptors(base, nt)) {
    auto* names = reinterpret_cast<IMAGE_THUNK_DATA*>(base + d->rvaINT);
    auto* slots = reinterpret_cast<IMAGE_THUNK_DATA*>(base + d->rvaIAT);
    if (FindInNameTable(base, names, function, &index)) return PatchSlot(&slots[index].u1.Function, replacement);
  }
  return false;
}

// interceptCoInitializeSecurity(modulePath, answer): true once the module's import is ours.
napi_value InterceptCoInitializeSecurity(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2] = {nullptr, nullptr};
  NAPI(napi_get_cb_info)(env, info, &argc, args, nullptr, nullptr);
  char16_t path[MAX_PATH] = {};
  size_t length = 0;
  uint32_t answer = 0;
  if (argc < 2 || NAPI(napi_get_value_string_utf16)(env, args[0], path, MAX_PATH, &length) != napi_ok ||
      NAPI(napi_get_value_uint32)(env, args[1], &answer) != napi_ok) {
    NAPI(napi_throw_type_error)(env, nullptr, "expected (modulePath, answer)");
    return nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(g_securityMutex);
    g_securityAnswer = static_cast<HRESULT>(answer);
    g_securityCalls.clear();
  }
  HMODULE module = GetModuleHandleW(reinterpret_cast<const wchar_t*>(path));
  bool patched = module && PatchImport(module, "CoInitializeSecurity", reinterpret_cast<void*>(&RecordSecurity));
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, patched, &out);
  return out;
}

// The calls the interceptor saw: [{ authServices, authnLevel, impLevel, capabilities }].
napi_value InterceptedSecurityCalls(napi_env env, napi_callback_info) {
  std::lock_guard<std::mutex> lock(g_securityMutex);
  napi_value list = nullptr;
  NAPI(napi_create_array_with_length)(env, g_securityCalls.size(), &list);
  for (size_t i = 0; i < g_securityCalls.size(); ++i) {
    const SecurityCall& c = g_securityCalls[i];
    napi_value item = nullptr;
    NAPI(napi_create_object)(env, &item);
    SetNamed(env, item, "descriptor", String(env, c.descriptor.c_str()));
    SetNamed(env, item, "authServices", Number(env, c.authServices));
    SetNamed(env, item, "authnLevel", Number(env, c.authnLevel));
    SetNamed(env, item, "impLevel", Number(env, c.impLevel));
    SetNamed(env, item, "capabilities", Number(env, c.capabilities));
    NAPI(napi_set_element)(env, list, static_cast<uint32_t>(i), item);
  }
  return list;
}

// CoInitializeSecurity at identify level, as another module of the host process might call
// it first: on Windows netcon's own request then answers RPC_E_TOO_LATE.
napi_value InitializeSecurityFirst(napi_env env, napi_callback_info) {
  return Hresult(env, CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT,
                                           RPC_C_IMP_LEVEL_IDENTIFY, nullptr, EOAC_NONE, nullptr));
}

// CoCancelCall as netcon's binary calls it on an abandoned call's thread. Wine's is a stub that
// raises, so netcon does not call it under Wine; with these two imports ours, netcon takes
// the process for Windows and cancels, and each cancel becomes a `call CoCancelCall` line in
// the fake server's log (NETCON_FAKE_LOG), in order with the calls the fake logs as they return.
std::atomic<uint32_t> g_cancels{0};

void AppendToFakeLog(const char* line) {
  wchar_t path[MAX_PATH];
  DWORD length = GetEnvironmentVariableW(L"NETCON_FAKE_LOG", path, MAX_PATH);
  if (length == 0 || length >= MAX_PATH) return;
  // As the fake writes its lines: one WriteFile per line, appended, shared.
  HANDLE file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                            OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return;
  DWORD written;
  WriteFile(file, line, static_cast<DWORD>(strlen(line)), &written, nullptr);
  CloseHandle(file);
}

HRESULT WINAPI RecordCancel(DWORD, ULONG) {
  ++g_cancels;
  AppendToFakeLog("call\tCoCancelCall\t-\t0x00000000\n");
  return S_OK;
}

// GetProcAddress for netcon's binary: Wine's ntdll export that netcon looks for to tell
// Wine apart is not found; everything else is.
FARPROC WINAPI WithoutWineVersion(HMODULE module, LPCSTR name) {
  if (reinterpret_cast<ULONG_PTR>(name) > 0xFFFF && strcmp(name, "wine_get_version") == 0) return nullptr;
  return GetProcAddress(module, name);
}

// The loaded module a call's one argument names by its path (null if not loaded); false once
// it has thrown for a missing or non-string argument.
bool ModuleArgument(napi_env env, napi_callback_info info, HMODULE* module) {
  size_t argc = 1;
  napi_value arg = nullptr;
  NAPI(napi_get_cb_info)(env, info, &argc, &arg, nullptr, nullptr);
  char16_t path[MAX_PATH] = {};
  size_t length = 0;
  if (argc < 1 || NAPI(napi_get_value_string_utf16)(env, arg, path, MAX_PATH, &length) != napi_ok) {
    NAPI(napi_throw_type_error)(env, nullptr, "expected (modulePath)");
    return false;
  }
  *module = GetModuleHandleW(reinterpret_cast<const wchar_t*>(path));
  return true;
}

// interceptCancellation(modulePath): true once both imports are ours. Before the module first
// asks whether it can cancel (its first abandoned call, or comThreads()).
napi_value InterceptCancellation(napi_env env, napi_callback_info info) {
  HMODULE module = nullptr;
  if (!ModuleArgument(env, info, &module)) return nullptr;
  g_cancels = 0;
  bool patched = module && PatchImport(module, "CoCancelCall", reinterpret_cast<void*>(&RecordCancel)) &&
                 PatchImport(module, "GetProcAddress", reinterpret_cast<void*>(&WithoutWineVersion));
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, patched, &out);
  return out;
}

napi_value Cancels(napi_env env, napi_callback_info) { return Number(env, g_cancels.load()); }

// GetTokenInformation for netcon's binary as a limited token answers it: Wine runs every
// process elevated, and has no `runas /trustlevel:0x20000` to run one that is not.
BOOL WINAPI AsLimitedToken(HANDLE token, TOKEN_INFORMATION_CLASS type, void* info, DWORD size, DWORD* returned) {
  BOOL ok = GetTokenInformation(token, type, info, size, returned);
  if (ok && type == TokenElevation) static_cast<TOKEN_ELEVATION*>(info)->TokenIsElevated = 0;
  return ok;
}

// interceptElevation(modulePath): true once the module's import is ours.
napi_value InterceptElevation(napi_env env, napi_callback_info info) {
  HMODULE module = nullptr;
  if (!ModuleArgument(env, info, &module)) return nullptr;
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, module && PatchImport(module, "GetTokenInformation", reinterpret_cast<void*>(&AsLimitedToken)), &out);
  return out;
}

// Windows' change notifications as netcon's binary registers them, seen through its import
// table: Wine's are stubs that never fire, so a test records the registrations and fires them
// itself. The types are spelled out here so that this file needs no winsock/iphlpapi headers.
using IpInterfaceChange = void(WINAPI*)(void* context, void* row, int notificationType);
constexpr int kMibParameterNotification = 0;
struct NotificationIntercepts {
  IpInterfaceChange callback = nullptr;
  void* context = nullptr;
  bool live = false;  // registered and not cancelled since
  HANDLE rasEvent = nullptr;
  uint32_t registrations = 0;
  uint32_t cancellations = 0;
  uint32_t rasEvents = 0;
  std::vector<uintptr_t> handles;  // what each registration was given
  std::vector<uintptr_t> cancelledHandles;
  int family = -1;
  int initialNotification = -1;
  bool rasAllConnections = false;
  DWORD rasFlags = 0;
};
std::mutex g_notifyMutex;
NotificationIntercepts g_notify;

DWORD WINAPI RecordNotifyIpInterfaceChange(USHORT family, IpInterfaceChange callback, void* context,
                                           BOOLEAN initialNotification, HANDLE* handle) {
  std::lock_guard<std::mutex> lock(g_notifyMutex);
  ++g_notify.registrations;
  g_notify.callback = callback;
  g_notify.context = context;
  g_notify.live = true;
  g_notify.family = family;
  g_notify.initialNotification = initialNotification;
  uintptr_t given = 0x4E430000 + g_notify.registrations * 4;  // like no handle the process has
  g_notify.handles.push_back(given);
  *handle = reinterpret_cast<HANDLE>(given);
  return NO_ERROR;
}

DWORD WINAPI RecordCancelMibChangeNotify2(HANDLE handle) {
  std::lock_guard<std::mutex> lock(g_notifyMutex);
  ++g_notify.cancellations;
  g_notify.cancelledHandles.push_back(reinterpret_cast<uintptr_t>(handle));
  if (!g_notify.handles.empty() && g_notify.handles.back() == reinterpret_cast<uintptr_t>(handle)) g_notify.live = false;
  return NO_ERROR;
}

// How long RasConnectionNotificationW takes to answer, as when RasMan has to start first.
std::atomic<uint32_t> g_rasDelayMs{0};

DWORD WINAPI RecordRasConnectionNotificationW(HANDLE connection, HANDLE event, DWORD flags) {
  Sleep(g_rasDelayMs);
  std::lock_guard<std::mutex> lock(g_notifyMutex);
  ++g_notify.rasEvents;
  g_notify.rasEvent = event;
  g_notify.rasAllConnections = connection == INVALID_HANDLE_VALUE;
  g_notify.rasFlags = flags;
  return ERROR_SUCCESS;
}

// interceptChangeNotifications(modulePath, rasDelayMs = 0): true once all three imports are ours.
napi_value InterceptChangeNotifications(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2] = {nullptr, nullptr};
  NAPI(napi_get_cb_info)(env, info, &argc, args, nullptr, nullptr);
  char16_t path[MAX_PATH] = {};
  size_t length = 0;
  uint32_t rasDelayMs = 0;
  if (argc < 1 || NAPI(napi_get_value_string_utf16)(env, args[0], path, MAX_PATH, &length) != napi_ok ||
      (argc >= 2 && NAPI(napi_get_value_uint32)(env, args[1], &rasDelayMs) != napi_ok)) {
    NAPI(napi_throw_type_error)(env, nullptr, "expected (modulePath, rasDelayMs?)");
    return nullptr;
  }
  g_rasDelayMs = rasDelayMs;
  {
    std::lock_guard<std::mutex> lock(g_notifyMutex);
    g_notify = NotificationIntercepts();
  }
  HMODULE module = GetModuleHandleW(reinterpret_cast<const wchar_t*>(path));
  bool patched = module &&
                 PatchImport(module, "NotifyIpInterfaceChange", reinterpret_cast<void*>(&RecordNotifyIpInterfaceChange)) &&
                 PatchImport(module, "CancelMibChangeNotify2", reinterpret_cast<void*>(&RecordCancelMibChangeNotify2)) &&
                 PatchImport(module, "RasConnectionNotificationW", reinterpret_cast<void*>(&RecordRasConnectionNotificationW));
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, patched, &out);
  return out;
}

DWORD WINAPI CallRecordedCallback(void*) {
  IpInterfaceChange callback;
  void* context;
  {
    std::lock_guard<std::mutex> lock(g_notifyMutex);
    callback = g_notify.callback;
    context = g_notify.context;
  }
  callback(context, nullptr, kMibParameterNotification);
  return 0;
}

// fireInterfaceChange(): calls the recorded callback on a new thread, as Windows does, and
// waits for it to return. It calls it after a cancellation too, as a callback already under
// way when the cancel came would run. Answers whether the registration was live; false, and
// nothing called, when there was none.
napi_value FireInterfaceChange(napi_env env, napi_callback_info) {
  bool recorded, live;
  {
    std::lock_guard<std::mutex> lock(g_notifyMutex);
    recorded = g_notify.callback != nullptr;
    live = g_notify.live;
  }
  if (recorded) {
    HANDLE thread = CreateThread(nullptr, 0, CallRecordedCallback, nullptr, 0, nullptr);
    if (thread) {
      WaitForSingleObject(thread, INFINITE);
      CloseHandle(thread);
    }
  }
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, recorded && live, &out);
  return out;
}

// fireRasChange(): signals the recorded event, as RasMan does; true when there was one.
napi_value FireRasChange(napi_env env, napi_callback_info) {
  HANDLE event;
  {
    std::lock_guard<std::mutex> lock(g_notifyMutex);
    event = g_notify.rasEvent;
  }
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, event && SetEvent(event), &out);
  return out;
}

napi_value Handles(napi_env env, const std::vector<uintptr_t>& handles) {
  napi_value list = nullptr;
  NAPI(napi_create_array_with_length)(env, handles.size(), &list);
  for (size_t i = 0; i < handles.size(); ++i)
    NAPI(napi_set_element)(env, list, static_cast<uint32_t>(i), Number(env, static_cast<double>(handles[i])));
  return list;
}

napi_value InterceptedNotifications(napi_env env, napi_callback_info) {
  std::lock_guard<std::mutex> lock(g_notifyMutex);
  napi_value out = nullptr;
  NAPI(napi_create_object)(env, &out);
  SetNamed(env, out, "registrations", Number(env, g_notify.registrations));
  SetNamed(env, out, "cancellations", Number(env, g_notify.cancellations));
  SetNamed(env, out, "rasEvents", Number(env, g_notify.rasEvents));
  SetNamed(env, out, "handles", Handles(env, g_notify.handles));
  SetNamed(env, out, "cancelledHandles", Handles(env, g_notify.cancelledHandles));
  SetNamed(env, out, "family", Number(env, g_notify.family));
  SetNamed(env, out, "initialNotification", Number(env, g_notify.initialNotification));
  napi_value all = nullptr;
  NAPI(napi_get_boolean)(env, g_notify.rasAllConnections, &all);
  SetNamed(env, out, "rasAllConnections", all);
  SetNamed(env, out, "rasFlags", Number(env, g_notify.rasFlags));
  return out;
}

// The bench's raw side in netcon's own process (bench/run-bench.ts): the loops of
// raw-com.exe, on the calling JS thread, which joins the MTA once and stays there, as a
// program that lists again and again does. Synchronous: the bench times the call around it.
bool JoinMtaOnce() {
  static thread_local HRESULT joined = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  return SUCCEEDED(joined);
}

// args: progId, then "naive" / "getprops" (rawList) or the GUID (rawDisconnect).
bool RawArgs(napi_env env, napi_callback_info info, std::wstring& progId, std::wstring& second) {
  size_t argc = 2;
  napi_value args[2] = {};
  NAPI(napi_get_cb_info)(env, info, &argc, args, nullptr, nullptr);
  wchar_t text[2][256];
  size_t length[2] = {};
  for (int i = 0; i < 2; ++i) {
    if (argc < 2 || NAPI(napi_get_value_string_utf16)(env, args[i], reinterpret_cast<char16_t*>(text[i]), 256, &length[i]) != napi_ok) {
      NAPI(napi_throw_type_error)(env, nullptr, "expected two strings");
      return false;
    }
  }
  if (!JoinMtaOnce()) {
    NAPI(napi_throw_error)(env, nullptr, "CoInitializeEx(COINIT_MULTITHREADED) failed on this thread");
    return false;
  }
  progId.assign(text[0], length[0]);
  second.assign(text[1], length[1]);
  return true;
}

// rawList(progId, 'naive' | 'getprops'): how many connections the loop read.
napi_value RawList(napi_env env, napi_callback_info info) {
  std::wstring progId, mode;
  if (!RawArgs(env, info, progId, mode)) return nullptr;
  size_t listed = mode == L"getprops" ? raw_com::ListWithGetProperties(progId.c_str()) : raw_com::List(progId.c_str());
  return Number(env, static_cast<double>(listed));
}

// rawDisconnect(progId, guid): whether the walk found the connection and Disconnect succeeded.
napi_value RawDisconnect(napi_env env, napi_callback_info info) {
  std::wstring progId, guid;
  if (!RawArgs(env, info, progId, guid)) return nullptr;
  napi_value out = nullptr;
  NAPI(napi_get_boolean)(env, raw_com::Disconnect(progId.c_str(), guid), &out);
  return out;
}

void Export(napi_env env, napi_value exports, const char* name, napi_callback callback) {
  napi_value fn = nullptr;
  NAPI(napi_create_function)(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &fn);
  SetNamed(env, exports, name, fn);
}

}  // namespace

NAPI_MODULE_INIT() {
  Export(env, exports, "enterSta", EnterSta);
  Export(env, exports, "oleInitialize", OleInit);
  Export(env, exports, "currentApartment", CurrentApartment);
  Export(env, exports, "occupyPoolThreadsInSta", OccupyPoolThreadsInSta);
  Export(env, exports, "poolThreadApartments", PoolThreadApartments);
  Export(env, exports, "handleCount", HandleCount);
  Export(env, exports, "interceptCoInitializeSecurity", InterceptCoInitializeSecurity);
  Export(env, exports, "interceptedSecurityCalls", InterceptedSecurityCalls);
  Export(env, exports, "processUserSid", ProcessUserSid);
  Export(env, exports, "interceptCancellation", InterceptCancellation);
  Export(env, exports, "cancels", Cancels);
  Export(env, exports, "interceptElevation", InterceptElevation);
  Export(env, exports, "initializeSecurityFirst", InitializeSecurityFirst);
  Export(env, exports, "interceptChangeNotifications", InterceptChangeNotifications);
  Export(env, exports, "fireInterfaceChange", FireInterfaceChange);
  Export(env, exports, "fireRasChange", FireRasChange);
  Export(env, exports, "interceptedNotifications", InterceptedNotifications);
  Export(env, exports, "rawList", RawList);
  Export(env, exports, "rawDisconnect", RawDisconnect);
  return exports;
}
