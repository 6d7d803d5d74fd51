#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own YNL tooling (tools/net/ynl: ynl-gen-c.py, cli.py and
# their library; Documentation/netlink/*.yaml: the schemas), taken from
# Debian's linux-source tarball of a kernel series and unpacked once into a
# cache directory outside the repository, keyed by the tarball. The api
# tier drives it on the host, the VM tier inside the guest (which sees the
# host's / read-only, so the tree must be unpacked before it boots).
#
#   tests/lib/ynl.sh [SERIES]          unpack if needed; print the tree's path
#   . tests/lib/ynl.sh; pmode_ynl_tree [SERIES] [--no-unpack]
#
# SERIES defaults to 6.12 (PMODE_YNL_SERIES): the oldest Debian 12 kernel
# whose tools know genetlink-c specs well enough to generate C. The tree
# holds only what the tools need: tools/net/ynl, Documentation/netlink,
# include/uapi and tools/include/uapi.

. "$(dirname "${BASH_SOURCE[0]}")/kernel.sh"

PMODE_YNL_SERIES=${PMODE_YNL_SERIES:-6.12}

# pmode_ynl_tree [SERIES] [--no-unpack]: the unpacked tree, on stdout.
pmode_ynl_tree() {
	local series=${1:-$PMODE_YNL_SERIES} unpack=${2:-} src cache key dir top_dir tmp
	src=$(pmode_kernel_source "$series") || return 1
	cache=${PMODE_CACHE:-/var/cache/pmode}
	key=$( (basename "$src"; stat -c '%s %Y' "$src") | sha256sum | cut -c1-12)
	dir=$cache/ynl-$series-$key
	if [ -f "$dir/.pmode-ready" ]; then
		echo "$dir"
		return 0
	fi
	if [ "$unpack" = --no-unpack ]; then
		echo "ynl: $dir is not unpacked (tests/lib/ynl.sh $series does it)" >&2
		return 1
	fi
	echo "ynl: unpacking the YNL tools of $(basename "$src") into $dir" >&2
	mkdir -p "$cache" || return 1
	# Trees of this series from another tarball are of no further use.
	find "$cache" -maxdepth 1 -name "ynl-$series-*" ! -name "ynl-$series-$key*" \
		-exec rm -rf {} + 2>/dev/null
	# Unpacked aside and renamed into place, so that two runs at once
	# cannot see half a tree.
	tmp=$(mktemp -d "$cache/ynl-$series-$key.tmp.XXXXXX") || return 1
	top_dir=$(basename "$src" | sed -E 's/\.tar\.[a-z0-9]+$//')
	if ! tar -xaf "$src" -C "$tmp" --strip-components=1 \
		"$top_dir/tools/net/ynl" "$top_dir/Documentation/netlink" \
		"$top_dir/include/uapi" "$top_dir/tools/include/uapi"; then
		rm -rf "$tmp"
		return 1
	fi
	touch "$tmp/.pmode-ready"
	mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
	[ -f "$dir/.pmode-ready" ] && echo "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	pmode_ynl_tree "$@"
fi
