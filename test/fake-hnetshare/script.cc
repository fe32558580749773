#include "script.h"

#include <objbase.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

#include "shared-state.h"

namespace {

// A "hresult" or "delay" line. A rule without a GUID applies to every call of the method.
struct Rule {
  std::string method;
  bool anyConn;
  GUID guid;
  DWORD value;
};

// An "item" line: a bad item placed before the connection at this position.
struct BadItem {
  size_t position;
  EnumItem::Kind kind;
};

struct GuidLess {
  bool operator()(const GUID& a, const GUID& b) const { return std::memcmp(&a, &b, sizeof(GUID)) < 0; }
};

struct State {
  std::vector<ConnState> conns;
  // GUID -> position in conns, first line winning as in a linear search. Every getter looks
  // its connection up: linear, a list of 10,000 connections would cost the fake 10^8 compares,
  // and bench/ would measure the fake instead of the client.
  std::map<GUID, size_t, GuidLess> index;
  std::vector<Rule> hresults;
  std::vector<Rule> delays;
  std::vector<Rule> nulls;
  std::vector<BadItem> items;
  NextEnding nextEnding = NextEnding::kNormal;
  bool zombies = false;
  NETCON_STATUS afterDisconnect = NCS_DISCONNECTED;
  NETCON_STATUS afterConnect = NCS_CONNECTED;
  DWORD settleDisconnectMs = 0;
  DWORD settleConnectMs = 0;
  // "roundtrip" line: what every call into the Network Connections service costs (each
  // INetConnection method, and each INetConnectionProps getter, which calls GetProperties).
  DWORD roundTripUs = 0;
  // "copyid" line: the GUID a Duplicate gives its copy while no connection has it, so that a test
  // can script faults on the copy; otherwise each copy gets a fresh one.
  bool hasCopyId = false;
  GUID copyId{};
  std::string copyIdText;
};

const char* const kMethods[] = {
    "CreateInstance", "EnumEveryConnection", "_NewEnum",      "Next",
    "NetConnectionProps", "get_Guid",        "get_Name",      "get_DeviceName",
    "get_Status",     "get_MediaType",       "get_Characteristics",
    "Disconnect",     "Connect",             "GetProperties",
    "QueryInterface(IEnumVARIANT)",          "QueryInterface(INetConnection)",
    "Rename",         "INetSharingConfigurationForINetConnection",
    "get_SharingEnabled", "get_SharingConnectionType", "EnableSharing", "DisableSharing",
    "Delete",         "Duplicate",
    "EnumPortMappings", "AddPortMapping", "RemovePortMapping", "PortMappings._NewEnum",
    "PortMappings.QueryInterface(IEnumVARIANT)", "PortMappings.Next", "QueryInterface(INetSharingPortMapping)",
    "PortMapping.get_Properties", "PortMapping.Enable", "PortMapping.Disable", "PortMapping.Delete",
    "PortMapping.get_Name", "PortMapping.get_IPProtocol", "PortMapping.get_ExternalPort",
    "PortMapping.get_InternalPort", "PortMapping.get_Options", "PortMapping.get_TargetName",
    "PortMapping.get_TargetIPAddress", "PortMapping.get_Enabled",
};

// Calls arrive on several thread-pool threads at once; this guards everything below.
SRWLOCK g_lock = SRWLOCK_INIT;
State g_state;
bool g_loaded = false;
std::string g_loadedBytes;
// The state file the connections' changes go to, and the counter's value when this process last
// read or wrote it; none when there is no config file to put it beside.
std::shared_ptr<SharedState> g_shared;
LONG g_seen = 0;
uint64_t g_configHash = 0;

// Tally mode: one counter per kind and name, in a fixed table so that counting needs no
// lock and WriteTally can run at process exit, when another thread may have died holding one.
struct Tally {
  const char* kind;
  const char* name;
  volatile LONG count;
};
Tally g_tally[] = {
    {"new", "Factory", 0},    {"new", "Manager", 0},    {"new", "Collection", 0},
    {"new", "Enum", 0},       {"new", "Connection", 0}, {"new", "Props", 0},
    {"delete", "Factory", 0}, {"delete", "Manager", 0}, {"delete", "Collection", 0},
    {"delete", "Enum", 0},    {"delete", "Connection", 0}, {"delete", "Props", 0},
    {"call", "CreateInstance", 0}, {"call", "EnumEveryConnection", 0}, {"call", "_NewEnum", 0},
    {"call", "Next", 0},      {"call", "NetConnectionProps", 0}, {"call", "get_Guid", 0},
    {"call", "get_Name", 0},  {"call", "get_DeviceName", 0}, {"call", "get_Status", 0},
    {"call", "get_MediaType", 0}, {"call", "get_Characteristics", 0}, {"call", "Disconnect", 0},
    {"call", "Connect", 0},   {"call", "GetProperties", 0},
    {"new", "Stranger", 0},   {"delete", "Stranger", 0},
    {"new", "CoTaskMem", 0},  {"delete", "CoTaskMem", 0},
    {"call", "QueryInterface(IEnumVARIANT)", 0}, {"call", "QueryInterface(INetConnection)", 0},
    {"new", "SharingConfig", 0}, {"delete", "SharingConfig", 0},
    {"call", "Rename", 0},    {"call", "INetSharingConfigurationForINetConnection", 0},
    {"call", "get_SharingEnabled", 0}, {"call", "get_SharingConnectionType", 0},
    {"call", "EnableSharing", 0}, {"call", "DisableSharing", 0},
    {"call", "Delete", 0},    {"call", "Duplicate", 0},
    {"new", "PortMappingCollection", 0}, {"delete", "PortMappingCollection", 0},
    {"new", "PortMappingEnum", 0}, {"delete", "PortMappingEnum", 0},
    {"new", "PortMapping", 0}, {"delete", "PortMapping", 0},
    {"new", "PortMappingProps", 0}, {"delete", "PortMappingProps", 0},
};

// Separate from g_lock so that writing a line never waits behind the state, or the reverse.
SRWLOCK g_logLock = SRWLOCK_INIT;

std::wstring Env(const wchar_t* name) {
  DWORD size = GetEnvironmentVariableW(name, nullptr, 0);
  if (size == 0) return std::wstring();
  std::wstring value(size, L'\0');
  DWORD length = GetEnvironmentVariableW(name, &value[0], size);
  if (length >= size) return std::wstring();  // changed meanwhile: treat as unset
  value.resize(length);
  return value;
}

std::string Narrow(const std::wstring& wide) {
  if (wide.empty()) return std::string();
  int n = WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), nullptr, 0,
                              nullptr, nullptr);
  std::string out(n, '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), static_cast<int>(wide.size()), &out[0], n, nullptr,
                      nullptr);
  return out;
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

