#include "com_threads.h"

#include "srw_lock.h"

#include <objbase.h>

#include <atomic>
#include <deque>
#include <list>
#include <utility>

namespace {

// How many jobs run at once; more wait in the queue. Stuck threads do not count here, so
// calls hung in Windows never delay one that is not, but past this many stuck threads
// netcon refuses new calls rather than grow without bound.
constexpr size_t kMaxWorking = 16;
constexpr size_t kMaxStuck = 16;
// A finished thread waits this long for the next job: starting a thread costs about 20
// times a call's own overhead (measured under Wine: wine/README.md), so a program that lists
// in a loop keeps its threads, its apartment and hnetcfg.dll loaded.
constexpr DWORD kIdleMs = 5000;
// A cancel that arrives before the proxy call has started is lost (microsoft/wil's
// com_timeout retries for this reason), so it is repeated until the call returns.
constexpr DWORD kCancelEveryMs = 50;

// Wine's combase has CoCancelCall only as a stub that raises an exception when called.
bool CanCancel() {
  static const bool can = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") == nullptr;
  return can;
}

void CALLBACK CancelTick(void* threadId, BOOLEAN) {
  CoCancelCall(static_cast<DWORD>(reinterpret_cast<uintptr_t>(threadId)), 0);
}

struct Thread {
  DWORD id = 0;
  uint64_t ticket = 0;  // the job it runs; 0 when it has none
  // Written under the pool's lock; read without it by the thread itself (Wanted), which a
  // list asks after every connection.
  std::atomic<bool> stuck{false};
  HANDLE cancelTimer = nullptr;
};

struct Queued {
  uint64_t ticket;
  std::shared_ptr<ComJob> job;
};

HRESULT RunGuarded(ComJob& job, const ThreadSetup& setup) {
  try {
    return job.Run(setup);
  } catch (...) {
    return E_UNEXPECTED;  // Run promises not to throw; this only keeps a bug from killing the thread
  }
}

class Pool {
 public:
  uint64_t Submit(std::shared_ptr<ComJob> job) {
    Unserved unserved;
    uint64_t ticket;
    {
      Lock lock(lock_);
      if (stuck_ >= kMaxStuck) return 0;
      ticket = next_++;
      queue_.push_back({ticket, std::move(job)});
      Dispatch(unserved);
    }
    unserved.Fail();
    return ticket;
  }

  void Abandon(uint64_t ticket) {
    std::shared_ptr<ComJob> dropped;  // released after the lock
    Unserved unserved;
    {
      Lock lock(lock_);
      for (auto it = queue_.begin(); it != queue_.end(); ++it) {
        if (it->ticket == ticket) {
          dropped = std::move(it->job);
          queue_.erase(it);
          return;
        }
      }
      for (Thread& thread : threads_) {
        if (thread.ticket != ticket || thread.stuck) continue;
        thread.stuck = true;
        ++stuck_;
        if (CanCancel()) {
          void* id = reinterpret_cast<void*>(static_cast<uintptr_t>(thread.id));
          if (!CreateTimerQueueTimer(&thread.cancelTimer, nullptr, CancelTick, id, 0, kCancelEveryMs, WT_EXECUTEDEFAULT))
            thread.cancelTimer = nullptr;
        }
        Dispatch(unserved);  // the stuck thread's place is free for queued work
        break;
      }
    }
    unserved.Fail();
  }

  // On the thread itself. DeleteTimerQueueTimer waits for a tick in progress, so once this
  // returns no cancel can reach the thread's next call.
  bool Wanted(Thread* self) {
    if (!self->stuck.load(std::memory_order_acquire)) return true;
    HANDLE cancelTimer;
    {
      Lock lock(lock_);
      cancelTimer = std::exchange(self->cancelTimer, nullptr);
    }
    if (cancelTimer) DeleteTimerQueueTimer(nullptr, cancelTimer, INVALID_HANDLE_VALUE);
    return false;
  }

  ComThreadStats Stats() {
    Lock lock(lock_);
    return {static_cast<uint32_t>(threads_.size()), static_cast<uint32_t>(waiting_), static_cast<uint32_t>(stuck_),
            static_cast<uint32_t>(queue_.size()), static_cast<uint32_t>(kMaxWorking), abandonedReturned_,
            lastAbandonedResult_, CanCancel()};
  }

