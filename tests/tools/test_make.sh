#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make in tools/ on a machine without pmodectl's libraries: it stops before
# compiling anything, naming what pkg-config cannot find and the one
# apt-get command that installs it. pkg-config is shown only some of the
# .pc files (PKG_CONFIG_LIBDIR), or none, or is not there at all; the
# tree is a scratch copy of tools/, the UAPI header and VERSION.
. "$(dirname "$0")/../lib/tap.sh"
TAP_PREFIX="tools: "
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/include/uapi/linux"
cp -r "$top/tools" "$tmp/src/tools"
cp "$top/VERSION" "$tmp/src/"
cp "$top/include/uapi/linux/pmode.h" "$tmp/src/include/uapi/linux/"
make -s -C "$tmp/src/tools" clean >/dev/null 2>&1

# A pkg-config directory with the .pc files of some modules (and those
# they require), from where the real ones are.
pcdir() {
	local dir=$tmp/pc-$1 m r
	mkdir -p "$dir"
	shift
	for m; do
		[ -e "$dir/$m.pc" ] && continue
		cp "$(pkg-config --variable=pcfiledir "$m")/$m.pc" "$dir/" || return 1
		for r in $(pkg-config --print-requires --print-requires-private "$m" | awk '{ print $1 }'); do
			pcdir "${dir#"$tmp/pc-"}" "$r" >/dev/null || return 1
		done
	done
	echo "$dir"
}

# expect_make DESCRIPTION MESSAGE-REGEX VAR=VALUE...: make (of $target,
# pmodectl unless said) fails, prints a line matching MESSAGE-REGEX, and
# compiles nothing.
target=pmodectl
expect_make() {
	local desc=$1 re=$2 out rc
	shift 2
	out=$(env "$@" make -C "$tmp/src/tools" $target 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -Eq -- "$re" <<<"$out" && [ -z "$(find "$tmp/src/tools" -name '*.o')" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc)"
		tap_diag 20 <<<"$out"
	fi
	find "$tmp/src/tools" -name '*.o' -delete
}

nl=$(pcdir nl libnl-3.0 libnl-genl-3.0) || tap_bail "the libnl .pc files are there to copy"
expect_make "make without libpcap-dev names it and the command that installs it" \
	'pkg-config finds no libpcap\. Install what it needs with: apt-get install libpcap-dev\.' \
	PKG_CONFIG_LIBDIR="$nl"
pcap=$(pcdir pcap libpcap) || tap_bail "libpcap's .pc file is there to copy"
expect_make "make without libnl-genl-3-dev names it and the command that installs it" \
	'pkg-config finds no libnl-genl-3\.0\. Install what it needs with: apt-get install libnl-genl-3-dev\.' \
	PKG_CONFIG_LIBDIR="$pcap"
expect_make "make without either names both, in one apt-get command" \
	'pkg-config finds no libnl-genl-3\.0 libpcap\. Install what it needs with: apt-get install libnl-genl-3-dev libpcap-dev\.' \
	PKG_CONFIG_LIBDIR="$tmp/none"
expect_make "make without pkg-config names it with the libraries" \
	'there is no [^ ]*pkg-config\. Install what it needs with: apt-get install pkg-config libnl-genl-3-dev libpcap-dev\.' \
	PKG_CONFIG="$tmp/no/pkg-config"
# The positive control: with every .pc file, the same copy builds.
all=$(pcdir all libnl-3.0 libnl-genl-3.0 libpcap) || tap_bail "the .pc files are there to copy"
out=$(PKG_CONFIG_LIBDIR="$all" make -s -C "$tmp/src/tools" pmodectl 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -x "$tmp/src/tools/pmodectl" ]; then
	ok "with every .pc file, the same copy builds pmodectl"
else
	not_ok "with every .pc file, the same copy builds pmodectl (exit $rc)"
	tap_diag 20 <<<"$out"
fi

# The libvirt hook and agent: their own libraries, named the same way,
# whether asked for by name or by a plain make (which builds them too).
make -s -C "$tmp/src/tools" clean >/dev/null 2>&1
for target in libvirt all; do
	expect_make "make $target without libvirt-dev and libxml2-dev names them" \
		'the libvirt hook and agent cannot be built: pkg-config finds no libvirt libxml-2\.0\. Install what it needs with: apt-get install libvirt-dev libxml2-dev\.' \
		PKG_CONFIG_LIBDIR="$all"
done
lv=$(pcdir lv libnl-3.0 libnl-genl-3.0 libpcap libxml-2.0) || tap_bail "libxml2's .pc file is there to copy"
target=libvirt
expect_make "make libvirt without libvirt-dev names it alone" \
	'pkg-config finds no libvirt\. Install what it needs with: apt-get install libvirt-dev\.' \
	PKG_CONFIG_LIBDIR="$lv"
every=$(pcdir every libnl-3.0 libnl-genl-3.0 libpcap libvirt libxml-2.0) ||
	tap_bail "libvirt's .pc files are there to copy"
out=$(PKG_CONFIG_LIBDIR="$every" make -C "$tmp/src/tools" 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -x "$tmp/src/tools/libvirt/pmode-libvirt-hook" ]; then
	ok "with every .pc file, make builds the libvirt hook too"
else
	not_ok "with every .pc file, make builds the libvirt hook too (exit $rc)"
	tap_diag 20 <<<"$out"
fi
tap_status
