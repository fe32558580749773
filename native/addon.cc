// Node-API surface: list(progId, id), disconnect(progId, guid, id), connect(progId, guid, id),
// initializeSecurity(id), diagnose(progId, id), sharing(progId, id), setSharing(progId, guid,
// type, id), rename(progId, guid, newName, id), deleteConnection(progId, guid, id),
// duplicateConnection(progId, guid, newName, id), portMappings(progId, guid, id),
// addPortMapping(progId, guid, name, protocol, external, internal, targetType, target, enable,
// id) and changePortMapping(progId, guid, protocol, external, change, id), each returning a promise of plain data,
// apartment() (the calling thread's COM apartment, at once), and abandon(id), which
// settles that promise with undefined at once and lets the call's thread go (com_threads.h).
// subscribe(fn), unsubscribe() and notifications(): Windows' change notifications (notify.h)
// for watch(), delivered to fn on the JS thread. adapters(id): the IP Helper API's interfaces
// and default routes (adapters.h), on netcon's threads like the rest.
// `id` is the caller's name for the call, unique among its pending ones. COM work runs on netcon's own threads; results
// come back through one thread-safe function per environment, referenced only while a call
// is pending, so an idle netcon never keeps a process alive.

// A result can arrive while its environment is shutting down (worker.terminate()): settling
// its promise there fails, and node-addon-api, built without C++ exceptions, would turn that
// failure into a fatal error that aborts the whole process. With this it drops the
// unthrowable error instead; the promise is gone anyway.
#define NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS
#include <napi.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "adapters.h"
#include "com_threads.h"
#include "diagnose.h"
#include "netcon_com.h"
#include "notify.h"
#include "port_mappings.h"
#include "srw_lock.h"

namespace {

Napi::String ToJs(Napi::Env env, const std::wstring& s) {
  static_assert(sizeof(wchar_t) == sizeof(char16_t), "Windows wide strings are UTF-16");
  return Napi::String::New(env, reinterpret_cast<const char16_t*>(s.data()), s.size());
}

// Result objects are made with one napi_define_properties each: cheaper on the JS thread
// than a property store per field (bench/), and, measured under Wine with Node 20 and 22, the
// way a lone surrogate in a name reaches JavaScript unchanged (stores turned it into U+FFFD).
Napi::Object ObjectOf(Napi::Env env, std::initializer_list<std::pair<const char*, napi_value>> fields) {
  std::vector<Napi::PropertyDescriptor> properties;
  properties.reserve(fields.size());
  for (const auto& field : fields)
    properties.push_back(Napi::PropertyDescriptor::Value(field.first, field.second, napi_default_jsproperty));
  Napi::Object object = Napi::Object::New(env);
  object.DefineProperties(properties);
  return object;
}

std::wstring FromJs(const Napi::Value& value) {
  std::u16string s = value.As<Napi::String>().Utf16Value();
  return std::wstring(s.begin(), s.end());
}

Napi::Object FailureToJs(Napi::Env env, const ComFailure& failure) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", false);
  result.Set("hresult", Napi::Number::New(env, static_cast<uint32_t>(failure.hr)));
  result.Set("step", failure.step);
  result.Set("message", ToJs(env, SystemMessage(failure.hr)));
  if (!failure.connectionId.empty()) {
    Napi::Object connection = failure.connectionName.empty()
                                  ? ObjectOf(env, {{"id", ToJs(env, failure.connectionId)}})
                                  : ObjectOf(env, {{"id", ToJs(env, failure.connectionId)},
                                                {"name", ToJs(env, failure.connectionName)}});
    result.Set("connection", connection);
  }
  return result;
}

Napi::Value ListToJs(Napi::Env env, const ListOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  // This runs on the JS thread, where each Node-API call costs microseconds (bench/): a
  // list of 1,000 built as objects took most of its time here. So the COM thread packs the
  // list into one string and one array of numbers (netcon_com.h, ListOutcome): three
  // Node-API values whatever the count. src/addon.ts (decodeList) cuts them back into objects.
  const std::vector<double>& fields = outcome.list->fields;
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, fields.size() * sizeof(double));
  if (!fields.empty()) std::memcpy(buffer.Data(), fields.data(), fields.size() * sizeof(double));
  return ObjectOf(env, {{"ok", Napi::Boolean::New(env, true)},
                     {"text", ToJs(env, outcome.list->text)},
                     {"fields", Napi::Float64Array::New(env, fields.size(), buffer, 0)}});
}