  void Serve(Thread* self, const ThreadSetup& setup) {
    Lock lock(lock_);
    --starting_;
    for (;;) {
      if (queue_.empty()) {
        ++waiting_;
        bool woken = SleepConditionVariableSRW(&work_, &lock.raw(), kIdleMs, 0) != FALSE;
        --waiting_;
        if (queue_.empty()) {
          if (woken) continue;  // spurious, or another thread took the job
          break;
        }
      }
      Queued next = std::move(queue_.front());
      queue_.pop_front();
      self->ticket = next.ticket;
      lock.unlock();

      HRESULT result = RunGuarded(*next.job, setup);

      lock.relock();
      HANDLE cancelTimer = std::exchange(self->cancelTimer, nullptr);
      bool abandoned = self->stuck.exchange(false);
      self->ticket = 0;
      if (abandoned) {
        --stuck_;
        ++abandonedReturned_;
        lastAbandonedResult_ = result;
      }
      // A thread without COM serves the one job that reports why, then goes. A returning
      // stuck thread goes back to work only if no other took its place meanwhile.
      bool staying = SUCCEEDED(setup.hr) && !(abandoned && threads_.size() - stuck_ > kMaxWorking);
      // Counted as coming back before its result is out: the call that result lets JS make
      // next must find this thread rather than start another.
      if (staying) ++finishing_;
      lock.unlock();
      // Waits for a tick in progress, so no cancel can reach this thread's next call.
      if (cancelTimer) DeleteTimerQueueTimer(nullptr, cancelTimer, INVALID_HANDLE_VALUE);
      if (!abandoned) next.job->Finish();
      next.job.reset();
      lock.relock();
      if (!staying) break;
      --finishing_;
    }
    for (auto it = threads_.begin(); it != threads_.end(); ++it) {
      if (&*it == self) {
        threads_.erase(it);
        break;
      }
    }
  }

 private:
  // Jobs no thread will serve: none could be started and none is running. They still get
  // an answer, outside the lock, instead of waiting for their deadline.
  struct Unserved {
    std::deque<Queued> jobs;
    ThreadSetup why;
    void Fail() {
      for (Queued& job : jobs) {
        RunGuarded(*job.job, why);
        job.job->Finish();
      }
    }
  };

  // Under the lock: wakes or starts enough threads for the queue.
  void Dispatch(Unserved& unserved) {
    size_t coming = waiting_ + starting_ + finishing_;
    while (queue_.size() > coming && threads_.size() - stuck_ < kMaxWorking) {
      DWORD error = Start();
      if (error != ERROR_SUCCESS) {
        if (threads_.size() - stuck_ == 0) unserved = {std::exchange(queue_, {}), {HRESULT_FROM_WIN32(error), "CreateThread"}};
        break;
      }
      ++coming;
    }
    for (size_t i = 0, n = queue_.size() < waiting_ ? queue_.size() : waiting_; i < n; ++i) WakeConditionVariable(&work_);
  }

  DWORD Start();

  SRWLOCK lock_ = SRWLOCK_INIT;
  CONDITION_VARIABLE work_ = CONDITION_VARIABLE_INIT;
  std::deque<Queued> queue_;
  std::list<Thread> threads_;  // a list: each thread keeps a pointer to its own entry
  size_t waiting_ = 0;   // threads in SleepConditionVariableSRW
  size_t starting_ = 0;  // created, not yet serving
  size_t finishing_ = 0;  // handing a result over, then back to the queue
  size_t stuck_ = 0;
  uint64_t next_ = 1;
  uint64_t abandonedReturned_ = 0;
  HRESULT lastAbandonedResult_ = S_OK;
};

// Never destroyed: no static destructor may wait for a thread that is stuck in Windows
// when the process exits, and ExitProcess ends those threads anyway.
Pool& ThePool() {
  static Pool* pool = new Pool;
  return *pool;
}

thread_local Thread* tSelf = nullptr;

DWORD WINAPI ThreadMain(void* param) {
  auto* self = static_cast<Thread*>(param);
  tSelf = self;
  // One MTA membership for the thread's whole life, in balance on this thread. On a fresh
  // thread CoInitializeEx can only fail for lack of resources; its jobs then report that.
  ThreadSetup setup{CoInitializeEx(nullptr, COINIT_MULTITHREADED), "CoInitializeEx"};
  if (SUCCEEDED(setup.hr)) CoEnableCallCancellation(nullptr);  // must precede the call a cancel is for
  ThePool().Serve(self, setup);
  if (SUCCEEDED(setup.hr)) {
    CoDisableCallCancellation(nullptr);
    CoUninitialize();
  }
  return 0;
}

DWORD Pool::Start() {
  threads_.emplace_back();
  Thread* thread = &threads_.back();
  HANDLE handle = CreateThread(nullptr, 0, ThreadMain, thread, 0, &thread->id);
  if (!handle) {
    DWORD error = GetLastError();
    threads_.pop_back();
    return error == ERROR_SUCCESS ? ERROR_NOT_ENOUGH_MEMORY : error;
  }
  CloseHandle(handle);  // never joined
  ++starting_;
  return ERROR_SUCCESS;
}

}  // namespace

uint64_t SubmitComJob(std::shared_ptr<ComJob> job) { return ThePool().Submit(std::move(job)); }
void AbandonComJob(uint64_t ticket) { ThePool().Abandon(ticket); }
ComThreadStats GetComThreadStats() { return ThePool().Stats(); }
bool JobWanted() { return !tSelf || ThePool().Wanted(tSelf); }
