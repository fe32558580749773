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
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "raw-lists.h"

using raw_com::Disconnect;
using raw_com::List;
using raw_com::ListWithGetProperties;

namespace {

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
