#!/usr/bin/env python3
"""relayout_core.py - rewrite a gdb core file the way the Linux kernel lays cores out (notes
right after the program headers, memory after them), then cut it to a fraction of its size,
and damage it where asked.

Usage: relayout_core.py CORE OUT FRACTION [--phdr-pad N] [--phdr I:FIELD=VALUE]...
                        [--poke ADDRESS=HEX]... [--drop-note TYPE]...

gcore writes its notes at the end of the file, so cutting a gcore core loses the notes; a
kernel core cut short (disk full, core size limit) keeps them and loses memory. This makes the
second case out of the first, to test partial answers.

  --phdr-pad N          put N bytes between the ELF header and the program headers (N not a
                        multiple of 8 leaves the table misaligned, as the ELF format allows)
  --phdr I:FIELD=VALUE  set a field (type, flags, offset, vaddr, paddr, filesz, memsz, align)
                        of program header I, after the layout (VALUE in decimal or 0x hex)
  --poke ADDRESS=HEX    overwrite the target's memory at ADDRESS (hex) with the bytes HEX
  --drop-note TYPE      make the notes of TYPE (NT_FILE, NT_AUXV, or all) unknown ones"""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
NOTE_TYPES = {"NT_FILE": 0x46494c45, "NT_AUXV": 6}
PHDR_FIELDS = ["type", "flags", "offset", "vaddr", "paddr", "filesz", "memsz", "align"]


def parse_args(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    src, dst, fraction = argv[0], argv[1], float(argv[2])
    pad, phdr_sets, pokes, drops = 0, [], [], set()
    rest = argv[3:]
    while rest:
        opt = rest.pop(0)
        if not rest:
            sys.exit("relayout_core.py: %s needs a value" % opt)
        val = rest.pop(0)
        if opt == "--phdr-pad":
            pad = int(val, 0)
        elif opt == "--phdr":
            index, assign = val.split(":", 1)
            field, value = assign.split("=", 1)
            phdr_sets.append((int(index), PHDR_FIELDS.index(field), int(value, 0)))
        elif opt == "--drop-note":
            drops.add(None if val == "all" else NOTE_TYPES[val])
        elif opt == "--poke":
            addr, data = val.split("=", 1)
            pokes.append((int(addr, 16), bytes.fromhex(data)))
        else:
            sys.exit("relayout_core.py: unknown option %s" % opt)
    return src, dst, fraction, pad, phdr_sets, pokes, drops


def drop_notes(blob, drops):
    """BLOB (a PT_NOTE segment) with the notes of the types in DROPS (None: all) renamed to
    type 0, which no reader knows."""
    out, off = bytearray(blob), 0
    while off + 12 <= len(out):
        namesz, descsz, ntype = struct.unpack_from("<III", out, off)
        if None in drops or ntype in drops:
            struct.pack_into("<I", out, off + 8, 0)
        off += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    return bytes(out)


def poke(chunks, phdrs, order, addr, data):
    """Write DATA at target address ADDR into the chunk of the PT_LOAD segment holding it."""
    for k, i in enumerate(order):
        p = phdrs[i]
        if p[0] == 1 and p[3] <= addr and addr + len(data) <= p[3] + p[5]:
            blob = chunks[k]
            at = addr - p[3]
            chunks[k] = blob[:at] + data + blob[at + len(data):]
            return
    sys.exit("relayout_core.py: address %x is not in the core's memory" % addr)


def main(argv):
    src, dst, fraction, pad, phdr_sets, pokes, drops = parse_args(argv)
    data = open(src, "rb").read()
    eh = list(EHDR.unpack_from(data, 0))
    phoff, phnum = eh[5], eh[10]
    phdrs = [list(PHDR.unpack_from(data, phoff + i * PHDR.size)) for i in range(phnum)]
    # notes first, then loads, in their order
    order = sorted(range(phnum), key=lambda i: (phdrs[i][0] != 4, i))
    out = bytearray(EHDR.size + pad + phnum * PHDR.size)
    chunks = []
    offset = len(out)
    for i in order:
        p = phdrs[i]
        chunks.append(data[p[2]:p[2] + p[5]])
        p[2] = offset
        offset += p[5]
    for k, i in enumerate(order):
        if phdrs[i][0] == 4 and drops:
            chunks[k] = drop_notes(chunks[k], drops)
    for addr, blob in pokes:
        poke(chunks, phdrs, order, addr, blob)
    for index, field, value in phdr_sets:
        phdrs[index][field] = value
    eh[5] = EHDR.size + pad
    eh[6] = eh[12] = eh[13] = 0  # no section headers
    out[0:EHDR.size] = EHDR.pack(*eh)
    for i, p in enumerate(phdrs):
        at = EHDR.size + pad + i * PHDR.size
        out[at:at + PHDR.size] = PHDR.pack(*p)
    out += b"".join(chunks)
    with open(dst, "wb") as f:
        f.write(out[:int(len(out) * fraction)])


if __name__ == "__main__":
    main(sys.argv[1:])
