{
  "targets": [
    {
      "target_name": "netcon",
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "<!@(node -p \"require('fs').readdirSync('native').filter(f => f.endsWith('.cc')).map(f => 'native/' + f).join(' ')\")"
          ],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS", "UNICODE", "_UNICODE"],
          "libraries": ["ole32.lib", "oleaut32.lib", "advapi32.lib", "iphlpapi.lib", "rasapi32.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "ExceptionHandling": 1,
              "AdditionalOptions": ["/std:c++17", "/guard:cf", "/sdl", "/W4"]
            },
            "VCLinkerTool": {
              "AdditionalOptions": ["/guard:cf", "/DYNAMICBASE", "/NXCOMPAT"],
              "DelayLoadDLLs": ["iphlpapi.dll", "rasapi32.dll"]
            }
          }
        }]
      ]
    }
  ]
}
