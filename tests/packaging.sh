#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging from a clean checkout, as TAP lines: DKMS adds and builds the
# module with dkms.conf as it is, for each kernel of PMODE_KERNELS, and
# 'make install' puts the module, the tool and the man page where they
# belong. Everything happens in scratch trees: nothing is installed on
# this host.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh" build dkms >&2 || exit 1

. "$top/tests/tap.sh"
. "$top/tests/kseries.sh"

kvers=()
for series in $kseries_all; do
	kver=$(kseries_release "$series")
	[ -n "$kver" ] && kvers+=("$kver") ||
		result 1 "packaging: the headers of $series are installed"
done
[ ${#kvers[@]} -gt 0 ] || exit 1
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# What is committed, not what lies around in the work tree.
git clone -q --no-hardlinks "$top" "$tmp/clone"

# dkms.conf's range admits the kernels tested and no series between them
# (dkms matches the release against BUILD_EXCLUSIVE_KERNEL with bash's =~).
: >"$log"
range=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"/\1/p' "$tmp/clone/dkms.conf")
rc=0
for k in "${kvers[@]}"; do
	[[ $k =~ $range ]] || { echo "refuses $k" >>"$log"; rc=1; }
done
for k in 6.0.12-1-amd64 6.2.0-1-amd64 6.6.13+bpo-amd64 6.10.6+bpo-amd64 \
	 6.11.0 6.13.1-amd64 6.120.0 16.1.0; do
	[[ $k =~ $range ]] && { echo "admits $k" >>"$log"; rc=1; }
done
[ -n "$range" ] || rc=1
result $rc "packaging: dkms.conf admits ${kvers[*]} and no other series (${range:-no BUILD_EXCLUSIVE_KERNEL})" "$log"

src=$tmp/src/pmode-$version
mkdir -p "$src" "$tmp/dkms"
cp -r "$tmp/clone"/{Kbuild,Makefile,dkms.conf,kmod,include} "$src/"
# A scratch module tree for 'dkms install', with the kernels' index files.
for kver in "${kvers[@]}"; do
	mkdir -p "$tmp/inst/$kver/kernel"
	cp /lib/modules/"$kver"/modules.* "$tmp/inst/$kver/" 2>/dev/null
done
dkms=(dkms --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/inst"
      -m pmode -v "$version")
"${dkms[@]}" add >"$log" 2>&1
result $? "packaging: dkms add pmode/$version" "$log"
for kver in "${kvers[@]}"; do
	"${dkms[@]}" build -k "$kver" >"$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && ls "$tmp"/dkms/pmode/"$version"/"$kver"/*/module/pmode.ko* >/dev/null 2>&1 || rc=1
	result $rc "packaging: dkms build for $kver produces pmode.ko" "$log"
	"${dkms[@]}" install -k "$kver" >"$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] && ls "$tmp/inst/$kver"/updates/dkms/pmode.ko* >/dev/null 2>&1 || rc=1
	result $rc "packaging: dkms install places pmode.ko under $kver/updates/dkms" "$log"
done
"${dkms[@]}" remove --all >"$log" 2>&1
rc=$?
ls "$tmp"/inst/*/updates/dkms/pmode.ko* >/dev/null 2>&1 && rc=1
result $rc "packaging: dkms remove takes it away" "$log"

kver=${kvers[0]}
make -C "$tmp/clone" KERNELRELEASE="$kver" KERNELDIR="/lib/modules/$kver/build" \
	DESTDIR="$tmp/root" install >"$log" 2>&1
rc=$?
for f in "lib/modules/$kver/updates/pmode.ko" usr/sbin/pmodectl \
	 usr/share/man/man8/pmodectl.8 usr/lib/modules-load.d/pmode.conf \
	 usr/lib/systemd/system/pmode-restore.service; do
	[ -e "$tmp/root/$f" ] || { echo "missing: $f" >>"$log"; rc=1; }
done
result $rc "packaging: make install DESTDIR= installs module, tool, man page, boot units" "$log"

[ "$fails" -eq 0 ]
