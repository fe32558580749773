'use strict';
// node as-limited-token.cjs <netcon bin> <args…>: runs netcon's CLI as it runs with a limited
// token (`runas /trustlevel:0x20000`), which Wine cannot make: netcon's binary reads its
// token's elevation through the test native helper's interceptor (NETCON_NATIVE_HELPER).
const fs = require('fs');
const path = require('path');

const [bin, ...args] = process.argv.slice(2);
const isNetcon = (dir) => fs.existsSync(path.join(dir, 'package.json')) && JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'netcon';
let root = path.dirname(bin);
while (!isNetcon(root) && path.dirname(root) !== root) root = path.dirname(root);
const addonPath = require(require.resolve('node-gyp-build', { paths: [root] })).path(root);
require(addonPath);
const helper = require(process.env.NETCON_NATIVE_HELPER);
if (!helper.interceptElevation(addonPath)) {
  console.error(`could not take ${addonPath}'s GetTokenInformation`);
  process.exit(99);
}
process.argv = [process.argv[0], bin, ...args];
require(bin);