// Decimal or 0x-hex, 32 bits; strtoul would also take octal and signs, which no test means.
bool ParseNumber(const std::string& text, DWORD* out) {
  bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
  size_t i = hex ? 2 : 0;
  if (i == text.size()) return false;
  unsigned long long value = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    else return false;
    value = value * (hex ? 16 : 10) + digit;
    if (value > 0xFFFFFFFFull) return false;
  }
  *out = static_cast<DWORD>(value);
  return true;
}

bool ParseGuid(const std::string& text, GUID* out) {
  std::wstring wide = Widen(text);
  return SUCCEEDED(IIDFromString(wide.c_str(), out));
}

bool KnownMethod(const std::string& name) {
  for (const char* known : kMethods)
    if (name == known) return true;
  return false;
}

// Turns the config into a fresh state; anything it cannot use becomes a warning, never a
// failure, so a typo in a test shows up in the log instead of as a mysterious COM error.
State Parse(std::string text, std::vector<std::string>* warnings) {
  State state;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // editors add a UTF-8 BOM
  std::vector<std::string> lines = Split(text, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string line = lines[n];
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f = Split(line, '\t');
    std::string where = "line " + std::to_string(n + 1) + ": ";
    const std::string& kind = f[0];

    if (kind == "conn") {
      ConnState c;
      DWORD status, media;
      if (f.size() != 7 || !ParseGuid(f[1], &c.id.guid) || !ParseNumber(f[4], &status) ||
          !ParseNumber(f[5], &media) || !ParseNumber(f[6], &c.characteristics)) {
        warnings->push_back(where + "bad conn line");
        continue;
      }
      c.id.text = f[1];
      c.guidText = Widen(f[1]);
      c.name = Unescape(f[2]);
      c.device = Unescape(f[3]);
      c.status = static_cast<NETCON_STATUS>(status);
      c.media = static_cast<NETCON_MEDIATYPE>(media);
      state.index.emplace(c.id.guid, state.conns.size());
      state.conns.push_back(c);
    } else if (kind == "hresult" || kind == "delay") {
      // Writers that join an absent optional GUID leave a trailing tab: same as no GUID.
      if (f.size() == 4 && f[3].empty()) f.pop_back();
      Rule rule{};
      rule.anyConn = f.size() != 4;
      if ((f.size() != 3 && f.size() != 4) || !ParseNumber(f[2], &rule.value) ||
          (f.size() == 4 && !ParseGuid(f[3], &rule.guid))) {
        warnings->push_back(where + "bad " + kind + " line");
        continue;
      }
      if (!KnownMethod(f[1])) {
        warnings->push_back(where + "unknown method " + f[1]);
        continue;
      }
      rule.method = f[1];
      (kind == "hresult" ? state.hresults : state.delays).push_back(rule);
    } else if (kind == "null") {
      if (f.size() == 3 && f[2].empty()) f.pop_back();
      Rule rule{};
      rule.anyConn = f.size() != 3;
      if ((f.size() != 2 && f.size() != 3) || (f.size() == 3 && !ParseGuid(f[2], &rule.guid))) {
        warnings->push_back(where + "bad null line");
        continue;
      }
      if (!KnownMethod(f[1])) {
        warnings->push_back(where + "unknown method " + f[1]);
        continue;
      }
      rule.method = f[1];
      state.nulls.push_back(rule);
    } else if (kind == "guidtext") {
      GUID guid;
      ConnState* c = nullptr;
      if (f.size() == 3 && ParseGuid(f[1], &guid))
        for (ConnState& each : state.conns)
          if (IsEqualGUID(each.id.guid, guid)) c = &each;
      if (!c) {
        warnings->push_back(where + "bad guidtext line (the conn line must come first)");
        continue;
      }
      c->guidText = Unescape(f[2]);
    } else if (kind == "share") {
      // Taken as written, even two connections of one type: only EnableSharing keeps the rule.
      GUID guid;
      DWORD type = 0;
      bool ok = f.size() == 3 && ParseGuid(f[1], &guid) && state.index.count(guid);
      if (ok && f[2] == "public") type = ICSSHARINGTYPE_PUBLIC;
      else if (ok && f[2] == "private") type = ICSSHARINGTYPE_PRIVATE;
      else ok = ok && ParseNumber(f[2], &type);  // a type Windows does not define, for tests
      if (!ok) {
        warnings->push_back(where + "bad share line (a GUID from an earlier conn line, then public, private or a number)");
        continue;
      }
      ConnState& c = state.conns[state.index[guid]];
      c.shared = true;
      c.sharingType = type;
    } else if (kind == "map") {
      // map {GUID} <name> <tcp|udp|number> <external> <internal> <IPv4 address or host name> [enabled]
      GUID guid;
      MappingState m;
      bool ok = (f.size() == 7 || (f.size() == 8 && (f[7] == "enabled" || f[7] == "disabled"))) &&
                ParseGuid(f[1], &guid) && state.index.count(guid) && ParseNumber(f[4], &m.externalPort) &&
                ParseNumber(f[5], &m.internalPort);
      if (ok && f[3] == "tcp") m.protocol = 6;
      else if (ok && f[3] == "udp") m.protocol = 17;
      else ok = ok && ParseNumber(f[3], &m.protocol);
      if (!ok) {
        warnings->push_back(where + "bad map line (a GUID from an earlier conn line, name, protocol, ports, target, [enabled])");
        continue;
      }
      m.name = Unescape(f[2]);
      m.targetIsAddress = IsIPv4Text(f[6]);
      m.target = Unescape(f[6]);
      m.enabled = f.size() == 8 && f[7] == "enabled";
      // Taken as written, even two with one key: only AddPortMapping keeps Windows' rule.
      state.conns[state.index[guid]].mappings.push_back(m);
    } else if (kind == "item") {
      DWORD position;
      BadItem item{};
      bool known = true;
      if (f.size() == 3 && f[2] == "empty") item.kind = EnumItem::kEmpty;
      else if (f.size() == 3 && f[2] == "i4") item.kind = EnumItem::kI4;
      else if (f.size() == 3 && f[2] == "stranger") item.kind = EnumItem::kStranger;
      else known = false;
      if (!known || !ParseNumber(f[1], &position)) {
        warnings->push_back(where + "bad item line");
        continue;
      }
      item.position = position;
      state.items.push_back(item);
    } else if (kind == "next") {
      if (f.size() == 2 && f[1] == "last-item-with-s-false") state.nextEnding = NextEnding::kLastItemWithSFalse;
      else if (f.size() == 2 && f[1] == "ok-with-nothing") state.nextEnding = NextEnding::kOkWithNothing;
      else warnings->push_back(where + "bad next line");
    } else if (kind == "roundtrip") {
      DWORD us;
      if (f.size() != 2 || !ParseNumber(f[1], &us)) {
        warnings->push_back(where + "bad roundtrip line");
        continue;
      }
      state.roundTripUs = us;
    } else if (kind == "copyid") {
      if (f.size() != 2 || !ParseGuid(f[1], &state.copyId)) {
        warnings->push_back(where + "bad copyid line");
        continue;
      }
      state.hasCopyId = true;
      state.copyIdText = f[1];
    } else if (kind == "zombies") {
      state.zombies = true;
    } else if (kind == "settle") {
      DWORD ms;
      if (f.size() != 3 || (f[1] != "Disconnect" && f[1] != "Connect") || !ParseNumber(f[2], &ms)) {
        warnings->push_back(where + "bad settle line");
        continue;
      }
      (f[1] == "Connect" ? state.settleConnectMs : state.settleDisconnectMs) = ms;
    } else if (kind == "after") {
      DWORD status;
      if (f.size() != 3 || (f[1] != "Disconnect" && f[1] != "Connect") ||
          !ParseNumber(f[2], &status)) {
        warnings->push_back(where + "bad after line");
        continue;
      }
      (f[1] == "Connect" ? state.afterConnect : state.afterDisconnect) =
          static_cast<NETCON_STATUS>(status);
    } else {
      warnings->push_back(where + "unknown keyword " + kind);
    }
  }
  return state;
}

