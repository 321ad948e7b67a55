#!/usr/bin/env bash
# Makes the folder LiveLinuxTests boots (MMUSH_LINUX_DATA): Debian's current arm64 kernel
# (`vmlinuz`), an initramfs of busybox-static and the kernel's qemu_fw_cfg module
# (`initramfs.cpio.gz`, by mkinitramfs.py beside this script) and `versions.txt` naming the
# packages. Needs apt with the Debian archive reachable and, unless arm64 is already a dpkg
# architecture, root (`dpkg --add-architecture arm64`).
#
# usage: fetch.sh DEST
#   MMUSH_LINUX_IMAGE=PACKAGE  a kernel package instead of the newest
#                              linux-image-*-arm64-unsigned (4K pages, no rt/cloud)
#   MMUSH_LINUX_DEBS=DIR       take the two .debs from DIR instead of downloading them
# A folder already made from the same package versions is kept. Exit status 0 when DEST is
# ready; otherwise 1 with the reason on stderr (the test then skips).
set -euo pipefail
dest=${1:?usage: fetch.sh DEST}
here=$(cd "$(dirname "$0")" && pwd)
fail() {
  echo "fetch.sh: $*" >&2
  exit 1
}
# Any other command that fails ends the script with its line, so CI says why.
trap 'echo "fetch.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
for tool in apt-get apt-cache dpkg dpkg-deb python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (a Debian-like host is needed)"
done

if [ -z "${MMUSH_LINUX_DEBS:-}" ]; then
  if [ "$(dpkg --print-architecture)" != arm64 ] &&
    ! dpkg --print-foreign-architectures | grep -qx arm64; then
    [ "$(id -u)" -eq 0 ] || fail "arm64 is not a dpkg architecture and adding it needs root"
    dpkg --add-architecture arm64 || fail "dpkg --add-architecture arm64 failed"
  fi
  apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed (no network to the archive?)"
  image=${MMUSH_LINUX_IMAGE:-$(apt-cache search --names-only '^linux-image-[0-9].*-arm64-unsigned$' |
    awk '{print $1}' | grep -v -e '-rt-' -e '-cloud-' -e '-16k-' | sort -V | tail -n 1)}
  [ -n "$image" ] || fail "no linux-image-*-arm64-unsigned package in the apt lists"
  version() { apt-cache policy "$1" | awk '/Candidate:/ {print $2}'; }
  wanted="$image:arm64 $(version "$image:arm64")
busybox-static:arm64 $(version busybox-static:arm64)"
  if [ -f "$dest/versions.txt" ] && [ -f "$dest/vmlinuz" ] && [ -f "$dest/initramfs.cpio.gz" ] &&
    [ "$(cat "$dest/versions.txt")" = "$wanted" ]; then
    echo "fetch.sh: $dest is up to date:"
    cat "$dest/versions.txt"
    exit 0
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${MMUSH_LINUX_DEBS:-}" ]; then
  cp "$MMUSH_LINUX_DEBS"/*.deb "$work"/ || fail "no .deb files in $MMUSH_LINUX_DEBS"
else
  # apt's download user (_apt) must be able to write the folder when run as root.
  chmod 0777 "$work"
  (cd "$work" && apt-get download -q "$image:arm64" busybox-static:arm64 >/dev/null 2>&1) ||
    fail "apt-get download $image:arm64 busybox-static:arm64 failed"
fi

shopt -s nullglob
first() { [ $# -gt 0 ] && echo "$1"; }
kdeb=$(first "$work"/linux-image-*arm64*.deb) || fail "no linux-image .deb"
bdeb=$(first "$work"/busybox-static_*_arm64.deb) || fail "no busybox-static arm64 .deb"
dpkg-deb -x "$kdeb" "$work/k"
dpkg-deb -x "$bdeb" "$work/bb"
kernel=$(first "$work"/k/boot/vmlinuz-*) || fail "$(basename "$kdeb") holds no vmlinuz"
modules=$(first "$work"/k/lib/modules/* "$work"/k/usr/lib/modules/*) ||
  fail "$(basename "$kdeb") holds no modules"

mkdir -p "$dest"
python3 "$here/mkinitramfs.py" "$work/bb/bin/busybox" "$modules" "$dest/initramfs.cpio.gz.new"
cp "$kernel" "$dest/vmlinuz.new"
mv "$dest/initramfs.cpio.gz.new" "$dest/initramfs.cpio.gz"
mv "$dest/vmlinuz.new" "$dest/vmlinuz"
for deb in "$kdeb" "$bdeb"; do
  echo "$(dpkg-deb -f "$deb" Package):arm64 $(dpkg-deb -f "$deb" Version)"
done >"$dest/versions.txt"
echo "fetch.sh: $dest ready (kernel $(basename "$modules")):"
cat "$dest/versions.txt"
