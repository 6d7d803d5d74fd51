#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel series pmode is tested on. Sourced by the test scripts that
# run once per kernel; what a series means on this machine (its packages,
# its installed release, its source tarball) is tests/kernel.sh's to say.
#
#   PMODE_KERNELS="6.1 6.12"   the series the test tiers run on (default both)
#   PMODE_KERNEL=6.12          the one a single-kernel script uses (vm,
#                              demo, bench, check-debug; default 6.1,
#                              Debian 12's default kernel)
#   KERNELRELEASE=x.y.z-...    an exact installed release instead

. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"

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

# kseries_pkg KIND SERIES: Debian 12's package of SERIES, KIND being image,
# headers or source.
kseries_pkg() { pmode_kernel_package "$2" "$1"; }

# kseries_release SERIES: the release of SERIES to build for and boot
# (KERNELRELEASE if it is of SERIES), as tests/kernel.sh picks it.
kseries_release() {
	if [ -n "${KERNELRELEASE:-}" ] &&
	   [ "$(kseries_of "$KERNELRELEASE")" = "$1" ]; then
		echo "$KERNELRELEASE"
		return
	fi
	pmode_kernel_release "$1"
}

# kseries_source SERIES: Debian's source tarball of SERIES.
kseries_source() { pmode_kernel_source "$1"; }
