#!/usr/bin/env python3
"""Builds the initramfs LiveLinuxTests boots: busybox-static, the kernel's qemu_fw_cfg module
and the modules it depends on, and an /init that loads them and waits.

QEMU writes a VMCOREINFO note into `dump-guest-memory` only when the guest has handed it one
through the fw_cfg device (`-device vmcoreinfo`), which the kernel does from qemu_fw_cfg.

usage: mkinitramfs.py BUSYBOX MODULES_DIR OUT.cpio.gz
  BUSYBOX      busybox-static's bin/busybox (arm64)
  MODULES_DIR  the kernel package's lib/modules/RELEASE
The archive is a newc cpio (written here: `cpio` need not be installed), gzip'd with a zero
mtime, so the same inputs give the same bytes. It prints the modules it put in.
"""
import gzip
import lzma
import os
import re
import subprocess
import sys

MODULE = "qemu_fw_cfg"


def module_bytes(path):
    """A module's ELF bytes, decompressed as the kernel package stores it."""
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    return data


def module_index(modules_dir):
    """Every module file under MODULES_DIR/kernel, by its name with '-' read as '_'."""
    index = {}
    for root, _, files in os.walk(os.path.join(modules_dir, "kernel")):
        for f in files:
            m = re.match(r"(.+)\.ko(\.xz|\.gz|\.zst)?$", f)
            if m:
                index[m.group(1).replace("-", "_")] = os.path.join(root, f)
    return index


def depends(elf):
    """The `depends=` field of a module's .modinfo (comma-separated names, maybe empty)."""
    m = re.search(rb"(?:^|\x00)depends=([^\x00]*)\x00", elf)
    if not m:
        return []
    return [d.replace("-", "_") for d in m.group(1).decode().split(",") if d]


def load_order(index, name, seen, order):
    """Modules in an order insmod accepts: every dependency before its user."""
    if name in seen:
        return
    seen.add(name)
    if name not in index:
        sys.exit("mkinitramfs: module %s not found in the kernel package" % name)
    elf = module_bytes(index[name])
    for dep in depends(elf):
        load_order(index, dep, seen, order)
    order.append((name, elf))


class Newc:
    """A newc ("070701") cpio archive, entries in the order added."""

    def __init__(self):
        self.out = bytearray()
        self.ino = 1

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        n = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(n), 0]
        self.ino += 1
        self.out += b"070701" + b"".join(b"%08X" % v for v in fields) + n
        self.out += b"\0" * (-len(self.out) % 4)
        self.out += data
        self.out += b"\0" * (-len(self.out) % 4)

    def bytes(self):
        self.add("TRAILER!!!", 0)
        return bytes(self.out)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    busybox, modules_dir, out = sys.argv[1:]
    order = []
    load_order(module_index(modules_dir), MODULE, set(), order)
    loads = "".join(
        "/bin/busybox insmod /lib/%s.ko || echo MMUSH-INSMOD-FAILED %s\n" % (n, n) for n, _ in order
    )
    init = (
        "#!/bin/busybox sh\n"
        "/bin/busybox mount -t proc proc /proc\n"
        "/bin/busybox mount -t sysfs sys /sys\n"
        + loads
        + "[ -d /sys/firmware/qemu_fw_cfg ] && echo MMUSH-FWCFG-OK\n"
        "echo MMUSH-READY\n"
        "while true; do /bin/busybox sleep 1000; done\n"
    )
    a = Newc()
    for d in ["bin", "dev", "lib", "proc", "sys"]:
        a.add(d, 0o40755)
    a.add("dev/console", 0o20600, rdev=(5, 1))
    a.add("bin/busybox", 0o100755, open(busybox, "rb").read())
    for n, elf in order:
        a.add("lib/%s.ko" % n, 0o100644, elf)
    a.add("init", 0o100755, init.encode())
    with open(out, "wb") as f:
        f.write(gzip.compress(a.bytes(), 9, mtime=0))
    print("initramfs: busybox, " + ", ".join(n + ".ko" for n, _ in order))


main()