// The first matching line wins, so a test puts GUID-specific lines before general ones.
const Rule* Match(const std::vector<Rule>& rules, const char* method, const ConnId* conn) {
  for (const Rule& rule : rules) {
    if (rule.method != method) continue;
    if (rule.anyConn || (conn && IsEqualGUID(rule.guid, conn->guid))) return &rule;
  }
  return nullptr;
}

// A deleted connection is found no more: its objects answer kConnectionGone, as after a reload
// that dropped it.
ConnState* Find(const GUID& guid) {
  auto found = g_state.index.find(guid);
  if (found == g_state.index.end()) return nullptr;
  ConnState* c = &g_state.conns[found->second];
  return c->deleted ? nullptr : c;
}

// Indexes the connections from `from` on: those the state file or a Duplicate added.
void IndexFrom(State& state, size_t from) {
  for (size_t i = from; i < state.conns.size(); ++i) state.index.emplace(state.conns[i].id.guid, i);
}

// Whether another connection than `self` (one not deleted) has `name`: case-insensitive like
// Windows (ordinal, our choice), with lengths, since a config's names may hold NULs.
bool NameTaken(const ConnState* self, const std::wstring& name) {
  for (const ConnState& other : g_state.conns) {
    if (&other != self && !other.deleted &&
        CompareStringOrdinal(other.name.data(), static_cast<int>(other.name.size()), name.data(),
                             static_cast<int>(name.size()), TRUE) == CSTR_EQUAL)
      return true;
  }
  return false;
}

}  // namespace

