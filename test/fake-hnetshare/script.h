// The fake's scripted world: the connections and faults read from NETCON_FAKE_CONFIG,
// shared by every COM object in the process (and the connections' changes, through
// shared-state.h, by every process given that file), and the NETCON_FAKE_LOG writer.
#pragma once

#include <windows.h>
#include <netcon.h>

#include <functional>
#include <string>
#include <vector>

// Which connection an object talks about. The text is kept as the config wrote it
// because get_Guid must hand it back unchanged (tests may write lower-case GUIDs).
struct ConnId {
  GUID guid;
  std::string text;  // UTF-8
};

// One port mapping on a connection ("map" line, AddPortMapping). Windows keeps one per
// protocol and external port on a connection, so those two are its key.
struct MappingState {
  std::wstring name;
  DWORD protocol = 6;
  DWORD externalPort = 0;
  DWORD internalPort = 0;
  bool targetIsAddress = true;  // ICSTT_IPADDRESS, else ICSTT_NAME
  std::wstring target;
  bool enabled = false;
};

struct ConnState {
  ConnId id;
  // What get_Guid hands back: the GUID's text as the config wrote it, or what a "guidtext"
  // line puts in its place (a hostile server's malformed or empty GUID string, while the
  // fake still knows the connection).
  std::wstring guidText;
  std::wstring name;
  std::wstring device;
  NETCON_STATUS status;
  // After a Disconnect/Connect with a "settle" line: status shows the in-between state
  // (disconnecting/connecting) until settleAt, then settledStatus. settleAt is a moment of the
  // system clock (FileTimeNow), which every process reads alike, not a tick count of one.
  bool settling = false;
  NETCON_STATUS settledStatus = NCS_DISCONNECTED;
  ULONGLONG settleAt = 0;
  NETCON_MEDIATYPE media;
  DWORD characteristics;
  // Internet Connection Sharing ("share" line, EnableSharing). The type is a number rather
  // than a SHARINGCONNECTIONTYPE because a test may give one Windows does not define.
  bool shared = false;
  DWORD sharingType = ICSSHARINGTYPE_PUBLIC;
  // Made by a Duplicate (after the config's connections, in the order made), and removed by a
  // Delete: a deleted connection keeps its place, so that positions in the state file stay put,
  // but no enumeration, lookup or rule about names sees it again.
  bool added = false;
  bool deleted = false;
  // Its port mappings, in the order they were added.
  std::vector<MappingState> mappings;
  // Changed (status, name, sharing, mappings, added or deleted) since the config was loaded, here or in another process:
  // the state file carries only these, so its size does not grow with the config's connections.
  bool changed = false;
};

// Now, in the 100 ns units of GetSystemTimeAsFileTime.
ULONGLONG FileTimeNow();

// Waits the "roundtrip" line's microseconds: one call into the Network Connections service.
void ServiceRoundTrip();

// CoTaskMemAlloc for a block the client must free: counted as a "CoTaskMem" object (new
// now, delete when the client's CoTaskMemFree reaches it), so an unfreed block is a leak.
void* ClientBlock(size_t bytes);

// What a connection's methods return once a config reload has dropped it.
const HRESULT kConnectionGone = HRESULT_FROM_WIN32(ERROR_NOT_FOUND);

// Appends one line (a newline is added) to NETCON_FAKE_LOG, if that is set.
void LogLine(const std::string& line);

// Records an event: a "new", "delete" or "call" line in NETCON_FAKE_LOG, or, with
// NETCON_FAKE_LOG_MODE=tally, only a count in memory that WriteTally appends at exit.
void LogEvent(const char* kind, const char* name, const std::string& rest = std::string());
// Appends one "tally" line per counted name to NETCON_FAKE_LOG (tally mode only).
void WriteTally();

// Called on each CoCreateInstance: resets the state when the config file's bytes changed,
// so one process keeps its Disconnects while a test that rewrites the file starts afresh. When
// the state file already belongs to these bytes (another process loaded them first), the state
// is the file's instead of the config's (README: Shared state).
void ReloadConfigIfChanged();

// One item of the enumeration: a connection, or what a broken server puts between them
// ("item" lines): an empty VARIANT, a VT_I4, or an IDispatch that is no INetConnection.
struct EnumItem {
  enum Kind { kConnection, kEmpty, kI4, kStranger } kind;
  ConnId id;  // kConnection only
};

