#!/bin/sh
# fixture.sh NAME IMAGE CPU: boot, capture, zero non-table pages, compress, copy into the repo.
set -e
cd /work/kbuild
timeout 900 python3 boot-ptdump.py $1 $2 $3
python3 /work/wt-ptdump/Tests/Fixtures/cores/make/mkfixture.py data/$1
rm -f data/$1/fixture.elf.xz
nice -n 19 xz -9 -T2 -k data/$1/fixture.elf
mkdir -p /work/wt-ptdump/Tests/Fixtures/ptdump/$1
cp data/$1/fixture.elf.xz /work/wt-ptdump/Tests/Fixtures/ptdump/$1/core.elf.xz
cp data/$1/ptdump.txt /work/wt-ptdump/Tests/Fixtures/ptdump/$1/ptdump.txt
chmod 644 /work/wt-ptdump/Tests/Fixtures/ptdump/$1/*
rm -f data/$1/core.elf data/$1/fixture.elf
echo fixture $1 done
