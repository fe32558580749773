// The physical limit netcon is measured against (bench/run-bench.ts): the COM calls netcon's
// listConnections() and disconnect(guid) make, in the same order, with no Node-API, no
// worker thread and no error reporting, in one MTA apartment joined once for the whole run.
// Plain Win32, so MSVC and mingw-w64 both build it.
//
//   raw-com time <ProgID> <GUID|-> <warmup> <reps> <out.json> [naive|getprops]
//       times each call in-process (QueryPerformanceCounter) and writes the per-call
//       milliseconds as {"list":[…],"disconnect":[…]}; a file, because Wine cannot hand a
//       Windows process's stdout to a pipe. naive (the default) reads each connection with
//       NetConnectionProps and its six getters, each a service round trip on Windows;
//       getprops with one INetConnection::GetProperties, as netcon does
//   raw-com once <ProgID>
//       one list, then exit: the "tiny console exe" users would spawn (exit code 0 = listed)
#include <windows.h>
#include <netcon.h>
#include <objbase.h>
#include <oleauto.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// As in native/netcon_com.cc: spelled out, so no import library must carry them.
constexpr CLSID kClsidNetSharingManager = {0x5C63C1AD, 0x3956, 0x4FF8, {0x84, 0x86, 0x40, 0x03, 0x47, 0x58, 0x31, 0x5B}};
constexpr IID kIidNetSharingManager = {0xC08956B7, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
constexpr IID kIidNetConnection = {0xC08956A1, 0x1CD3, 0x11D1, {0xB1, 0xC5, 0x00, 0x80, 0x5F, 0xC1, 0x27, 0x0E}};
constexpr IID kIidEnumVariant = {0x00020404, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

// What a caller keeps of each connection: the six properties, as netcon keeps them.
struct Connection {
  std::wstring id, name, device;
  NETCON_STATUS status;
  NETCON_MEDIATYPE media;
  DWORD characteristics;
};

std::wstring Read(INetConnectionProps* props, HRESULT (STDMETHODCALLTYPE INetConnectionProps::*getter)(BSTR*)) {
  BSTR b = nullptr;
  (props->*getter)(&b);
  std::wstring s = b ? std::wstring(b, SysStringLen(b)) : std::wstring();
  SysFreeString(b);
  return s;
}

// Calls visit(manager, connection) for each connection until it returns false. Failures
// just end the walk: the benchmark checks the count, not the HRESULT.
template <typename Visit>
bool Walk(const wchar_t* progId, Visit visit) {
  bool ok = false;
  CLSID clsid;
  if (FAILED(CLSIDFromProgID(progId, &clsid))) clsid = kClsidNetSharingManager;
  INetSharingManager* manager = nullptr;
  if (SUCCEEDED(CoCreateInstance(clsid, nullptr, CLSCTX_ALL, kIidNetSharingManager, reinterpret_cast<void**>(&manager)))) {
    INetSharingEveryConnectionCollection* collection = nullptr;
    if (SUCCEEDED(manager->get_EnumEveryConnection(&collection))) {
      IUnknown* unknown = nullptr;
      if (SUCCEEDED(collection->get__NewEnum(&unknown))) {
        IEnumVARIANT* items = nullptr;
        if (SUCCEEDED(unknown->QueryInterface(kIidEnumVariant, reinterpret_cast<void**>(&items)))) {
          ok = true;
          for (bool more = true; more;) {
            VARIANT item;
            VariantInit(&item);
            ULONG fetched = 0;
            if (items->Next(1, &item, &fetched) != S_OK || fetched == 0) break;
            INetConnection* connection = nullptr;
            if (SUCCEEDED(item.punkVal->QueryInterface(kIidNetConnection, reinterpret_cast<void**>(&connection)))) {
              more = visit(manager, connection);
              connection->Release();
            }
            VariantClear(&item);
          }
          items->Release();
        }
        unknown->Release();
      }
      collection->Release();
    }
    manager->Release();
  }
  return ok;
}

size_t List(const wchar_t* progId) {
  std::vector<Connection> out;
  Walk(progId, [&](INetSharingManager* manager, INetConnection* connection) {
    INetConnectionProps* props = nullptr;
    if (FAILED(manager->get_NetConnectionProps(connection, &props))) return false;
    Connection c{};
    c.id = Read(props, &INetConnectionProps::get_Guid);
    c.name = Read(props, &INetConnectionProps::get_Name);
    c.device = Read(props, &INetConnectionProps::get_DeviceName);
    props->get_Status(&c.status);
    props->get_MediaType(&c.media);
    props->get_Characteristics(&c.characteristics);
    props->Release();
    out.push_back(std::move(c));
    return true;
  });
  return out.size();
}

// The same list with one GetProperties per connection; the caller frees the strings and the
// block with CoTaskMemFree.
size_t ListWithGetProperties(const wchar_t* progId) {
  std::vector<Connection> out;
  Walk(progId, [&](INetSharingManager*, INetConnection* connection) {
    NETCON_PROPERTIES* p = nullptr;
    if (FAILED(connection->GetProperties(&p)) || !p) return false;
    wchar_t guid[39];
    StringFromGUID2(p->guidId, guid, 39);
    Connection c{guid, p->pszwName ? p->pszwName : L"", p->pszwDeviceName ? p->pszwDeviceName : L"", p->Status, p->MediaType,
                 p->dwCharacter};
    CoTaskMemFree(p->pszwName);
    CoTaskMemFree(p->pszwDeviceName);
    CoTaskMemFree(p);
    out.push_back(std::move(c));
    return true;
  });
  return out.size();
}

// netcon's disconnect(guid): walk reading each GUID; at the match read the name, Disconnect.
bool Disconnect(const wchar_t* progId, const std::wstring& guid) {
  bool done = false;
  Walk(progId, [&](INetSharingManager* manager, INetConnection* connection) {
    INetConnectionProps* props = nullptr;
    if (FAILED(manager->get_NetConnectionProps(connection, &props))) return false;
    std::wstring id = Read(props, &INetConnectionProps::get_Guid);
    if (_wcsicmp(id.c_str(), guid.c_str()) == 0) {
      Read(props, &INetConnectionProps::get_Name);  // netcon reads the name for its errors
      done = SUCCEEDED(connection->Disconnect());
    }
    props->Release();
    return !done;
  });
  return done;
}

template <typename Call>
std::vector<double> Time(int warmup, int reps, Call call) {
  LARGE_INTEGER frequency, t0, t1;
  QueryPerformanceFrequency(&frequency);
  for (int i = 0; i < warmup; ++i) call();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    QueryPerformanceCounter(&t0);
    call();
    QueryPerformanceCounter(&t1);
    ms.push_back(1000.0 * static_cast<double>(t1.QuadPart - t0.QuadPart) / static_cast<double>(frequency.QuadPart));
  }
  return ms;
}

void Write(FILE* f, const char* name, const std::vector<double>& ms) {
  std::fprintf(f, "\"%s\":[", name);
  for (size_t i = 0; i < ms.size(); ++i) std::fprintf(f, "%s%.6f", i ? "," : "", ms[i]);
  std::fprintf(f, "]");
}

}  // namespace

