// RAII over an SRWLOCK, for the locks netcon's own threads, Windows' callback threads and the
// JS thread share. No Node-API here.
#pragma once

#include <windows.h>

// Held exclusively from construction to destruction. unlock() and relock() let a thread let
// go of it around work that must not run under it; raw() is for SleepConditionVariableSRW.
class Lock {
 public:
  explicit Lock(SRWLOCK& lock) : lock_(lock) { relock(); }
  ~Lock() {
    if (held_) ReleaseSRWLockExclusive(&lock_);
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  void relock() {
    AcquireSRWLockExclusive(&lock_);
    held_ = true;
  }
  void unlock() {
    ReleaseSRWLockExclusive(&lock_);
    held_ = false;
  }
  SRWLOCK& raw() { return lock_; }

 private:
  SRWLOCK& lock_;
  bool held_ = false;
};

// Held shared from construction to destruction: readers together, never with a Lock.
class SharedLock {
 public:
  explicit SharedLock(SRWLOCK& lock) : lock_(lock) { AcquireSRWLockShared(&lock_); }
  ~SharedLock() { ReleaseSRWLockShared(&lock_); }
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;

 private:
  SRWLOCK& lock_;
};
