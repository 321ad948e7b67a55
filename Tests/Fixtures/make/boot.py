# Boots a kernel under QEMU with an initramfs whose /init prints MMUSH-READY when it is done,
# stops the guest, dumps its memory through the monitor's unix socket (DATA/NAME/core.elf),
# then keeps what the fixture needs:
#   --gva2gpa PAGE_OFFSET  kallsyms.txt (the text /init printed between KALLSYMS-BEGIN/END) and
#                          gva2gpa.txt: QEMU's answer for 3456 VAs (Tests/Fixtures/cores)
#   --ptdump               ptdump.txt: the kernel_page_tables text /init printed between
#                          MMUSH-PTDUMP-BEGIN/END (Tests/Fixtures/ptdump)
# usage: boot.py NAME KERNEL INITRD CPU DATA (--gva2gpa PAGE_OFFSET | --ptdump) [--wait SECONDS]
import argparse, os, random, re, socket, subprocess, time

ap = argparse.ArgumentParser()
ap.add_argument('name'); ap.add_argument('kernel'); ap.add_argument('initrd')
ap.add_argument('cpu'); ap.add_argument('data', help='folder that gets NAME/')
mode = ap.add_mutually_exclusive_group(required=True)
mode.add_argument('--gva2gpa', metavar='PAGE_OFFSET', type=lambda v: int(v, 16))
mode.add_argument('--ptdump', action='store_true')
ap.add_argument('--wait', type=int, default=120, help='seconds to wait for MMUSH-READY')
a = ap.parse_args()

d = os.path.join(a.data, a.name)
os.makedirs(d, exist_ok=True)
sock = d + '/mon.sock'
serial = d + '/serial.log'
for old in (sock, serial):
    if os.path.exists(old): os.unlink(old)
# QEMU itself is the child (no `timeout` wrapper), so p.kill() ends it on every path; the
# wait below is bounded.
p = subprocess.Popen(['qemu-system-aarch64', '-M', 'virt', '-cpu', a.cpu, '-m', '512M',
    '-nographic', '-kernel', a.kernel, '-initrd', a.initrd,
    '-append', 'console=ttyAMA0 nokaslr', '-device', 'vmcoreinfo',
    '-monitor', 'unix:%s,server,nowait' % sock, '-serial', 'file:' + serial,
    '-display', 'none', '-nodefaults'], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    stdin=subprocess.DEVNULL)
try:
    for _ in range(a.wait * 10):
        time.sleep(0.1)
        if os.path.exists(serial) and b'MMUSH-READY' in open(serial, 'rb').read(): break
    else:
        raise SystemExit('no READY')
    time.sleep(1)
    s = socket.socket(socket.AF_UNIX); s.connect(sock)
    buf = b''
    def cmd(c):
        global buf
        s.sendall(c.encode() + b'\n')
        while b'(qemu) ' not in buf:
            buf += s.recv(65536)
        out, _, buf = buf.partition(b'(qemu) ')
        return out.decode(errors='replace')
    while b'(qemu) ' not in buf: buf += s.recv(65536)
    buf = buf.partition(b'(qemu) ')[2]
    cmd('stop')
    core = d + '/core.elf'
    if os.path.exists(core): os.unlink(core)
    cmd('dump-guest-memory ' + core)
    log = open(serial, 'rb').read().decode(errors='replace').replace('\r', '')
    if a.ptdump:
        pt = log.split('MMUSH-PTDUMP-BEGIN\n')[1].split('MMUSH-PTDUMP-END')[0]
        open(d + '/ptdump.txt', 'w').write(pt)
    else:
        ks = log.split('KALLSYMS-BEGIN\n')[1].split('KALLSYMS-END')[0]
        open(d + '/kallsyms.txt', 'w').write(ks)
        syms = []
        for line in ks.split('\n'):
            f = line.split()
            if len(f) >= 3 and f[1] in 'tTdDbBrR' and int(f[0], 16) != 0: syms.append(int(f[0], 16))
        rnd = random.Random(15)
        vas = rnd.sample(syms, min(1500, len(syms)))
        vas += [a.gva2gpa + rnd.randrange(0, 512 << 20) for _ in range(1500)]
        vas += [a.gva2gpa + (i << 21) + rnd.randrange(0, 1 << 21) for i in range(256)]
        vas += [rnd.randrange(1 << 63, 1 << 64) for _ in range(200)]
        out = open(d + '/gva2gpa.txt', 'w')
        for va in vas:
            r = cmd('gva2gpa 0x%x' % va)
            lines = [l.strip() for l in r.replace('\r', '').split('\n') if l.strip() and not l.startswith('gva2gpa')]
            ans = lines[-1] if lines else ''
            m = re.match(r'gpa: (0x[0-9a-f]+)', ans)
            out.write('0x%016x %s\n' % (va, m.group(1) if m else 'unmapped' if 'Unmapped' in ans else '?' + ans))
        out.close()
        cmd('info registers')
finally:
    p.kill(); p.wait()
print('done', a.name)
