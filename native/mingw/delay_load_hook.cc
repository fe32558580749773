// The mingw-w64 twin of node-gyp's win_delay_load_hook.cc. Node-API functions are imported
// from "node.exe" through a delay-load import library; when the addon is loaded by any
// other executable (electron.exe, MyApp.exe) that name must resolve to the host process,
// which is where Node-API really lives.
#include <windows.h>

#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI LoadHook(unsigned event, PDelayLoadInfo info) {
  if (event == dliNotePreLoadLibrary && _stricmp(info->szDll, "node.exe") == 0)
    return reinterpret_cast<FARPROC>(GetModuleHandleA(nullptr));
  return nullptr;
}

// mingw-w64 declares the hook non-const, unlike MSVC's delayimp.h.
decltype(__pfnDliNotifyHook2) __pfnDliNotifyHook2 = LoadHook;
