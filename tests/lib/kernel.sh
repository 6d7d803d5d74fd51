#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which kernel pmode is built against (and the VM boots), and which kernel
# series the tests run on: the one place that decides. The test scripts
# source this file and call its functions; the Makefile runs it, and only
# for the targets that build against a kernel, so nothing asks before
# tests/lib/deps.sh has installed the headers.
#
#   tests/lib/kernel.sh release [WANT]   the kernel release, e.g. 6.1.0-56-amd64
#   tests/lib/kernel.sh dir [WANT]       its build tree, /lib/modules/RELEASE/build
#   tests/lib/kernel.sh make             "RELEASE DIR", for the Makefile
#   tests/lib/kernel.sh package [SERIES [headers|image|source]]
#                                        Debian's package for a kernel series
#   tests/lib/kernel.sh source [SERIES]  the linux-source tarball of a series
#
# Without WANT, the first of these that applies:
#   1. KERNELRELEASE= or KERNELDIR= (make's command line or the environment)
#   2. the running kernel, if its headers are installed
#   3. Debian's stock kernel: the release linux-headers-amd64 depends on,
#      if its headers are installed (build machines and containers often run
#      a kernel that is not Debian's)
#   4. the newest kernel whose headers are installed
# and otherwise it fails, naming the package to install. Choices 2 to 4 are
# told on stderr, with the reason; an explicit one is not.
#
# WANT selects a kernel by series or release, for running a tier on several
# kernels: "6.12" is the kernel linux-headers-6.12-amd64 depends on, else
# the newest installed 6.12.*; "6.1.0-56-amd64" is that release. WANT wins
# over KERNELRELEASE= and KERNELDIR=.

# Debian 12's stock kernel series: its headers are linux-headers-amd64.
PMODE_KERNEL_STOCK_SERIES=6.1

_pmode_kernel_say() { echo "kernel: $*" >&2; }

# _pmode_kernel_has_headers RELEASE: a build tree for RELEASE is installed.
_pmode_kernel_has_headers() { [ -e "/lib/modules/$1/build/Makefile" ]; }

