#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-side code's hygiene, as TAP lines: checkpatch.pl --strict
# (taken from Debian's linux-source) and a W=1 C=1 (sparse) build with no
# warning.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/tests/deps.sh" build kunit >&2 || exit 1

. "$top/tests/tap.sh"
. "$top/tests/kernel.sh"

cache=${PMODE_CACHE:-/var/cache/pmode}
src=$(pmode_kernel_source) || { result 1 "style: checkpatch.pl from Debian's linux-source"; exit 1; }
cp_dir=$cache/checkpatch-$(basename "$src" .tar.xz)
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	top_dir=$(basename "$src" .tar.xz)
	tar -xJf "$src" -C "$cp_dir" --strip-components=1 \
		"$top_dir/scripts/checkpatch.pl" "$top_dir/scripts/spelling.txt" \
		"$top_dir/scripts/const_structs.checkpatch"
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT

mapfile -t files < <(git ls-files 'kmod/*.c' 'kmod/*.h' 'include/uapi/*.h' \
			'tests/kunit/*.c' 'tests/kunit/*.h' 'tests/bench/kmod/*.c')
perl "$cp_dir/scripts/checkpatch.pl" --strict --terse --no-tree \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" 2>&1 |
	grep -E 'ERROR|WARNING|CHECK' >"$out"
result "$([ -s "$out" ] && echo 1 || echo 0)" \
	"style: checkpatch.pl --strict on ${#files[@]} kernel-side files" "$out"

build=$(mktemp -d)
trap 'rm -rf "$out" "$build"' EXIT
kdir=$(pmode_kernel_dir) || { result 1 "style: a kernel to build against (tests/kernel.sh)"; exit 1; }

# clean_build DIR WHAT: make W=1 C=1 in DIR, which must warn about nothing.
clean_build() {
	make -C "$kdir" M="$1" W=1 C=1 modules >"$out" 2>&1
	local rc=$?
	grep -E 'warning|error' "$out" | grep -v 'Skipping BTF' >"$out.w"
	result "$([ $rc -eq 0 ] && [ ! -s "$out.w" ] && echo 0 || echo 1)" \
		"style: make W=1 C=1 (sparse) builds $2 without a warning" "$out.w"
	rm -f "$out.w"
}

cp -r Kbuild kmod include "$build/"
clean_build "$build" "the module"
# The benchmark's instruments module, to the same standard.
mkdir -p "$build/bench"
cp tests/bench/kmod/Kbuild tests/bench/kmod/*.c "$build/bench/"
clean_build "$build/bench" "tests/bench/kmod"

[ "$fails" -eq 0 ]
