#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lifecycle tier: what happens to a Debian 12 host that runs pmode from
# its packages, through a kernel upgrade, reboots, an upgrade of pmode and
# its removal, as TAP lines. On a scratch root (tests/lib/root.sh's cached
# minimal Debian 12), chrooted, with apt:
#
#   1. make deb; the 6.1 kernel and headers (linux-image-amd64,
#      linux-headers-amd64); apt install ./pmode-dkms_*.deb ./pmodectl_*.deb:
#      DKMS builds and installs pmode for 6.1
#   2. boot that root's 6.1 kernel in QEMU, the root shared read-write over
#      9p, a busybox init and no systemd (tests/lifecycle/guest.sh save):
#      modprobe loads pmode from DKMS's tree; pmodectl registers adapters
#      and saves the configuration where pmode-restore.service reads it
#   3. apt install linux-image-6.12-amd64 linux-headers-6.12-amd64: DKMS
#      builds pmode for 6.12 by itself (the kernel's postinst hooks)
#   4. boot 6.12 (guest.sh restore): the module loads from DKMS's tree, the
#      restore unit's commands bring the configuration back, a forged frame
#      is dropped while a genuine one passes
#   5. apt install packages of a higher version (built from a copy of the
#      tree, the version raised everywhere it is kept): DKMS holds only the
#      new version, for both kernels; the saved configuration is untouched;
#      6.12 booted again loads the new module and restores the same
#      configuration
#   6. apt purge pmode-dkms pmodectl: no pmode file is left under
#      /lib/modules, /usr/src, /var/lib/dkms, /etc or /usr
#
# The VMs run under TCG with one vCPU and do little: a boot, a modprobe,
# a few pmodectl and ip commands, two frames' worth of Python.
#
#   PMODE_LIFECYCLE_KEEP=1   keep the root afterwards (for a look)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/lifecycle
tier_start=$SECONDS

"$top/tests/lib/deps.sh" deb lifecycle >&2 || exit 1
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/kernel.sh"
. "$top/tests/lib/root.sh"
. "$top/tests/lib/initrd.sh"

logs=${BUILD:-$top/build}/test-logs
mkdir -p "$logs"
work=$(mktemp -d "${TMPDIR:-/tmp}/pmode-lifecycle.XXXXXX")
root=$work/root
log=$work/log
cleanup() {
	# The upgrade's build in the background, if the tier stopped early.
	[ -n "${build_pid:-}" ] && wait "$build_pid" 2>/dev/null
	root_remove "$work" "$root" lifecycle "${PMODE_LIFECYCLE_KEEP:-}"
}
trap cleanup EXIT

finish_tier() {
	# The root goes first (over a gigabyte of files): its time counts.
	cleanup
	trap - EXIT
	echo "# lifecycle: $((SECONDS - tier_start)) s"
	echo "$((tap_n - tap_fails)) passed, $tap_fails failed"
	tap_status
	exit
}

# in_root TIMEOUT CMD: run CMD (bash) in the root, in /root.
in_root() { root_run "$root" "$1" "cd /root && export DEBIAN_FRONTEND=noninteractive && $2"; }

# dkms_status: 'dkms status' in the root, one line, for the TAP lines.
dkms_status() {
	in_root 60 'dkms status 2>/dev/null' | paste -sd';' | sed 's/;/; /g'
}

