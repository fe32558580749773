// The connections' changing state shared by every process given one config file: a state file
// beside it (README: Shared state), a named mutex around each read and write of that file,
// and a counter in shared memory that tells a process, for the cost of one read, that another
// wrote the file since it last looked.
#pragma once

#include "script.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// A HANDLE closed when it goes out of scope. CreateFile's INVALID_HANDLE_VALUE and the NULL of
// the other creators both read as no handle.
class Handle {
 public:
  explicit Handle(HANDLE h = nullptr) : h_(h == INVALID_HANDLE_VALUE ? nullptr : h) {}
  ~Handle() {
    if (h_) CloseHandle(h_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  HANDLE get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }

 private:
  HANDLE h_;
};

// The whole file, opened so that other processes may read, write, replace or delete it meanwhile.
bool ReadWholeFile(const std::wstring& path, std::string* out);

// FNV-1a, 64 bits: what names the mutex after a path and ties a state file to config bytes.
uint64_t Fnv1a(const void* data, size_t size);

// The state of one config file: "<config path>.state" and the objects that guard it, named after
// the config's full path so that every process given that file finds the same ones.
class SharedState {
 public:
  // nullptr, with *error saying why, when the mutex or the counter cannot be made.
  static std::shared_ptr<SharedState> Open(const std::wstring& configPath, std::string* error);
  ~SharedState();
  SharedState(const SharedState&) = delete;
  SharedState& operator=(const SharedState&) = delete;

  // The config path it was opened for, as given.
  const std::wstring& config() const { return config_; }

  // How many writes of the state file the counter has seen: equal to what a process read last
  // means nothing changed. Read without the mutex, so it may lag a write under way by a moment.
  LONG Generation() const { return *generation_; }

  // Holds the named mutex for its lifetime. A process that died holding it (WAIT_ABANDONED)
  // hands it on: the file's "end" line tells whether its last write was whole.
  class Lock {
   public:
    explicit Lock(const SharedState& shared);
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

   private:
    HANDLE mutex_;
    bool owned_;
  };

  // The file's text; false when there is none. Under a Lock.
  bool Read(std::string* text) const;
  // Replaces the file's text and counts the write; *generation is then the counter's value.
  // Under a Lock. Through a handle kept open: under Wine, opening (or creating and renaming) a
  // file for each write made a Disconnect cost a millisecond more.
  bool Write(const std::string& text, LONG* generation);

 private:
  // name: what the mutex is called; the counter's mapping adds "-generation".
  SharedState(const std::wstring& config, const std::wstring& name);

  std::wstring config_;
  std::wstring path_;  // the state file
  Handle mutex_;
  Handle mapping_;
  volatile LONG* generation_ = nullptr;  // a view of mapping_
  Handle file_;                          // the state file, for writing
};

// The state file's text (README: Shared state): the connections changed since the config bytes
// with this hash were loaded, each with all it may change.
std::string StateText(uint64_t configHash, const std::vector<ConnState>& conns);
// Takes the file's connections into conns and marks them changed, appending those a Duplicate
// added that conns lacks. False, changing nothing, when the text is not a state file of
// configHash or names a connection conns does not have there.
bool ApplyStateText(const std::string& text, uint64_t configHash, std::vector<ConnState>* conns);