std::wstring Widen(const std::string& utf8) {
  if (utf8.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(n, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), &out[0], n);
  return out;
}

namespace {

enum class LogMode { kNone, kEvents, kTally };

// Read once: the environment does not change under a running test process, and looking it
// up on every call was most of what a call cost.
const std::wstring& LogPath() {
  static const std::wstring path = Env(L"NETCON_FAKE_LOG");
  return path;
}

LogMode Mode() {
  static const LogMode mode = LogPath().empty() ? LogMode::kNone
                              : Env(L"NETCON_FAKE_LOG_MODE") == L"tally" ? LogMode::kTally
                                                                        : LogMode::kEvents;
  return mode;
}

}  // namespace

void LogLine(const std::string& line) {
  const std::wstring& path = LogPath();
  if (path.empty()) return;
  std::string whole = line + "\n";
  // Several processes may append to the same file (a test's child node.exe logs to its
  // parent's): under Wine, FILE_APPEND_DATA alone lost lines when two appended at once, so a
  // mutex named for all the prefix's processes takes turns; the SRW lock does it for our threads.
  static const HANDLE processes = CreateMutexW(nullptr, FALSE, L"Local\\NetConFakeHNetShareLog");
  AcquireSRWLockExclusive(&g_logLock);
  if (processes) WaitForSingleObject(processes, INFINITE);  // WAIT_ABANDONED grants it too
  HANDLE file = CreateFileW(path.c_str(), FILE_APPEND_DATA,
                            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                            OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file != INVALID_HANDLE_VALUE) {
    DWORD written;
    WriteFile(file, whole.data(), static_cast<DWORD>(whole.size()), &written, nullptr);
    CloseHandle(file);
  }
  if (processes) ReleaseMutex(processes);
  ReleaseSRWLockExclusive(&g_logLock);
}

void LogEvent(const char* kind, const char* name, const std::string& rest) {
  if (Mode() == LogMode::kNone) return;
  if (Mode() == LogMode::kEvents) {
    LogLine(std::string(kind) + "\t" + name + rest);
    return;
  }
  for (Tally& t : g_tally) {
    if (std::strcmp(t.kind, kind) == 0 && std::strcmp(t.name, name) == 0) {
      InterlockedIncrement(&t.count);
      return;
    }
  }
  LogLine(std::string("warn\tuntallied ") + kind + " " + name);
}

void WriteTally() {
  if (Mode() != LogMode::kTally) return;
  for (const Tally& t : g_tally)
    if (t.count) LogLine(std::string("tally\t") + t.kind + "\t" + t.name + "\t" + std::to_string(t.count));
}

