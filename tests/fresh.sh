#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fresh tier: the README's commands on a fresh Debian 12 machine, as TAP
# lines. It makes a minimal Debian 12 root (debootstrap --variant=minbase
# with git, make and ca-certificates, nothing more), clones the repository
# into it and, chrooted there, types what a new user would:
#
#   make            before anything is installed: fails, naming the package
#   make check      with the style tier and one VM test file
#                   (PMODE_TIERS="style vm" PMODE_VM_TESTS='00-*'): installs
#                   every dependency through tests/deps.sh, builds, boots
#                   QEMU inside the chroot
#   make            then builds the module and pmodectl
#
# The clone is of HEAD with the work tree's uncommitted changes to tracked
# files applied, so the tier tests the code at hand as the other tiers do;
# a file not yet added to git is missing, as from any clone.
#
# The root's apt has the suites an installed Debian 12 has (bookworm,
# -updates, -security), not debootstrap's one. The pristine root is cached
# as a tarball under $PMODE_CACHE, keyed by what went into it, and rebuilt
# when missing. The root's package cache is $PMODE_CACHE/fresh-apt, seeded
# with hard links to what the host's apt has downloaded: a warm run
# downloads nothing, and a cold one little beyond debootstrap's share. The
# packages are still installed, by the README's commands, on every run.
# Each command runs in a mount and PID namespace of its own: its mounts and
# processes go when it ends.
#
#   PMODE_FRESH_TIERS="style vm"   the tiers make check runs in the root
#   PMODE_FRESH_VM_TESTS='00-*'    and the VM test files
#   PMODE_FRESH_KEEP=1             keep the root afterwards (for a look)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

# in_root ROOT ARCHIVES CMD: (in the namespaces in_root below made) mount
# what a chroot needs and run CMD in ROOT with a clean environment.
if [ "${1:-}" = --in-root ]; then
	root=$2 archives=$3 cmd=$4
	mount -t proc proc "$root/proc" &&
	mount --rbind /sys "$root/sys" &&
	mount --rbind /dev "$root/dev" &&	# /dev/pts with it
	mount --bind "$archives" "$root/var/cache/apt/archives" || exit 125
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# INITRD=No: the kernel package makes no initramfs of its own (minutes
	# of CPU). A real machine has its kernel installed already; the VM
	# boots an initramfs of tests/vm/run.sh's.
	exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb INITRD=No \
		chroot "$root" /bin/bash -c "cd /root/pmode && $cmd"
fi

"$top/tests/deps.sh" fresh >&2 || exit 1
. "$top/tests/tap.sh"

cache=${PMODE_CACHE:-/var/cache/pmode}
suite=bookworm
variant=minbase
include=git,make,ca-certificates
mirror=http://deb.debian.org/debian
# The suites an installed Debian 12 has (debootstrap gives only the first):
# the root gets the kernel and the fixes a real machine gets.
sources="deb $mirror $suite main
deb $mirror $suite-updates main
deb ${mirror}-security $suite-security main"
key=$( (echo "$suite $variant $include $mirror $(dpkg --print-architecture)"
	echo "$sources"; dpkg-query -W -f='${Version}' debootstrap) | sha256sum | cut -c1-12)