# The packages, of the tree at hand, and a higher version of them for step
# 5, built in the background while apt works on the root (the packaging
# tier runs pmodectl's tests in make deb: not again here). The higher
# version is a copy of make deb's tree with the version raised where the
# project keeps it (VERSION), its changelog one entry longer.
debs=$work/build/deb
version=$(cat "$top/VERSION")
new=$version.1
src=$work/build/pmode-$new
(
	start=$SECONDS
	DEB_BUILD_OPTIONS=nocheck make -s -C "$top" deb BUILD="$work/build" >"$work/deb.log" 2>&1
	rc=$?
	ls "$debs/pmode-dkms_${version}_all.deb" "$debs"/pmodectl_"${version}"_*.deb >>"$work/deb.log" 2>&1 || rc=1
	echo "$rc $((SECONDS - start))" >"$work/deb.rc"
	[ $rc -eq 0 ] || exit 1
	{ cp -a "$debs/pmode-$version" "$src" &&
	  echo "$new" >"$src/VERSION" &&
	  { printf 'pmode (%s) bookworm; urgency=medium\n\n  * The lifecycle test'"'"'s upgrade.\n\n -- %s  %s\n\n' \
		"$new" "$(sed -n '0,/^ -- /s/^ -- \(.*>\).*/\1/p' "$debs/pmode-$version/debian/changelog")" "$(date -R)"
	    cat "$debs/pmode-$version/debian/changelog"; } >"$src/debian/changelog" &&
	  (cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b)
	} >"$work/upgrade.log" 2>&1
) &
build_pid=$!

# The root: one user of the package cache at a time.
root_lock
root_make "$root" "$log"
result $? "lifecycle: $root_what" "$log"
tap_status || finish_tier
# dpkg need not fsync each file it unpacks in a scratch root (the kernel
# headers alone are some 20000 files): minutes on a loaded disk.
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/lifecycle-unsafe-io"
mkdir -p "$root/root/debs" "$root/root/lifecycle"
cp "$here/guest.sh" "$top/tests/lib/tap.sh" "$top/tests/vm/pkt.py" "$top/tests/vm/jsonq.py" \
	"$root/root/lifecycle/"

k61=$(kseries_release 6.1)
k612=$(kseries_release 6.12)

# 1. Debian 12's default kernel and its headers; what the guest uses
# (ip, python3 for the frames); then pmode's packages.
start=$SECONDS
in_root 900 "apt-get update -q && apt-get install -y -q --no-install-recommends \
	$(pmode_kernel_package 6.1 image) $(pmode_kernel_package 6.1 headers) iproute2 python3 &&
	ls /boot/vmlinuz-$k61 /lib/modules/$k61/build/Makefile" >"$log" 2>&1
result $? "lifecycle: apt install $(pmode_kernel_package 6.1 image) $(pmode_kernel_package 6.1 headers) ($k61, $((SECONDS - start)) s)" "$log"
tap_status || finish_tier

# make deb's packages.
while [ ! -e "$work/deb.rc" ] && kill -0 "$build_pid" 2>/dev/null; do sleep 1; done
read -r rc took <"$work/deb.rc" || rc=1
result "$rc" "lifecycle: make deb builds pmode-dkms and pmodectl $version (${took:-?} s, beside the above)" "$work/deb.log"
tap_status || finish_tier
cp "$debs"/pmode-dkms_*.deb "$debs"/pmodectl_*.deb "$debs"/pmode-libvirt_*.deb "$root/root/debs/"

start=$SECONDS
# README: sudo apt install ./build/deb/pmode-dkms_0.1.0_all.deb ./build/deb/pmodectl_0.1.0_amd64.deb
in_root 900 "cd debs && apt-get install -y -q --no-install-recommends ./pmode-dkms_${version}_all.deb ./pmodectl_${version}_*.deb &&
	dkms status && ls /lib/modules/$k61/updates/dkms/pmode.ko* &&
	ls /etc/systemd/system/multi-user.target.wants/pmode-restore.service" >"$log" 2>&1
rc=$?
status=$(dkms_status)
[[ $status == "pmode/$version, $k61, x86_64: installed" ]] || rc=1
cp "$log" "$logs/lifecycle-install.log"
result $rc "lifecycle: apt install ./pmode-dkms ./pmodectl: DKMS builds pmode for 6.1, the restore unit is enabled ($((SECONDS - start)) s; dkms status: $status)" "$log"
tap_status || finish_tier