Napi::Value ActionToJs(Napi::Env env, const ActionOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("found", outcome.found);
  if (outcome.found) {
    result.Set("hresult", Napi::Number::New(env, static_cast<uint32_t>(outcome.hr)));
    result.Set("connection", ObjectOf(env, {{"id", ToJs(env, outcome.id)}, {"name", ToJs(env, outcome.name)}}));
  }
  return result;
}

// Shared by an environment and its calls, and outlives the environment: a call that returns
// after the environment is gone finds tsfn null and drops its result.
struct EnvLink {
  SRWLOCK lock = SRWLOCK_INIT;
  napi_threadsafe_function tsfn = nullptr;
};

// One environment's subscription to Windows' change notifications. Windows' threads reach
// it through the registry (notify.h) until it is removed there; it is owned by its own
// thread-safe function and freed in that function's finalizer.
struct Watcher {
  SRWLOCK lock = SRWLOCK_INIT;  // over tsfn, so a Windows thread never calls a freed function
  napi_threadsafe_function tsfn = nullptr;
  // Set from the first change until the JS thread takes the call: a burst queues one call.
  std::atomic<bool> queued{false};
  napi_ref onChange = nullptr;  // JS thread only; null once unsubscribed
  NotifyRegistration registration{};
};

// One environment's side (JS thread only). Owned by its thread-safe function and freed in
// that function's finalizer, the point after which Node makes no more callbacks for it.
struct Env {
  struct Pending {
    napi_deferred deferred;
    uint64_t ticket;
  };
  std::shared_ptr<EnvLink> link = std::make_shared<EnvLink>();
  std::unordered_map<uint32_t, Pending> pending;
  Watcher* watcher = nullptr;  // while subscribed; freed by its own finalizer, never by Env's
};

class PendingCall : public ComJob, public std::enable_shared_from_this<PendingCall> {
 public:
  PendingCall(std::shared_ptr<EnvLink> link, uint32_t id) : link_(std::move(link)), id_(id) {}
  uint32_t id() const { return id_; }
  virtual Napi::Value Result(Napi::Env env) const = 0;

  void Finish() override {
    auto* delivery = new std::shared_ptr<PendingCall>(shared_from_this());
    bool sent;
    {
      // Under the lock the finalizer takes too, so the function cannot be freed mid-call.
      Lock lock(link_->lock);
      sent = link_->tsfn && napi_call_threadsafe_function(link_->tsfn, delivery, napi_tsfn_nonblocking) == napi_ok;
    }
    if (!sent) delete delivery;
  }

 private:
  std::shared_ptr<EnvLink> link_;
  uint32_t id_;
};

template <typename Outcome>
class Call final : public PendingCall {
 public:
  // The call's string arguments, in order: the ProgID first where there is one.
  using Work = Outcome (*)(const std::vector<std::wstring>& args);
  using ToJs = Napi::Value (*)(Napi::Env, const Outcome&);

  Call(std::shared_ptr<EnvLink> link, uint32_t id, Work work, ToJs toJs, std::vector<std::wstring> args)
      : PendingCall(std::move(link), id), work_(work), toJs_(toJs), args_(std::move(args)) {}

  // Only std::bad_alloc can be thrown here; it becomes an E_OUTOFMEMORY failure.
  HRESULT Run(const ThreadSetup& setup) override {
    try {
      if (FAILED(setup.hr)) {
        outcome_.failure.hr = setup.hr;
        outcome_.failure.step = setup.step;
      } else {
        outcome_ = work_(args_);
      }
    } catch (...) {
      outcome_ = Outcome();
      outcome_.failure.hr = E_OUTOFMEMORY;
      outcome_.failure.step = "netcon worker";
    }
    return outcome_.ok ? S_OK : outcome_.failure.hr;
  }

  Napi::Value Result(Napi::Env env) const override { return toJs_(env, outcome_); }

 private:
  Work work_;
  ToJs toJs_;
  std::vector<std::wstring> args_;
  Outcome outcome_;
};

using Args = std::vector<std::wstring>;

