#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging from a clean checkout, as TAP lines: DKMS adds and builds the
# module with dkms.conf as it is, and 'make install' puts the module, the
# tool and the man page where they belong. Everything happens in scratch
# trees: nothing is installed on this host.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh" build dkms >&2 || exit 1

. "$top/tests/tap.sh"
. "$top/tests/kernel.sh"

kver=$(pmode_kernel_release) || { result 1 "packaging: a kernel to build against (tests/kernel.sh)"; exit 1; }
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# What is committed, not what lies around in the work tree.
git clone -q --no-hardlinks "$top" "$tmp/clone"

src=$tmp/src/pmode-$version
mkdir -p "$src" "$tmp/dkms" "$tmp/inst/$kver/kernel"
cp -r "$tmp/clone"/{Kbuild,Makefile,dkms.conf,kmod,include} "$src/"
# A scratch module tree for 'dkms install', with the kernel's index files.
cp /lib/modules/"$kver"/modules.* "$tmp/inst/$kver/" 2>/dev/null
dkms=(dkms --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/inst"
      -m pmode -v "$version")
"${dkms[@]}" add >"$log" 2>&1
result $? "packaging: dkms add pmode/$version" "$log"
"${dkms[@]}" build -k "$kver" >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] && ls "$tmp"/dkms/pmode/"$version"/"$kver"/*/module/pmode.ko* >/dev/null 2>&1 || rc=1
result $rc "packaging: dkms build for $kver produces pmode.ko" "$log"
"${dkms[@]}" install -k "$kver" >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] && ls "$tmp/inst/$kver"/updates/dkms/pmode.ko* >/dev/null 2>&1 || rc=1
result $rc "packaging: dkms install places pmode.ko under updates/dkms" "$log"
"${dkms[@]}" remove --all >"$log" 2>&1
rc=$?
ls "$tmp/inst/$kver"/updates/dkms/pmode.ko* >/dev/null 2>&1 && rc=1
result $rc "packaging: dkms remove takes it away" "$log"

make -C "$tmp/clone" KERNELRELEASE="$kver" DESTDIR="$tmp/root" install >"$log" 2>&1
rc=$?
for f in "lib/modules/$kver/updates/pmode.ko" usr/sbin/pmodectl \
	 usr/share/man/man8/pmodectl.8 usr/lib/modules-load.d/pmode.conf \
	 usr/lib/systemd/system/pmode-restore.service; do
	[ -e "$tmp/root/$f" ] || { echo "missing: $f" >>"$log"; rc=1; }
done
result $rc "packaging: make install DESTDIR= installs module, tool, man page, boot units" "$log"

# dkms-install with a DESTDIR stages the sources there and registers nothing;
# it replaces a copy it made, and nothing else.
dk=$tmp/dkroot/usr/src/pmode-$version
{ make -C "$tmp/clone" DESTDIR="$tmp/dkroot" dkms-install &&
  make -C "$tmp/clone" DESTDIR="$tmp/dkroot" dkms-install &&
  [ -f "$dk/dkms.conf" ] && [ -f "$dk/kmod/main.c" ]; } >"$log" 2>&1
result $? "packaging: make dkms-install DESTDIR= stages the sources under DESTDIR, again over its own copy" "$log"
mkdir -p "$tmp/other/usr/src/pmode-$version"
touch "$tmp/other/usr/src/pmode-$version/theirs"
make -C "$tmp/clone" DESTDIR="$tmp/other" dkms-install >"$log" 2>&1
rc=$?
result "$([ $rc -ne 0 ] && [ -e "$tmp/other/usr/src/pmode-$version/theirs" ] && echo 0 || echo 1)" \
	"packaging: make dkms-install leaves a /usr/src/pmode-$version it did not make alone" "$log"

# The kernel helper: the Makefile asks it only for targets that build
# against a kernel, and hands no kernel path to the others' scripts.
printf 'pmode-env:\n\t@env | grep -E "^KERNEL(DIR|RELEASE)=" || true\n' >"$tmp/env.mk"
env -u KERNELRELEASE -u KERNELDIR make -s -C "$tmp/clone" -f Makefile -f "$tmp/env.mk" pmode-env >"$log" 2>&1
result "$([ ! -s "$log" ] && echo 0 || echo 1)" \
	"packaging: make check, demo, bench ... get no kernel from the Makefile" "$log"
{ out=$(KERNELRELEASE=9.9.9-x "$top/tests/kernel.sh" release 2>&1)
  echo "release: $out"; [ "$out" = 9.9.9-x ]; } >"$log" 2>&1
rc=$?
KERNELRELEASE=9.9.9-x "$top/tests/kernel.sh" dir >>"$log" 2>&1 && rc=1
grep -q 'install linux-headers-9.9.9-x$' "$log" || rc=1
result $rc "packaging: tests/kernel.sh takes KERNELRELEASE= as it is, and names the headers it lacks" "$log"
{ "$top/tests/kernel.sh" release 6.99 && echo "6.99 found"; } >"$log" 2>&1
grep -q 'install linux-headers-6.99-amd64 ' "$log" && ! grep -q found "$log"
rc=$?
[ "$("$top/tests/kernel.sh" package 6.12)" = linux-headers-6.12-amd64 ] || rc=1
[ "$("$top/tests/kernel.sh" package 6.1)" = linux-headers-amd64 ] || rc=1
result $rc "packaging: tests/kernel.sh selects by series, naming its headers package" "$log"

[ "$fails" -eq 0 ]