# 1b. On a libvirt host, pmode-libvirt: the hook where libvirtd looks for
# it (a link to the program), the agent's unit enabled, after the restore
# unit, which runs before libvirtd starts guests. The boot below runs the
# hook as libvirtd does.
start=$SECONDS
# README: sudo apt install ./build/deb/pmode-libvirt_0.1.0_amd64.deb
in_root 900 "cd debs && apt-get install -y -q --no-install-recommends ./pmode-libvirt_${version}_*.deb &&
	test \"\$(readlink -f /etc/libvirt/hooks/qemu.d/pmode)\" = /usr/lib/pmode/libvirt-hook &&
	test -x /usr/lib/pmode/libvirt-hook &&
	ls /etc/systemd/system/multi-user.target.wants/pmode-libvirt.service &&
	grep -x 'Before=.*libvirtd.service.*' /lib/systemd/system/pmode-restore.service &&
	grep -x 'After=.*pmode-restore.service.*' /lib/systemd/system/pmode-libvirt.service" >"$log" 2>&1
result $? "lifecycle: apt install ./pmode-libvirt: the hook is libvirtd's qemu.d/pmode, the agent's unit is enabled, pmode-restore runs before libvirtd ($((SECONDS - start)) s)" "$log"

# boot KVER STAGE [WHAT]: boot the root's KVER, guest.sh STAGE in it; its
# TAP lines, renumbered, said of WHAT ("boot KVER" by default).
boot() {
	local kver=$1 stage=$2 what=${3:-boot $1} ird=$work/initrd-$1 mods start=$SECONDS qrc
	mods=$(initrd_mods "$kver" "$root") ||
		{ result 1 "lifecycle: $kver has the modules 9p over virtio needs"; return 1; }
	# shellcheck disable=SC2086 # one module a word
	initrd_make "$ird.gz" "$here/init" $mods ||
		{ result 1 "lifecycle: the initramfs of $kver builds"; return 1; }
	rm -f "$root/root/lifecycle/$stage.tap" "$root/root/lifecycle/$stage.log"
	timeout "${PMODE_LIFECYCLE_VM_TIMEOUT:-300}" qemu-system-x86_64 \
		-accel tcg -m 1G -smp 1 -nographic -no-reboot \
		-kernel "$root/boot/vmlinuz-$kver" -initrd "$ird.gz" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check pmode.stage=$stage" \
		-virtfs local,path="$root",mount_tag=root,security_model=none,multidevs=remap \
		>"$work/console-$stage.log" 2>&1
	qrc=$?
	cp "$work/console-$stage.log" "$logs/lifecycle-console-$stage.log"
	cp "$root/root/lifecycle/$stage.log" "$logs/lifecycle-guest-$stage.log" 2>/dev/null
	TAP_PREFIX="lifecycle: $what: " tap_relay "$root/root/lifecycle/$stage.log" \
		<"$root/root/lifecycle/$stage.tap"
	if ! [ -s "$root/root/lifecycle/$stage.tap" ]; then
		result 1 "lifecycle: $what: the VM ran guest.sh $stage (qemu status $qrc)" "$work/console-$stage.log"
	fi
	echo "# lifecycle: $what ($stage): $((SECONDS - start)) s"
}

# 2. Boot 6.1: load, register, save.
boot "$k61" save
batch=$(sed -n 's/^ConditionPathExists=//p' "$root/lib/systemd/system/pmode-restore.service")
cp "$root$batch" "$work/batch" 2>/dev/null
tap_status || finish_tier

# 3. The 6.12 kernel: DKMS builds pmode for it, by itself.
start=$SECONDS
in_root 900 "apt-get install -y -q --no-install-recommends $(pmode_kernel_package 6.12 image) $(pmode_kernel_package 6.12 headers) &&
	ls /lib/modules/$k612/updates/dkms/pmode.ko*" >"$log" 2>&1
rc=$?
status=$(dkms_status)
[[ $status == *"pmode/$version, $k61, x86_64: installed"* &&
   $status == *"pmode/$version, $k612, x86_64: installed"* ]] || rc=1
