// Windows' change notifications for watch(), shared by every environment (main thread and
// workers) of the process: one NotifyIpInterfaceChange registration while anyone is
// subscribed, and one RAS event kept for the process's life. No Node-API here.
#pragma once

#include <cstdint>

// Called on a Windows thread, never the JS thread, after something changed. It must be
// quick and must not throw; it must not add or remove subscribers.
using ChangeCallback = void (*)(void* context);

struct NotifyRegistration {
  bool added;            // false only when memory ran out; nothing was registered for it
  uint32_t ipInterface;  // NotifyIpInterfaceChange's Win32 error, 0 when registered
  // RasConnectionNotificationW's (or the event's), 0 when registered; ERROR_IO_PENDING while
  // a registration runs on a pool thread (RasMan may have to start first).
  uint32_t ras;
};

// Adds a subscriber, known by its context, and registers with Windows what is not
// registered yet. Called on a JS thread.
NotifyRegistration AddChangeSubscriber(ChangeCallback callback, void* context) noexcept;

// Removes the subscriber (nothing if it is not one). When it returns, no call to it is in
// progress and none will start. The last one out cancels the IP registration, so this may
// wait for Windows' callbacks in progress: never call it from inside a ChangeCallback.
void RemoveChangeSubscriber(void* context) noexcept;

struct NotifyStats {
  uint32_t subscribers;
  bool ipInterfaceRegistered;
  bool rasRegistered;
  uint32_t rasError;  // as NotifyRegistration::ras, now
  uint64_t wakeups;  // callbacks from Windows since the process started
};
NotifyStats GetNotifyStats() noexcept;
