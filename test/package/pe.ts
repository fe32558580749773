// Just enough of the PE/COFF format to check a built .node file: its machine type, whether
// it is a DLL, what it imports (plainly and delay-loaded) and what it exports.
// Layout: Microsoft's "PE Format" specification.

export interface PeFacts {
  machine: number;
  isDll: boolean;
  imports: string[];
  delayImports: string[];
  exports: string[];
}

export function readPe(file: Buffer): PeFacts {
  if (file.toString('latin1', 0, 2) !== 'MZ') throw new Error('not an MZ executable');
  const pe = file.readUInt32LE(0x3c);
  if (file.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('no PE signature');
  const coff = pe + 4;
  const machine = file.readUInt16LE(coff);
  const sectionCount = file.readUInt16LE(coff + 2);
  const optionalSize = file.readUInt16LE(coff + 16);
  const characteristics = file.readUInt16LE(coff + 18);
  const optional = coff + 20;
  const magic = file.readUInt16LE(optional);
  if (magic !== 0x10b && magic !== 0x20b) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
  const directories = optional + (magic === 0x20b ? 112 : 96);
  const directory = (index: number) => ({ rva: file.readUInt32LE(directories + 8 * index), size: file.readUInt32LE(directories + 8 * index + 4) });

  const sections = Array.from({ length: sectionCount }, (_, i) => {
    const at = optional + optionalSize + 40 * i;
    return { va: file.readUInt32LE(at + 12), size: Math.max(file.readUInt32LE(at + 8), file.readUInt32LE(at + 16)), raw: file.readUInt32LE(at + 20) };
  });
  const offset = (rva: number) => {
    const section = sections.find((s) => rva >= s.va && rva < s.va + s.size);
    if (!section) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - section.va + section.raw;
  };
  const cString = (rva: number) => {
    const start = offset(rva);
    return file.toString('latin1', start, file.indexOf(0, start));
  };

  // Import and delay-import descriptors are tables ended by an all-zero entry; the name's
  // RVA sits at +12 (20-byte entries) and +4 (32-byte entries).
  const names = (index: number, entrySize: number, nameAt: number) => {
    const { rva } = directory(index);
    const found: string[] = [];
    if (rva === 0) return found;
    for (let at = offset(rva); file.readUInt32LE(at + nameAt) !== 0; at += entrySize) found.push(cString(file.readUInt32LE(at + nameAt)));
    return found;
  };

  const exported: string[] = [];
  const exportDir = directory(0);
  if (exportDir.rva !== 0) {
    const at = offset(exportDir.rva);
    const count = file.readUInt32LE(at + 24);
    const table = offset(file.readUInt32LE(at + 32));
    for (let i = 0; i < count; i++) exported.push(cString(file.readUInt32LE(table + 4 * i)));
  }

  return {
    machine,
    isDll: (characteristics & 0x2000) !== 0,
    imports: names(1, 20, 12),
    delayImports: names(13, 32, 4),
    exports: exported,
  };
}
