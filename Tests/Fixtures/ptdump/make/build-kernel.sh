#!/bin/sh
# One ptdump kernel: build1.sh GEOMETRY OUTDIR
g=$1; O=$2
SRC=/work/kbuild/linux-source-6.12
mkdir -p $O
cd $SRC
make -s O=$O ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- allnoconfig
KCONFIG_CONFIG=$O/.config scripts/kconfig/merge_config.sh -m -O $O $O/.config /work/kbuild/frag/common.config /work/kbuild/frag/$g.config > /dev/null
make -s O=$O ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- olddefconfig
echo "=== $g start $(date -u)"
nice -n 19 make O=$O ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- -j2 Image > $O/build.log 2>&1
echo "=== $g rc=$? end $(date -u)"
