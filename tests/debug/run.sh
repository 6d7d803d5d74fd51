#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the VM end-to-end suite on a debug kernel built from
# Debian's linux-source-6.1, with KASAN, kmemleak, lockdep (PROVE_LOCKING,
# PROVE_RCU), DEBUG_ATOMIC_SLEEP, DEBUG_LIST and fault injection, and
# everything the VM needs built in. The tree is cached under
# $PMODE_CACHE/debugk-<key>, keyed by the tarball and the options below.
# A KASAN, lockdep or other kernel report, or an object pmode allocated and
# lost (kmemleak), fails the run.
#
#   PMODE_VM_TESTS='9*'   as for the VM tier: only some test files
#   PMODE_KERNEL=6.12     the source series (default 6.1; only 6.1 is proven)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/kernel.sh"
. "$top/tests/lib/tap.sh"
series=$(kseries_one)
TAP_PREFIX="check-debug: "
export PMODE_KERNELS=$series
"$top/tests/lib/deps.sh" build vm kunit >&2 || exit 1
"$top/tests/lib/deps.sh" debug >&2 || exit 1

cache=${PMODE_CACHE:-/var/cache/pmode}
src=$(pmode_kernel_source "$series") || tap_bail "the linux-source tarball of $series is installed"
options=(
	-e VIRTIO -e VIRTIO_PCI -e NET_9P -e NET_9P_VIRTIO -e 9P_FS -e 9P_FS_POSIX_ACL
	-e VETH -e BRIDGE -e VLAN_8021Q -e BRIDGE_VLAN_FILTERING -e TUN -e DUMMY -e NET_NS -e USER_NS
	-e MACVLAN -e MACVTAP -e IPVLAN -e IPVTAP
	-e PACKET -e IPV6
	-e NETFILTER -e NETFILTER_INGRESS -e NETFILTER_EGRESS -e NF_TABLES
	-e NF_TABLES_NETDEV -e NET_PKTGEN -e MODULES -e MODULE_UNLOAD -e NET_SCHED -e NET_SCH_NETEM
	-e DEVTMPFS -e TMPFS
	-e DEBUG_FS -e KASAN -e KASAN_GENERIC -e KASAN_INLINE
	-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_AUTO_SCAN
	-e PROVE_LOCKING -e PROVE_RCU -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST
	-e FAULT_INJECTION -e FAILSLAB -e FAULT_INJECTION_DEBUG_FS
	-d DEBUG_INFO -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4 -e DEBUG_INFO_NONE
	-d DEBUG_INFO_BTF -d WERROR
	# What the VM never uses, off: a third of defconfig's build (graphics,
	# sound, USB, wireless, NIC drivers, disks, SELinux, NFS).
	-d DRM -d AGP -d FB -d SOUND -d USB_SUPPORT -d HID -d WLAN -d WIRELESS
	-d CFG80211 -d MAC80211 -d RFKILL -d ETHERNET -d ATA -d SCSI -d PCCARD
	-d MEDIA_SUPPORT -d INPUT_JOYSTICK -d INPUT_TABLET -d INPUT_TOUCHSCREEN
	-d SECURITY_SELINUX -d AUDIT -d NFS_FS -d NFSD -d HIBERNATION
)
key=$( (basename "$src"; echo "${options[*]}") | sha256sum | cut -c1-12)
tree=$cache/debugk-$key
if [ ! -e "$tree/.pmode-built" ]; then
	find "$cache" -maxdepth 1 -name 'debugk-*' ! -name "debugk-$key" \
		-exec rm -rf {} + 2>/dev/null
	rm -rf "$tree"
	mkdir -p "$tree"
	echo "# check-debug: building a debug kernel in $tree (about 30 min on 2 cores)" >&2
	start=$SECONDS
	{ tar -xJf "$src" -C "$tree" --strip-components=1 &&
	  make -s -C "$tree" x86_64_defconfig && make -s -C "$tree" kvm_guest.config &&
	  "$tree/scripts/config" --file "$tree/.config" "${options[@]}" &&
	  make -s -C "$tree" olddefconfig &&
	  make -s -C "$tree" -j"$(nproc)" bzImage modules; } >"$tree.log" 2>&1 || {
		result 1 "the debug kernel builds" "$tree.log"
		exit 1; }
	echo "# check-debug: built in $((SECONDS - start)) s" >&2
	touch "$tree/.pmode-built"