ListOutcome RunList(const Args& a) { return ListConnections(a[0]); }
ActionOutcome RunDisconnect(const Args& a) { return ApplyToConnection(a[0], a[1], ConnectionAction::Disconnect); }
ActionOutcome RunConnect(const Args& a) { return ApplyToConnection(a[0], a[1], ConnectionAction::Connect); }
SecurityOutcome RunInitializeSecurity(const Args&) { return InitializeComSecurity(); }
Diagnosis RunDiagnose(const Args& a) { return Diagnose(a[0]); }
SharingOutcome RunSharing(const Args& a) { return ReadSharing(a[0]); }
// The type comes as text ("off" or SHARINGCONNECTIONTYPE's value), with the other arguments.
ActionOutcome RunSetSharing(const Args& a) {
  int32_t type = a[2] == L"off" ? kDisableSharing : static_cast<int32_t>(wcstol(a[2].c_str(), nullptr, 10));
  return SetSharing(a[0], a[1], type);
}
ActionOutcome RunRename(const Args& a) { return RenameConnection(a[0], a[1], a[2]); }
ActionOutcome RunDelete(const Args& a) { return DeleteConnection(a[0], a[1]); }
DuplicateOutcome RunDuplicate(const Args& a) { return DuplicateConnection(a[0], a[1], a[2]); }

// The action's answer with the copy, or its failure (one reading the copy back names a step
// that says so: src/ then tells the caller the copy exists).
Napi::Value DuplicateToJs(Napi::Env env, const DuplicateOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  Napi::Value result = ActionToJs(env, outcome);
  if (!outcome.found) return result;
  const RawConnection& d = outcome.duplicate;
  result.As<Napi::Object>().Set("duplicate", ObjectOf(env, {{"id", ToJs(env, d.id)},
                                                            {"name", ToJs(env, d.name)},
                                                            {"deviceName", ToJs(env, d.deviceName)},
                                                            {"status", Napi::Number::New(env, d.status)},
                                                            {"mediaType", Napi::Number::New(env, d.mediaType)},
                                                            {"characteristics", Napi::Number::New(env, d.characteristics)}}));
  return result;
}

// Port mappings: numbers come as decimal text, with the other arguments (src/ has checked them).
int32_t Decimal(const std::wstring& text) { return static_cast<int32_t>(wcstol(text.c_str(), nullptr, 10)); }
PortMappingOutcome RunPortMappings(const Args& a) { return ReadPortMappings(a[0], a[1]); }
// progId, guid, name, protocol, external port, internal port, "ip" or "name", target, "1" to enable.
PortMappingOutcome RunAddPortMapping(const Args& a) {
  NewPortMapping mapping{a[2], Decimal(a[3]), Decimal(a[4]), Decimal(a[5]), a[6] == L"ip", a[7], a[8] == L"1"};
  return AddPortMapping(a[0], a[1], mapping);
}
// progId, guid, protocol, external port, "remove", "enable" or "disable".
PortMappingOutcome RunChangePortMapping(const Args& a) {
  PortMappingChange change = a[4] == L"remove"   ? PortMappingChange::Remove
                             : a[4] == L"enable" ? PortMappingChange::Enable
                                                 : PortMappingChange::Disable;
  return ChangePortMapping(a[0], a[1], Decimal(a[2]), Decimal(a[3]), change);
}

// The action's answer, with the connection's sharing and the mappings read.
Napi::Value PortMappingsToJs(Napi::Env env, const PortMappingOutcome& outcome) {
  Napi::Value answer = ActionToJs(env, outcome);
  if (!outcome.ok || !outcome.found) return answer;
  Napi::Array mappings = Napi::Array::New(env, outcome.mappings.size());
  for (size_t i = 0; i < outcome.mappings.size(); ++i) {
    const RawPortMapping& m = outcome.mappings[i];
    mappings.Set(static_cast<uint32_t>(i), ObjectOf(env, {{"name", ToJs(env, m.name)},
                                                          {"protocol", Napi::Number::New(env, m.protocol)},
                                                          {"externalPort", Napi::Number::New(env, m.externalPort)},
                                                          {"internalPort", Napi::Number::New(env, m.internalPort)},
                                                          {"options", Napi::Number::New(env, m.options)},
                                                          {"targetName", ToJs(env, m.targetName)},
                                                          {"targetIPAddress", ToJs(env, m.targetIPAddress)},
                                                          {"enabled", Napi::Boolean::New(env, m.enabled)}}));
  }
  Napi::Object result = answer.As<Napi::Object>();
  result.Set("sharingEnabled", outcome.sharingEnabled);
  result.Set("sharingType", Napi::Number::New(env, outcome.sharingType));
  result.Set("mappingFound", outcome.mappingFound);
  result.Set("mappings", mappings);
  return result;
}
AdaptersOutcome RunAdapters(const Args&) { return ReadAdapters(); }