# _pmode_kernel_installed: the releases with headers, oldest first.
_pmode_kernel_installed() {
	local d
	for d in /lib/modules/*/build/Makefile; do
		[ -e "$d" ] || continue
		d=${d#/lib/modules/}
		echo "${d%/build/Makefile}"
	done | sort -V
}

# pmode_kernel_package [SERIES|RELEASE [headers|image|source]]: the Debian
# package holding that kind of file for a series ("6.1" is the stock one,
# linux-headers-amd64; "6.12" gives linux-headers-6.12-amd64) or a release.
pmode_kernel_package() {
	local series=${1:-$PMODE_KERNEL_STOCK_SERIES} kind=${2:-headers}
	if [ "$kind" = source ]; then
		[[ $series =~ ^[0-9]+\.[0-9]+ ]] && series=${BASH_REMATCH[0]}
		echo "linux-source-$series"
	elif ! [[ $series =~ ^[0-9]+\.[0-9]+$ ]]; then
		echo "linux-$kind-$series"
	elif [ "$series" = "$PMODE_KERNEL_STOCK_SERIES" ]; then
		echo "linux-$kind-amd64"
	else
		echo "linux-$kind-$series-amd64"
	fi
}

# _pmode_kernel_meta SERIES: the release the series' headers metapackage
# depends on (its Depends: starts "linux-headers-6.1.0-56-amd64 (= ...)").
_pmode_kernel_meta() {
	local dep
	dep=$(dpkg-query -W -f='${Depends}' "$(pmode_kernel_package "$1")" 2>/dev/null) || return 0
	dep=${dep%%[ ,]*}
	[[ $dep == linux-headers-* ]] && echo "${dep#linux-headers-}"
	return 0
}

# pmode_kernel_release [WANT]: the kernel release to build for, on stdout.
pmode_kernel_release() {
	local want=${1:-} rel run pkg
	if [[ $want =~ ^[0-9]+\.[0-9]+$ ]]; then
		pkg=$(pmode_kernel_package "$want")
		rel=$(_pmode_kernel_meta "$want")
		if [ -n "$rel" ] && _pmode_kernel_has_headers "$rel"; then
			_pmode_kernel_say "$rel, the $want kernel of $pkg"
			echo "$rel"
			return 0
		fi
		rel=$(_pmode_kernel_installed | grep -E "^${want//./\\.}([^0-9]|$)" | tail -n1 || true)
		if [ -n "$rel" ]; then
			_pmode_kernel_say "$rel, the newest $want kernel with headers ($pkg is not installed)"
			echo "$rel"
			return 0
		fi
		_pmode_kernel_say "no $want kernel has headers installed: install $pkg (tests/lib/deps.sh)"
		return 1
	elif [ -n "$want" ]; then
		_pmode_kernel_has_headers "$want" && { echo "$want"; return 0; }
		_pmode_kernel_say "$want has no headers (/lib/modules/$want/build): install $(pmode_kernel_package "$want")"
		return 1
	fi

	if [ -n "${KERNELRELEASE:-}" ]; then
		echo "$KERNELRELEASE"
		return 0
	fi
	if [ -n "${KERNELDIR:-}" ]; then
		# What the modules will say (a Debian headers tree's
		# kernel.release is the upstream version, not this).
		rel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
			"$KERNELDIR/include/generated/utsrelease.h" 2>/dev/null || true)
		[ -n "$rel" ] && { echo "$rel"; return 0; }
		_pmode_kernel_say "KERNELDIR=$KERNELDIR is not a prepared kernel build tree (no include/generated/utsrelease.h)"
		return 1
	fi

	run=$(uname -r)
	if _pmode_kernel_has_headers "$run"; then
		_pmode_kernel_say "$run, the running kernel"
		echo "$run"
		return 0
	fi
	pkg=$(pmode_kernel_package)
	rel=$(_pmode_kernel_meta "$PMODE_KERNEL_STOCK_SERIES")
	if [ -n "$rel" ] && _pmode_kernel_has_headers "$rel"; then
		_pmode_kernel_say "$rel, Debian's stock kernel ($pkg): the running kernel, $run, has no headers"
		echo "$rel"
		return 0
	fi
	rel=$(_pmode_kernel_installed | tail -n1)
	if [ -n "$rel" ]; then
		_pmode_kernel_say "$rel, the newest kernel with headers: the running kernel, $run, has none, and $pkg is not installed"
		echo "$rel"
		return 0
	fi
	_pmode_kernel_say "no kernel headers are installed: install $pkg for Debian's stock kernel (tests/lib/deps.sh build does), or $(pmode_kernel_package "$run") for the running kernel; or name a kernel with KERNELRELEASE= or KERNELDIR="
	return 1
}

# pmode_kernel_dir [WANT]: the build tree of that kernel, on stdout.
pmode_kernel_dir() {
	local rel
	if [ -z "${1:-}" ] && [ -n "${KERNELDIR:-}" ]; then
		[ -e "$KERNELDIR/Makefile" ] && { echo "$KERNELDIR"; return 0; }
		_pmode_kernel_say "KERNELDIR=$KERNELDIR is not a kernel build tree (no Makefile)"
		return 1
	fi
	rel=$(pmode_kernel_release "${1:-}") || return 1
	_pmode_kernel_has_headers "$rel" && { echo "/lib/modules/$rel/build"; return 0; }
	_pmode_kernel_say "$rel has no headers (/lib/modules/$rel/build): install $(pmode_kernel_package "$rel")"
	return 1
}

# pmode_kernel_source [SERIES]: the linux-source tarball of a series (the
# stock one by default), for trees of our own: KUnit, the debug kernel.
pmode_kernel_source() {
	local series=${1:-$PMODE_KERNEL_STOCK_SERIES} f
	for f in /usr/src/linux-source-"$series".tar.*; do
		[ -e "$f" ] && { echo "$f"; return 0; }
	done
	_pmode_kernel_say "no /usr/src/linux-source-$series.tar.*: install $(pmode_kernel_package "$series" source)"
	return 1
}

# The kernel series the tiers run on:
#
#   PMODE_KERNELS="6.1 6.12"   the series the test tiers run on (default both)
#   PMODE_KERNEL=6.12          the one a single-kernel script uses (demo,
#                              bench, check-debug, a VM run by hand; default
#                              6.1, Debian 12's default kernel)
#   KERNELRELEASE=x.y.z-...    an exact installed release instead
kseries_all=${PMODE_KERNELS:-6.1 6.12}

# kseries_one: the series a single-kernel script is for.
kseries_one() {
	if [ -n "${KERNELRELEASE:-}" ]; then
		kseries_of "$KERNELRELEASE"
	else
		echo "${PMODE_KERNEL:-$PMODE_KERNEL_STOCK_SERIES}"
	fi
}

# kseries_of RELEASE: its series, 6.12.117+deb12-amd64 -> 6.12.
kseries_of() { cut -d. -f1,2 <<<"$1" | cut -d- -f1; }

# kseries_release SERIES: the release of SERIES to build for and boot
# (KERNELRELEASE if it is of SERIES, else as pmode_kernel_release picks).
kseries_release() {
	if [ -n "${KERNELRELEASE:-}" ] &&
	   [ "$(kseries_of "$KERNELRELEASE")" = "$1" ]; then
		echo "$KERNELRELEASE"
		return
	fi
	pmode_kernel_release "$1"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	case ${1:-} in
	release) pmode_kernel_release "${2:-}" ;;
	dir) pmode_kernel_dir "${2:-}" ;;
	make)
		rel=$(pmode_kernel_release) || exit 1
		# An automatic choice was told above; an explicit one is
		# told when it is not the kernel this machine runs.
		if { [ -n "${KERNELRELEASE:-}" ] || [ -n "${KERNELDIR:-}" ]; } &&
		   [ "$rel" != "$(uname -r)" ]; then
			_pmode_kernel_say "building for $rel, not the running kernel ($(uname -r))"
		fi
		# Told once: the tree follows from the release just chosen,
		# unless KERNELDIR= names one.
		dir=$(KERNELRELEASE=$rel pmode_kernel_dir) || exit 1
		echo "$rel $dir" ;;
	package) pmode_kernel_package "${2:-}" "${3:-}" ;;
	source) pmode_kernel_source "${2:-}" ;;
	*) echo "usage: $0 release|dir [WANT] | make | package [SERIES [KIND]] | source [SERIES]" >&2
	   exit 2 ;;
	esac
fi
