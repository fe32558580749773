// Just enough of the PE/COFF format to check a built .node file: its machine type, whether
// it is a DLL, what it imports (plainly and delay-loaded, DLL by DLL and function by
// function) and what it exports. Layout: Microsoft's "PE Format" specification.

export interface ImportedDll {
  dll: string;
  // By name, or `#<ordinal>` for an import by ordinal.
  functions: string[];
}

export interface PeFacts {
  machine: number;
  isDll: boolean;
  imports: ImportedDll[];
  // From the Delay Import directory; see delayImportFoundByName for GNU ld's binaries.
  delayImports: ImportedDll[];
  exports: string[];
}

interface Section {
  va: number;
  size: number;
  raw: number;
  characteristics: number;
}

interface PeImage {
  file: Buffer;
  machine: number;
  characteristics: number;
  is64: boolean;
  imageBase: bigint;
  sections: Section[];
  directory: (index: number) => { rva: number; size: number };
  offset: (rva: number) => number;
  rvaOf: (fileOffset: number) => number | undefined;
  cString: (rva: number) => string;
}

function openPe(file: Buffer): PeImage {
  if (file.toString('latin1', 0, 2) !== 'MZ') throw new Error('not an MZ executable');
  const pe = file.readUInt32LE(0x3c);
  if (file.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('no PE signature');
  const coff = pe + 4;
  const sectionCount = file.readUInt16LE(coff + 2);
  const optionalSize = file.readUInt16LE(coff + 16);
  const optional = coff + 20;
  const magic = file.readUInt16LE(optional);
  if (magic !== 0x10b && magic !== 0x20b) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
  const directories = optional + (magic === 0x20b ? 112 : 96);

  const sections = Array.from({ length: sectionCount }, (_, i) => {
    const at = optional + optionalSize + 40 * i;
    return {
      va: file.readUInt32LE(at + 12),
      size: Math.max(file.readUInt32LE(at + 8), file.readUInt32LE(at + 16)),
      raw: file.readUInt32LE(at + 20),
      characteristics: file.readUInt32LE(at + 36),
    };
  });
  const offset = (rva: number) => {
    const section = sections.find((s) => rva >= s.va && rva < s.va + s.size);
    if (!section) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - section.va + section.raw;
  };
  return {
    file,
    machine: file.readUInt16LE(coff),
    characteristics: file.readUInt16LE(coff + 18),
    is64: magic === 0x20b,
    imageBase: magic === 0x20b ? file.readBigUInt64LE(optional + 24) : BigInt(file.readUInt32LE(optional + 28)),
    sections,
    directory: (index) => ({ rva: file.readUInt32LE(directories + 8 * index), size: file.readUInt32LE(directories + 8 * index + 4) }),
    offset,
    rvaOf: (at) => {
      const section = sections.find((s) => s.raw !== 0 && at >= s.raw && at < s.raw + s.size);
      return section && at - section.raw + section.va;
    },
    cString: (rva) => {
      const start = offset(rva);
      return file.toString('latin1', start, file.indexOf(0, start));
    },
  };
}

// An import lookup (or delay-import name) table: one pointer-sized entry per function, ended
// by 0. The top bit marks an import by ordinal (low 16 bits); otherwise the low 31 bits are the
// RVA of a 2-byte hint followed by the name.
function functionsAt(image: PeImage, tableRva: number): string[] {
  const { file, is64 } = image;
  const functions: string[] = [];
  for (let at = image.offset(tableRva); ; at += is64 ? 8 : 4) {
    const entry = is64 ? file.readBigUInt64LE(at) : BigInt(file.readUInt32LE(at));
    if (entry === 0n) return functions;
    const byOrdinal = (entry >> (is64 ? 63n : 31n)) & 1n;
    functions.push(byOrdinal ? `#${Number(entry & 0xffffn)}` : image.cString(Number(entry & 0x7fffffffn) + 2));
  }
}

// Import descriptors are 20 bytes: lookup table RVA at +0 (0 in some old linkers' output,
// then the address table at +16 still holds the names), DLL name RVA at +12.
function importsOf(image: PeImage): ImportedDll[] {
  const { file } = image;
  const { rva } = image.directory(1);
  const found: ImportedDll[] = [];
  if (rva === 0) return found;
  for (let at = image.offset(rva); file.readUInt32LE(at + 12) !== 0; at += 20) {
    const table = file.readUInt32LE(at) || file.readUInt32LE(at + 16);
    found.push({ dll: image.cString(file.readUInt32LE(at + 12)), functions: functionsAt(image, table) });
  }
  return found;
}

// Delay-import descriptors are 32 bytes: attributes at +0 (1: the fields are RVAs, which is
// all that current linkers write), DLL name RVA at +4, name table RVA at +16.
function delayDescriptorAt(image: PeImage, at: number): ImportedDll {
  const { file } = image;
  if (file.readUInt32LE(at) !== 1) throw new Error('a delay-import descriptor with VAs instead of RVAs');
  return { dll: image.cString(file.readUInt32LE(at + 4)), functions: functionsAt(image, file.readUInt32LE(at + 16)) };
}

function delayImportsOf(image: PeImage): ImportedDll[] {
  const { rva } = image.directory(13);
  const found: ImportedDll[] = [];
  if (rva === 0) return found;
  for (let at = image.offset(rva); image.file.readUInt32LE(at + 4) !== 0; at += 32) found.push(delayDescriptorAt(image, at));
  return found;
}

export function readPe(file: Buffer): PeFacts {
  const image = openPe(file);
  const exported: string[] = [];
  const exportDir = image.directory(0);
  if (exportDir.rva !== 0) {
    const at = image.offset(exportDir.rva);
    const count = file.readUInt32LE(at + 24);
    const table = image.offset(file.readUInt32LE(at + 32));
    for (let i = 0; i < count; i++) exported.push(image.cString(file.readUInt32LE(table + 4 * i)));
  }
  return {
    machine: image.machine,
    isDll: (image.characteristics & 0x2000) !== 0,
    imports: importsOf(image),
    delayImports: delayImportsOf(image),
    exports: exported,
  };
}

// The file offset of the delay-import descriptor of `dll`: from the Delay Import directory, or,
// where GNU ld (mingw-w64's gcc) left that directory 0 although dlltool's descriptor is linked
// in and works at run time, found by what it must contain: attributes 1, then the RVA of the
// DLL's name.
function delayDescriptorOffset(image: PeImage, dll: string): number | undefined {
  const { file } = image;
  const { rva } = image.directory(13);
  if (rva !== 0) {
    for (let at = image.offset(rva); file.readUInt32LE(at + 4) !== 0; at += 32) {
      if (image.cString(file.readUInt32LE(at + 4)).toLowerCase() === dll.toLowerCase()) return at;
    }
  }
  for (let name = file.indexOf(`${dll}\0`, 0, 'latin1'); name !== -1; name = file.indexOf(`${dll}\0`, name + 1, 'latin1')) {
    const nameRva = image.rvaOf(name);
    if (nameRva === undefined) continue;
    const pattern = Buffer.alloc(8);
    pattern.writeUInt32LE(1, 0);
    pattern.writeUInt32LE(nameRva, 4);
    const at = file.indexOf(pattern);
    if (at !== -1) return at;
  }
  return undefined;
}

/** The delay-import descriptor of `dll`, wherever the linker put it (see delayDescriptorOffset). */
export function delayImportFoundByName(file: Buffer, dll: string): ImportedDll | undefined {
  const image = openPe(file);
  const at = delayDescriptorOffset(image, dll);
  return at === undefined ? undefined : delayDescriptorAt(image, at);
}

// Base relocation blocks: page RVA, block size, then 16-bit entries (type << 12 | offset).
// HIGHLOW (3) fixes a 32-bit address, DIR64 (10) a 64-bit one, when the DLL is loaded
// elsewhere than its preferred base, as a DLL usually is.
function rebasedAddresses(image: PeImage): Set<number> {
  const { file } = image;
  const { rva, size } = image.directory(5);
  const found = new Set<number>();
  if (rva === 0) return found;
  for (let block = image.offset(rva), end = block + size; block < end; ) {
    const page = file.readUInt32LE(block);
    const blockSize = file.readUInt32LE(block + 4);
    if (blockSize < 8) break;
    for (let at = block + 8; at < block + blockSize; at += 2) {
      const entry = file.readUInt16LE(at);
      if (entry >> 12 === (image.is64 ? 10 : 3)) found.add(page + (entry & 0xfff));
    }
    block += blockSize;
  }
  return found;
}

const IMAGE_SCN_MEM_EXECUTE = 0x20000000;

/** `dll`'s delay-import slots: each function's name, and the RVA and file offset of its slot. */
function delayImportSlots(image: PeImage, dll: string) {
  const at = delayDescriptorOffset(image, dll);
  if (at === undefined) return [];
  const pointer = image.is64 ? 8 : 4;
  const slots = image.file.readUInt32LE(at + 12);
  return functionsAt(image, image.file.readUInt32LE(at + 16)).map((name, i) => {
    const rva = slots + i * pointer;
    return { name, rva, fileOffset: image.offset(rva), size: pointer };
  });
}

/**
 * What is wrong with the import address table through which the binary calls `dll`'s
 * functions, one line per problem; [] when every call will reach its function. A plain
 * import's slot must name the function (the loader overwrites it with the address). A
 * delay-loaded import's slot must hold, until its first call, the address of a thunk in
 * executable code that runs the delay-load helper, with a base relocation so that it stays
 * right where the DLL is loaded; a slot of 0 sends the first call to address 0.
 */
export function unfilledImportSlots(file: Buffer, dll: string): string[] {
  const image = openPe(file);
  const read = (offset: number) => (image.is64 ? file.readBigUInt64LE(offset) : BigInt(file.readUInt32LE(offset)));
  const problems: string[] = [];

  const { rva: importRva } = image.directory(1);
  if (importRva !== 0) {
    for (let at = image.offset(importRva); file.readUInt32LE(at + 12) !== 0; at += 20) {
      if (image.cString(file.readUInt32LE(at + 12)).toLowerCase() !== dll.toLowerCase()) continue;
      const lookup = file.readUInt32LE(at) || file.readUInt32LE(at + 16);
      const slots = file.readUInt32LE(at + 16);
      functionsAt(image, lookup).forEach((name, i) => {
        if (read(image.offset(slots + i * (image.is64 ? 8 : 4))) === 0n) problems.push(`${name}: its import slot is 0`);
      });
    }
  }

  const rebased = rebasedAddresses(image);
  for (const { name, rva, fileOffset } of delayImportSlots(image, dll)) {
    const value = read(fileOffset);
    const where = `${name} (delay-import slot at RVA 0x${rva.toString(16)})`;
    if (value === 0n) {
      problems.push(`${where}: 0, so its first call jumps to address 0`);
      continue;
    }
    const target = Number(value - image.imageBase);
    const section = image.sections.find((s) => target >= s.va && target < s.va + s.size);
    if (!section || !(section.characteristics & IMAGE_SCN_MEM_EXECUTE)) problems.push(`${where}: 0x${value.toString(16)} is not in executable code`);
    if (!rebased.has(rva)) problems.push(`${where}: no base relocation, so it is wrong wherever the DLL is rebased`);
  }
  return problems;
}

/** Where in the file `dll`'s delay-import slots are: what a test zeroes to see unfilledImportSlots fail. */
export function delayImportSlotOffsets(file: Buffer, dll: string): { fileOffset: number; size: number }[] {
  return delayImportSlots(openPe(file), dll).map(({ fileOffset, size }) => ({ fileOffset, size }));
}