Napi::Value SharingToJs(Napi::Env env, const SharingOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  Napi::Array connections = Napi::Array::New(env, outcome.connections.size());
  for (size_t i = 0; i < outcome.connections.size(); ++i) {
    const RawSharing& c = outcome.connections[i];
    connections.Set(static_cast<uint32_t>(i), ObjectOf(env, {{"id", ToJs(env, c.id)},
                                                             {"name", ToJs(env, c.name)},
                                                             {"shareable", Napi::Boolean::New(env, c.shareable)},
                                                             {"enabled", Napi::Boolean::New(env, c.enabled)},
                                                             {"type", Napi::Number::New(env, c.type)}}));
  }
  return ObjectOf(env, {{"ok", Napi::Boolean::New(env, true)}, {"connections", connections}});
}

Napi::Value DiagnosisToJs(Napi::Env env, const Diagnosis& d) {
  if (!d.ok) return FailureToJs(env, d.failure);
  auto number = [&](double n) { return Napi::Number::New(env, n); };
  auto text = [&](const std::wstring& s) { return ToJs(env, s); };
  return ObjectOf(env, {{"ok", Napi::Boolean::New(env, true)},
                        {"windowsMajor", number(d.windowsMajor)},
                        {"windowsMinor", number(d.windowsMinor)},
                        {"windowsBuild", number(d.windowsBuild)},
                        {"servicePack", text(d.servicePack)},
                        {"wineVersion", text(d.wineVersion)},
                        {"osArch", text(d.osArch)},
                        {"binaryArch", text(BinaryArch())},
                        {"hostExe", text(d.hostExe)},
                        {"addonPath", text(d.addonPath)},
                        {"clsidHresult", number(static_cast<uint32_t>(d.clsidHr))},
                        {"clsid", text(d.clsid)},
                        {"serverError", number(d.serverError)},
                        {"serverKind", text(d.serverKind)},
                        {"serverPath", text(d.serverPath)},
                        {"serverFileExists", Napi::Boolean::New(env, d.serverFileExists)},
                        {"threadingModel", text(d.threadingModel)},
                        {"otherView", text(d.otherView)},
                        {"otherViewServerPath", text(d.otherViewServerPath)},
                        {"serviceError", number(d.serviceError)},
                        {"serviceState", number(d.serviceState)},
                        {"serviceStartType", number(d.serviceStartType)},
                        {"elevationError", number(d.elevationError)},
                        {"elevated", Napi::Boolean::New(env, d.elevated)}});
}

// A handful of adapters, each a few fields: objects, unlike the list, cost little here.
Napi::Value AdaptersToJs(Napi::Env env, const AdaptersOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  auto number = [&](double n) { return Napi::Number::New(env, n); };
  // 64-bit values: a LUID as decimal text (a double would round it), a speed as a number
  // (bits/s stay exact up to 2^53) or null for Windows' "unknown".
  auto luid = [&](uint64_t value) { return Napi::String::New(env, std::to_string(value)); };
  auto speed = [&](uint64_t value) -> napi_value {
    if (value == UINT64_MAX) return env.Null();
    return number(static_cast<double>(value));
  };
  auto texts = [&](const std::vector<std::wstring>& list) {
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) array.Set(static_cast<uint32_t>(i), ToJs(env, list[i]));
    return array;
  };
  auto addresses = [&](const std::vector<RawAddress>& list) {
    Napi::Array array = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      array.Set(static_cast<uint32_t>(i), ObjectOf(env, {{"address", ToJs(env, list[i].address)}, {"prefixLength", number(list[i].prefixLength)}}));
    }
    return array;
  };
  Napi::Array adapters = Napi::Array::New(env, outcome.adapters.size());
  for (size_t i = 0; i < outcome.adapters.size(); ++i) {
    const RawAdapter& a = outcome.adapters[i];
    Napi::Array physical = Napi::Array::New(env, a.physicalAddress.size());
    for (size_t b = 0; b < a.physicalAddress.size(); ++b) physical.Set(static_cast<uint32_t>(b), number(a.physicalAddress[b]));
    adapters.Set(static_cast<uint32_t>(i), ObjectOf(env, {{"guid", ToJs(env, a.guid)},
                                                          {"ifIndex", number(a.ifIndex)},
                                                          {"ipv6IfIndex", number(a.ipv6IfIndex)},
                                                          {"luid", luid(a.luid)},
                                                          {"physicalAddress", physical},
                                                          {"mtu", number(a.mtu)},
                                                          {"transmitLinkSpeed", speed(a.transmitLinkSpeed)},
                                                          {"receiveLinkSpeed", speed(a.receiveLinkSpeed)},
                                                          {"operStatus", number(a.operStatus)},
                                                          {"ipv4Metric", number(a.ipv4Metric)},
                                                          {"ipv6Metric", number(a.ipv6Metric)},
                                                          {"ipv4", addresses(a.ipv4)},
                                                          {"ipv6", addresses(a.ipv6)},
                                                          {"gateways", texts(a.gateways)},
                                                          {"dnsServers", texts(a.dnsServers)},
                                                          {"dnsSuffix", ToJs(env, a.dnsSuffix)}}));
  }
  Napi::Array routes = Napi::Array::New(env, outcome.defaultRoutes.size());
  for (size_t i = 0; i < outcome.defaultRoutes.size(); ++i) {
    const RawDefaultRoute& r = outcome.defaultRoutes[i];
    routes.Set(static_cast<uint32_t>(i), ObjectOf(env, {{"luid", luid(r.luid)},
                                                        {"ifIndex", number(r.ifIndex)},
                                                        {"family", number(r.family)},
                                                        {"nextHop", ToJs(env, r.nextHop)},
                                                        {"metric", number(r.metric)}}));
  }
  return ObjectOf(env, {{"ok", Napi::Boolean::New(env, true)}, {"adapters", adapters}, {"defaultRoutes", routes}});
}