namespace {

// The state file of this config path: the one already open when the path is the same (it is for
// the life of a test process), so that a reload makes no new mutex or counter.
std::shared_ptr<SharedState> SharedStateFor(const std::wstring& path, std::vector<std::string>* warnings) {
  AcquireSRWLockShared(&g_lock);
  std::shared_ptr<SharedState> shared = g_shared && g_shared->config() == path ? g_shared : nullptr;
  ReleaseSRWLockShared(&g_lock);
  if (shared) return shared;
  std::string error;
  shared = SharedState::Open(path, &error);
  if (!shared) warnings->push_back(error + ": the connections' state stays in this process");
  return shared;
}

// Takes the state file's connections when another process or thread wrote it since this one
// last read it. With the shared mutex held, and g_lock not.
void CatchUpLocked(const std::shared_ptr<SharedState>& shared) {
  LONG generation = shared->Generation();
  AcquireSRWLockShared(&g_lock);
  bool behind = shared == g_shared && generation != g_seen;
  ReleaseSRWLockShared(&g_lock);
  if (!behind) return;
  std::string text;
  bool read = shared->Read(&text);
  AcquireSRWLockExclusive(&g_lock);
  if (shared == g_shared) {
    // A file of other config bytes, written by a process that has seen a newer config, is left
    // alone: this process resets at its own next CoCreateInstance and then reads the file.
    size_t known = g_state.conns.size();
    if (read && ApplyStateText(text, g_configHash, &g_state.conns)) IndexFrom(g_state, known);
    g_seen = generation;
  }
  ReleaseSRWLockExclusive(&g_lock);
}

// What every read of a connection's state does first. When no other process or thread wrote
// the state file, this costs one read of shared memory: getters stay as cheap as in-process ones.
void CatchUp() {
  AcquireSRWLockShared(&g_lock);
  std::shared_ptr<SharedState> shared = g_shared && g_shared->Generation() != g_seen ? g_shared : nullptr;
  ReleaseSRWLockShared(&g_lock);
  if (!shared) return;
  SharedState::Lock lock(*shared);
  CatchUpLocked(shared);
}

// Runs change, which returns S_OK once it has changed g_state (it runs under g_lock), and
// writes the connections back to the state file. Read, modify and write all happen under the
// shared mutex, so two processes that change different connections keep both changes.
template <class Change>
HRESULT ChangeState(Change change) {
  AcquireSRWLockShared(&g_lock);
  std::shared_ptr<SharedState> shared = g_shared;
  ReleaseSRWLockShared(&g_lock);
  std::optional<SharedState::Lock> lock;
  if (shared) {
    lock.emplace(*shared);
    CatchUpLocked(shared);
  }

  AcquireSRWLockExclusive(&g_lock);
  HRESULT hr = change();
  bool write = hr == S_OK && shared && shared == g_shared;
  std::string text = write ? StateText(g_configHash, g_state.conns) : std::string();
  ReleaseSRWLockExclusive(&g_lock);
  if (!write) return hr;

  LONG generation;
  bool written = shared->Write(text, &generation);
  DWORD error = written ? 0 : GetLastError();
  if (written) {
    // Nobody else wrote meanwhile (we hold the mutex), so the file is exactly what we have.
    AcquireSRWLockExclusive(&g_lock);
    if (shared == g_shared) g_seen = generation;
    ReleaseSRWLockExclusive(&g_lock);
  }
  lock.reset();
  if (!written) LogLine("warn\tcannot write the shared state file (error " + std::to_string(error) + ")");
  return hr;
}

}  // namespace

void ReloadConfigIfChanged() {
  // A missing variable or unreadable file reads as an empty config: zero connections.
  std::wstring path = Env(L"NETCON_FAKE_CONFIG");
  std::string bytes;
  bool readable = !path.empty() && ReadWholeFile(path, &bytes);
  if (!path.empty() && !readable) {
    LogLine("warn\tcannot read config " + Narrow(path));
    bytes.clear();
  }

  // Unchanged bytes (every call but a test's first) skip the parse: with 10,000 connections
  // it would cost each CoCreateInstance milliseconds.
  AcquireSRWLockShared(&g_lock);
  bool unchanged = g_loaded && bytes == g_loadedBytes;
  ReleaseSRWLockShared(&g_lock);
  if (unchanged) return;

  std::vector<std::string> warnings;
  State fresh = Parse(bytes, &warnings);
  size_t count = fresh.conns.size();
  uint64_t hash = Fnv1a(bytes.data(), bytes.size());
  // Only a config that could be read has a state file beside it.
  std::shared_ptr<SharedState> shared = readable ? SharedStateFor(path, &warnings) : nullptr;
  bool reloaded = false;
  {
    std::optional<SharedState::Lock> lock;
    LONG generation = 0;
    if (shared) {
      lock.emplace(*shared);
      // The first process to see these bytes writes the state they reset to; every later one
      // (another process, or this one again after a restart) takes what the file holds.
      std::string text;
      size_t configured = fresh.conns.size();
      if (!shared->Read(&text) || !ApplyStateText(text, hash, &fresh.conns)) {
        if (!shared->Write(StateText(hash, fresh.conns), &generation))
          warnings.push_back("cannot write the shared state file (error " + std::to_string(GetLastError()) + ")");
      }
      IndexFrom(fresh, configured);
      generation = shared->Generation();
    }
    AcquireSRWLockExclusive(&g_lock);
    if (!g_loaded || bytes != g_loadedBytes) {
      g_state = std::move(fresh);
      g_loadedBytes = std::move(bytes);
      g_loaded = true;
      g_shared = shared;
      g_seen = generation;
      g_configHash = hash;
      reloaded = true;
    }
    ReleaseSRWLockExclusive(&g_lock);
  }

  if (!reloaded) return;
  for (const std::string& w : warnings) LogLine("warn\t" + w);
  LogLine("config\t" + std::to_string(count));
}

