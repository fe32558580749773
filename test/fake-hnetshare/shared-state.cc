#include "shared-state.h"

#include <cstdio>

namespace {

const char kHeader[] = "netcon-fake-state\t2";

std::string Hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Decimal, 64 bits, nothing else: the file is ours, so anything more is damage.
bool ParseDecimal(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    uint64_t next = value * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != value) return false;
    value = next;
  }
  *out = value;
  return true;
}

bool ParseDword(const std::string& text, DWORD* out) {
  uint64_t value;
  if (!ParseDecimal(text, &value) || value > 0xFFFFFFFFull) return false;
  *out = static_cast<DWORD>(value);
  return true;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  size_t start = 0;
  for (;;) {
    size_t end = line.find('\t', start);
    fields.push_back(line.substr(start, end - start));
    if (end == std::string::npos) return fields;
    start = end + 1;
  }
}

// One line of the file, read but not yet applied: "added" (a connection a Duplicate made,
// which the config does not have), "conn" (its changing state) or "deleted".
struct Entry {
  enum Kind { kAdded, kConn, kDeleted } kind;
  size_t position;
  ConnState state;  // only the fields the line carries
};

}  // namespace

bool ReadWholeFile(const std::wstring& path, std::string* out) {
  Handle file(CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                          nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) return false;
  out->clear();
  char buffer[4096];
  for (;;) {
    DWORD got = 0;
    if (!ReadFile(file.get(), buffer, sizeof buffer, &got, nullptr)) return false;
    if (got == 0) return true;
    out->append(buffer, got);
  }
}

