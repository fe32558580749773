// What a plain Node script (the benchmarks, the demo) needs before it uses this folder: the
// built package, and a require() that loads these TypeScript files (types are erased only).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// On a fresh clone after `npm ci`, build what the benchmarks and the demo run (dist/ and the
// x64 addon on Linux; node-gyp's build on Windows), as npm test would.
export function ensureBuilt(root) {
  const addon = process.platform === 'win32' ? join(root, 'build', 'Release', 'netcon.node') : join(root, 'prebuilds', 'win32-x64', 'netcon.napi.node');
  if (existsSync(addon) && existsSync(join(root, 'dist', 'index.cjs'))) return;
  const args = process.platform === 'win32' ? [] : ['--arch', 'x64'];
  console.log(`building the package first (node scripts/build.mjs ${args.join(' ')})…`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, stdio: 'inherit' });
}

/** A require() for `from` (an import.meta.url) that also loads .ts files. */
export function requireWithTypeScript(from) {
  const require = createRequire(from);
  const ts = require('typescript');
  require.extensions['.ts'] = (module, filename) => {
    const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    module._compile(outputText, filename);
  };
  return require;
}