std::string Escape(const std::wstring& text) {
  std::wstring out;
  for (size_t i = 0; i < text.size(); ++i) {
    wchar_t unit = text[i];
    bool high = unit >= 0xD800 && unit <= 0xDBFF;
    bool low = unit >= 0xDC00 && unit <= 0xDFFF;
    if (high && i + 1 < text.size() && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
      out += unit;
      out += text[++i];
    } else if (unit == L'\\') {
      out += L"\\\\";
    } else if (unit < 0x20 || unit == 0x7F || high || low) {
      out += L"\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += L"0123456789abcdef"[(unit >> shift) & 0xF];
    } else {
      out += unit;
    }
  }
  return Narrow(out);
}

ULONGLONG FileTimeNow() {
  FILETIME now;
  GetSystemTimeAsFileTime(&now);
  return (static_cast<ULONGLONG>(now.dwHighDateTime) << 32) | now.dwLowDateTime;
}

std::wstring Unescape(const std::string& utf8) {
  std::wstring in = Widen(utf8), out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == L'\\' && i + 1 < in.size() && in[i + 1] == L'\\') {
      out += L'\\';
      ++i;
    } else if (in[i] == L'\\' && i + 5 < in.size() && in[i + 1] == L'u') {
      DWORD unit;
      std::string hex = "0x" + Narrow(in.substr(i + 2, 4));
      if (ParseNumber(hex, &unit) && unit <= 0xFFFF) {
        out += static_cast<wchar_t>(unit);
        i += 5;
        continue;
      }
      out += in[i];
    } else {
      out += in[i];
    }
  }
  return out;
}

std::vector<EnumItem> EnumerationItems() {
  // The items carry only GUIDs and each getter catches up for itself; this does it once, before
  // the list's first getter.
  CatchUp();
  std::vector<EnumItem> items;
  AcquireSRWLockShared(&g_lock);
  for (size_t i = 0; i <= g_state.conns.size(); ++i) {
    for (const BadItem& bad : g_state.items)
      if (bad.position == i) items.push_back(EnumItem{bad.kind, ConnId{}});
    if (i < g_state.conns.size() && !g_state.conns[i].deleted)
      items.push_back(EnumItem{EnumItem::kConnection, g_state.conns[i].id});
  }
  ReleaseSRWLockShared(&g_lock);
  return items;
}

NextEnding NextEndingMode() {
  AcquireSRWLockShared(&g_lock);
  NextEnding mode = g_state.nextEnding;
  ReleaseSRWLockShared(&g_lock);
  return mode;
}

bool KeepZombies() {
  AcquireSRWLockShared(&g_lock);
  bool zombies = g_state.zombies;
  ReleaseSRWLockShared(&g_lock);
  return zombies;
}

std::vector<ConnId> ConnectionIds() {
  std::vector<ConnId> ids;
  AcquireSRWLockShared(&g_lock);
  for (const ConnState& c : g_state.conns)
    if (!c.deleted) ids.push_back(c.id);
  ReleaseSRWLockShared(&g_lock);
  return ids;
}

bool ReadConnection(const GUID& guid, const std::function<void(const ConnState&, NETCON_STATUS)>& read) {
  CatchUp();
  AcquireSRWLockShared(&g_lock);
  const ConnState* c = Find(guid);
  // Settled by the clock rather than by a timer thread: nothing runs between calls.
  if (c) read(*c, c->settling && FileTimeNow() >= c->settleAt ? c->settledStatus : c->status);
  ReleaseSRWLockShared(&g_lock);
  return c != nullptr;
}

bool FindConnection(const GUID& guid, ConnState* out) {
  return ReadConnection(guid, [out](const ConnState& c, NETCON_STATUS status) {
    *out = c;
    out->status = status;
  });
}

bool ApplyAfterStatus(const GUID& guid, bool connected) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    NETCON_STATUS after = connected ? g_state.afterConnect : g_state.afterDisconnect;
    DWORD settleMs = connected ? g_state.settleConnectMs : g_state.settleDisconnectMs;
    c->settling = settleMs > 0;
    c->settledStatus = after;
    c->settleAt = FileTimeNow() + settleMs * 10000ull;  // 100 ns units
    c->status = settleMs > 0 ? (connected ? NCS_CONNECTING : NCS_DISCONNECTING) : after;
    c->changed = true;
    return S_OK;
  }) == S_OK;
}

HRESULT EnableSharingOf(const GUID& guid, DWORD type) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    // Windows documents that a new public connection takes public sharing off the one before;
    // for private it says nothing, and E_UNEXPECTED is our guess at its answer.
    bool takesOver = type == ICSSHARINGTYPE_PUBLIC;
    for (const ConnState& other : g_state.conns) {
      if (&other != c && !other.deleted && other.shared && other.sharingType == type && !takesOver) return E_UNEXPECTED;
    }
    for (ConnState& other : g_state.conns) {
      if (&other != c && !other.deleted && other.shared && other.sharingType == type) {
        other.shared = false;
        other.changed = true;
      }
    }
    c->shared = true;
    c->sharingType = type;
    c->changed = true;
    return S_OK;
  });
}

