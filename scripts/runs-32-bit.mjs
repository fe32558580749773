// Whether this Linux machine runs 32-bit x86 programs at all. Some kernels refuse them
// (execve fails with ENOEXEC, "Exec format error"): no 32-bit emulation, or a hypervisor
// without the 32-bit mode. There wine32 cannot start, and Debian's `wine`, which prefers the
// 32-bit loader once wine32 is installed, cannot start anything. Asked by running the
// smallest i386 program there is (exit(0) through int 0x80), which needs no 32-bit library.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = 0x08048000;
const CODE = Buffer.from([0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xdb, 0xcd, 0x80]); // mov eax,1; xor ebx,ebx; int 0x80

function tinyElf() {
  const header = Buffer.alloc(52);
  const program = Buffer.alloc(32);
  const size = header.length + program.length + CODE.length;
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]).copy(header); // ELF, 32-bit, little-endian, version 1
  header.writeUInt16LE(2, 16); // ET_EXEC
  header.writeUInt16LE(3, 18); // EM_386
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(BASE + header.length + program.length, 24); // entry
  header.writeUInt32LE(header.length, 28); // program headers' offset
  header.writeUInt16LE(52, 40);
  header.writeUInt16LE(32, 42);
  header.writeUInt16LE(1, 44);
  program.writeUInt32LE(1, 0); // PT_LOAD of the whole file
  program.writeUInt32LE(BASE, 8);
  program.writeUInt32LE(BASE, 12);
  program.writeUInt32LE(size, 16);
  program.writeUInt32LE(size, 20);
  program.writeUInt32LE(5, 24); // read, execute
  program.writeUInt32LE(0x1000, 28);
  return Buffer.concat([header, program, CODE]);
}

let answer;

/** `{ ok: true }`, or `{ ok: false, why }` with what running a 32-bit program gave. Linux x64 only. */
export function runs32BitPrograms() {
  if (answer) return answer;
  const dir = mkdtempSync(join(tmpdir(), 'netcon-i386-'));
  try {
    const file = join(dir, 'exit0');
    writeFileSync(file, tinyElf());
    chmodSync(file, 0o755);
    const run = spawnSync(file, [], { stdio: 'ignore', timeout: 10_000 });
    answer = run.status === 0 ? { ok: true } : { ok: false, why: run.error ? `${run.error.code ?? run.error.message}` : `exit ${run.status ?? run.signal}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return answer;
}
