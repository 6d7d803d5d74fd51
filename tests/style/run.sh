#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-side code's hygiene, as TAP lines, for each kernel series of
# PMODE_KERNELS: checkpatch.pl --strict (taken from the series' Debian
# linux-source) and a W=1 C=1 (sparse) build against its headers with no
# warning; and the mutants of tests/mutants/list still apply.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
"$top/tests/lib/deps.sh" build kunit >&2 || exit 1

. "$top/tests/lib/tap.sh"
. "$top/tests/lib/kernel.sh"

cache=${PMODE_CACHE:-/var/cache/pmode}
out=$(mktemp)
build=$(mktemp -d)
trap 'rm -rf "$out" "$build"' EXIT

mapfile -t files < <(git ls-files 'kmod/*.c' 'kmod/*.h' 'include/uapi/*.h' \
			'tests/kunit/*.c' 'tests/kunit/*.h' 'tests/bench/kmod/*.c' 'tests/vm/kmod/*.c' |
			grep -vx kmod/compat.h)

# checkpatch SERIES: checkpatch.pl --strict of SERIES's linux-source. It
# exits 0 only on a clean file; a checkpatch that cannot run (no tarball,
# no perl module) prints nothing to match, so its exit status decides, and
# it must first find the faults of a file made to have them.
checkpatch() {
	local src cp_dir top_dir rc1 rc2 rc3
	src=$(pmode_kernel_source "$1")
	cp_dir=$cache/checkpatch-$(basename "$src" .tar.xz)
	if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
		mkdir -p "$cp_dir"
		top_dir=$(basename "$src" .tar.xz)
		tar -xJf "$src" -C "$cp_dir" --strip-components=1 \
			"$top_dir/scripts/checkpatch.pl" "$top_dir/scripts/spelling.txt" \
			"$top_dir/scripts/const_structs.checkpatch"
	fi
	# The positive control: a function with a space before its
	# parenthesis and a trailing blank, which --strict reports.
	printf '// SPDX-License-Identifier: GPL-2.0\nint pmode_bad (void)\n{\n\treturn 0; \n}\n' \
		>"$build/bad.c"
	perl "$cp_dir/scripts/checkpatch.pl" --strict --terse --no-tree \
		--ignore FILE_PATH_CHANGES -f "$build/bad.c" >"$out" 2>&1
	rc1=$?
	if [ $rc1 -ne 1 ] || ! grep -q 'space prohibited' "$out" || ! grep -q 'trailing whitespace' "$out"; then
		echo "checkpatch.pl exited $rc1 on a file with two faults, and said:" >>"$out"
		result 1 "style $1: checkpatch.pl --strict runs and finds the faults of a faulty file" "$out"
		return
	fi
	{
		perl "$cp_dir/scripts/checkpatch.pl" --strict --terse --no-tree \
			--ignore FILE_PATH_CHANGES -f "${files[@]}" 2>&1
		rc2=$?
		# Version tests are what compat.h is for, and only it may have them.
		perl "$cp_dir/scripts/checkpatch.pl" --strict --terse --no-tree \
			--ignore FILE_PATH_CHANGES,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
			-f kmod/compat.h 2>&1
		rc3=$?
	} >"$out"
	[ $rc2 -eq 0 ] && [ $rc3 -eq 0 ] && ! grep -Eq 'ERROR|WARNING|CHECK' "$out"
	result $? "style $1: checkpatch.pl --strict on $((${#files[@]} + 1)) kernel-side files (exit $rc2, $rc3)" "$out"
}

# clean_build SERIES DIR WHAT: make W=1 C=1 in DIR against SERIES's
# headers, which must warn about nothing.
clean_build() {
	local kver rc
	kver=$(kseries_release "$1")
	if [ -z "$kver" ]; then
		result 1 "style $1: make W=1 C=1 (sparse) builds $3: no $1 headers installed"
		return
	fi
	make -C "/lib/modules/$kver/build" M="$2" W=1 C=1 modules >"$out" 2>&1
	rc=$?
	grep -E 'warning|error' "$out" | grep -v 'Skipping BTF' >"$out.w"
	result "$([ $rc -eq 0 ] && [ ! -s "$out.w" ] && echo 0 || echo 1)" \
		"style $1: make W=1 C=1 (sparse) builds $3 against $kver without a warning" "$out.w"
	rm -f "$out.w"
}

for series in $kseries_all; do
	checkpatch "$series"
	rm -rf "${build:?}"/*
	# The sources alone, not what a build in the work tree left in kmod/.
	git ls-files -z kmod include | xargs -0 cp --parents -t "$build"
	clean_build "$series" "$build/kmod" "the module"
	# The benchmark's instruments module, to the same standard.
	mkdir -p "$build/bench"
	cp tests/bench/kmod/Kbuild tests/bench/kmod/*.c "$build/bench/"
	clean_build "$series" "$build/bench" "tests/bench/kmod"
	# The VM tests' instrument, likewise.
	mkdir -p "$build/hold"
	cp tests/vm/kmod/Kbuild tests/vm/kmod/*.c "$build/hold/"
	clean_build "$series" "$build/hold" "tests/vm/kmod"
done

# Each mutant of tests/mutants/list must still find the line it turns off:
# a stanza the code moved away from would leave its check unguarded, and
# only make check-mutants, not in this suite, would say so.
/usr/bin/python3 tests/mutants/mutate.py check . >"$out" 2>&1
result $? "style: every mutant of tests/mutants/list applies to the tree" "$out"

tap_status
