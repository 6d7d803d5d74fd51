#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM tier: boot Debian's stock kernel in QEMU with the freshly built
# module and run the end-to-end suite (tests/vm/e2e/*.sh) inside it. The
# guest sees the host's / read-only over 9p, so every tool of this machine
# is there; a second 9p share brings the results back.
#
#   tests/vm/run.sh                     the suite, as TAP lines
#   tests/vm/run.sh --script FILE       boot and run FILE instead, print its output
#   PMODE_VM_TESTS='1*'                 only the test files matching a glob
#   PMODE_QEMU_EXTRA='-icount ...'      more QEMU options
#   PMODE_VM_SMP=1                      vCPUs (default 2)
#   PMODE_VM_9P_CACHE=loose             cache the host's files in the guest
#   PMODE_VM_KERNEL_TREE=DIR            boot DIR's bzImage, build against DIR
#   PMODE_VM_FILE_TIMEOUT=600           seconds one test file may take
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
script=
[ "${1:-}" = --script ] && script=$(realpath "$2")

"$top/tests/deps.sh" build vm >&2 || exit 1
. "$top/tests/kernel.sh"
# The stock Debian kernel, or a kernel tree of our own (tests/debug), which
# has everything the VM needs built in.
mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
kernel=
if [ -n "${PMODE_VM_KERNEL_TREE:-}" ]; then
	kernel=$PMODE_VM_KERNEL_TREE/arch/x86/boot/bzImage
	export KERNELDIR=$PMODE_VM_KERNEL_TREE
	unset KERNELRELEASE	# the tree says which
	mods=
fi
kver=$(pmode_kernel_release) || { echo "not ok - vm: a kernel to build against and boot (tests/kernel.sh)"; exit 1; }
[ -n "$kernel" ] || kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "not ok - no kernel image $kernel"; exit 1; }

make -s -C "$top" KERNELRELEASE="$kver" module >&2 || { echo "not ok - module builds"; exit 1; }
if [ -f "$top/tools/Makefile" ]; then
	make -s -C "$top" tools >&2 || { echo "not ok - pmodectl builds"; exit 1; }
fi

# The initramfs, cached by what goes into it.
cache=${PMODE_CACHE:-/var/cache/pmode}
key=$( (echo "$kver $mods"; cat "$top/tests/vm/init" /bin/busybox) | sha256sum | cut -c1-16)
initrd=$cache/vm-initrd-$key.gz
if [ ! -s "$initrd" ]; then
	mkdir -p "$cache"
	root=$(mktemp -d)
	mkdir -p "$root"/{bin,lib/modules,proc,sys,dev,newroot,repo}
	cp /bin/busybox "$root/bin/"
	cp "$top/tests/vm/init" "$root/init"
	for m in $mods; do
		f=$(find "/lib/modules/$kver/kernel" -name "$m.ko" | head -n1)
		[ -n "$f" ] || { echo "not ok - kernel module $m not found"; exit 1; }
		cp "$f" "$root/lib/modules/"
	done
	(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$root"
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
chmod 777 "$out"
append="console=ttyS0 quiet panic=-1 pmode.top=$top"
[ -n "$script" ] && append+=" pmode.script=$script"
[ -n "${PMODE_VM_TESTS:-}" ] && append+=" pmode.tests=$PMODE_VM_TESTS"
[ -n "${PMODE_VM_9P_CACHE:-}" ] && append+=" pmode.cache=$PMODE_VM_9P_CACHE"
[ -n "${PMODE_VM_FILE_TIMEOUT:-}" ] && append+=" pmode.file_timeout=$PMODE_VM_FILE_TIMEOUT"

# Single-threaded TCG: with multi-threaded TCG a kernel static key patched
# under traffic has livelocked vCPUs at the patched site.
# shellcheck disable=SC2086
timeout "${PMODE_VM_TIMEOUT:-2400}" qemu-system-x86_64 \
	-accel tcg,thread=single -m ${PMODE_VM_MEM:-2G} -smp ${PMODE_VM_SMP:-2} -nographic -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=out,security_model=none \
	${PMODE_QEMU_EXTRA:-} >"$out/console.log" 2>&1
qemu_rc=$?

if [ -n "$script" ]; then
	cat "$out/script.log" 2>/dev/null
	grep -q PMODE-VM-DONE "$out/done" 2>/dev/null || {
		echo "vm did not finish (qemu status $qemu_rc)"; tail -n 40 "$out/console.log"; exit 1; }
	tail -n1 "$out/script.log" | grep -q '^exit=0$'
	exit
fi

# Renumber the guest's TAP lines into one sequence.
n=0
fails=0
while IFS= read -r line; do
	case $line in
	"ok "*|"not ok "*)
		n=$((n + 1))
		status=${line%%ok *}ok
		desc=$(sed -E 's/^(not )?ok [0-9]* ?-? ?//' <<<"$line")
		[ "$status" = "not ok" ] && fails=$((fails + 1))
		echo "$status $n - vm: $desc" ;;
	*) echo "$line" ;;
	esac
done <"$out/results.tap"
if ! grep -q PMODE-VM-DONE "$out/done" 2>/dev/null; then
	echo "not ok $((n + 1)) - vm: the VM finished the suite (qemu status $qemu_rc)"
	tail -n 40 "$out/console.log" | sed 's/^/# /'
	exit 1
fi
mkdir -p "${BUILD:-$top/build}/test-logs"
for f in "$out"/*.log; do
	[ "$(basename "$f")" = console.log ] && continue
	[ -s "$f" ] && cp "$f" "${BUILD:-$top/build}/test-logs/vm-$(basename "$f")" 2>/dev/null
done
[ "$fails" -eq 0 ] && [ "$n" -gt 0 ]
