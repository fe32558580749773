// Node-API surface: list(progId), disconnect(progId, guid), connect(progId, guid), each
// returning a promise of plain data. COM work runs in an AsyncWorker on a libuv pool thread:
// each job brackets its own COM apartment there, so no COM state or pointer outlives a call,
// overlapping calls run in parallel, and the JS thread never blocks on a slow server.

// A job can finish after its environment started shutting down (worker.terminate() while a
// Disconnect is in flight): settling its promise there fails, and node-addon-api, built
// without C++ exceptions, would turn that failure into a fatal error that aborts the whole
// process. With this it drops the unthrowable error instead; the promise is gone anyway.
#define NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS
#include <napi.h>

#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "netcon_com.h"

namespace {

// id, name and device name lengths, status, media type, characteristics: see ListToJs.
constexpr size_t kFieldsPerConnection = 6;

Napi::String ToJs(Napi::Env env, const std::wstring& s) {
  static_assert(sizeof(wchar_t) == sizeof(char16_t), "Windows wide strings are UTF-16");
  return Napi::String::New(env, reinterpret_cast<const char16_t*>(s.data()), s.size());
}

// Plain data objects are made with one napi_define_properties each: cheaper on the JS thread
// than a property store per field (bench/), and, measured under Wine with Node 20 and 22, the
// way a lone surrogate in a name reaches JavaScript unchanged (stores turned it into U+FFFD).
Napi::Object Plain(Napi::Env env, std::initializer_list<std::pair<const char*, napi_value>> fields) {
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
                                  ? Plain(env, {{"id", ToJs(env, failure.connectionId)}})
                                  : Plain(env, {{"id", ToJs(env, failure.connectionId)},
                                                {"name", ToJs(env, failure.connectionName)}});
    result.Set("connection", connection);
  }
  return result;
}

// Runs a COM job off the JS thread and settles a promise with what it returns. The job's
// own C++ exceptions (only std::bad_alloc can occur) become an E_OUTOFMEMORY failure here,
// so none reaches Node.
template <typename Outcome>
class ComJob : public Napi::AsyncWorker {
 public:
  using Run = Outcome (*)(const std::wstring&, const std::wstring&);
  using Convert = Napi::Value (*)(Napi::Env, const Outcome&);

  ComJob(Napi::Env env, Run run, Convert convert, std::wstring progId, std::wstring guid)
      : Napi::AsyncWorker(env, "netcon"),
        deferred_(Napi::Promise::Deferred::New(env)),
        run_(run),
        convert_(convert),
        progId_(std::move(progId)),
        guid_(std::move(guid)) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      outcome_ = run_(progId_, guid_);
    } catch (...) {
      outcome_ = Outcome();
      outcome_.failure.hr = E_OUTOFMEMORY;
      outcome_.failure.step = "netcon worker";
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Value value = convert_(env, outcome_);
    if (env.IsExceptionPending()) {
      deferred_.Reject(env.GetAndClearPendingException().Value());
    } else {
      deferred_.Resolve(value);
    }
  }

 private:
  Napi::Promise::Deferred deferred_;
  Run run_;
  Convert convert_;
  std::wstring progId_;
  std::wstring guid_;
  Outcome outcome_;
};

ListOutcome RunList(const std::wstring& progId, const std::wstring&) { return ListConnections(progId); }
ActionOutcome RunDisconnect(const std::wstring& progId, const std::wstring& guid) {
  return ApplyToConnection(progId, guid, ConnectionAction::Disconnect);
}
ActionOutcome RunConnect(const std::wstring& progId, const std::wstring& guid) {
  return ApplyToConnection(progId, guid, ConnectionAction::Connect);
}

Napi::Value ListToJs(Napi::Env env, const ListOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  // This runs on the JS thread, where each Node-API call costs microseconds (bench/): a
  // list of 1,000 built as objects took most of its time here. So every connection goes
  // into one string (id, name, device name back to back) and one Float64Array (per
  // connection: the three lengths, status, media type, characteristics): three Node-API
  // values whatever the count. src/binding.ts cuts them back into objects.
  std::u16string text;
  std::vector<double> fields;
  fields.reserve(outcome.connections.size() * kFieldsPerConnection);
  for (const RawConnection& raw : outcome.connections) {
    for (const std::wstring* s : {&raw.id, &raw.name, &raw.deviceName}) {
      text.append(s->begin(), s->end());
      fields.push_back(static_cast<double>(s->size()));
    }
    fields.push_back(raw.status);
    fields.push_back(raw.mediaType);
    fields.push_back(raw.characteristics);
  }
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, fields.size() * sizeof(double));
  if (!fields.empty()) std::memcpy(buffer.Data(), fields.data(), fields.size() * sizeof(double));
  return Plain(env, {{"ok", Napi::Boolean::New(env, true)},
                     {"text", Napi::String::New(env, text)},
                     {"fields", Napi::Float64Array::New(env, fields.size(), buffer, 0)}});
}

Napi::Value ActionToJs(Napi::Env env, const ActionOutcome& outcome) {
  if (!outcome.ok) return FailureToJs(env, outcome.failure);
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("found", outcome.found);
  if (outcome.found) {
    result.Set("hresult", Napi::Number::New(env, static_cast<uint32_t>(outcome.hr)));
    result.Set("connection", Plain(env, {{"id", ToJs(env, outcome.id)}, {"name", ToJs(env, outcome.name)}}));
  }
  return result;
}

// src/ validates every argument before it gets here; these checks only keep a misuse of the
// raw binding from reading garbage.
bool ExpectStrings(const Napi::CallbackInfo& info, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (info.Length() <= i || !info[i].IsString()) {
      Napi::TypeError::New(info.Env(), "netcon binding: expected string arguments").ThrowAsJavaScriptException();
      return false;
    }
  }
  return true;
}

template <typename Outcome>
Napi::Value Start(const Napi::CallbackInfo& info, size_t arity, typename ComJob<Outcome>::Run run,
                  typename ComJob<Outcome>::Convert convert) {
  if (!ExpectStrings(info, arity)) return info.Env().Undefined();
  auto* job = new ComJob<Outcome>(info.Env(), run, convert, FromJs(info[0]), arity > 1 ? FromJs(info[1]) : L"");
  Napi::Promise promise = job->Promise();
  job->Queue();  // the worker deletes itself once settled
  return promise;
}

Napi::Value List(const Napi::CallbackInfo& info) { return Start<ListOutcome>(info, 1, RunList, ListToJs); }
Napi::Value Disconnect(const Napi::CallbackInfo& info) {
  return Start<ActionOutcome>(info, 2, RunDisconnect, ActionToJs);
}
Napi::Value Connect(const Napi::CallbackInfo& info) { return Start<ActionOutcome>(info, 2, RunConnect, ActionToJs); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("list", Napi::Function::New(env, List, "list"));
  exports.Set("disconnect", Napi::Function::New(env, Disconnect, "disconnect"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  return exports;
}

}  // namespace

NODE_API_MODULE(netcon, Init)
