#!/usr/bin/python3
"""keytab-records.py KEYTAB REGEX: one line per record of a FILE keytab
(version 0x0502) whose principal matches REGEX: "principal kvno hex",
hex being the record's bytes (length field included), sorted.  The tests
compare them before and after a rewrite: kept entries must be identical
byte for byte."""
import re
import struct
import sys

data = open(sys.argv[1], 'rb').read()
want = re.compile(sys.argv[2])
if data[:2] != b'\x05\x02':
    sys.exit('not a version 0x0502 keytab')
pos, lines = 2, []
while pos + 4 <= len(data):
    (size,) = struct.unpack('>i', data[pos:pos + 4])
    if size == 0:
        break
    if size < 0:
        pos += 4 - size
        continue
    rec = data[pos + 4:pos + 4 + size]
    (n,) = struct.unpack('>H', rec[0:2])
    off, parts = 2, []
    for _ in range(n + 1):
        (length,) = struct.unpack('>H', rec[off:off + 2])
        parts.append(rec[off + 2:off + 2 + length].decode())
        off += 2 + length
    name = '/'.join(parts[1:]) + '@' + parts[0]
    kvno = rec[off + 8]          # after name type (4) and timestamp (4)
    if want.search(name):
        lines.append('%s %d %s' % (name, kvno, data[pos:pos + 4 + size].hex()))
    pos += 4 + size
print('\n'.join(sorted(lines)))
