# Boots a kernel in QEMU, waits for the initramfs, dumps memory, and asks gva2gpa for VAs.
# usage: boot.py NAME KERNEL INITRD CPU - PAGE_OFFSET (the fifth argument is unused)
import os, sys, socket, subprocess, time, random, re
name, kernel, initrd, cpu, smap, page_offset = sys.argv[1:7]
page_offset = int(page_offset, 16)
d = '/work/coredata/' + name
os.makedirs(d, exist_ok=True)
sock = d + '/mon.sock'
if os.path.exists(sock): os.unlink(sock)
serial = open(d + '/serial.log', 'wb')
# QEMU itself, not under timeout(1): p.kill() must reach it (the run is bounded by the loops).
p = subprocess.Popen(['qemu-system-aarch64', '-M', 'virt', '-cpu', cpu, '-m', '512M',
    '-nographic', '-kernel', kernel, '-initrd', initrd, '-append', 'console=ttyAMA0 nokaslr',
    '-device', 'vmcoreinfo', '-monitor', 'unix:%s,server,nowait' % sock, '-serial', 'file:%s/serial.log' % d,
    '-display', 'none', '-nodefaults'], stdout=serial, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
try:
    for _ in range(1200):
        time.sleep(0.1)
        if b'MMUSH-READY' in open(d + '/serial.log', 'rb').read(): break
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
    syms = []
    log = open(d + '/serial.log', 'rb').read().decode(errors='replace').replace('\r', '')
    ks = log.split('KALLSYMS-BEGIN\n')[1].split('KALLSYMS-END')[0]
    open(d + '/kallsyms.txt', 'w').write(ks)
    for line in ks.split('\n'):
        f = line.split()
        if len(f) >= 3 and f[1] in 'tTdDbBrR' and int(f[0], 16) != 0: syms.append(int(f[0], 16))
    rnd = random.Random(15)
    vas = rnd.sample(syms, min(1500, len(syms)))
    vas += [page_offset + rnd.randrange(0, 512 << 20) for _ in range(1500)]
    vas += [page_offset + (i << 21) + rnd.randrange(0, 1 << 21) for i in range(256)]
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
print('done', name)
