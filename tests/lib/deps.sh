#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing pmode needs on Debian 12, if missing.
# Usage: tests/lib/deps.sh [tools|build|vm|api|bench|debug|kunit|dkms|deb|lintian|fresh|lifecycle|all]...
# Kernel headers, images and sources are those of each series in
# PMODE_KERNELS (tests/lib/kernel.sh).
set -euo pipefail
. "$(dirname "$0")/kernel.sh"

# pkgs KIND: the KIND package (image, headers, source) of every series.
pkgs() { local s; for s in $kseries_all; do pmode_kernel_package "$s" "$1"; done; }

want=()
for tier in "${@:-all}"; do
	case $tier in
	tools) want+=(make gcc libc6-dev pkg-config libnl-3-dev libnl-genl-3-dev libpcap-dev
		      libvirt-dev libxml2-dev python3) ;;
	build) want+=(make gcc libc6-dev pkg-config libnl-3-dev libnl-genl-3-dev libpcap-dev
		      libvirt-dev libxml2-dev python3
		      $(pkgs headers) sparse) ;;
	vm) want+=($(pkgs image) qemu-system-x86 busybox-static cpio xz-utils
		   iproute2 tcpdump nftables kmod python3 python3-scapy
		   python3-pyroute2 util-linux procps iputils-ping dnsmasq-base
		   libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients openvswitch-switch) ;;
	dkms) want+=(dkms) ;;
	# make deb: dpkg-buildpackage, build-essential (implied) and
	# debian/control's Build-Depends (tests/packaging/run.sh checks that
	# dpkg-checkbuilddeps finds nothing missing), and git to copy the tree.
	deb) want+=(dpkg-dev build-essential debhelper dh-dkms dh-python python3
		    pkg-config libnl-3-dev libnl-genl-3-dev libpcap-dev libvirt-dev libxml2-dev git) ;;
	lintian) want+=(lintian) ;;
	api) want+=(python3 python3-yaml python3-jsonschema python3-pyroute2 gcc g++
		    $(pmode_kernel_package 6.12 source) $(pmode_kernel_package 6.12 headers) xz-utils) ;;
	bench) want+=(python3-matplotlib nftables iproute2) ;;
	debug) want+=(libelf-dev libssl-dev bc flex bison) ;;
	fresh) want+=(debootstrap) ;;
	# The lifecycle tier: a root to debootstrap, its kernels to boot with
	# an initramfs of busybox and their 9p modules (the packages come from
	# make deb, the deb tier's).
	lifecycle) want+=(debootstrap qemu-system-x86 busybox-static cpio gzip xz-utils kmod) ;;
	kunit) want+=($(pkgs source) python3 bc flex bison xz-utils rsync) ;;
	all) exec "$0" build vm api kunit dkms deb lintian ;;
	*) echo "deps.sh: unknown tier '$tier'" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${missing[*]}" >&2
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive

# The package lists are brought up to date at most once a run, and deps.sh
# says why: lists older than a day may name versions no longer served, and
# young ones may still know only some of the suites apt has (a root
# debootstrap made knows "bookworm main", while Debian 12's 6.12 kernels
# are in bookworm-security).
updated=
apt_update() {
	echo "deps.sh: $*: apt-get update" >&2
	$sudo apt-get update -q >&2
	updated=1
}

# no_candidate PKG...: those of the PKGs the lists offer no version of
# (apt-cache policy prints nothing for a name it does not know, and
# "Candidate: (none)" for one it cannot install).
no_candidate() {
	apt-cache policy "$@" 2>/dev/null | awk -v want="$*" '
		/^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1) }
		/^  Candidate: / && $2 != "(none)" { ok[pkg] = 1 }
		END { n = split(want, w, " "); for (i = 1; i <= n; i++) if (!(w[i] in ok)) print w[i] }'
}

if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n1)" ]; then
	apt_update "the package lists are missing or older than a day"
else
	nocand=$(no_candidate "${missing[@]}" | tr '\n' ' ')
	[ -z "$nocand" ] || apt_update "the package lists have no install candidate for ${nocand% }"
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_install() {
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" 2>&1 | tee "$log" >&2
	return "${PIPESTATUS[0]}"
}
apt_install && exit 0
# A package the lists did not know after all, or a version the mirror no
# longer serves: what an update mends, once.
if [ -z "$updated" ] &&
   grep -qE 'Unable to locate package|has no installation candidate|Failed to fetch|Unable to fetch some archives' "$log"; then
	apt_update "apt-get install failed for want of up-to-date package lists"
	apt_install && exit 0
fi
exit 1