tarball=$cache/fresh-root-$key.tar
archives=$cache/fresh-apt
logs=${BUILD:-$top/build}/test-logs
mkdir -p "$cache" "$archives" "$logs"
# One run at a time: they share the package cache.
exec 9>"$cache/fresh.lock"
flock 9
# What the host's apt has downloaded need not be downloaded again: linked
# into the root's package cache (apt checks each file against its index,
# and replaces rather than changes a file, so the host's copies are safe).
cp -nl /var/cache/apt/archives/*.deb "$archives/" 2>/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/pmode-fresh.XXXXXX")
root=$work/root
log=$work/log
cleanup() {
	if [ -n "${PMODE_FRESH_KEEP:-}" ]; then
		echo "# fresh: the root is kept in $root" >&2
	elif findmnt -rn -o TARGET | grep -q "^$work"; then
		echo "# fresh: something is still mounted under $work: left alone" >&2
	else
		rm -rf --one-file-system "$work"
	fi
}
trap cleanup EXIT

# in_root TIMEOUT CMD: run CMD (bash) in the root, in /root/pmode.
in_root() {
	timeout -k 30 "$1" unshare --mount --pid --fork --kill-child \
		"$top/tests/fresh.sh" --in-root "$root" "$archives" "$2"
}

# The pristine root.
start=$SECONDS
if [ -s "$tarball" ]; then
	mkdir -p "$root"
	tar -C "$root" --numeric-owner -xpf "$tarball" >"$log" 2>&1
	result $? "fresh: a minimal Debian 12 root ($variant, $include), cached ($((SECONDS - start)) s)" "$log"
else
	echo "# fresh: debootstrap $variant $suite into $root" >&2
	# The package lists go: the first apt-get update (tests/deps.sh's)
	# fetches all three suites'.
	debootstrap --variant=$variant --include=$include --cache-dir="$archives" \
		$suite "$root" "$mirror" >"$log" 2>&1 &&
		echo "$sources" >"$root/etc/apt/sources.list" &&
		find "$root/var/lib/apt/lists" -maxdepth 1 -type f ! -name lock -delete &&
		rm -f "$root"/var/cache/apt/archives/*.deb &&
		tar -C "$root" --numeric-owner -cf "$tarball.tmp" . >>"$log" 2>&1 &&
		mv "$tarball.tmp" "$tarball"
	rc=$?
	rm -f "$tarball.tmp"
	[ $rc -eq 0 ] && find "$cache" -maxdepth 1 -name 'fresh-root-*.tar' ! -name "$(basename "$tarball")" -delete
	result $rc "fresh: debootstrap a minimal Debian 12 root ($variant, $include) ($((SECONDS - start)) s)" "$log"
fi
[ "$fails" -eq 0 ] || exit 1
# No service starts from a package installed into the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# The repository: HEAD, and what the work tree changes in tracked files.
rev=$(git -C "$top" rev-parse --short HEAD)
{ git clone -q --no-hardlinks "$top" "$root/root/pmode" &&
  git -C "$root/root/pmode" checkout -q "$rev" &&
  git -C "$top" diff --binary HEAD >"$work/changes" &&
  { [ ! -s "$work/changes" ] || git -C "$root/root/pmode" apply --whitespace=nowarn "$work/changes"; }
} >"$log" 2>&1
rc=$?
changed=$(git -C "$top" diff --name-only HEAD | wc -l)
what="HEAD ($rev)"
[ "$changed" -gt 0 ] && what+=" with the work tree's changes to $changed tracked file(s)"
result $rc "fresh: a clone of $what in the root" "$log"
[ "$fails" -eq 0 ] || exit 1

# make before any dependency is there: it must say what to install.
in_root 600 'make' >"$log" 2>&1
rc=$?
grep '^kernel:' "$log" | sed 's/^/# /'
result "$([ $rc -ne 0 ] && grep -q 'install linux-headers-amd64' "$log" && echo 0 || echo 1)" \
	"fresh: make before anything is installed fails, naming linux-headers-amd64" "$log"

# make check: dependencies, the style tier, one VM test file.
tiers=${PMODE_FRESH_TIERS:-style vm}
tests=${PMODE_FRESH_VM_TESTS:-00-*}
start=$SECONDS
# One kernel, Debian 12's default: the first stages, not every kernel.
in_root 3600 "PMODE_KERNELS=6.1 PMODE_TIERS='$tiers' PMODE_VM_TESTS='$tests' make check" >"$log" 2>&1
rc=$?
took=$((SECONDS - start))
cp "$log" "$logs/fresh-make-check.log"
grep -E '^(kernel:|deps.sh:|=== |[0-9]+ passed)' "$log" | sed 's/^/# /'
grep -E '^not ok' "$log" | head -n 20 | sed 's/^/# /'
# Every dependency is there now: deps.sh finds nothing to install.
if grep -q 'run-all: installing dependencies failed' "$log"; then
	result 1 "fresh: make check installs the dependencies (tests/deps.sh)" "$log"
else
	in_root 600 'PMODE_KERNELS=6.1 tests/deps.sh all' >"$work/deps" 2>&1
	rc2=$?
	result "$([ $rc2 -eq 0 ] && [ ! -s "$work/deps" ] && echo 0 || echo 1)" \
		"fresh: make check installs the dependencies (tests/deps.sh all finds none missing)" "$work/deps"
fi
for tier in $tiers; do
	# kunit and vm run per kernel: "=== tier vm 6.1: N passed, ..."
	line=$(grep -E "^=== tier $tier( [0-9.]+)?: [0-9]+ passed, [0-9]+ failed" "$log")
	result "$([[ $line =~ \ ([1-9][0-9]*)\ passed,\ 0\ failed ]] && echo 0 || echo 1)" \
		"fresh: make check's $tier tier passes${line:+ (${line#"=== tier "})}"
done
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
result "$([ $rc -eq 0 ] && [[ $summary == *" 0 failed" ]] && echo 0 || echo 1)" \
	"fresh: make check ends with '${summary:-no summary}' ($took s)" "$log"

# make: the module and pmodectl, from clean.
start=$SECONDS
in_root 1200 'make clean >/dev/null && make && ls -l kmod/pmode.ko tools/pmodectl' >"$log" 2>&1
result $? "fresh: make builds kmod/pmode.ko and pmodectl ($((SECONDS - start)) s)" "$log"

[ "$fails" -eq 0 ]
