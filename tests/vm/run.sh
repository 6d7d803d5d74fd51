#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM tier: boot one of Debian's stock kernels in QEMU with the module
# freshly built for it and run the end-to-end suite (tests/vm/e2e/*.sh)
# inside it. The guest sees the host's / read-only over 9p, so every tool
# of this machine is there; a second 9p share brings the results back.
#
#   tests/vm/run.sh [SERIES]            the suite, as TAP lines
#   tests/vm/run.sh --script FILE       boot and run FILE instead, print its output
#   PMODE_KERNEL=6.12                   the kernel series without SERIES
#                                       (default 6.1; KERNELRELEASE= names
#                                       a release)
#   PMODE_VM_TESTS='1*'                 only the test files matching a glob
#   PMODE_VM_SKIP='92-*,95-*'           and not those matching one of these
#   PMODE_VM_PLAN=FILE                  several modules in one boot: FILE's
#                                       lines "TAG MODULE.ko GLOB", each
#                                       module loaded for the files of its
#                                       GLOB, between "# === plan TAG" and
#                                       "# === plan TAG done" lines
#                                       (make check-mutants)
#   PMODE_VM_BUILT=1                    the module and pmodectl are built
#                                       already (by a caller running several
#                                       VMs from one tree at once)
#   PMODE_QEMU_EXTRA='-icount ...'      more QEMU options
#   PMODE_VM_SMP=1                      vCPUs (default 2)
#   PMODE_VM_TCG=multi                  multi-threaded TCG: the vCPUs run in
#                                       parallel (default single, see below)
#   PMODE_VM_9P_CACHE=                  the guest's 9p cache mode for the
#                                       host's / (default loose; empty: none)
#   PMODE_VM_KERNEL_TREE=DIR            boot DIR's bzImage, build against DIR
#   PMODE_VM_FILE_TIMEOUT=600           seconds one test file may take
#   PMODE_SPOOF_FRAMES=3000             frames 78-spoof-effect.sh sends
#   PMODE_SPOOF_SEED=1                  the seed they are built from
#   PMODE_STRESS_SECS, PMODE_STRESS_CYCLES, PMODE_HOOK_SLOT_TRIES, PMODE_SAVE_STATES, ...
#                                       every PMODE_STRESS_*, PMODE_HOOK_*, PMODE_SAVE_*
#                                       and PMODE_SPOOF_* variable reaches
#                                       the test files in the guest
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
script=
if [ "${1:-}" = --script ]; then
	script=$(realpath "$2")
elif [ -n "${1:-}" ]; then
	export PMODE_KERNEL=$1
fi

. "$top/tests/lib/kernel.sh"
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/initrd.sh"
series=$(kseries_one)
TAP_PREFIX="vm $series: "
# make check boots both kernels at once (tests/run-all.sh): the suite takes
# as long as the slower VM. The stress file's 130 unload cycles are shared
# between them so that both end together (measured: 1,409 s of other files
# on 6.1, 1,376 s on 6.12, 2.7 s a cycle), each still far past the first
# race it looks for; the save/restore states are cut on the second kernel.
if [ "$series" = "$PMODE_KERNEL_STOCK_SERIES" ]; then
	export PMODE_STRESS_CYCLES=${PMODE_STRESS_CYCLES:-60}
else
	export PMODE_STRESS_CYCLES=${PMODE_STRESS_CYCLES:-70}
	export PMODE_SAVE_STATES=${PMODE_SAVE_STATES:-100}
fi
PMODE_KERNELS=$series "$top/tests/lib/deps.sh" build vm >&2 || exit 1
# The stock Debian kernel, or a kernel tree of our own (tests/debug), which
# has everything the VM needs built in.
if [ -n "${PMODE_VM_KERNEL_TREE:-}" ]; then
	kernel=$PMODE_VM_KERNEL_TREE/arch/x86/boot/bzImage
	kver=$(make -s -C "$PMODE_VM_KERNEL_TREE" kernelrelease)
	series=$(kseries_of "$kver")
	TAP_PREFIX="vm $series: "
	kdir=$PMODE_VM_KERNEL_TREE
	mods=
else
	kver=$(kseries_release "$series")
	kernel=/boot/vmlinuz-$kver
	kdir=/lib/modules/$kver/build
	# The modules the initramfs loads to mount the host's / over 9p.
	mods=$(initrd_mods "$kver") || tap_bail "$kver has the modules 9p over virtio needs"
fi
[ -n "$kver" ] && [ -r "$kernel" ] || tap_bail "no kernel image ${kernel:-for $series}"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
chmod 777 "$out"
# What the VM runs is built in the tree, one kernel at a time: another run
# of this script, for another kernel, may be building there too (make
# check boots both kernels at once). The module the guest loads is this
# kernel's, copied to the VM's own share while the tree holds it.
mkdir -p "${BUILD:-$top/build}"
exec 9>"${BUILD:-$top/build}/.vm-build.lock"
flock 9
if [ -z "${PMODE_VM_BUILT:-}" ]; then
	make -s -C "$top" KERNELRELEASE="$kver" KERNELDIR="$kdir" module >&2 ||
		tap_bail "module builds"
	if [ -f "$top/tools/Makefile" ]; then
		make -s -C "$top" tools >&2 || tap_bail "pmodectl builds"
	fi
	make -s -C "$top/tests/vm" >&2 || tap_bail "the VM tests' programs build"
	# The test files' own instrument (tests/vm/kmod/pmode_hold.c).
	if [ -z "$script" ]; then
		make -s -C "$kdir" M="$top/tests/vm/kmod" modules >&2 ||
			tap_bail "the VM tests' module builds"
	fi
