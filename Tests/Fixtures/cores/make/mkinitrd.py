# Builds a newc initramfs: busybox-static, qemu_fw_cfg.ko, an init that loads it and waits.
import os, sys, stat, lzma
out, ko = sys.argv[1], sys.argv[2]
bb = open('/work/coredata/bb/bin/busybox','rb').read()
kod = lzma.decompress(open(ko,'rb').read())
init = b"""#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox insmod /qemu_fw_cfg.ko && echo FWCFG-OK
/bin/busybox ls /sys/firmware/qemu_fw_cfg/by_name/etc/ 2>&1
echo KALLSYMS-BEGIN
/bin/busybox awk 'NR%8==0 || /\\[/' /proc/kallsyms
echo KALLSYMS-END
echo MMUSH-READY
while true; do /bin/busybox sleep 1000; done
"""
ino=[1]
def ent(name, mode, data=b''):
    n = name.encode()+b'\0'
    h = b'070701' + b''.join(b'%08X' % v for v in [ino[0], mode, 0,0,1,0,len(data),0,0,0,0,len(n),0])
    ino[0]+=1
    b = h + n
    b += b'\0' * ((4 - len(b) % 4) % 4)
    b += data
    b += b'\0' * ((4 - len(b) % 4) % 4)
    return b
o = ent('bin', 0o40755) + ent('bin/busybox', 0o100755, bb) + ent('init', 0o100755, init) + ent('qemu_fw_cfg.ko', 0o100644, kod) + ent('dev', 0o40755) + ent('TRAILER!!!', 0)
open(out,'wb').write(o)