// A program that lists again and again keeps its apartment: it joins the MTA once, as
// netcon's threads do, so neither side is timed setting COM up (or loading the server).
struct Apartment {
  HRESULT hr = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  ~Apartment() {
    if (SUCCEEDED(hr)) CoUninitialize();
  }
};

int wmain(int argc, wchar_t** argv) {
  Apartment apartment;
  std::wstring mode = argc > 1 ? argv[1] : L"";
  if (mode == L"once" && argc == 3) return List(argv[2]) > 0 ? 0 : 1;
  if (mode != L"time" || argc < 7 || argc > 8) {
    std::fprintf(stderr, "usage: raw-com time <ProgID> <GUID|-> <warmup> <reps> <out.json> [naive|getprops] | raw-com once <ProgID>\n");
    return 2;
  }
  const wchar_t* progId = argv[2];
  std::wstring guid = argv[3];
  int warmup = _wtoi(argv[4]), reps = _wtoi(argv[5]);
  size_t (*listOnce)(const wchar_t*) = argc > 7 && std::wstring(argv[7]) == L"getprops" ? ListWithGetProperties : List;
  size_t listed = listOnce(progId);
  std::vector<double> list = Time(warmup, reps, [&] { listOnce(progId); });
  std::vector<double> disconnect;
  bool disconnected = true;
  if (guid != L"-") {
    disconnected = Disconnect(progId, guid);
    disconnect = Time(warmup, reps, [&] { Disconnect(progId, guid); });
  }
  FILE* f = _wfopen(argv[6], L"w");
  if (!f) return 1;
  std::fprintf(f, "{\"listed\":%zu,\"disconnected\":%s,", listed, disconnected ? "true" : "false");
  Write(f, "list", list);
  std::fprintf(f, ",");
  Write(f, "disconnect", disconnect);
  std::fprintf(f, "}\n");
  std::fclose(f);
  return 0;
}
