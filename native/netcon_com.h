// The COM side of netcon: plain data in, plain data out, no Node-API. Each function runs a
// whole job on the calling thread, which must be in the MTA (com_threads.cc sees to that),
// and releases every COM object it made before it returns.
#pragma once

#include <windows.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct INetSharingManager;
struct INetConnection;
struct INetSharingConfiguration;

struct ComFailure {
  HRESULT hr = S_OK;
  const char* step = "";
  // What was learnt about the connection being read when the step failed, if anything.
  std::wstring connectionId;
  std::wstring connectionName;
};

struct RawConnection {
  std::wstring id;
  std::wstring name;
  std::wstring deviceName;
  int32_t status = 0;
  int32_t mediaType = 0;
  uint32_t characteristics = 0;
};

// The list as src/addon.ts (decodeList) reads it: every connection's id, name and device name
// back to back in `text`, and per connection six numbers in `fields` (the three lengths,
// status, media type, characteristics). Packed on the COM thread as each connection
// is read, so that a list of 1,000 fills two buffers instead of allocating three strings a
// connection, and the JS thread only hands the two buffers to V8 (bench/ section 1 measured both).
struct ListBuffers {
  std::wstring text;
  std::vector<double> fields;
};

// Keeps a finished list's buffers (up to about 4,000 connections' worth) for the next list
// instead of freeing them: under Wine, memory the heap had given back and took again cost a
// list of 1,000 more than reading the connections did (bench/ section 1c).
struct KeepForNextList {
  void operator()(ListBuffers* buffers) const noexcept;
};
using ListBuffersPtr = std::unique_ptr<ListBuffers, KeepForNextList>;

struct ListOutcome {
  bool ok = false;
  ListBuffersPtr list;  // set whenever ok
  ComFailure failure;
};

enum class ConnectionAction { Disconnect, Connect };

// One connection's Internet Connection Sharing, as INetSharingConfiguration reports it.
struct RawSharing {
  std::wstring id;
  std::wstring name;
  // False when Windows gives the connection no sharing configuration (E_NOINTERFACE).
  bool shareable = false;
  bool enabled = false;
  int32_t type = 0;  // SHARINGCONNECTIONTYPE, read only when enabled
};

struct SharingOutcome {
  bool ok = false;
  std::vector<RawSharing> connections;
  ComFailure failure;
};

// What SetSharing does: DisableSharing, or EnableSharing with this SHARINGCONNECTIONTYPE.
constexpr int32_t kDisableSharing = -1;

struct ActionOutcome {
  bool ok = false;
  bool found = false;
  HRESULT hr = S_OK;  // the success code the action's last call returned
  std::wstring id;
  std::wstring name;
  ComFailure failure;
};

struct SecurityOutcome {
  bool ok = false;
  ComFailure failure;
};

ListOutcome ListConnections(const std::wstring& progId);
ActionOutcome ApplyToConnection(const std::wstring& progId, const std::wstring& guid, ConnectionAction action);
SharingOutcome ReadSharing(const std::wstring& progId);
ActionOutcome SetSharing(const std::wstring& progId, const std::wstring& guid, int32_t type);
ActionOutcome RenameConnection(const std::wstring& progId, const std::wstring& guid, const std::wstring& newName);

// What DuplicateConnection did: the action's outcome on the source connection, and the copy
// Windows made, read with one GetProperties.
struct DuplicateOutcome : ActionOutcome {
  RawConnection duplicate;
  // The copy exists: Windows made it, and only reading it back failed (failure says where).
  bool made = false;
};

// INetConnection::Delete and Duplicate: only VPN and dial-up entries allow them (NCCF_ALLOW_REMOVAL,
// NCCF_ALLOW_DUPLICATION), which src/ checks before it calls.
ActionOutcome DeleteConnection(const std::wstring& progId, const std::wstring& guid);
DuplicateOutcome DuplicateConnection(const std::wstring& progId, const std::wstring& guid, const std::wstring& newName);

// What an action's own calls on the connection it found answered: the last call's HRESULT,
// and on a failure the step that failed.
struct Acted {
  HRESULT hr;
  const char* step;
};

// Finds the connection `guid` and runs act(manager, connection) on it, with the walk and the
// failure reporting every action shares (port_mappings.cc acts through it too). act runs only
// in a job still wanted.
using ConnectionAct = std::function<Acted(INetSharingManager*, INetConnection*)>;
ActionOutcome ActOnConnectionWith(const std::wstring& progId, const std::wstring& guid, const ConnectionAct& act);

// The connection's INetSharingConfiguration, under the step name kSharingConfigurationStep.
extern const char kSharingConfigurationStep[];
HRESULT GetSharingConfiguration(INetSharingManager* manager, INetConnection* connection,
                                INetSharingConfiguration** configuration);

// CoInitializeSecurity at impersonate level for the whole process: only on request (a library
// must not change its host's COM security by itself), and only before anything in the process
// marshals an interface (else RPC_E_TOO_LATE).
SecurityOutcome InitializeComSecurity();

// The class netcon creates for a ProgID: CLSIDFromProgID's answer, or for HNetCfg.HNetShare
// whose ProgID key is gone, its documented CLSID. diagnose.cc reports the same resolution.
HRESULT ResolveClsid(const std::wstring& progId, CLSID* clsid);

// `{XXXXXXXX-…}` upper case, or "" if it cannot be written. The second form writes into
// `out`, keeping its buffer (a list reads every connection into one RawConnection).
std::wstring GuidText(const GUID& guid);
void GuidText(const GUID& guid, std::wstring& out);

// The system's text for an HRESULT (FormatMessage), or "" when Windows has none.
std::wstring SystemMessage(HRESULT hr);
