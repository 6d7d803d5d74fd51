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
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/tests/deps.sh" build vm kunit >&2 || exit 1
"$top/tests/deps.sh" debug >&2 || exit 1

cache=${PMODE_CACHE:-/var/cache/pmode}
. "$top/tests/kernel.sh"
src=$(pmode_kernel_source) || { echo "not ok - check-debug: no linux-source tarball"; exit 1; }
options=(
	-e VIRTIO -e VIRTIO_PCI -e NET_9P -e NET_9P_VIRTIO -e 9P_FS -e 9P_FS_POSIX_ACL
	-e VETH -e BRIDGE -e VLAN_8021Q -e BRIDGE_VLAN_FILTERING -e TUN -e DUMMY -e NET_NS -e USER_NS
	-e PACKET -e IPV6
	-e NETFILTER -e NETFILTER_INGRESS -e NETFILTER_EGRESS -e NF_TABLES
	-e NF_TABLES_NETDEV -e NET_PKTGEN -e MODULES -e MODULE_UNLOAD
	-e DEVTMPFS -e TMPFS
	-e DEBUG_FS -e KASAN -e KASAN_GENERIC -e KASAN_INLINE
	-e DEBUG_KMEMLEAK -d DEBUG_KMEMLEAK_AUTO_SCAN
	-e PROVE_LOCKING -e PROVE_RCU -e DEBUG_ATOMIC_SLEEP -e DEBUG_LIST
	-e FAULT_INJECTION -e FAILSLAB -e FAULT_INJECTION_DEBUG_FS
	-d DEBUG_INFO -d DEBUG_INFO_DWARF5 -d DEBUG_INFO_DWARF4 -e DEBUG_INFO_NONE
	-d DEBUG_INFO_BTF -d WERROR
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
		echo "not ok - check-debug: the debug kernel builds"
		tail -n 30 "$tree.log" | sed 's/^/# /'
		exit 1; }
	echo "# check-debug: built in $((SECONDS - start)) s" >&2
	touch "$tree/.pmode-built"
fi
# KASAN and lockdep slow the emulated guest down three to four times.
# Caching the host files in the guest saves most of the time python takes
# to start on this kernel.
PMODE_VM_9P_CACHE=${PMODE_VM_9P_CACHE-loose} \
	PMODE_VM_KERNEL_TREE=$tree PMODE_VM_TIMEOUT=${PMODE_VM_TIMEOUT:-14400} \
	PMODE_VM_FILE_TIMEOUT=${PMODE_VM_FILE_TIMEOUT:-7200} \
	exec "$top/tests/vm/run.sh"
