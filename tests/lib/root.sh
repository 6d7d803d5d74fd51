#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A scratch Debian 12 root, for the tiers that install into one as a new
# machine would (fresh, lifecycle). Sourced; it defines
#
#   root_lock            one user of the package cache at a time
#   root_make ROOT LOG   ROOT: the pristine root, unpacked from its cached
#                        tarball, or debootstrapped (and cached) first;
#                        $root_what says which and how long it took
#   root_run ROOT TIMEOUT CMD
#                        CMD (bash) chrooted in ROOT with /proc, /sys and
#                        /dev, the package cache, a clean environment, in
#                        a mount and PID namespace of its own: its mounts
#                        and processes go when it ends
#
# The root is debootstrap --variant=minbase with git, make and
# ca-certificates, nothing more; its apt has the suites an installed
# Debian 12 has (bookworm, -updates, -security), not debootstrap's one,
# and the package lists debootstrap left, which know only bookworm main
# (a new machine's first commands meet them so; apt-get update fetches
# all three suites'). Unpacked, the lists are as young as a debootstrap
# just made them: an apt that updates only old lists does not update
# them. It is cached as a tarball under $PMODE_CACHE, keyed by what went into it, and
# rebuilt when missing. The root's package cache is
# $PMODE_CACHE/fresh-apt, seeded with hard links to what the host's apt
# has downloaded: a warm run downloads nothing, and a cold one little
# beyond debootstrap's share.
set -uo pipefail

# tests/lib/root.sh --in-root ROOT ARCHIVES CMD: (in the namespaces root_run
# made) mount what a chroot needs and run CMD in ROOT.
if [ "${BASH_SOURCE[0]}" = "$0" ] && [ "${1:-}" = --in-root ]; then
	root=$2 archives=$3 cmd=$4
	mount -t proc proc "$root/proc" &&
	mount --rbind /sys "$root/sys" &&
	mount --rbind /dev "$root/dev" &&	# /dev/pts with it
	mount --bind "$archives" "$root/var/cache/apt/archives" || exit 125
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# INITRD=No: a kernel package makes no initramfs of its own (minutes
	# of CPU). A real machine has its kernel installed already; the VMs
	# of the tests boot an initramfs of their own.
	exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb INITRD=No \
		chroot "$root" /bin/bash -c "$cmd"
fi

root_script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/root.sh
root_cache=${PMODE_CACHE:-/var/cache/pmode}
root_suite=bookworm
root_variant=minbase
root_include=git,make,ca-certificates
root_mirror=http://deb.debian.org/debian
# What the root's /var/lib/apt/lists holds: debootstrap's own (bookworm main).
root_lists=debootstrap
# The suites an installed Debian 12 has (debootstrap gives only the first):
# the root gets the kernels and the fixes a real machine gets.
root_sources="deb $root_mirror $root_suite main
deb $root_mirror $root_suite-updates main
deb ${root_mirror}-security $root_suite-security main"
root_key=$( (echo "$root_suite $root_variant $root_include $root_mirror $(dpkg --print-architecture)"
	echo "$root_sources"; echo "lists: $root_lists"; dpkg-query -W -f='${Version}' debootstrap) | sha256sum | cut -c1-12)
root_tarball=$root_cache/fresh-root-$root_key.tar
root_archives=$root_cache/fresh-apt
root_what=

root_lock() {
	mkdir -p "$root_cache" "$root_archives"
	exec 9>"$root_cache/fresh.lock"
	flock 9
	# What the host's apt has downloaded need not be downloaded again:
	# linked into the root's package cache (apt checks each file against
	# its index, and replaces rather than changes a file, so the host's
	# copies are safe).
	cp -nl /var/cache/apt/archives/*.deb "$root_archives/" 2>/dev/null
	return 0
}

# shellcheck disable=SC2034 # root_what: for the TAP lines of the tiers that source this
root_make() {
	local root=$1 log=$2 start=$SECONDS rc
	mkdir -p "$root_cache" "$root_archives"
	if [ -s "$root_tarball" ]; then
		mkdir -p "$root"
		tar -C "$root" --numeric-owner -xpf "$root_tarball" >"$log" 2>&1
		rc=$?
		# As young as a debootstrap just done.
		[ $rc -ne 0 ] || find "$root/var/lib/apt/lists" -maxdepth 1 -type f -exec touch {} +
		root_what="a minimal Debian 12 root ($root_variant, $root_include, debootstrap's package lists), cached ($((SECONDS - start)) s)"
	else
		echo "# debootstrap $root_variant $root_suite into $root" >&2
		# debootstrap's package lists stay (bookworm main only): the
		# first apt-get update fetches all three suites'.
		debootstrap --variant=$root_variant --include=$root_include \
			--cache-dir="$root_archives" $root_suite "$root" "$root_mirror" >"$log" 2>&1 &&
			echo "$root_sources" >"$root/etc/apt/sources.list" &&
			rm -f "$root"/var/cache/apt/archives/*.deb &&
			tar -C "$root" --numeric-owner -cf "$root_tarball.tmp" . >>"$log" 2>&1 &&
			mv "$root_tarball.tmp" "$root_tarball"
		rc=$?
		rm -f "$root_tarball.tmp"
		[ $rc -eq 0 ] && find "$root_cache" -maxdepth 1 -name 'fresh-root-*.tar' \
			! -name "$(basename "$root_tarball")" -delete
		root_what="debootstrap a minimal Debian 12 root ($root_variant, $root_include, its package lists) ($((SECONDS - start)) s)"
	fi
	[ $rc -eq 0 ] || return $rc
	# No service starts from a package installed into the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" &&
		chmod 755 "$root/usr/sbin/policy-rc.d"
}

root_run() {
	timeout -k 30 "$2" unshare --mount --pid --fork --kill-child \
		"$root_script" --in-root "$1" "$root_archives" "$3"
}

# root_remove WORK ROOT TIER KEEP: remove the scratch directory WORK (which
# holds ROOT) at the end of TIER, unless KEEP is set or something is still
# mounted under it (a chroot's mounts that did not go with its namespace).
root_remove() {
	if [ -n "$4" ]; then
		echo "# $3: the root is kept in $2" >&2
	elif findmnt -rn -o TARGET | grep -q "^$1"; then
		echo "# $3: something is still mounted under $1: left alone" >&2
	else
		rm -rf --one-file-system "$1"
	fi
}