uint64_t Fnv1a(const void* data, size_t size) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    hash ^= bytes[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::shared_ptr<SharedState> SharedState::Open(const std::wstring& configPath, std::string* error) {
  // Each process may spell the path its own way (a relative path, another case): the full path
  // in lower case names the same file for all of them, as Windows compares paths.
  DWORD size = GetFullPathNameW(configPath.c_str(), 0, nullptr, nullptr);
  std::wstring full(size, L'\0');
  DWORD length = size ? GetFullPathNameW(configPath.c_str(), size, &full[0], nullptr) : 0;
  full.resize(length < size ? length : 0);
  if (full.empty()) full = configPath;
  CharLowerBuffW(&full[0], static_cast<DWORD>(full.size()));
  std::wstring name = L"Local\\netcon-fake-" + Widen(Hex64(Fnv1a(full.data(), full.size() * sizeof(wchar_t))));

  std::shared_ptr<SharedState> shared(new SharedState(configPath, name));
  if (!shared->mutex_ || !shared->generation_ || !shared->file_) {
    *error = "cannot make the shared state's mutex, counter or file (error " + std::to_string(GetLastError()) + ")";
    return nullptr;
  }
  return shared;
}

// The counter is zero-filled when this process is the first to make it; a process reads the
// file itself when it loads the config, so a counter that starts again at 0 loses nothing.
SharedState::SharedState(const std::wstring& config, const std::wstring& name)
    : config_(config),
      path_(config + L".state"),
      mutex_(CreateMutexW(nullptr, FALSE, name.c_str())),
      mapping_(CreateFileMappingW(INVALID_HANDLE_VALUE, nullptr, PAGE_READWRITE, 0, sizeof(LONG),
                                  (name + L"-generation").c_str())),
      generation_(mapping_ ? static_cast<volatile LONG*>(
                                 MapViewOfFile(mapping_.get(), FILE_MAP_ALL_ACCESS, 0, 0, sizeof(LONG)))
                           : nullptr),
      // Created empty if missing, which reads as no state file until the first write.
      file_(CreateFileW(path_.c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                        nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr)) {}

SharedState::~SharedState() {
  if (generation_) UnmapViewOfFile(const_cast<LONG*>(generation_));
}

SharedState::Lock::Lock(const SharedState& shared) : mutex_(shared.mutex_.get()) {
  DWORD waited = WaitForSingleObject(mutex_, INFINITE);
  owned_ = waited == WAIT_OBJECT_0 || waited == WAIT_ABANDONED;
}

SharedState::Lock::~Lock() {
  if (owned_) ReleaseMutex(mutex_);
}

bool SharedState::Read(std::string* text) const { return ReadWholeFile(path_, text); }

bool SharedState::Write(const std::string& text, LONG* generation) {
  // In place, from the start: the text ends with its "end" line, so what an older, longer text
  // leaves after it until the truncation (or for good, if the process dies in between) is ignored.
  OVERLAPPED start = {};
  DWORD written = 0;
  FILE_END_OF_FILE_INFO end = {};
  end.EndOfFile.QuadPart = static_cast<LONGLONG>(text.size());
  if (!WriteFile(file_.get(), text.data(), static_cast<DWORD>(text.size()), &written, &start) || written != text.size() ||
      !SetFileInformationByHandle(file_.get(), FileEndOfFileInfo, &end, sizeof end))
    return false;
  *generation = InterlockedIncrement(generation_);
  return true;
}

std::string StateText(uint64_t configHash, const std::vector<ConnState>& conns) {
  std::string text = std::string(kHeader) + "\nconfig\t" + Hex64(configHash) + "\n";
  for (size_t i = 0; i < conns.size(); ++i) {
    const ConnState& c = conns[i];
    if (!c.changed) continue;
    std::string position = std::to_string(i);
    if (c.added)
      text += "added\t" + position + "\t" + c.id.text + "\t" + std::to_string(c.media) + "\t" +
              std::to_string(c.characteristics) + "\t" + Escape(c.device) + "\n";
    text += "conn\t" + position + "\t" + c.id.text + "\t" + std::to_string(c.status) + "\t" +
            std::to_string(c.settling ? c.settleAt : 0) + "\t" + std::to_string(c.settledStatus) + "\t" +
            (c.shared ? std::to_string(c.sharingType) : std::string("-")) + "\t" + Escape(c.name) + "\n";
    for (const MappingState& m : c.mappings) {
      text += "map\t" + position + "\t" + std::to_string(m.protocol) + "\t" + std::to_string(m.externalPort) + "\t" +
              std::to_string(m.internalPort) + "\t" + (m.enabled ? "1" : "0") + "\t" +
              (m.targetIsAddress ? "ip" : "name") + "\t" + Escape(m.target) + "\t" + Escape(m.name) + "\n";
    }
    if (c.deleted) text += "deleted\t" + position + "\t" + c.id.text + "\n";
  }
  return text + "end\n";
}

bool ApplyStateText(const std::string& text, uint64_t configHash, std::vector<ConnState>* conns) {
  // Up to the "end" line; without one, the file was cut short and is no file.
  std::vector<std::string> lines;
  for (size_t start = 0;;) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) return false;
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
    if (lines.back() == "end") break;
  }
  lines.pop_back();
  if (lines.size() < 2 || lines[0] != kHeader || lines[1] != "config\t" + Hex64(configHash)) return false;

  // All of it is checked before any of it is taken. Connections a Duplicate added come after
  // the config's, in the order they were made; this process may know some of them already.
  std::vector<std::string> ids;  // the GUID text at each position, as the file will leave them
  for (const ConnState& c : *conns) ids.push_back(c.id.text);
  std::vector<Entry> entries;
  for (size_t n = 2; n < lines.size(); ++n) {
    std::vector<std::string> f = Fields(lines[n]);
    if (!f.empty() && f[0] == "map") {
      // A mapping of the conn line before it.
      uint64_t position;
      MappingState m;
      if (f.size() != 9 || entries.empty() || entries.back().kind != Entry::kConn || !ParseDecimal(f[1], &position) ||
          position != entries.back().position || !ParseDword(f[2], &m.protocol) || !ParseDword(f[3], &m.externalPort) ||
          !ParseDword(f[4], &m.internalPort) || (f[5] != "0" && f[5] != "1") || (f[6] != "ip" && f[6] != "name"))
        return false;
      m.enabled = f[5] == "1";
      m.targetIsAddress = f[6] == "ip";
      m.target = Unescape(f[7]);
      m.name = Unescape(f[8]);
      entries.back().state.mappings.push_back(std::move(m));
      continue;
    }
    Entry e{};
    uint64_t position;
    if (f.size() < 3 || !ParseDecimal(f[1], &position)) return false;
    e.position = static_cast<size_t>(position);
    if (f[0] == "added") {
      DWORD media, characteristics;
      bool known = position < conns->size();
      if (f.size() != 6 || !ParseDword(f[3], &media) || !ParseDword(f[4], &characteristics) ||
          FAILED(IIDFromString(Widen(f[2]).c_str(), &e.state.id.guid)) ||
          (known ? !(*conns)[e.position].added || f[2] != ids[e.position] : position != ids.size()))
        return false;
      if (!known) ids.push_back(f[2]);
      e.kind = Entry::kAdded;
      e.state.id.text = f[2];
      e.state.media = static_cast<NETCON_MEDIATYPE>(media);
      e.state.characteristics = characteristics;
      e.state.device = Unescape(f[5]);
    } else if (f[0] == "deleted") {
      if (f.size() != 3 || position >= ids.size() || f[2] != ids[e.position]) return false;
      e.kind = Entry::kDeleted;
    } else {
      uint64_t settleAt;
      DWORD status, settledStatus, sharingType = 0;
      if (f.size() != 8 || f[0] != "conn" || position >= ids.size() || f[2] != ids[e.position] ||
          !ParseDword(f[3], &status) || !ParseDecimal(f[4], &settleAt) || !ParseDword(f[5], &settledStatus) ||
          (f[6] != "-" && !ParseDword(f[6], &sharingType)))
        return false;
      e.kind = Entry::kConn;
      e.state.status = static_cast<NETCON_STATUS>(status);
      e.state.settling = settleAt != 0;
      e.state.settleAt = settleAt;
      e.state.settledStatus = static_cast<NETCON_STATUS>(settledStatus);
      e.state.shared = f[6] != "-";
      e.state.sharingType = sharingType;
      e.state.name = Unescape(f[7]);
    }
    entries.push_back(std::move(e));
  }
  for (Entry& e : entries) {
    if (e.kind == Entry::kAdded) {
      if (e.position < conns->size()) continue;  // known here already; its conn line follows
      ConnState c;
      c.id = e.state.id;
      c.guidText = Widen(c.id.text);
      c.device = std::move(e.state.device);
      c.media = e.state.media;
      c.characteristics = e.state.characteristics;
      c.status = NCS_DISCONNECTED;
      c.added = true;
      c.changed = true;
      conns->push_back(std::move(c));
      continue;
    }
    ConnState& c = (*conns)[e.position];
    c.changed = true;
    if (e.kind == Entry::kDeleted) {
      c.deleted = true;
      continue;
    }
    c.status = e.state.status;
    c.settling = e.state.settling;
    c.settleAt = e.state.settleAt;
    c.settledStatus = e.state.settledStatus;
    c.shared = e.state.shared;
    c.sharingType = e.state.sharingType;
    c.name = std::move(e.state.name);
    c.mappings = std::move(e.state.mappings);
  }
  return true;
}