Napi::Value SecurityToJs(Napi::Env env, const SecurityOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  return ObjectOf(env, {{"ok", Napi::Boolean::New(env, true)}});
}

// Removes a pending call; the last one lets the process exit again.
napi_deferred Settle(napi_env env, Env& e, std::unordered_map<uint32_t, Env::Pending>::iterator it) {
  napi_deferred deferred = it->second.deferred;
  e.pending.erase(it);
  if (e.pending.empty()) napi_unref_threadsafe_function(env, e.link->tsfn);
  return deferred;
}

// The thread-safe function's call_js_cb: a call's result, on the JS thread.
void Deliver(napi_env env, napi_value, void* context, void* data) {
  std::unique_ptr<std::shared_ptr<PendingCall>> call(static_cast<std::shared_ptr<PendingCall>*>(data));
  if (!env) return;  // the environment is going away
  Env& e = *static_cast<Env*>(context);
  auto it = e.pending.find((*call)->id());
  if (it == e.pending.end()) return;  // abandoned: its promise is settled already
  napi_deferred deferred = Settle(env, e, it);
  Napi::Env napiEnv(env);
  Napi::Value value = (*call)->Result(napiEnv);
  if (napiEnv.IsExceptionPending()) {
    napi_reject_deferred(env, deferred, napiEnv.GetAndClearPendingException().Value());
  } else {
    napi_resolve_deferred(env, deferred, value);
  }
}

void Forget(napi_env, void* data, void*) {
  auto* e = static_cast<Env*>(data);
  {
    Lock lock(e->link->lock);
    e->link->tsfn = nullptr;
  }
  delete e;
}

