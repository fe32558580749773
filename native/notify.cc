// NotifyIpInterfaceChange is declared only for Vista and later targets: a build that names an
// older Windows in _WIN32_WINNT would not see it. The import floor says where netcon runs.
#if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600
#endif

#include "notify.h"

// winsock2.h must come before windows.h, which iphlpapi.h includes.
#include <winsock2.h>
#include <ws2ipdef.h>
#include <iphlpapi.h>
#include <ras.h>

#include "srw_lock.h"

#include <algorithm>
#include <atomic>
#include <new>
#include <utility>
#include <vector>

namespace {

struct Subscriber {
  ChangeCallback callback;
  void* context;
};

class Registry {
 public:
  NotifyRegistration Add(ChangeCallback callback, void* context) noexcept {
    Lock changing(changing_);
    {
      Lock lock(lock_);
      try {
        subscribers_.push_back({callback, context});
      } catch (...) {
        return {false, ERROR_NOT_ENOUGH_MEMORY, ERROR_NOT_ENOUGH_MEMORY};
      }
    }
    // After the subscriber is in: a change right after registering reaches it.
    if (!ipRegistered_) RegisterIp();
    if (!rasRegistered_ && !rasPending_.exchange(true)) StartRasRegistration();
    return {true, ipError_, rasError_.load()};
  }

  void Remove(void* context) noexcept {
    Lock changing(changing_);
    {
      // Exclusive: waits for callbacks in progress, which hold it shared.
      Lock lock(lock_);
      auto it = std::find_if(subscribers_.begin(), subscribers_.end(),
                             [&](const Subscriber& s) { return s.context == context; });
      if (it == subscribers_.end()) return;
      subscribers_.erase(it);
      if (!subscribers_.empty()) return;
    }
    if (!ipRegistered_) return;
    ipRegistered_ = false;
    // Outside lock_: CancelMibChangeNotify2 waits for the callbacks in progress, and they
    // take lock_. If it fails, a late callback only finds nobody to call.
    CancelMibChangeNotify2(std::exchange(ipHandle_, nullptr));
  }

  NotifyStats Stats() noexcept {
    SharedLock lock(lock_);
    return {static_cast<uint32_t>(subscribers_.size()), ipRegistered_, rasRegistered_, rasError_.load(), wakeups_.load()};
  }

  // On a Windows thread.
  void Dispatch() noexcept {
    ++wakeups_;
    SharedLock lock(lock_);
    for (const Subscriber& s : subscribers_) s.callback(s.context);
  }

 private:
  static void WINAPI OnIpInterfaceChange(void* registry, MIB_IPINTERFACE_ROW*, MIB_NOTIFICATION_TYPE) {
    static_cast<Registry*>(registry)->Dispatch();
  }

  static void CALLBACK OnRasEvent(void* registry, BOOLEAN) { static_cast<Registry*>(registry)->Dispatch(); }

  // Under changing_.
  void RegisterIp() {
    HANDLE handle = nullptr;
    ipError_ = NotifyIpInterfaceChange(AF_UNSPEC, OnIpInterfaceChange, this, FALSE, &handle);
    if (ipError_ != NO_ERROR) return;
    ipHandle_ = handle;  // Wine's stub answers NO_ERROR with a null handle: success is the answer
    ipRegistered_ = true;
  }

  // RasConnectionNotificationW hands the event to the RasMan service, starting the service if
  // it is not running: seconds, or as long as a stuck service takes. So it runs on a pool
  // thread, never on the JS thread that subscribed; until it is done the answer is
  // ERROR_IO_PENDING and changes reach the subscribers through the IP registration and polling.
  void StartRasRegistration() {
    rasError_ = ERROR_IO_PENDING;
    if (!QueueUserWorkItem(RegisterRasOnPoolThread, this, WT_EXECUTELONGFUNCTION)) {
      rasError_ = GetLastError();
      rasPending_ = false;
    }
  }

  static DWORD WINAPI RegisterRasOnPoolThread(void* registry) {
    auto* self = static_cast<Registry*>(registry);
    DWORD answer = self->RegisterRas();
    // Under changing_, so that a subscribe sees the registration under way or done, never
    // refused but still pending (it would then neither try again nor answer ERROR_IO_PENDING).
    Lock changing(self->changing_);
    self->rasError_ = answer;
    self->rasPending_ = false;
    return 0;
  }

  // On a pool thread, one at a time (rasPending_). Windows has no call that ends a
  // RasConnectionNotification registration: RasMan keeps signalling the event until the
  // process ends. So the event and its wait, once registered, stay for the process's life
  // (idle, a handle and a slot in a pool wait thread, no thread of their own), and with nobody
  // subscribed Dispatch calls nobody. One Windows refused is undone and tried again at the
  // next subscription.
  DWORD RegisterRas() {
    HANDLE event = CreateEventW(nullptr, FALSE, FALSE, nullptr);  // auto-reset: a burst wakes once
    if (!event) return GetLastError();
    HANDLE wait = nullptr;
    if (!RegisterWaitForSingleObject(&wait, event, OnRasEvent, this, INFINITE, WT_EXECUTEDEFAULT)) {
      DWORD error = GetLastError();
      CloseHandle(event);
      return error;
    }
    // The wait first: once RasMan has the event there is no going back.
    DWORD answer = RasConnectionNotificationW(static_cast<HRASCONN>(INVALID_HANDLE_VALUE), event,
                                              RASCN_Connection | RASCN_Disconnection);
    if (answer != ERROR_SUCCESS) {
      UnregisterWaitEx(wait, INVALID_HANDLE_VALUE);  // waits for a callback in progress, before the close
      CloseHandle(event);
      return answer;
    }
    rasRegistered_ = true;  // before the answer, so that one who reads 0 reads registered too
    return ERROR_SUCCESS;
  }

  // One Add or Remove at a time, and the RAS registration's result; Windows' callbacks never take it.
  SRWLOCK changing_ = SRWLOCK_INIT;
  SRWLOCK lock_ = SRWLOCK_INIT;      // the subscribers; Windows' callbacks hold it shared
  std::vector<Subscriber> subscribers_;
  std::atomic<bool> ipRegistered_{false};
  std::atomic<bool> rasRegistered_{false};
  std::atomic<bool> rasPending_{false};  // a registration is under way on a pool thread
  std::atomic<DWORD> rasError_{ERROR_SUCCESS};
  std::atomic<uint64_t> wakeups_{0};
  // Under changing_:
  HANDLE ipHandle_ = nullptr;
  DWORD ipError_ = ERROR_SUCCESS;
};

// Never destroyed: Windows may call into it until the process ends (through the RAS event),
// and the module is pinned (addon.cc) for the same reason. Built in static storage, so that
// getting it allocates nothing and cannot throw.
Registry& TheRegistry() {
  alignas(Registry) static unsigned char storage[sizeof(Registry)];
  static Registry* registry = new (storage) Registry;
  return *registry;
}

}  // namespace

NotifyRegistration AddChangeSubscriber(ChangeCallback callback, void* context) noexcept {
  return TheRegistry().Add(callback, context);
}
void RemoveChangeSubscriber(void* context) noexcept { TheRegistry().Remove(context); }
NotifyStats GetNotifyStats() noexcept { return TheRegistry().Stats(); }
