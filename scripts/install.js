'use strict';
// Only Windows has INetConnection: elsewhere install nothing, so Linux/macOS CI of apps that
// depend on netcon stays green without a compiler. On Windows, node-gyp-build uses a matching
// prebuild or falls back to `node-gyp rebuild` from binding.gyp.
if (process.platform !== 'win32') process.exit(0);
require('child_process').execFileSync(process.execPath, [require.resolve('node-gyp-build/bin.js')], { stdio: 'inherit' });