// src/ validates every argument before it gets here; these checks only keep a misuse of the
// raw binding from reading garbage.
bool ExpectArguments(const Napi::CallbackInfo& info, size_t strings) {
  for (size_t i = 0; i < strings; ++i) {
    if (info.Length() <= i || !info[i].IsString()) {
      Napi::TypeError::New(info.Env(), "netcon binding: expected string arguments").ThrowAsJavaScriptException();
      return false;
    }
  }
  if (info.Length() <= strings || !info[strings].IsNumber()) {
    Napi::TypeError::New(info.Env(), "netcon binding: expected a call id").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

template <typename Outcome>
Napi::Value Start(const Napi::CallbackInfo& info, size_t strings, typename Call<Outcome>::Work work,
                  typename Call<Outcome>::ToJs toJs) {
  Napi::Env env = info.Env();
  Env& e = *static_cast<Env*>(info.Data());
  if (!ExpectArguments(info, strings)) return env.Undefined();
  uint32_t id = info[strings].As<Napi::Number>().Uint32Value();
  if (e.pending.count(id)) {
    Napi::TypeError::New(env, "netcon binding: that call id is pending").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<std::wstring> args;
  for (size_t i = 0; i < strings; ++i) args.push_back(FromJs(info[i]));
  auto call = std::make_shared<Call<Outcome>>(e.link, id, work, toJs, std::move(args));
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) return env.Undefined();
  uint64_t ticket = SubmitComJob(call);
  if (ticket == 0) {
    ComThreadStats stats = GetComThreadStats();
    napi_resolve_deferred(env, deferred, ObjectOf(env, {{"ok", Napi::Boolean::New(env, false)},
                                                     {"refused", Napi::String::New(env, "stuck-threads")},
                                                     {"stuck", Napi::Number::New(env, stats.stuck)}}));
    return Napi::Value(env, promise);
  }
  e.pending.emplace(id, Env::Pending{deferred, ticket});
  if (e.pending.size() == 1) napi_ref_threadsafe_function(env, e.link->tsfn);
  return Napi::Value(env, promise);
}

Napi::Value List(const Napi::CallbackInfo& info) { return Start<ListOutcome>(info, 1, RunList, ListToJs); }
Napi::Value Disconnect(const Napi::CallbackInfo& info) {
  return Start<ActionOutcome>(info, 2, RunDisconnect, ActionToJs);
}
Napi::Value Connect(const Napi::CallbackInfo& info) { return Start<ActionOutcome>(info, 2, RunConnect, ActionToJs); }
Napi::Value InitializeSecurity(const Napi::CallbackInfo& info) {
  return Start<SecurityOutcome>(info, 0, RunInitializeSecurity, SecurityToJs);
}

Napi::Value DiagnoseMachine(const Napi::CallbackInfo& info) {
  return Start<Diagnosis>(info, 1, RunDiagnose, DiagnosisToJs);
}
Napi::Value Sharing(const Napi::CallbackInfo& info) { return Start<SharingOutcome>(info, 1, RunSharing, SharingToJs); }
Napi::Value SetSharingOf(const Napi::CallbackInfo& info) {
  return Start<ActionOutcome>(info, 3, RunSetSharing, ActionToJs);
}
Napi::Value Rename(const Napi::CallbackInfo& info) { return Start<ActionOutcome>(info, 3, RunRename, ActionToJs); }
Napi::Value Delete(const Napi::CallbackInfo& info) { return Start<ActionOutcome>(info, 2, RunDelete, ActionToJs); }
Napi::Value Duplicate(const Napi::CallbackInfo& info) {
  return Start<DuplicateOutcome>(info, 3, RunDuplicate, DuplicateToJs);
}
Napi::Value PortMappings(const Napi::CallbackInfo& info) {
  return Start<PortMappingOutcome>(info, 2, RunPortMappings, PortMappingsToJs);
}
Napi::Value AddPortMappingTo(const Napi::CallbackInfo& info) {
  return Start<PortMappingOutcome>(info, 9, RunAddPortMapping, PortMappingsToJs);
}
Napi::Value ChangePortMappingOf(const Napi::CallbackInfo& info) {
  return Start<PortMappingOutcome>(info, 5, RunChangePortMapping, PortMappingsToJs);
}
Napi::Value Adapters(const Napi::CallbackInfo& info) { return Start<AdaptersOutcome>(info, 0, RunAdapters, AdaptersToJs); }

// On the JS thread, where the caller's apartment is: CoGetApartmentType joins none.
Napi::Value Apartment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ApartmentInfo a = CurrentApartment();
  return ObjectOf(env, {{"hresult", Napi::Number::New(env, static_cast<uint32_t>(a.hr))},
                        {"type", Napi::Number::New(env, a.type)},
                        {"qualifier", Napi::Number::New(env, a.qualifier)}});
}

Napi::Value Abandon(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Env& e = *static_cast<Env*>(info.Data());
  if (!ExpectArguments(info, 0)) return env.Undefined();
  auto it = e.pending.find(info[0].As<Napi::Number>().Uint32Value());
  if (it == e.pending.end()) return env.Undefined();
  uint64_t ticket = it->second.ticket;
  napi_resolve_deferred(env, Settle(env, e, it), env.Undefined());
  AbandonComJob(ticket);
  return env.Undefined();
}

// For tests and diagnostics: what the threads are doing now.
Napi::Value ComThreads(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ComThreadStats s = GetComThreadStats();
  auto number = [&](double n) { return Napi::Number::New(env, n); };
  return ObjectOf(env, {{"threads", number(s.threads)},
                     {"idle", number(s.idle)},
                     {"stuck", number(s.stuck)},
                     {"queued", number(s.queued)},
                     {"maxThreads", number(s.maxThreads)},
                     {"abandonedReturned", number(static_cast<double>(s.abandonedReturned))},
                     {"lastAbandonedResult", number(static_cast<uint32_t>(s.lastAbandonedResult))},
                     {"canCancel", Napi::Boolean::New(env, s.canCancel)}});
}

// On a Windows thread (notify.h's ChangeCallback).
void OnChange(void* context) {
  auto* w = static_cast<Watcher*>(context);
  if (w->queued.exchange(true)) return;  // the call already queued covers this change too
  bool sent;
  {
    Lock lock(w->lock);
    sent = w->tsfn && napi_call_threadsafe_function(w->tsfn, nullptr, napi_tsfn_nonblocking) == napi_ok;
  }
  if (!sent) w->queued = false;
}

// The notifications' call_js_cb, on the JS thread.
void DeliverChange(napi_env env, napi_value, void* context, void*) {
  if (!env) return;  // the environment is going away
  auto* w = static_cast<Watcher*>(context);
  // Before the call: a change that comes while fn runs must queue another.
  w->queued = false;
  if (!w->onChange) return;  // unsubscribed after it was queued
  napi_value fn, receiver;
  if (napi_get_reference_value(env, w->onChange, &fn) != napi_ok || napi_get_undefined(env, &receiver) != napi_ok) return;
  // What fn throws stays pending, and Node reports it as uncaught, as for any callback.
  napi_call_function(env, receiver, fn, 0, nullptr, nullptr);
}

// Ends a subscription on the JS thread; the thread-safe function's finalizer frees it later.
void StopWatching(napi_env env, Watcher* w) {
  // Before taking w->lock, never under it: the last subscriber out waits for Windows'
  // callbacks in progress, and one of those may be waiting for a Watcher's lock.
  RemoveChangeSubscriber(w);
  if (w->onChange) napi_delete_reference(env, std::exchange(w->onChange, nullptr));
  napi_threadsafe_function tsfn;
  {
    Lock lock(w->lock);
    tsfn = std::exchange(w->tsfn, nullptr);
  }
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
}

// The notifications' finalizer: after unsubscribe(), or at the environment's teardown
// (worker.terminate()) while still subscribed.
void ForgetWatcher(napi_env env, void* data, void*) {
  auto* w = static_cast<Watcher*>(data);
  RemoveChangeSubscriber(w);  // as in StopWatching, before the lock
  {
    Lock lock(w->lock);
    w->tsfn = nullptr;
  }
  if (w->onChange) napi_delete_reference(env, w->onChange);
  delete w;
}

// nullptr when Node-API could not make the thread-safe function or memory ran out.
Watcher* StartWatching(napi_env env) {
  auto owned = std::make_unique<Watcher>();
  napi_value name;
  napi_threadsafe_function tsfn;
  if (napi_create_string_utf8(env, "netcon notifications", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, owned.get(), ForgetWatcher, owned.get(),
                                      DeliverChange, &tsfn) != napi_ok)
    return nullptr;
  Watcher* w = owned.release();  // the function's finalizer frees it now
  napi_unref_threadsafe_function(env, tsfn);  // notifications never keep a process alive
  w->tsfn = tsfn;  // no lock: Windows cannot reach w before it is added below
  w->registration = AddChangeSubscriber(OnChange, w);
  if (!w->registration.added) {
    StopWatching(env, w);
    return nullptr;
  }
  return w;
}

Napi::Value Subscribe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Env& e = *static_cast<Env*>(info.Data());
  if (info.Length() < 1 || !info[0].IsFunction()) {
    Napi::TypeError::New(env, "netcon binding: expected a function").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!e.watcher) e.watcher = StartWatching(env);
  if (!e.watcher) {
    Napi::Error::New(env, "netcon: could not subscribe to change notifications").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // A second subscribe only replaces fn. No change is delivered before this returns.
  napi_ref onChange;
  if (napi_create_reference(env, info[0], 1, &onChange) != napi_ok) return env.Undefined();
  if (e.watcher->onChange) napi_delete_reference(env, e.watcher->onChange);
  e.watcher->onChange = onChange;
  const NotifyRegistration& r = e.watcher->registration;
  return ObjectOf(env, {{"ipInterface", Napi::Number::New(env, r.ipInterface)}, {"ras", Napi::Number::New(env, r.ras)}});
}

Napi::Value Unsubscribe(const Napi::CallbackInfo& info) {
  Env& e = *static_cast<Env*>(info.Data());
  if (e.watcher) StopWatching(info.Env(), std::exchange(e.watcher, nullptr));
  return info.Env().Undefined();
}

Napi::Value Notifications(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  NotifyStats s = GetNotifyStats();
  return ObjectOf(env, {{"subscribers", Napi::Number::New(env, s.subscribers)},
                        {"ipInterfaceRegistered", Napi::Boolean::New(env, s.ipInterfaceRegistered)},
                        {"rasRegistered", Napi::Boolean::New(env, s.rasRegistered)},
                        {"rasError", Napi::Number::New(env, s.rasError)},
                        {"wakeups", Napi::Number::New(env, static_cast<double>(s.wakeups))}});
}

// Built without C++ exceptions, node-addon-api lets none through on its own, and one that
// reached Node would end the process. Only std::bad_alloc can be thrown here.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (...) {
    napi_throw_error(info.Env(), nullptr, "netcon: out of memory");
    return Napi::Value();
  }
}