bool DisableSharingOf(const GUID& guid) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    c->shared = false;
    c->changed = true;
    return S_OK;
  }) == S_OK;
}

bool IsIPv4Text(const std::string& text) {
  int parts = 0;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('.', at);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(at, end - at);
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(part) > 255)
      return false;
    ++parts;
    at = end + 1;
  }
  return parts == 4;
}

namespace {

MappingState* FindMapping(ConnState* c, DWORD protocol, DWORD externalPort) {
  for (MappingState& m : c->mappings)
    if (m.protocol == protocol && m.externalPort == externalPort) return &m;
  return nullptr;
}

}  // namespace

bool ReadMappings(const GUID& guid, std::vector<MappingState>* out) {
  return ReadConnection(guid, [out](const ConnState& c, NETCON_STATUS) { *out = c.mappings; });
}

HRESULT ReadMapping(const GUID& guid, DWORD protocol, DWORD externalPort, MappingState* out) {
  HRESULT hr = kMappingGone;
  if (!ReadConnection(guid, [&](const ConnState& c, NETCON_STATUS) {
        for (const MappingState& m : c.mappings)
          if (m.protocol == protocol && m.externalPort == externalPort) {
            *out = m;
            hr = S_OK;
            return;
          }
      }))
    return kConnectionGone;
  return hr;
}

HRESULT AddMapping(const GUID& guid, const MappingState& mapping) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    if (!c->shared || c->sharingType != ICSSHARINGTYPE_PUBLIC) return kNotSharedAsPublic;
    if (FindMapping(c, mapping.protocol, mapping.externalPort)) return kMappingExists;
    c->mappings.push_back(mapping);
    c->mappings.back().enabled = false;  // Windows adds a mapping disabled
    c->changed = true;
    return S_OK;
  });
}

HRESULT RemoveMapping(const GUID& guid, DWORD protocol, DWORD externalPort) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    MappingState* m = FindMapping(c, protocol, externalPort);
    if (!m) return kMappingGone;
    c->mappings.erase(c->mappings.begin() + (m - c->mappings.data()));
    c->changed = true;
    return S_OK;
  });
}

HRESULT SetMappingEnabled(const GUID& guid, DWORD protocol, DWORD externalPort, bool enabled) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    MappingState* m = FindMapping(c, protocol, externalPort);
    if (!m) return kMappingGone;
    m->enabled = enabled;
    c->changed = true;
    return S_OK;
  });
}

HRESULT RenameConnection(const GUID& guid, const std::wstring& name) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    if (NameTaken(c, name)) return HRESULT_FROM_WIN32(ERROR_DUP_NAME);
    c->name = name;
    c->changed = true;
    return S_OK;
  });
}

// What ReactOS's netshell answers for a LAN connection's Delete and Duplicate. What Windows
// answers for a connection without the flag is not documented: this is our guess.
constexpr HRESULT kNotAllowed = E_NOTIMPL;

HRESULT DeleteConnectionOf(const GUID& guid) {
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    if (!(c->characteristics & NCCF_ALLOW_REMOVAL)) return kNotAllowed;
    c->deleted = true;
    c->shared = false;
    c->changed = true;
    return S_OK;
  });
}

HRESULT DuplicateConnectionOf(const GUID& guid, const std::wstring& name, ConnId* made) {
  GUID fresh;
  HRESULT created = CoCreateGuid(&fresh);
  if (FAILED(created)) return created;
  wchar_t text[39];
  if (!StringFromGUID2(fresh, text, 39)) return E_UNEXPECTED;
  return ChangeState([&] {
    ConnState* c = Find(guid);
    if (!c) return kConnectionGone;
    if (!(c->characteristics & NCCF_ALLOW_DUPLICATION)) return kNotAllowed;
    if (NameTaken(nullptr, name)) return HRESULT_FROM_WIN32(ERROR_DUP_NAME);
    // Windows keeps VPN and dial-up entries in a phonebook and lists a new one after the
    // entries it had (our choice: the end of the enumeration), a copy of the source's device,
    // media type and characteristics, not connected, not shared.
    ConnState copy;
    copy.id = ConnId{fresh, Narrow(text)};
    if (g_state.hasCopyId && !g_state.index.count(g_state.copyId)) copy.id = ConnId{g_state.copyId, g_state.copyIdText};
    copy.guidText = Widen(copy.id.text);
    copy.name = name;
    copy.device = c->device;
    copy.media = c->media;
    copy.characteristics = c->characteristics;
    copy.status = NCS_DISCONNECTED;
    copy.added = true;
    copy.changed = true;
    *made = copy.id;
    g_state.conns.push_back(std::move(copy));  // c is not used after this
    IndexFrom(g_state, g_state.conns.size() - 1);
    return S_OK;
  });
}

