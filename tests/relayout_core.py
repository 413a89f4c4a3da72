#!/usr/bin/env python3
"""relayout_core.py - rewrite a gdb core file the way the Linux kernel lays cores out (notes
right after the program headers, memory after them), then cut it to a fraction of its size.

Usage: relayout_core.py CORE OUT FRACTION

gcore writes its notes at the end of the file, so cutting a gcore core loses the notes; a
kernel core cut short (disk full, core size limit) keeps them and loses memory. This makes the
second case out of the first, to test partial answers."""
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")


def main(src, dst, fraction):
    data = open(src, "rb").read()
    eh = list(EHDR.unpack_from(data, 0))
    phoff, phnum = eh[5], eh[10]
    phdrs = [list(PHDR.unpack_from(data, phoff + i * PHDR.size)) for i in range(phnum)]
    # notes first, then loads, in their order
    order = sorted(range(phnum), key=lambda i: (phdrs[i][0] != 4, i))
    out = bytearray(EHDR.size + phnum * PHDR.size)
    chunks = []
    offset = len(out)
    for i in order:
        p = phdrs[i]
        blob = data[p[2]:p[2] + p[5]]
        p[2] = offset
        chunks.append(blob)
        offset += len(blob)
    eh[5] = EHDR.size
    eh[6] = eh[12] = eh[13] = 0  # no section headers
    out[0:EHDR.size] = EHDR.pack(*eh)
    for i, p in enumerate(phdrs):
        out[EHDR.size + i * PHDR.size:EHDR.size + (i + 1) * PHDR.size] = PHDR.pack(*p)
    out += b"".join(chunks)
    with open(dst, "wb") as f:
        f.write(out[:int(len(out) * float(fraction))])


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(*sys.argv[1:])
