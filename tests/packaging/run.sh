#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging from a clean checkout, as TAP lines: DKMS adds and builds the
# module from what 'make dkms-install' stages, for each kernel of PMODE_KERNELS;
# 'make install' puts the module, the tool and the man page where they
# belong; 'make deb' builds the Debian packages, lintian-clean, with the
# files and maintainer scripts they must have; the kernel's own
# external-module command works from the top; every command the README
# shows is marked as run by a test (readme.sh). Everything happens in
# scratch trees: nothing is installed on this host.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/tests/lib/deps.sh" build dkms deb lintian >&2 || exit 1

. "$top/tests/lib/tap.sh"
. "$top/tests/lib/kernel.sh"

# Every command the README shows is run by a test (a "# README:" mark).
tap_of "packaging: readme.sh" "$top/tests/packaging/readme.sh"

kvers=()
for series in $kseries_all; do
	kver=$(kseries_release "$series")
	[ -n "$kver" ] && kvers+=("$kver") ||
		result 1 "packaging: the headers of $series are installed"
done
[ ${#kvers[@]} -gt 0 ] || exit 1
version=$(cat "$top/VERSION")
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

# make dkms-install stages the sources, and only them, with the version in
# dkms.conf; DKMS builds from that copy.
make -C "$tmp/clone" DESTDIR="$tmp/stage" dkms-install >"$log" 2>&1
rc=$?
(cd "$tmp/clone" && printf '%s\n' VERSION dkms.conf include/uapi/linux/pmode.h &&
	git ls-files kmod) | sort >"$tmp/want"
(cd "$tmp/stage/usr/src/pmode-$version" 2>/dev/null && find . -type f | sed 's|^\./||' | sort) >"$tmp/have"
diff -u "$tmp/want" "$tmp/have" >>"$log" || rc=1
grep -qx "PACKAGE_VERSION=\"$version\"" "$tmp/stage/usr/src/pmode-$version/dkms.conf" ||
	{ echo "the staged dkms.conf does not say PACKAGE_VERSION=\"$version\"" >>"$log"; rc=1; }
result $rc "packaging: make dkms-install DESTDIR= stages the sources alone, dkms.conf saying $version" "$log"
mkdir -p "$tmp/dkms"
# A scratch module tree for 'dkms install', with the kernels' index files.
for kver in "${kvers[@]}"; do
	mkdir -p "$tmp/inst/$kver/kernel"
	cp /lib/modules/"$kver"/modules.* "$tmp/inst/$kver/" 2>/dev/null
done
dkms=(dkms --sourcetree "$tmp/stage/usr/src" --dkmstree "$tmp/dkms" --installtree "$tmp/inst"
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

# The kernel's own command for an out-of-tree module, from the top of the
# tree (Kbuild hands over to kmod/), for each kernel's headers: the module
# lands in kmod/, built for that kernel, and make clean leaves nothing.
for kver in "${kvers[@]}"; do
	(cd "$tmp/clone" && make -C "/lib/modules/$kver/build" M="$PWD") >"$log" 2>&1
	rc=$?
	vermagic=$(modinfo -F vermagic "$tmp/clone/kmod/pmode.ko" 2>>"$log")
	[ "${vermagic%% *}" = "$kver" ] || { echo "kmod/pmode.ko: vermagic '$vermagic'" >>"$log"; rc=1; }
	[ "$(modinfo -F version "$tmp/clone/kmod/pmode.ko" 2>&1)" = "$version" ] ||
		{ echo "kmod/pmode.ko does not say version $version" >>"$log"; rc=1; }
	ls "$tmp"/clone/*.ko >>"$log" 2>&1 && rc=1
	make -C "$tmp/clone" clean >>"$log" 2>&1 || rc=1
	git -C "$tmp/clone" status --porcelain --ignored >"$tmp/left"
	[ -s "$tmp/left" ] && { echo "left after make clean:"; cat "$tmp/left"; } >>"$log" && rc=1
	result $rc "packaging: make -C /lib/modules/$kver/build M=\$PWD at the top builds kmod/pmode.ko for $kver, and make clean leaves nothing" "$log"
done

kver=${kvers[0]}
# README: make && sudo make install
make -C "$tmp/clone" KERNELRELEASE="$kver" KERNELDIR="/lib/modules/$kver/build" \
	DESTDIR="$tmp/root" install >"$log" 2>&1
rc=$?
for f in "lib/modules/$kver/updates/pmode.ko" usr/sbin/pmodectl \
	 usr/share/man/man8/pmodectl.8 usr/share/bash-completion/completions/pmodectl \
	 usr/lib/modules-load.d/pmode.conf usr/lib/pmode/qemu-ifup \
	 usr/lib/systemd/system/pmode-restore.service \
	 usr/lib/pmode/libvirt-hook usr/sbin/pmode-libvirt-agent usr/share/man/man8/pmode-libvirt.8 \
	 usr/lib/systemd/system/pmode-libvirt.service; do
	[ -e "$tmp/root/$f" ] || { echo "missing: $f" >>"$log"; rc=1; }
done
# libvirtd finds the hook through a symlink in its hook directory.
[ "$(readlink "$tmp/root/etc/libvirt/hooks/qemu.d/pmode")" = /usr/lib/pmode/libvirt-hook ] ||
	{ echo "etc/libvirt/hooks/qemu.d/pmode is no symlink to /usr/lib/pmode/libvirt-hook" >>"$log"; rc=1; }
result $rc "packaging: make install DESTDIR= installs module, tool, man pages, completion, boot units, QEMU's script, libvirt hook and agent" "$log"

# One version: the VERSION file's, and everything made from it says it.
: >"$log"
rc=0
[ -n "$version" ] || rc=1
r=$tmp/root
for copy in "debian/changelog:$(dpkg-parsechangelog -l "$tmp/clone/debian/changelog" -S Version)" \
	    "the module:$(modinfo -F version "$r/lib/modules/$kver/updates/pmode.ko" 2>&1)" \
	    "pmodectl:$("$r/usr/sbin/pmodectl" --version 2>&1)" \
	    "the man page:$(sed -n 's/^\.TH .* "pmode \([^"]*\)".*/\1/p' "$r/usr/share/man/man8/pmodectl.8")"; do
	[ "${copy#*:}" = "$version" ] || [ "${copy#*:}" = "pmodectl $version" ] ||
		{ echo "${copy%%:*} says '${copy#*:}'" >>"$log"; rc=1; }
done
result $rc "packaging: debian/changelog, the installed module, pmodectl and its man page say VERSION's version ($version)" "$log"

(cd "$tmp/clone" && dpkg-checkbuilddeps) >"$log" 2>&1
result $? "packaging: tests/lib/deps.sh deb installs debian/control's build dependencies" "$log"

debs=$tmp/build/deb
# README: make deb
make -C "$tmp/clone" BUILD="$tmp/build" deb >"$log" 2>&1
rc=$?
pkgs="pmode-dkms_${version}_all pmodectl_${version}_$(dpkg --print-architecture) python3-pmode_${version}_all
      pmode-libvirt_${version}_$(dpkg --print-architecture)"
for p in $pkgs; do
	[ -f "$debs/$p.deb" ] || { echo "missing: $p.deb" >>"$log"; rc=1; }
done
[ -z "$(git -C "$tmp/clone" status --porcelain)" ] || {
	git -C "$tmp/clone" status --porcelain >>"$log"; rc=1; }
result $rc "packaging: make deb builds pmode-dkms, pmodectl, python3-pmode and pmode-libvirt in \$(BUILD)/deb, leaving the tree clean" "$log"
[ $rc -eq 0 ] || exit 1

for p in $pkgs; do
	lintian "$debs/$p.deb" >"$log" 2>&1
	rc=$?
	grep -qE '^[EW]: ' "$log" && rc=1
	result $rc "packaging: lintian reports no error or warning on ${p%%_*}" "$log"
done

# files PACKAGE: the files and symlinks in the package, not its directories.
files() { dpkg-deb -c "$debs/$1"_*.deb | awk '$6 !~ /\/$/ { print substr($6, 2) }' | sort; }
# expect_files PACKAGE PATH...: the package holds those files and no others.
expect_files() {
	local pkg=$1
	shift
	printf '%s\n' "$@" | sort >"$tmp/want"
	files "$pkg" >"$tmp/have"
	diff -u "$tmp/want" "$tmp/have" >"$log"
	result $? "packaging: $pkg holds what it must, and nothing else" "$log"
}
docs() { echo "/usr/share/doc/$1/changelog.gz /usr/share/doc/$1/copyright"; }
src=/usr/src/pmode-$version
expect_files pmode-dkms $(docs pmode-dkms) /usr/lib/modules-load.d/pmode.conf \
	$src/VERSION $src/dkms.conf $src/include/uapi/linux/pmode.h \
	$(git -C "$tmp/clone" ls-files kmod | sed "s|^|$src/|")
expect_files pmodectl $(docs pmodectl) /usr/sbin/pmodectl \
	/usr/share/man/man8/pmodectl.8.gz /lib/systemd/system/pmode-restore.service \
	/usr/share/bash-completion/completions/pmodectl /usr/share/lintian/overrides/pmodectl \
	/usr/lib/pmode/qemu-ifup
expect_files pmode-libvirt $(docs pmode-libvirt) /usr/lib/pmode/libvirt-hook \
	/etc/libvirt/hooks/qemu.d/pmode /usr/sbin/pmode-libvirt-agent \
	/lib/systemd/system/pmode-libvirt.service /usr/share/man/man8/pmode-libvirt.8.gz \
	/usr/share/man/man8/pmode-libvirt-agent.8.gz
expect_files python3-pmode $(docs python3-pmode) \
	/usr/lib/python3/dist-packages/pmode/__init__.py \
	/usr/share/doc/python3-pmode/examples/violation-agent.py \
	/usr/share/doc/python3-pmode/netlink.md.gz /usr/share/doc/python3-pmode/pmode.yaml.gz

# Each package unpacked in a root of its own, control files in DEBIAN/.
for p in pmode-dkms pmodectl python3-pmode; do
	dpkg-deb -R "$debs/$p"_*.deb "$tmp/$p"
done

# pmode-dkms: DKMS gets the module on configure and loses it on remove
# (dh_dkms's snippets), for every kernel with headers (ours), from the
# dkms.conf of the tree with its version, as make dkms-install writes it.
d=$tmp/pmode-dkms
: >"$log"
rc=0
for re in "^DKMS_NAME=pmode\$" "^DKMS_VERSION=$version\$" 'for DKMS_POSTINST in /usr/lib/dkms/common.postinst' \
	  '\$DKMS_POSTINST \$DKMS_NAME \$DKMS_VERSION' "dkms install -m pmode -v $version -k \"\\\$kernel\""; do
	grep -q -- "$re" "$d/DEBIAN/postinst" || { echo "postinst lacks: $re" >>"$log"; rc=1; }
done
for re in "^DKMS_NAME=pmode\$" "^DKMS_VERSION=$version\$" 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all'; do
	grep -q -- "$re" "$d/DEBIAN/prerm" || { echo "prerm lacks: $re" >>"$log"; rc=1; }
done
cmp "$tmp/stage$src/dkms.conf" "$d$src/dkms.conf" >>"$log" 2>&1 || rc=1
grep -q '^Depends:.*dkms' "$d/DEBIAN/control" || { echo "no Depends on dkms" >>"$log"; rc=1; }
result $rc "packaging: pmode-dkms's postinst has dkms add, build and install pmode $version, its prerm dkms remove" "$log"

# pmodectl: its postinst enables pmode-restore.service and starts nothing;
# purging takes the saved configuration and the unit's links away. The
# scripts run on the unpacked root, through DPKG_ROOT as dpkg --root would.
d=$tmp/pmodectl
maint() {	# maint SCRIPT ARGS...: run a maintainer script on $d
	local script=$1
	shift
	DPKG_ROOT=$d DPKG_MAINTSCRIPT_PACKAGE=pmodectl DPKG_MAINTSCRIPT_NAME=$script \
		sh "$d/DEBIAN/$script" "$@"
}
wants=$d/etc/systemd/system/multi-user.target.wants/pmode-restore.service
maint postinst configure >"$log" 2>&1
rc=$?
[ "$(readlink "$wants")" = /lib/systemd/system/pmode-restore.service ] ||
	{ echo "no $wants link" >>"$log"; rc=1; }
grep -E 'deb-systemd-invoke (start|restart)|systemctl.* (start|restart)' "$d/DEBIAN/postinst" >>"$log" && rc=1
[ -d "$d/etc/pmode" ] || { echo "no /etc/pmode" >>"$log"; rc=1; }
result $rc "packaging: pmodectl's postinst enables pmode-restore.service (not started) and /etc/pmode is there" "$log"
echo "feature enable" >"$d/etc/pmode/pmode.batch"
maint postrm purge >"$log" 2>&1
rc=$?
for f in "$wants" "$d/etc/pmode"; do
	[ -e "$f" ] && { echo "left after purge: $f" >>"$log"; rc=1; }
done
result $rc "packaging: purging pmodectl removes the saved configuration and the unit's links" "$log"

"$tmp/pmodectl/usr/sbin/pmodectl" --version >"$log" 2>&1 &&
	[ "$(cat "$log")" = "pmodectl $version" ]
result $? "packaging: the packaged pmodectl runs and says $version" "$log"

d=$tmp/python3-pmode
rc=0
grep -q '^Depends:.*python3-pyroute2' "$d/DEBIAN/control" || { echo "no Depends on python3-pyroute2" >"$log"; rc=1; }
python3 -m py_compile "$d/usr/lib/python3/dist-packages/pmode/__init__.py" >>"$log" 2>&1 || rc=1
result $rc "packaging: python3-pmode depends on python3-pyroute2 and its module compiles" "$log"

tap_status
