#!/usr/bin/env bash
# Real build outputs nobody here wrote, for the target detection tests
# (test/integration/targets): Debian's static busybox for arm64, armhf and i386, Debian's
# cloud kernels for amd64 (an x86 bzImage with the EFI stub) and arm64 (an arm64 Image with
# the EFI stub), its armmp kernel for armhf (a 32-bit ARM zImage), systemd-boot's UEFI
# applications for x86-64 and arm64, Go's debug/elf, debug/pe and debug/macho test files,
# and U-Boot images, archives and file systems made from them with Debian's own tools
# (mkimage, tar, cpio, mksquashfs, mke2fs). The tests skip, saying why, when the cache is not there.
#
# The cache lives outside the repository, in $PERIDIO_DESK_TARGET_CORPUS
# (/var/tmp/peridio-desk-target-corpus unless set): a fixed path, since npm test runs the
# tests with a throwaway HOME. Run again, it does nothing once the cache is complete.
# Needs Debian (apt-get, dpkg-deb) and, for the foreign architectures, root the first time.
set -euo pipefail

CORPUS="${PERIDIO_DESK_TARGET_CORPUS:-/var/tmp/peridio-desk-target-corpus}"
# Raise when what is fetched or made changes, so caches made before are made again.
VERSION=2
STAMP="$CORPUS/complete-v$VERSION"

if [[ -e "$STAMP" ]]; then
  echo "Target corpus: cached in $CORPUS"
  exit 0
fi

for arch in arm64 armhf i386; do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "The target corpus needs Debian's $arch packages. Run once, as root:" >&2
      echo "  dpkg --add-architecture arm64 && dpkg --add-architecture armhf && dpkg --add-architecture i386 && apt-get update" >&2
      exit 1
    fi
    dpkg --add-architecture "$arch"
    NEED_UPDATE=1
  fi
done
if [[ -n "${NEED_UPDATE:-}" ]] || ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "apt's package lists lack the arm64 packages. Run, as root: apt-get update" >&2
    exit 1
  fi
  apt-get update -qq
fi

started=$(date +%s)
# What was made before is made again; what was downloaded is kept.
rm -rf "$CORPUS"/{unpacked,files} "$CORPUS"/complete-v*
mkdir -p "$CORPUS"/{debs,unpacked,files}
cd "$CORPUS"

# The kernel and Go packages a meta package depends on today (their names carry versions).
depends_on() { apt-cache depends "$1" | sed -n "s/^ *Depends: \($2\)$/\1/p" | head -1; }
KERNEL_AMD64=$(depends_on linux-image-cloud-amd64 'linux-image-[^ ]*')
KERNEL_ARM64=$(depends_on linux-image-cloud-arm64:arm64 'linux-image-[^ ]*')
KERNEL_ARMHF=$(depends_on linux-image-armmp:armhf 'linux-image-[^ ]*')
GO_SRC=$(depends_on golang-src 'golang-[0-9.]*-src')

# The packages of this version of the list were all downloaded.
if [[ ! -e debs/downloaded-v$VERSION ]]; then
  # apt's _apt user cannot write here; downloading as root into it is what apt warns about.
  (cd debs && apt-get download -q=2 \
    busybox-static:arm64 busybox-static:armhf busybox-static:i386 \
    "$KERNEL_AMD64" "${KERNEL_ARM64%:arm64}:arm64" "${KERNEL_ARMHF%:armhf}:armhf" "$GO_SRC" \
    systemd-boot-efi systemd-boot-efi:arm64 \
    u-boot-tools device-tree-compiler libfdt1 cpio squashfs-tools liblzo2-2 2>&1 |
    { grep -v '^W: Download is performed unsandboxed' || true; })
  touch "debs/downloaded-v$VERSION"
fi

unpack() { mkdir -p "unpacked/$2" && dpkg-deb -x debs/$1 "unpacked/$2"; }
unpack 'busybox-static_*_arm64.deb' busybox-arm64
unpack 'busybox-static_*_armhf.deb' busybox-armhf
unpack 'busybox-static_*_i386.deb' busybox-i386
for tool in u-boot-tools device-tree-compiler libfdt1 cpio squashfs-tools liblzo2-2; do unpack "${tool}_*.deb" tools; done
# Only the kernel image and Go's test files: the rest of those packages is large.
dpkg-deb --fsys-tarfile debs/linux-image-*_amd64.deb | tar -xO --wildcards './boot/vmlinuz-*' >files/vmlinuz-amd64
dpkg-deb --fsys-tarfile debs/linux-image-*_arm64.deb | tar -xO --wildcards './boot/vmlinuz-*' >files/vmlinuz-arm64
# Debian's armmp kernel: a 32-bit ARM zImage (with the EFI stub).
dpkg-deb --fsys-tarfile debs/linux-image-*_armhf.deb | tar -xO --wildcards './boot/vmlinuz-*' >files/vmlinuz-armhf
mkdir -p unpacked/go
dpkg-deb --fsys-tarfile debs/golang-*-src_*.deb |
  tar -x -C unpacked/go --wildcards --strip-components=6 \
    './usr/share/go-*/src/debug/elf/testdata/*' './usr/share/go-*/src/debug/pe/testdata/*' \
    './usr/share/go-*/src/debug/macho/testdata/*'
