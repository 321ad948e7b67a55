#!/bin/sh
# fixture.sh NAME IMAGE CPU: boot, capture, zero non-table pages, compress, copy into the repo.
# Works in KBUILD (default /work/kbuild), which holds initramfs.cpio.gz and gets data/NAME.
set -e
fixtures=$(cd "$(dirname "$0")/../.." && pwd)
cd "${KBUILD:-/work/kbuild}"
timeout 900 python3 "$fixtures/make/boot.py" "$1" "$2" initramfs.cpio.gz "$3" data --ptdump --wait 300
python3 "$fixtures/cores/make/mkfixture.py" "data/$1"
rm -f "data/$1/fixture.elf.xz"
nice -n 19 xz -9 -T2 -k "data/$1/fixture.elf"
mkdir -p "$fixtures/ptdump/$1"
cp "data/$1/fixture.elf.xz" "$fixtures/ptdump/$1/core.elf.xz"
cp "data/$1/ptdump.txt" "$fixtures/ptdump/$1/ptdump.txt"
chmod 644 "$fixtures/ptdump/$1"/*
rm -f "data/$1/core.elf" "data/$1/fixture.elf"
echo fixture "$1" done