fi
# KASAN and lockdep slow the emulated guest down three to four times. The
# stress file's unload cycles (each a reload and a restore under four
# floods) take most of the suite's time: 25 here instead of the stock
# kernel's 100.
export PMODE_STRESS_CYCLES=${PMODE_STRESS_CYCLES:-25} PMODE_HOOK_SLOT_TRIES=${PMODE_HOOK_SLOT_TRIES:-200}
# The save/restore file begins no new state after a minute, and must have
# checked 100 by then: on this kernel a state took 2.7 s, not 0.1 s as on
# the stock one (26 states in the first full run).
export PMODE_SAVE_BUDGET=${PMODE_SAVE_BUDGET:-600}
export PMODE_VM_KERNEL_TREE=$tree
export PMODE_VM_TIMEOUT=${PMODE_VM_TIMEOUT:-14400} PMODE_VM_FILE_TIMEOUT=${PMODE_VM_FILE_TIMEOUT:-7200}
# 92-hook-slots races a hook registration undone against a flood; only
# CPUs that run at the same time can lose that race, which takes QEMU's
# multi-threaded TCG: the file runs in a boot of its own on it (two vCPUs),
# which is how KASAN showed the use after free fixed in 45bccbc, and showed
# it gone. Kernel text patched while the other vCPU runs hung such boots
# (three of four, in nft loading the file's chains), so the file takes the
# second CPU offline while it loads them. PMODE_DEBUG_PARALLEL=0 runs the
# file with the others instead, where it cannot lose the race.
parallel='92-*'
[ "${PMODE_DEBUG_PARALLEL:-1}" != 0 ] || parallel='-none-'
# Single-threaded TCG runs a boot on one host CPU. With two or more, the
# stress file (an hour and a quarter here, as long as all the others
# together) runs in a boot of its own beside theirs, and the hook-slot file
# after it: the suite takes half the time. PMODE_DEBUG_JOBS=1 runs them
# one after the other; PMODE_DEBUG_APART names the files set apart.
jobs=${PMODE_DEBUG_JOBS:-$(nproc)}
apart=${PMODE_DEBUG_APART-95-*}
filter=${PMODE_VM_TESTS:-*}
main=() alone=() skip=$parallel
for f in "$top"/tests/vm/e2e/*.sh; do
	name=$(basename "$f" .sh)
	# shellcheck disable=SC2053 # globs
	[[ $name == $filter ]] || continue
	# shellcheck disable=SC2053
	if [[ $name == $parallel ]]; then
		alone+=("$name multi")
	elif [ "$jobs" -gt 1 ] && [[ $name == $apart ]]; then
		alone=("$name single" "${alone[@]}")
		skip+=",$name"
	else
		main+=("$name")
	fi
done

# Built once: the boots share the tree.
kver=$(make -s -C "$tree" kernelrelease)
make -s -C "$top" KERNELRELEASE="$kver" KERNELDIR="$tree" module >&2 || tap_bail "module builds"
make -s -C "$top" tools >&2 || tap_bail "pmodectl builds"
make -s -C "$top/tests/vm" >&2 || tap_bail "the VM tests' programs build"
make -s -C "$tree" M="$top/tests/vm/kmod" modules >&2 || tap_bail "the VM tests' module builds"
export PMODE_VM_BUILT=1

run_main() {
	[ ${#main[@]} -gt 0 ] || return 0
	PMODE_VM_TESTS=$filter PMODE_VM_SKIP=$skip "$top/tests/vm/run.sh"
}
run_alone() {
	local entry name tcg rc=0
	for entry in "${alone[@]}"; do
		read -r name tcg <<<"$entry"
		if [ "$tcg" = multi ]; then
			PMODE_VM_TESTS=$name PMODE_VM_TCG=multi PMODE_VM_SMP=2 \
				PMODE_VM_FILE_TIMEOUT=3000 PMODE_VM_TIMEOUT=3600 \
				"$top/tests/vm/run.sh" || rc=1
		else
			PMODE_VM_TESTS=$name "$top/tests/vm/run.sh" || rc=1
		fi
	done
	return $rc
}
outs=$(mktemp -d)
trap 'rm -rf "$outs"' EXIT
start=$SECONDS
if [ "$jobs" -gt 1 ]; then
	echo "# check-debug: two boots side by side, ${main[*]:-none} in one," \
		"$(printf '%s\n' "${alone[@]}" | cut -d' ' -f1 | paste -sd' ') in the" \
		"other; their results follow when both end" >&2
	run_main >"$outs/main" &
	pid=$!
	run_alone >"$outs/alone"
	rc_alone=$?
	wait $pid
	rc_main=$?
else
	run_main >"$outs/main"
	rc_main=$?
	run_alone >"$outs/alone"
	rc_alone=$?
fi
# One TAP sequence; the boots' own failures (a VM that did not finish) are
# among its lines, an exit without them is one more.
tap_relay <"$outs/main"
[ $rc_main -eq 0 ] || grep -q '^not ok' "$outs/main" || not_ok "the main boot exited with status $rc_main"
tap_relay <"$outs/alone"
[ $rc_alone -eq 0 ] || grep -q '^not ok' "$outs/alone" ||
	not_ok "the boots apart exited with status $rc_alone"
# What this kernel is built for must have run: a '# SKIP' of 82-faults
# (no fail-nth or failslab) or of kmemleak is a failure here.
# shellcheck disable=SC2053 # a glob
if [[ 82-faults == $filter ]]; then
	grep -Eq '^ok [0-9]+ - .*faults ran to its end$' "$outs/main" "$outs/alone" &&
		ok "82-faults ran its fault injection on the debug kernel" ||
		not_ok "82-faults ran its fault injection on the debug kernel (fail-nth, failslab)"
fi
for f in main alone; do
	[ -s "$outs/$f" ] || continue
	grep -Eq '^ok [0-9]+ - .*kmemleak finds nothing pmode allocated unreferenced, at the end$' \
		"$outs/$f" && ok "kmemleak scanned the $f boot" ||
		not_ok "kmemleak scanned the $f boot (the debug kernel has it: CONFIG_DEBUG_KMEMLEAK)"
done
tap_diag <<<"check-debug took $((SECONDS - start)) s after the kernel build, $jobs job(s)"
echo "$((tap_n - tap_fails - tap_skips)) passed, $tap_fails failed, $tap_skips skipped"
tap_status