cp "$log" "$logs/lifecycle-kernel-6.12.log"
result $rc "lifecycle: apt install $(pmode_kernel_package 6.12 image) $(pmode_kernel_package 6.12 headers): DKMS builds pmode for it ($((SECONDS - start)) s; dkms status: $status)" "$log"
tap_status || finish_tier

# 4. Boot 6.12: load, restore, frames.
boot "$k612" restore
tap_status || finish_tier

# 5. The higher version, built in the background since the start, over the
# installed one.
start=$SECONDS
wait "$build_pid"
rc=$?
cat "$work/upgrade.log" >"$log"
[ $rc -eq 0 ] && cp "$work/build/pmode-dkms_${new}_all.deb" "$work/build/pmodectl_${new}"_*.deb "$root/root/debs/" >>"$log" 2>&1 &&
in_root 900 "cd debs && apt-get install -y -q --no-install-recommends ./pmode-dkms_${new}_all.deb ./pmodectl_${new}_*.deb &&
	for k in $k61 $k612; do modinfo -F version /lib/modules/\$k/updates/dkms/pmode.ko*; done" >>"$log" 2>&1
rc=$?
status=$(dkms_status)
[[ $status == "pmode/$new, $k61, x86_64: installed; pmode/$new, $k612, x86_64: installed" ||
   $status == "pmode/$new, $k612, x86_64: installed; pmode/$new, $k61, x86_64: installed" ]] || rc=1
versions=$(tail -n 2 "$log" | paste -sd' ')
[ "$versions" = "$new $new" ] || rc=1
[ -d "$root/usr/src/pmode-$version" ] && rc=1
cp "$log" "$logs/lifecycle-upgrade.log"
result $rc "lifecycle: apt install pmode $new over $version: only $new is left, for both kernels ($((SECONDS - start)) s; modinfo: $versions; dkms status: $status)" "$log"
cmp "$work/batch" "$root$batch" >"$log" 2>&1
result $? "lifecycle: the upgrade leaves the saved configuration ($batch) as it was" "$log"
tap_status || finish_tier

# 5b. A reload after the upgrade: 6.12 again, the new module, the same
# configuration restored, frames judged.
boot "$k612" restore "boot $k612 after the upgrade"
grep -q "loads pmode $new from" "$root/root/lifecycle/restore.tap"
result $? "lifecycle: after the upgrade, the module loaded is $new"

# 6. Purge: nothing of pmode's is left.
# pmode_files: pmode's names under the places a package puts files:
# pmode.ko*, pmode-VERSION, pmodectl*, pmode.conf, pmode-restore.service,
# /etc/pmode, python3-pmode, /usr/lib/pmode, libvirt's hooks/qemu.d/pmode,
# pmode-libvirt* (not capmode.ko, not IWLWIFI_OPMODE_MODULAR).
pmode_files() {
	find "$root/lib/modules/" "$root/usr/src/" "$root/var/lib/dkms/" "$root/etc/" "$root/usr/" \
		\( -name 'pmode*' -o -name '*[-_.]pmode*' \) 2>/dev/null | sed "s|^$root||"
}
start=$SECONDS
before=$(pmode_files | wc -l)
in_root 600 'apt-get purge -y -q pmode-dkms pmodectl pmode-libvirt' >"$log" 2>&1
rc=$?
left=$(pmode_files)
status=$(dkms_status)
{ [ "$before" -gt 0 ] && [ -z "$left" ] && [ -z "$status" ]; } || rc=1
[ -n "$left" ] && echo "$left" >>"$log"
result $rc "lifecycle: apt purge pmode-dkms pmodectl pmode-libvirt leaves none of the $before pmode files under /lib/modules, /usr/src, /var/lib/dkms, /etc, /usr ($((SECONDS - start)) s; dkms status: '$status')" "$log"
finish_tier
