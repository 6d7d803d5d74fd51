#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The busybox initramfs the test VMs boot with (tests/vm, tests/lifecycle):
# an init script of the tier's and the modules the kernel needs to mount a
# root over 9p and virtio, where it has not built them in. Sourced.

# initrd_mods KVER [ROOT]: the module files of KVER (installed under ROOT,
# default /) that 9p over virtio needs, with what they depend on, in load
# order, one a line. Which are built in, and what they need, changes
# between series (6.12 has virtio built in, and fscache is part of netfs).
initrd_mods() {
	local kver=$1 root=${2:-} m f deps mods=
	for m in virtio_pci 9pnet_virtio 9p; do
		deps=$(modprobe ${root:+-d "$root"} -S "$kver" --show-depends "$m") || {
			echo "initrd: $kver has no kernel module $m" >&2
			return 1
		}
		mods+=" $(awk '$1 == "insmod" { print $2 }' <<<"$deps")"
	done
	for f in $(tr ' ' '\n' <<<"$mods" | awk 'NF && !seen[$0]++'); do
		[ -z "$root" ] || [[ $f == "$root"/* ]] || f=$root$f
		echo "$f"
	done
}

# initrd_make OUT INIT [MODULE...]: a gzipped initramfs at OUT with busybox,
# INIT as /init and the modules, uncompressed (busybox's insmod may not
# read xz) and listed in /lib/modules/order for INIT to load.
initrd_make() {
	local out=$1 init=$2 dir f m
	shift 2
	dir=$(mktemp -d) || return 1
	mkdir -p "$dir"/{bin,lib/modules,proc,sys,dev,newroot}
	cp /bin/busybox "$dir/bin/" && cp "$init" "$dir/init" || { rm -rf "$dir"; return 1; }
	: >"$dir/lib/modules/order"
	for f in "$@"; do
		m=$(basename "$f")
		case $f in
		*.ko.xz) xz -dc "$f" >"$dir/lib/modules/${m%.xz}" ;;
		*.ko.zst) zstd -qdc "$f" >"$dir/lib/modules/${m%.zst}" ;;
		*) cp "$f" "$dir/lib/modules/" ;;
		esac || { echo "initrd: kernel module $f does not unpack" >&2; rm -rf "$dir"; return 1; }
		echo "${m%.ko*}.ko" >>"$dir/lib/modules/order"
	done
	(cd "$dir" && find . | cpio -o -H newc 2>/dev/null | gzip) >"$out.tmp" &&
		mv "$out.tmp" "$out"
	local rc=$?
	rm -rf "$dir"
	return $rc
}
