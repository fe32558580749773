#!/usr/bin/env node
// The `netcon` bin. Everything but wiring the real streams lives in main.ts.
import { main } from './main';

void main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stderr.isTTY === true,
  // Only a command that asks (watch) takes Ctrl+C over; for the others it ends the process.
  interrupt() {
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    return controller.signal;
  },
}).then((code) => {
  // Not process.exit(): on Windows a pipe write may still be pending and would be cut off.
  process.exitCode = code;
});
