#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel series pmode is tested on, and where each one is on this
# machine. Sourced by the test scripts; the one place that maps a series
# ("6.1", "6.12") to Debian packages, an installed release and a source
# tarball.
#
#   PMODE_KERNELS="6.1 6.12"   the series the test tiers run on (default both)
#   PMODE_KERNEL=6.12          the one a single-kernel script uses (vm,
#                              demo, bench, check-debug; default 6.1,
#                              Debian 12's default kernel)
#   KERNELRELEASE=x.y.z-...    an exact installed release instead

kseries_all=${PMODE_KERNELS:-6.1 6.12}

# kseries_one: the series a single-kernel script is for.
kseries_one() {
	if [ -n "${KERNELRELEASE:-}" ]; then
		kseries_of "$KERNELRELEASE"
	else
		echo "${PMODE_KERNEL:-6.1}"
	fi
}

# kseries_of RELEASE: its series, 6.12.117+deb12-amd64 -> 6.12.
kseries_of() { cut -d. -f1,2 <<<"$1" | cut -d- -f1; }

# kseries_pkg KIND SERIES: Debian 12's package of SERIES, KIND being image,
# headers or source. 6.1 is the default kernel, whose meta-packages have
# no version in their names.
kseries_pkg() {
	case $1/$2 in
	image/6.1|headers/6.1) echo "linux-$1-amd64" ;;
	image/*|headers/*) echo "linux-$1-$2-amd64" ;;
	source/*) echo "linux-source-$2" ;;
	esac
}

# kseries_release SERIES: the newest installed release of SERIES whose
# headers are there (/lib/modules/RELEASE/build), or KERNELRELEASE if it
# is of SERIES.
kseries_release() {
	if [ -n "${KERNELRELEASE:-}" ] &&
	   [ "$(kseries_of "$KERNELRELEASE")" = "$1" ]; then
		echo "$KERNELRELEASE"
		return
	fi
	# "6.1.*" does not match 6.12's releases.
	ls -d /lib/modules/"$1".*/build 2>/dev/null | sort -V | tail -n1 |
		cut -d/ -f4
}

# kseries_source SERIES: Debian's source tarball of SERIES.
kseries_source() { echo "/usr/src/linux-source-$1.tar.xz"; }