ScriptedCall::ScriptedCall(const char* method, const ConnId* conn)
    : method_(method), conn_(conn), scripted_(S_OK), null_(false) {
  DWORD delay = 0;
  AcquireSRWLockShared(&g_lock);
  if (const Rule* r = Match(g_state.hresults, method, conn)) scripted_ = static_cast<HRESULT>(r->value);
  null_ = Match(g_state.nulls, method, conn) != nullptr;
  if (const Rule* r = Match(g_state.delays, method, conn)) delay = r->value;
  ReleaseSRWLockShared(&g_lock);
  // Outside the lock, so a delayed call does not stall the other threads' calls.
  if (delay) Sleep(delay);
}

HRESULT ScriptedCall::Return(HRESULT hr) {
  if (Mode() != LogMode::kEvents) {
    LogEvent("call", method_);
    return hr;
  }
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08lX", static_cast<unsigned long>(hr));
  LogEvent("call", method_, "\t" + (conn_ ? conn_->text : std::string("-")) + "\t" + hex);
  return hr;
}

void ServiceRoundTrip() {
  AcquireSRWLockShared(&g_lock);
  DWORD us = g_state.roundTripUs;
  ReleaseSRWLockShared(&g_lock);
  if (!us) return;
  // A busy wait, not Sleep: a Sleep lasts at least a scheduler tick, far more than the tens
  // of microseconds being modelled.
  LARGE_INTEGER frequency, start, now;
  QueryPerformanceFrequency(&frequency);
  QueryPerformanceCounter(&start);
  LONGLONG ticks = frequency.QuadPart * us / 1000000;
  do QueryPerformanceCounter(&now);
  while (now.QuadPart - start.QuadPart < ticks);
}

namespace {

// Blocks handed to the client, which must free each with CoTaskMemFree. A malloc spy sees
// every CoTaskMemFree in the process; those of our blocks become "delete CoTaskMem" events,
// so a block the client never frees is a live object like any leaked COM object.
SRWLOCK g_blocksLock = SRWLOCK_INIT;
std::vector<void*> g_blocks;

bool ForgetBlock(void* p) {
  AcquireSRWLockExclusive(&g_blocksLock);
  bool ours = false;
  for (auto it = g_blocks.begin(); it != g_blocks.end(); ++it) {
    if (*it == p) {
      *it = g_blocks.back();
      g_blocks.pop_back();
      ours = true;
      break;
    }
  }
  ReleaseSRWLockExclusive(&g_blocksLock);
  return ours;
}

class Spy : public IMallocSpy {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (!out) return E_POINTER;
    *out = IsEqualIID(iid, IID_IUnknown) || IsEqualIID(iid, IID_IMallocSpy) ? this : nullptr;
    return *out ? S_OK : E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }  // static, never freed
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  SIZE_T STDMETHODCALLTYPE PreAlloc(SIZE_T size) override { return size; }
  void* STDMETHODCALLTYPE PostAlloc(void* actual) override { return actual; }
  void* STDMETHODCALLTYPE PreFree(void* request, BOOL) override {
    if (request && ForgetBlock(request)) LogEvent("delete", "CoTaskMem");
    return request;
  }
  void STDMETHODCALLTYPE PostFree(BOOL) override {}
  SIZE_T STDMETHODCALLTYPE PreRealloc(void* request, SIZE_T size, void** newRequest, BOOL) override {
    *newRequest = request;
    return size;
  }
  void* STDMETHODCALLTYPE PostRealloc(void* actual, BOOL) override { return actual; }
  void* STDMETHODCALLTYPE PreGetSize(void* request, BOOL) override { return request; }
  SIZE_T STDMETHODCALLTYPE PostGetSize(SIZE_T actual, BOOL) override { return actual; }
  void* STDMETHODCALLTYPE PreDidAlloc(void* request, BOOL) override { return request; }
  int STDMETHODCALLTYPE PostDidAlloc(void*, BOOL, int actual) override { return actual; }
  void STDMETHODCALLTYPE PreHeapMinimize() override {}
  void STDMETHODCALLTYPE PostHeapMinimize() override {}
};

}  // namespace

void* ClientBlock(size_t bytes) {
  static Spy spy;
  // A static's initialisation makes every other thread wait until the spy is registered: a
  // flag set before the call let a second thread allocate, and the client free, blocks the
  // spy never saw (three lists at once, the first calls of a process, left 3 "live").
  static const HRESULT registered = CoRegisterMallocSpy(&spy);
  (void)registered;
  void* p = CoTaskMemAlloc(bytes);
  if (!p) return nullptr;
  AcquireSRWLockExclusive(&g_blocksLock);
  g_blocks.push_back(p);
  ReleaseSRWLockExclusive(&g_blocksLock);
  LogEvent("new", "CoTaskMem");
  return p;
}
