// netcon's own COM threads, shared by every environment (main thread and workers) of the
// process. No Node-API here. Calls never run on libuv's pool: a call that hangs in Windows
// would hold that pool (the app's fs, dns and crypto) and, because Node joins the pool on
// exit and on worker teardown, the process's exit too.
#pragma once

#include <windows.h>

#include <cstdint>
#include <memory>

// What a job's thread could not set up; the job then fails with it instead of touching COM.
struct ThreadSetup {
  HRESULT hr = S_OK;
  const char* step = "";
};

class ComJob {
 public:
  virtual ~ComJob() = default;
  // On a COM thread that is in the MTA (unless setup failed); returns the job's HRESULT,
  // S_OK or its first failure. Must not throw.
  virtual HRESULT Run(const ThreadSetup& setup) = 0;
  // Right after Run, on the same thread, unless the job was abandoned meanwhile.
  virtual void Finish() = 0;
};

// Queues a job; returns its ticket for AbandonComJob, or 0 when so many threads are stuck
// in abandoned calls that netcon refuses to start more.
uint64_t SubmitComJob(std::shared_ptr<ComJob> job);

// Nobody waits for this job any more. A queued job is dropped. A running one's thread is
// retired (a new thread takes its place for queued work) and, where Windows supports it,
// the COM call it is blocked in is cancelled until that call returns (JobWanted).
void AbandonComJob(uint64_t ticket);

// For a job's code, on its thread, between its COM calls: false once the job was abandoned.
// The job then makes no further calls but its Releases, and the first false stops the
// cancelling: the call it was abandoned in has returned, and a cancelled Release would leave
// its object alive in the service. True off netcon's threads.
bool JobWanted();

struct ComThreadStats {
  uint32_t threads;  // alive, stuck ones included
  uint32_t idle;     // waiting for work
  uint32_t stuck;    // running an abandoned job
  uint32_t queued;
  uint32_t maxThreads;  // how many run jobs at once; as many more may be stuck
  uint64_t abandonedReturned;  // abandoned jobs whose call has returned since
  HRESULT lastAbandonedResult;  // what the last of those returned
  bool canCancel;  // CoCancelCall is used (false under Wine, where it is a stub)
};
ComThreadStats GetComThreadStats();
