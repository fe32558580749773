'use strict';
// npm install runs `node-gyp-build`, which runs this file (package.json "prebuild.test")
// to decide whether a build is needed: exiting 0 means no. Only Windows has
// INetConnection, so elsewhere nothing is built and Linux/macOS CI of apps that depend on
// netcon needs no compiler. On Windows a matching prebuild (or an earlier build) must load;
// when none does, this throws and node-gyp-build falls back to `node-gyp rebuild`.
if (process.platform === 'win32') require('node-gyp-build')(require('path').join(__dirname, '..'));