fi
cp "$top/kmod/pmode.ko" "$out/pmode.ko" || tap_bail "the module is there to copy"
if [ -z "$script" ]; then
	cp "$top/tests/vm/kmod/pmode_hold.ko" "$out/pmode_hold.ko" ||
		tap_bail "the VM tests' module is there to copy"
fi
if [ -n "${PMODE_VM_PLAN:-}" ]; then
	while read -r tag ko glob; do
		cp "$ko" "$out/$tag.ko" || tap_bail "the plan's module $ko is there to copy"
		echo "$tag $tag.ko $glob"
	done <"$PMODE_VM_PLAN" >"$out/plan"
fi
# The frames of e2e/78-spoof-effect.sh, built here from a seed: scapy builds
# about five a second under TCG. The guest reads them over 9p.
# shellcheck disable=SC2053 # PMODE_VM_TESTS is a glob
if [ -z "$script" ] && [[ 78-spoof-effect == ${PMODE_VM_TESTS:-*} ]] &&
	[ -f "$top/tests/vm/spoof.py" ]; then
	/usr/bin/python3 "$top/tests/vm/spoof.py" gen --frames "${PMODE_SPOOF_FRAMES:-3000}" \
		--seed "${PMODE_SPOOF_SEED:-1}" --out "$top/build/spoof/frames.bin" >&2 ||
		tap_bail "the spoofing frames build"
fi

# The kernel's YNL tools for e2e/88-ynl.sh, unpacked on the host: the guest
# sees its / read-only. Their place goes to the guest on its command line.
ynl=
# shellcheck disable=SC2053 # PMODE_VM_TESTS is a glob
if [ -z "$script" ] && [[ 88-ynl == ${PMODE_VM_TESTS:-*} ]] && [ -f "$top/tests/lib/ynl.sh" ]; then
	ynl=$("$top/tests/lib/ynl.sh") || tap_bail "the kernel's YNL tools unpack (tests/lib/ynl.sh)"
fi

# The initramfs, cached by what goes into it.
cache=${PMODE_CACHE:-/var/cache/pmode}
key=$( (echo "$kver $mods"; cat "$top/tests/vm/init" "$top/tests/lib/initrd.sh" /bin/busybox) |
	sha256sum | cut -c1-16)
initrd=$cache/vm-initrd-$key.gz
if [ ! -s "$initrd" ]; then
	mkdir -p "$cache"
	# shellcheck disable=SC2086 # one module a word
	initrd_make "$initrd" "$top/tests/vm/init" $mods || tap_bail "the initramfs builds"
fi
flock -u 9
# no_timer_check: on a loaded host, emulated time runs so unevenly that the
# kernel's early check of the IO-APIC timer fails, and it panics at boot
# ("IO-APIC + timer doesn't work!"; seen here at load 15 and more).
append="console=ttyS0 quiet panic=-1 no_timer_check pmode.top=$top"
[ -n "$script" ] && append+=" pmode.script=$script"
[ -n "${PMODE_VM_TESTS:-}" ] && append+=" pmode.tests=$PMODE_VM_TESTS"
[ -n "${PMODE_VM_SKIP:-}" ] && append+=" pmode.skip=$PMODE_VM_SKIP"
# The guest caches the host's files: nothing under / changes while the VM
# runs (what the guest writes goes to the second share), and uncached, every
# Python start reads its modules over 9p again. Measured on 6.1 in this
# harness: importing pyroute2 takes 6 s cached and about 50 s uncached,
# starting pkt.py 1 s and 7 to 12 s.
cache_mode=${PMODE_VM_9P_CACHE-loose}
[ -n "$cache_mode" ] && append+=" pmode.cache=$cache_mode"
[ -n "${PMODE_VM_FILE_TIMEOUT:-}" ] && append+=" pmode.file_timeout=$PMODE_VM_FILE_TIMEOUT"
# The test files' own knobs (sizes, tries), for guest.sh to export.
compgen -v | grep -E '^PMODE_(STRESS|HOOK|SPOOF|SAVE)_' | while read -r v; do
	printf 'export %s=%q\n' "$v" "${!v}"
done >"$out/env"
[ -n "$ynl" ] && append+=" pmode.ynl=$ynl"

# Single-threaded TCG by default: with multi-threaded TCG a kernel static
# key patched under traffic has livelocked vCPUs at the patched site. A
# file that patches none and needs real parallelism asks for multi.
# shellcheck disable=SC2086
timeout "${PMODE_VM_TIMEOUT:-3600}" qemu-system-x86_64 \
	-accel tcg,thread=${PMODE_VM_TCG:-single} -m ${PMODE_VM_MEM:-2G} -smp ${PMODE_VM_SMP:-2} -nographic -no-reboot \
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

# The guest's TAP lines, in one sequence.
tap_relay <"$out/results.tap"
if ! grep -q PMODE-VM-DONE "$out/done" 2>/dev/null; then
	not_ok "the VM finished the suite (qemu status $qemu_rc)"
	tail -n 40 "$out/console.log" | tap_diag
	exit 1
fi
mkdir -p "${BUILD:-$top/build}/test-logs"
for f in "$out"/*.log; do
	[ "$(basename "$f")" = console.log ] && continue
	[ -s "$f" ] && cp "$f" "${BUILD:-$top/build}/test-logs/vm-$series-$(basename "$f")" 2>/dev/null
done
tap_status && [ "$tap_n" -gt 0 ]