// How IEnumVARIANT::Next ends ("next" line): the normal S_FALSE with nothing fetched, the last
// item handed out with S_FALSE, or S_OK with nothing fetched.
enum class NextEnding { kNormal, kLastItemWithSFalse, kOkWithNothing };

std::vector<ConnId> ConnectionIds();
std::vector<EnumItem> EnumerationItems();
NextEnding NextEndingMode();
// "zombies" line: released objects log "delete" but stay in memory, so a Release or call
// after the last Release is logged as a "warn" line instead of being a use-after-free.
bool KeepZombies();
bool FindConnection(const GUID& guid, ConnState* out);
// Calls read(connection, the status it shows now) under the state's lock, once the state has
// taken what other processes wrote to the state file since this one last looked, without copying
// the connection: every getter reads one field, and copying the strings each time made the
// fake cost several times what an in-process server does (bench/ measures against it).
bool ReadConnection(const GUID& guid, const std::function<void(const ConnState&, NETCON_STATUS)>& read);
// Gives the connection its scripted status after a successful Connect or Disconnect.
bool ApplyAfterStatus(const GUID& guid, bool connected);
// Shares the connection as type, under Windows' rule of one public and one private connection:
// E_UNEXPECTED, changing nothing, when another connection holds that type.
HRESULT EnableSharingOf(const GUID& guid, DWORD type);
bool DisableSharingOf(const GUID& guid);
// Port mappings (README: Port mappings). Each returns kConnectionGone when the connection is
// gone, and kMappingGone when no mapping has that protocol and external port.
const HRESULT kMappingGone = HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
// Our guesses at what Windows answers (README): a mapping with that protocol and external port
// exists already; the connection is not shared as public.
const HRESULT kMappingExists = HRESULT_FROM_WIN32(ERROR_OBJECT_ALREADY_EXISTS);
const HRESULT kNotSharedAsPublic = E_UNEXPECTED;
bool ReadMappings(const GUID& guid, std::vector<MappingState>* out);
HRESULT ReadMapping(const GUID& guid, DWORD protocol, DWORD externalPort, MappingState* out);
HRESULT AddMapping(const GUID& guid, const MappingState& mapping);
HRESULT RemoveMapping(const GUID& guid, DWORD protocol, DWORD externalPort);
HRESULT SetMappingEnabled(const GUID& guid, DWORD protocol, DWORD externalPort, bool enabled);
// Whether text is a dotted IPv4 address: a "map" line's target is an address if so, else a name.
bool IsIPv4Text(const std::string& text);
// ERROR_DUP_NAME, changing nothing, when another connection has the name (case-insensitively).
HRESULT RenameConnection(const GUID& guid, const std::wstring& name);
// Removes the connection; E_NOTIMPL, changing nothing, when its characteristics lack
// NCCF_ALLOW_REMOVAL.
HRESULT DeleteConnectionOf(const GUID& guid);
// Adds a copy of the connection named `name`, disconnected, after every other connection, into
// *made. E_NOTIMPL when its characteristics lack NCCF_ALLOW_DUPLICATION, ERROR_DUP_NAME when
// another connection has the name; either changes nothing.
HRESULT DuplicateConnectionOf(const GUID& guid, const std::wstring& name, ConnId* made);

// The part every scripted method shares: the constructor sleeps the scripted delay and
// looks up the scripted HRESULT; Return writes the "call" log line.
class ScriptedCall {
 public:
  // conn, when given, outlives the call (it belongs to the object called).
  ScriptedCall(const char* method, const ConnId* conn);
  HRESULT scripted() const { return scripted_; }
  // A "null" line: answer S_OK but leave the out-pointer NULL, as a buggy server might.
  bool null() const { return null_; }
  HRESULT Return(HRESULT hr);

 private:
  const char* method_;
  const ConnId* conn_;
  HRESULT scripted_;
  bool null_;
};

std::wstring Widen(const std::string& utf8);
// What Unescape reads back: UTF-8 with a backslash as \\ and a control character or a lone
// surrogate as \uXXXX, so that any name fits between TABs on one line.
std::string Escape(const std::wstring& text);
// Widen, then \uXXXX becomes that UTF-16 unit (so a config can hold NULs and lone
// surrogates, which UTF-8 text cannot) and \\ a backslash.
std::wstring Unescape(const std::string& utf8);
