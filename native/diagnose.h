// What `netcon doctor` reads about this machine and process: plain data, read-only, no
// Node-API. Runs on one of netcon's threads (in the MTA), like every COM job, because the
// service control manager and a ProgID lookup are cross-process calls that can stall.
#pragma once

#include <windows.h>

#include <cstdint>
#include <string>

#include "netcon_com.h"

struct Diagnosis {
  bool ok = true;  // facts are gathered whatever fails; each part carries its own error
  ComFailure failure;

  // RtlGetVersion: the real version, whatever the host exe's manifest claims.
  uint32_t windowsMajor = 0, windowsMinor = 0, windowsBuild = 0;
  std::wstring servicePack;
  std::wstring wineVersion;  // empty unless ntdll is Wine's
  std::wstring osArch;       // the machine's own architecture: x64, ia32, arm64
  std::wstring hostExe;      // the process's exe (node.exe, electron.exe, MyApp.exe)
  std::wstring addonPath;    // this .node file

  // The COM class: ProgID → CLSID as netcon resolves it (ResolveClsid), then its server.
  HRESULT clsidHr = S_OK;  // ResolveClsid's answer
  std::wstring clsid;
  LONG serverError = ERROR_SUCCESS;  // reading HKCR\CLSID\{…}\InprocServer32 (or LocalServer32)
  std::wstring serverKind;           // InprocServer32 or LocalServer32
  std::wstring serverPath;           // environment variables expanded
  bool serverFileExists = false;
  std::wstring threadingModel;
  // When this process's registry view has no class for the ProgID, or no server for it: the
  // other view (32-bit or 64-bit) that has both, and the server registered there.
  std::wstring otherView;  // L"32-bit", L"64-bit", or empty
  std::wstring otherViewServerPath;

  // The Network Connections service, which HNetShare's objects talk to.
  DWORD serviceError = ERROR_SUCCESS;
  DWORD serviceState = 0;      // SERVICE_RUNNING, SERVICE_STOPPED, …
  DWORD serviceStartType = 0;  // SERVICE_AUTO_START, SERVICE_DEMAND_START, SERVICE_DISABLED, …

  DWORD elevationError = ERROR_SUCCESS;
  bool elevated = false;
};

Diagnosis Diagnose(const std::wstring& progId);

// The calling thread's apartment (CoGetApartmentType), without joining one: `hr` is
// CO_E_NOTINITIALIZED for a thread in none.
struct ApartmentInfo {
  HRESULT hr = S_OK;
  int type = 0;  // APTTYPE
  int qualifier = 0;  // APTTYPEQUALIFIER
};
ApartmentInfo CurrentApartment();

// The architecture this binary was compiled for: x64, ia32 or arm64.
const wchar_t* BinaryArch();
