# mkfixture.py DIR: writes DIR/fixture.elf, the core with every RAM page zeroed except the
# translation tables reachable from swapper_pg_dir (walked here from VMCOREINFO's values).
import struct, sys, shutil
d = sys.argv[1]
src = open(d + '/core.elf', 'rb').read()
phoff = struct.unpack_from('<Q', src, 32)[0]; phnum = struct.unpack_from('<H', src, 56)[0]
segs, notes = [], b''
for i in range(phnum):
    t, fl, off, va, pa, fsz, msz, al = struct.unpack_from('<IIQQQQQQ', src, phoff + 56 * i)
    if t == 1: segs.append((pa, off, fsz))
    if t == 4: notes = src[off:off + fsz]
vi = notes[notes.index(b'OSRELEASE='):]
vi = dict(l.split('=', 1) for l in vi.split(b'\0')[0].decode().split('\n') if '=' in l)
page = int(vi['PAGESIZE']); g = page.bit_length() - 1; stride = g - 3
t1sz = int(vi['NUMBER(TCR_EL1_T1SZ)'], 16); vabits = 64 - t1sz; ds = t1sz < 16
root = int(vi['SYMBOL(swapper_pg_dir)'], 16) - int(vi['NUMBER(kimage_voffset)'], 16)
def off_of(pa):
    for p, o, s in segs:
        if p <= pa < p + s: return o + pa - p
    return None
def rd(pa):
    o = off_of(pa)
    return 0 if o is None else struct.unpack_from('<Q', src, o)[0]
levels = -(-(vabits - g) // stride)
keep = set()
def walk(pa, level, n):
    for k in range(0, n * 8, page):
        keep.add((pa + k) & ~0xfff)
        for j in range(k, min(k + page, n * 8), 4096): keep.add((pa + j) & ~0xfff)
    for i in range(n):
        e = rd(pa + 8 * i)
        if e & 3 == 3 and level < 3:
            nxt = e & ((1 << 50) - 1) & ~((1 << g) - 1) if ds else e & ((1 << 48) - 1) & ~((1 << g) - 1)
            if ds: nxt |= ((e >> 8) & 3) << 50
            walk(nxt, level + 1, 1 << stride)
top = 1 << (vabits - g - stride * (levels - 1))
walk(root, 4 - levels, top)
out = bytearray(src)
for p, o, s in segs:
    for a in range(p, p + s, 4096):
        if a not in keep:
            fo = o + a - p
            out[fo:fo + 4096] = bytes(min(4096, o + s - fo))
open(d + '/fixture.elf', 'wb').write(out)
print(d, 'levels', levels, 'top entries', top, 'kept 4K pages', len(keep))