// A worker's teardown unloads the addons it loaded, while one of our threads may still be
// inside a COM call that returns into this DLL: pinned, it is never unmapped under them.
// Windows also calls notify.cc's callbacks as long as the process lives (the RAS event).
void PinThisModule() {
  HMODULE self;
  GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_PIN | GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS,
                     reinterpret_cast<LPCWSTR>(&PinThisModule), &self);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  PinThisModule();
  auto* e = new Env;
  napi_threadsafe_function tsfn;
  if (napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, "netcon"), 0, 1, e, Forget, e,
                                      Deliver, &tsfn) != napi_ok) {
    delete e;
    Napi::Error::New(env, "netcon: could not create a thread-safe function").ThrowAsJavaScriptException();
    return exports;
  }
  e->link->tsfn = tsfn;
  napi_unref_threadsafe_function(env, tsfn);
  exports.Set("list", Napi::Function::New(env, Guarded<List>, "list", e));
  exports.Set("disconnect", Napi::Function::New(env, Guarded<Disconnect>, "disconnect", e));
  exports.Set("diagnose", Napi::Function::New(env, Guarded<DiagnoseMachine>, "diagnose", e));
  exports.Set("apartment", Napi::Function::New(env, Apartment, "apartment"));
  exports.Set("connect", Napi::Function::New(env, Guarded<Connect>, "connect", e));
  exports.Set("sharing", Napi::Function::New(env, Guarded<Sharing>, "sharing", e));
  exports.Set("setSharing", Napi::Function::New(env, Guarded<SetSharingOf>, "setSharing", e));
  exports.Set("rename", Napi::Function::New(env, Guarded<Rename>, "rename", e));
  exports.Set("abandon", Napi::Function::New(env, Abandon, "abandon", e));
  exports.Set("initializeSecurity", Napi::Function::New(env, Guarded<InitializeSecurity>, "initializeSecurity", e));
  exports.Set("comThreads", Napi::Function::New(env, ComThreads, "comThreads", e));
  exports.Set("subscribe", Napi::Function::New(env, Guarded<Subscribe>, "subscribe", e));
  exports.Set("unsubscribe", Napi::Function::New(env, Guarded<Unsubscribe>, "unsubscribe", e));
  exports.Set("notifications", Napi::Function::New(env, Guarded<Notifications>, "notifications", e));
  exports.Set("deleteConnection", Napi::Function::New(env, Guarded<Delete>, "deleteConnection", e));
  exports.Set("duplicateConnection", Napi::Function::New(env, Guarded<Duplicate>, "duplicateConnection", e));
  exports.Set("portMappings", Napi::Function::New(env, Guarded<PortMappings>, "portMappings", e));
  exports.Set("addPortMapping", Napi::Function::New(env, Guarded<AddPortMappingTo>, "addPortMapping", e));
  exports.Set("changePortMapping", Napi::Function::New(env, Guarded<ChangePortMappingOf>, "changePortMapping", e));
  exports.Set("adapters", Napi::Function::New(env, Guarded<Adapters>, "adapters", e));
  return exports;
}

}  // namespace

NODE_API_MODULE(netcon, Init)
