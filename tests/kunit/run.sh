#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The KUnit tier. Debian's kernel has KUnit off, so the suites run under
# UML with the kernel's own kunit.py, on the tree of Debian's linux-source
# of one kernel series:
#
#   tests/kunit/run.sh [SERIES]    6.1 or 6.12 (default: PMODE_KERNEL, or 6.1)
#   PMODE_KUNIT_SUITES=pmode_perm  only the suites matching a glob
#
# kunit.py builds code that lives in the tree: the runner copies the
# module's sources and build files (kmod/, unchanged: its Kbuild lists the
# suites under CONFIG_PMODE_KUNIT_TEST) and the suites (tests/kunit/*.c)
# into net/pmode/ of a scratch copy of the tree, cached outside the
# repository, one per series, keyed by the tarball and the kunitconfig.
#
# One TAP line per test case; a lockdep, KASAN or other kernel report in
# the log is a failure of its own.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/kernel.sh"
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/kreport.sh"
series=${1:-$(kseries_one)}
TAP_PREFIX="kunit $series: "
PMODE_KERNELS=$series "$top/tests/lib/deps.sh" kunit >&2 || exit 1
src=$(pmode_kernel_source "$series") || tap_bail "the linux-source tarball of $series is installed"
cache=${PMODE_CACHE:-/var/cache/pmode}
key=$( (basename "$src"; stat -c '%s %Y' "$src"; cat "$top/tests/kunit/.kunitconfig") |
	sha256sum | cut -c1-12)
tree=$cache/kunit-$series-$key/linux
build=$cache/kunit-$series-$key/build
if [ ! -f "$tree/.pmode-ready" ]; then
	echo "# kunit $series: unpacking $(basename "$src") into $tree" >&2
	# Trees of this series built for another tarball or kunitconfig are
	# of no further use; the other series' tree is.
	find "$cache" -maxdepth 1 -name "kunit-$series-*" ! -name "kunit-$series-$key" \
		-exec rm -rf {} + 2>/dev/null
	rm -rf "$cache/kunit-$series-$key"
	mkdir -p "$tree" "$build"
	tar -xJf "$src" -C "$tree" --strip-components=1 || exit 1
	echo 'source "net/pmode/Kconfig"' >>"$tree/net/Kconfig"
	echo 'obj-$(CONFIG_PMODE) += pmode/' >>"$tree/net/Makefile"
	touch "$tree/.pmode-ready"
fi

# The module's sources and its Kbuild and Kconfig, as the module is built
# out of tree, and the suites, copied in. The tree is shared by every
# checkout that runs the tier (and by tests/mutants, a file changed at a
# time), and make rebuilds what is older than its sources: so a file is
# copied only when its content differs from the copy there, which it then
# replaces with a newer one; an unchanged file keeps its object. A file no
# longer in the set goes.
# put SRC DST: DST gets SRC's content, and a new mtime if that changed it.
put() {
	if [ -L "$2" ] || ! cmp -s "$1" "$2"; then
		rm -f "$2" && cp "$1" "$2"
	fi
}
mkdir -p "$tree/net/pmode"
want=$(cd "$top" && ls kmod/*.c kmod/*.h kmod/Kbuild kmod/Kconfig \
	tests/kunit/*.c tests/kunit/*.h)
names=$(for f in $want; do basename "$f"; done)
for f in "$tree"/net/pmode/*; do
	[ -e "$f" ] || [ -L "$f" ] || continue
	grep -qxF "$(basename "$f")" <<<"$names" || rm -f "$f"
done
for f in $want; do
	put "$top/$f" "$tree/net/pmode/$(basename "$f")" || exit 1
done
put "$top/include/uapi/linux/pmode.h" "$tree/include/uapi/linux/pmode.h" || exit 1

log=$(mktemp)
trap 'rm -f "$log" "$log.report"' EXIT
cd "$tree" || exit 1
# PMODE_KUNIT_SUITES: a glob of the suites to run (kunit.py's filter_glob).
suites=${PMODE_KUNIT_SUITES:-}
python3 tools/testing/kunit/kunit.py run --arch=um \
	--kunitconfig="$top/tests/kunit/.kunitconfig" --build_dir="$build" \
	--make_options="PMODE_VERSION=$(cat "$top/VERSION")" \
	--jobs="$(nproc)" --raw_output=all --kernel_args=kmemleak.verbose=1 \
	${suites:+"$suites"} >"$log" 2>&1
rc=$?

# KTAP: "ok N name" / "not ok N name" at the case level (indented once).
suite=
while IFS= read -r line; do
	case $line in
	*"# Subtest: "*)
		suite=${line##*# Subtest: } ;;
	"    ok "*) ok "$suite.$(sed -E 's/^ +ok [0-9]+ (- )?//' <<<"$line")" ;;
	"    not ok "*) not_ok "$suite.$(sed -E 's/^ +not ok [0-9]+ (- )?//' <<<"$line")" ;;
	esac
done < <(grep -E '^\s*(# Subtest:|(not )?ok [0-9])' "$log" | grep -vE '^        ')
cases=$tap_n

if kreport_find "$log" >"$log.report"; then
	not_ok "the kernel log has no lockdep/KASAN/warning report"
	tap_diag <"$log.report"
else
	ok "the kernel log has no lockdep/KASAN/warning report"
fi
# kmemleak (asked to scan by the last suite, pmode_leaks) prints each
# unreferenced object with the task that allocated it and, where the arch
# gives one (UML does not), a backtrace. One allocated by a KUnit test
# thread, or with pmode in its backtrace, is a leak of ours.
# Only when the leak scan ran: PMODE_KUNIT_SUITES may leave it out.
if [ -z "$suites" ] || grep -q '# Subtest: pmode_leaks' "$log"; then
	leaks=$(grep 'kmemleak:' "$log" | kmemleak_mine 'kunit_try_catch|pmode')
	if [ -n "$leaks" ]; then
		not_ok "kmemleak finds nothing pmode allocated unreferenced"
		printf '%b' "$leaks" | tap_diag
	elif ! grep -q 'pmode_leaks_scan: kmemleak scanned' "$log"; then
		not_ok "kmemleak scanned (no scan on record)"
	else
		ok "kmemleak finds nothing pmode allocated unreferenced"
	fi
fi
# What failed, from the log that is about to go.
grep -E -B1 -A4 'EXPECTATION FAILED|ASSERTION FAILED' "$log" | tap_diag 60
if [ "$cases" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$tap_fails" -eq 0 ]; }; then
	not_ok "kunit.py ran the suites (status $rc)"
	tail -n 40 "$log" | tap_diag
	exit 1
fi
tap_status
