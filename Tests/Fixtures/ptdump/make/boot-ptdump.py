# Boots a ptdump kernel, captures kernel_page_tables from the serial log, dumps memory.
# usage: boot-ptdump.py NAME KERNEL CPU
import os, sys, socket, subprocess, time
name, kernel, cpu = sys.argv[1:4]
d = '/work/kbuild/data/' + name
os.makedirs(d, exist_ok=True)
sock = d + '/mon.sock'
if os.path.exists(sock): os.unlink(sock)
serial = d + '/serial.log'
# QEMU itself is the child (no `timeout` wrapper), so p.kill() ends it on every path;
# the wait below is bounded.
p = subprocess.Popen(['qemu-system-aarch64', '-M', 'virt', '-cpu', cpu, '-m', '512M',
    '-nographic', '-kernel', kernel, '-initrd', '/work/kbuild/initramfs.cpio.gz',
    '-append', 'console=ttyAMA0 nokaslr', '-device', 'vmcoreinfo',
    '-monitor', 'unix:%s,server,nowait' % sock, '-serial', 'file:' + serial,
    '-display', 'none', '-nodefaults'], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    stdin=subprocess.DEVNULL)
try:
    for _ in range(3000):
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
    pt = log.split('MMUSH-PTDUMP-BEGIN\n')[1].split('MMUSH-PTDUMP-END')[0]
    open(d + '/ptdump.txt', 'w').write(pt)
finally:
    p.kill(); p.wait()
print('done', name)