mv unpacked/go/elf/testdata files/go-elf
mv unpacked/go/pe/testdata files/go-pe
mkdir -p files/go-macho
for encoded in unpacked/go/macho/testdata/*.base64; do
  base64 -d "$encoded" >"files/go-macho/$(basename "$encoded" .base64)"
done

for arch in arm64 armhf i386; do cp "unpacked/busybox-$arch/bin/busybox" "files/busybox-$arch"; done
# systemd-boot: real UEFI applications for x86-64 and arm64.
unpack 'systemd-boot-efi_*_amd64.deb' systemd-boot-amd64
unpack 'systemd-boot-efi_*_arm64.deb' systemd-boot-arm64
cp unpacked/systemd-boot-amd64/usr/lib/systemd/boot/efi/systemd-bootx64.efi files/
cp unpacked/systemd-boot-arm64/usr/lib/systemd/boot/efi/systemd-bootaa64.efi files/
# What `make Image.gz` makes: the arm64 Image, gzip -9 without a name.
gzip -9n <files/vmlinuz-arm64 >files/Image-arm64.gz

TOOLS="$CORPUS/unpacked/tools"
export LD_LIBRARY_PATH="$TOOLS/usr/lib/x86_64-linux-gnu:$TOOLS/lib/x86_64-linux-gnu"
# mkimage compiles a FIT image's source with dtc, found on the PATH.
export PATH="$TOOLS/usr/bin:$PATH"
mkimage() { "$TOOLS/usr/bin/mkimage" "$@" >/dev/null; }
f=files
mkimage -A arm64 -O linux -T kernel -C none -a 0x80000 -e 0x80000 -n 'Linux arm64' \
  -d $f/vmlinuz-arm64 $f/uImage-arm64-linux
mkimage -A x86_64 -O linux -T kernel -C none -a 0x100000 -e 0x100000 -n 'Linux x86_64' \
  -d $f/vmlinuz-amd64 $f/uImage-x86_64-linux
mkimage -A arm -O u-boot -T firmware -C none -a 0 -e 0 -n 'armhf firmware' \
  -d $f/busybox-armhf $f/uImage-arm-firmware
gzip -9n <$f/busybox-armhf >"$CORPUS/unpacked/busybox-armhf.gz"
mkimage -A arm -O linux -T kernel -C gzip -a 0x8000 -e 0x8000 -n 'Linux arm' \
  -d "$CORPUS/unpacked/busybox-armhf.gz" $f/uImage-arm-linux-gzip
# Debian ships no RISC-V kernel in bookworm: the payload is a 64-bit RISC-V Image header
# (text_offset 2 MiB, "RISCV", "RSC\x05"), as arch/riscv/kernel/head.S writes it.
{
  head -c 8 /dev/zero
  printf '\0\0\040\0\0\0\0\0'
  head -c 32 /dev/zero
  printf 'RISCV\0\0\0RSC\005\0\0\0\0'
} >"$CORPUS/unpacked/riscv-Image"
mkimage -A riscv -O linux -T kernel -C none -a 0x80200000 -e 0x80200000 -n 'Linux riscv' \
  -d "$CORPUS/unpacked/riscv-Image" $f/uImage-riscv-linux
cat >"$CORPUS/unpacked/arm64.its" <<ITS
/dts-v1/;
/ { description = "arm64 kernel"; #address-cells = <1>;
  images { kernel { description = "Linux"; data = /incbin/("$CORPUS/files/vmlinuz-arm64");
    type = "kernel"; arch = "arm64"; os = "linux"; compression = "none";
    load = <0x80000>; entry = <0x80000>; hash-1 { algo = "sha256"; }; }; };
  configurations { default = "conf-1"; conf-1 { kernel = "kernel"; }; }; };
ITS
cat >"$CORPUS/unpacked/two-arches.its" <<ITS
/dts-v1/;
/ { description = "arm64 kernel and arm firmware"; #address-cells = <1>;
  images {
    kernel { data = /incbin/("$CORPUS/files/vmlinuz-arm64"); type = "kernel"; arch = "arm64";
      os = "linux"; compression = "none"; load = <0x80000>; entry = <0x80000>; };
    mcu { data = /incbin/("$CORPUS/files/busybox-armhf"); type = "firmware"; arch = "arm";
      os = "u-boot"; compression = "none"; load = <0>; }; };
  configurations { default = "conf-1"; conf-1 { kernel = "kernel"; firmware = "mcu"; }; }; };
ITS
mkimage -f "$CORPUS/unpacked/arm64.its" $f/fit-arm64.itb
mkimage -f "$CORPUS/unpacked/two-arches.its" $f/fit-two-arches.itb

# Archives and file systems of a small root file system.
ROOTFS="$CORPUS/unpacked/busybox-arm64"
tar -C "$ROOTFS" -cf $f/rootfs.tar bin
(cd "$ROOTFS" && find bin | "$TOOLS/bin/cpio" --quiet -o -H newc) >$f/rootfs.cpio
# A SWUpdate image: a newc cpio whose first file is sw-description.
mkdir -p "$CORPUS/unpacked/swu"
printf 'software = { version = "1.0"; };\n' >"$CORPUS/unpacked/swu/sw-description"
cp $f/busybox-arm64 "$CORPUS/unpacked/swu/busybox"
(cd "$CORPUS/unpacked/swu" && printf 'sw-description\nbusybox\n' |
  "$TOOLS/bin/cpio" --quiet -o -H crc) >$f/update.swu
"$TOOLS/usr/bin/mksquashfs" "$ROOTFS/bin" $f/rootfs.squashfs -quiet -noappend -comp gzip >/dev/null
for kind in ext2 ext3 ext4; do
  mke2fs -q -F -t $kind -d "$ROOTFS/bin" $f/rootfs.$kind 8M >/dev/null
done
gzip -9n <$f/rootfs.tar >$f/rootfs.tar.gz

rm -rf unpacked/go
touch "$STAMP"
echo "Target corpus: fetched into $CORPUS in $(($(date +%s) - started)) s ($(du -sh debs | cut -f1) downloaded)"
