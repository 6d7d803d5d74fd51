#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-mutants: does the suite notice when a check is gone? Each
# mutant of tests/mutants/list turns one check of the data path or of the
# permission model off, in a scratch copy of the tree; the KUnit suite and
# the VM files it names run on that copy, and at least one of their tests
# must fail that passes on the tree unmutated (the baseline, run first).
#
#   tests/mutants/run.sh [--kunit|--vm] [SERIES...]
#                        both parts (default), or one; SERIES as the tiers
#                        take it (default PMODE_KERNELS, or 6.1 and 6.12)
#   PMODE_MUTANTS='gate,port-*'   only these mutants (globs), in that order
#   PMODE_MUTANTS_BASELINE=LOG    the baseline: an earlier run's (one part
#                                 and kernel, the same tree and files)
#
# One TAP line per mutant and part, "MUTANT killed by TEST" or "MUTANT
# SURVIVED" (a failure: the check it turns off is untested), and a table
# of them at the end. A mutant whose lines no longer match the code, or
# that does not build, fails too. The KUnit part takes the shared UML tree's
# lock (PMODE_KUNIT_LOCK, /tmp/pmode-kunit.lock) for each build; each
# mutant rebuilds only the file it changed and runs only its suite.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/kernel.sh"
. "$top/tests/lib/tap.sh"
parts="kunit vm"
case ${1:-} in
--kunit) parts=kunit; shift ;;
--vm) parts=vm; shift ;;
esac
series_list=${*:-$kseries_all}
mutate=$top/tests/mutants/mutate.py
lock=${PMODE_KUNIT_LOCK:-/tmp/pmode-kunit.lock}
# A scratch tree per parts and kernels: --kunit and --vm may run at once.
key=$(echo $parts $series_list | tr ' ' -)
work=${BUILD:-$top/build}/mutants/$key
logs=${BUILD:-$top/build}/test-logs/mutants
mkdir -p "$work" "$logs"

mapfile -t mutants < <("$mutate" list "${PMODE_MUTANTS:-*}") ||
	tap_bail "mutants: tests/mutants/list reads"
[ "${#mutants[@]}" -gt 0 ] || tap_bail "mutants: PMODE_MUTANTS='${PMODE_MUTANTS:-}' names a mutant"

# The scratch copy: the files git has or would have (the work tree as it
# is, not the last commit), as make deb takes them.
tree=$work/tree
rm -rf "$tree" "$work/pristine"
mkdir -p "$tree"
git -C "$top" ls-files -z --cached --others --exclude-standard |
	(cd "$top" && tar --null --ignore-failed-read -T - -cf -) |
	tar -xf - -C "$tree" || tap_bail "mutants: the scratch tree is made"
cp -r "$tree/kmod" "$work/pristine"

# The lines each mutant edits are where it says, once.
if "$mutate" check "$tree" 2>"$work/check.err"; then
	ok "mutants: every mutant's lines are in the code, once"
else
	not_ok "mutants: every mutant's lines are in the code, once"
	tap_diag <"$work/check.err"
	exit 1
fi

# failed LOG / passed LOG: the names of the tests a TAP log reports, but
# for what a failure appends to the name ("(got 1, want 0)", "('...'
# lacks /.../)"), so that a test has one name passed or failed.
# What a failure appends may run on over lines of its own: cut at its start,
# " (got ", " ('" or " (exit ", then at the first " (" of a line that ends
# in ")".
why="s/ \\((got |'|exit ).*$//; s/ \\(.*\\)$//"
failed() { sed -nE 's/^not ok [0-9]+ - (.*)$/\1/p' "$1" | sed -E "$why" | sort -u; }
passed() { sed -nE 's/^ok [0-9]+ - (.*)$/\1/p' "$1" | sed -E "$why" | sort -u; }

# killers BASE LOG: the tests that passed in BASE and failed in LOG. A
# failure of the harness itself (the build, the boot) is no test of BASE.
killers() { comm -12 <(passed "$1") <(failed "$2"); }

# restore: the scratch tree's kmod as it was, every file of it new to make.
restore() {
	rm -rf "$tree/kmod"
	cp -r "$work/pristine" "$tree/kmod"
}

# kunit SERIES SUITES LOG: the KUnit tier on the scratch tree.
kunit() {
	PMODE_KUNIT_SUITES=$2 flock "$lock" "$tree/tests/kunit/run.sh" "$1" >"$3" 2>&1
}

# vm SERIES FILES LOG: the VM files (numbers, "10,75") on the scratch tree;
# once more if the VM did not finish (under TCG, a loaded host can make
# the boot's timer check fail).
vm() {
	local try
	for try in 1 2; do
		PMODE_VM_TESTS="@(${2//,/|})-*" "$tree/tests/vm/run.sh" "$1" >"$3" 2>&1
		grep -q '^not ok .*the VM finished the suite' "$3" || return 0
		cp "$3" "$3.try$try"
	done
}

declare -A table

# baseline_ran PART BASE TOOK: did PART's baseline log BASE run (a test
# passed)? Its failures are nobody's kill: listed, not counted.
baseline_ran() {
	if ! grep -q '^ok ' "$2"; then
		not_ok "$1 baseline ran (log: $2)"
		tail -n 20 "$2" | tap_diag
		return 1
	fi
	ok "$1 baseline ran, $(grep -c '^ok ' "$2") passed, $(grep -c '^not ok ' "$2") failed, $3"
	failed "$2" | sed 's/^/baseline failure (not counted as a kill): /' | tap_diag
}

# judge NAME PART SERIES WHAT BASE LOG TOOK: what LOG, NAME's run of PART
# (of WHAT: its suite or files), says against the baseline BASE: killed
# (by which test), broken or survived. TOOK: seconds, or empty.
judge() {
	local name=$1 part=$2 series=$3 what=$4 base=$5 log=$6 took=$7 k first n
	k=$(killers "$base" "$log")
	if [ -n "$k" ]; then
		first=$(head -n1 <<<"$k")
		first=${first#"$part $series: "}
		first=${first#"vm $series: "}
		n=$(wc -l <<<"$k")
		[ "$n" -gt 1 ] && first+=" (+$((n - 1)))"
		ok "$part: $name killed by $first${took:+, in $took s}"
		table[$name,$part,$series]=$first
	elif [ -n "$(comm -13 <(failed "$base") <(failed "$log"))" ] ||
		! grep -q '^ok ' "$log"; then
		not_ok "$part: $name builds and runs (log: $log)"
		comm -13 <(failed "$base") <(failed "$log") | tap_diag
		tail -n 20 "$log" | tap_diag
		table[$name,$part,$series]="BROKEN (see its log)"
	else
		not_ok "$part: $name SURVIVED $what${took:+, in $took s}"
		table[$name,$part,$series]=SURVIVED
	fi
}

# build_ko SERIES OUT: the scratch tree's module, built for SERIES, copied
# to OUT. Only the files changed since the last build are built again.
build_ko() {
	local kver
	kver=$(kseries_release "$1")
	make -s -C "$tree" KERNELRELEASE="$kver" KERNELDIR="/lib/modules/$kver/build" \
		module >"$work/build.log" 2>&1 && cp "$tree/kmod/pmode.ko" "$2"
}

# restore_file FILE: one file of the scratch tree's kmod as it was, newer
# than what was built from it.
restore_file() {
	cp "$work/pristine/${1#kmod/}" "$tree/$1"
}

# vm_part SERIES: the VM part in one boot (tests/vm/run.sh's plan): the
# unmutated module with every file a mutant names (the baseline), then
# each mutant's module with its own files; each built first. A mutant
# that takes the VM down (or one it could not reach) runs in a boot of
# its own.
vm_part() {
	local series=$1 kos=$work/ko-$1 plan=$work/plan-$1 all=$logs/vm-$1-plan.log
	local m name file suite files want='' left=() tag start
	restore
	mkdir -p "$kos"
	rm -f "$kos"/*.ko
	build_ko "$series" "$kos/baseline.ko" ||
		{ not_ok "vm baseline module builds"; tap_diag <"$work/build.log"; return; }
	: >"$plan"
	for m in "${mutants[@]}"; do
		read -r name file suite files <<<"$m"
		[ "$files" = - ] && continue
		want+=${want:+,}$files
		if ! "$mutate" apply "$name" "$tree" 2>"$work/apply.err"; then
			not_ok "vm: $name applies"
			tap_diag <"$work/apply.err"
			table[$name,vm,$series]="does not apply"
		elif ! build_ko "$series" "$kos/$name.ko"; then
			not_ok "vm: $name builds"
			tap_diag <"$work/build.log"
			table[$name,vm,$series]="does not build"
		else
			echo "$name $kos/$name.ko @(${files//,/|})-*" >>"$plan"
			left+=("$name")
		fi
		restore_file "$file"
	done
	[ -n "$want" ] || return
	want=$(tr , '\n' <<<"$want" | sort -u | paste -sd,)
	sed -i "1i baseline $kos/baseline.ko @(${want//,/|})-*" "$plan"
	start=$SECONDS
	PMODE_VM_PLAN=$plan PMODE_VM_TESTS="@(${want//,/|})-*" \
		PMODE_VM_TIMEOUT=${PMODE_MUTANTS_VM_TIMEOUT:-10800} "$tree/tests/vm/run.sh" "$series" >"$all" 2>"$all.err"
	# Each module's lines, to a log of its own: only a finished section.
	while read -r tag; do
		awk -v t="$tag" '$0 == "# === plan " t { on = 1; next }
			$0 == "# === plan " t " done" { print "# === done"; exit }
			on' "$all" >"$logs/vm-$series-$tag.log"
	done < <(cut -d' ' -f1 "$plan")
	base=$logs/vm-$series-baseline.log
	if ! grep -qx '# === done' "$base"; then
		not_ok "vm baseline finished in the plan's boot (log: $all)"
		tail -n 20 "$all" | tap_diag
		return
	fi
	baseline_ran vm "$base" "the plan's boot took $((SECONDS - start)) s" || return
	for name in "${left[@]}"; do
		log=$logs/vm-$series-$name.log
		if ! grep -qx '# === done' "$log"; then
			read -r _ file _ files <<<"$(grep "^$name " <(printf '%s\n' "${mutants[@]}"))"
			restore
			"$mutate" apply "$name" "$tree" 2>/dev/null
			start=$SECONDS
			vm "$series" "$files" "$log"
			judge "$name" vm "$series" "$files" "$base" "$log" $((SECONDS - start))
			restore
			continue
		fi
		read -r _ _ _ files <<<"$(grep "^$name " <(printf '%s\n' "${mutants[@]}"))"
		judge "$name" vm "$series" "$files" "$base" "$log" ""
	done
}

for series in $series_list; do
	TAP_PREFIX="mutants $series: "
	for part in $parts; do
		if [ "$part" = vm ]; then
			vm_part "$series"
			continue
		fi
		want=
		for m in "${mutants[@]}"; do
			read -r _ _ suite _ <<<"$m"
			[ "$suite" != - ] && want=all
		done
		[ -n "$want" ] || continue
		restore
		base=$logs/$part-$series-baseline.log
		start=$SECONDS
		if [ -n "${PMODE_MUTANTS_BASELINE:-}" ]; then
			# A baseline of an earlier run, of the same tree and files.
			cp "$PMODE_MUTANTS_BASELINE" "$base" || tap_bail "$part baseline is read"
		else
			kunit "$series" "" "$base"
		fi
		baseline_ran "$part" "$base" "in $((SECONDS - start)) s" || continue

		for m in "${mutants[@]}"; do
			read -r name file suite files <<<"$m"
			[ "$suite" = - ] && continue
			restore
			if ! "$mutate" apply "$name" "$tree" 2>"$work/apply.err"; then
				not_ok "$part: $name applies"
				tap_diag <"$work/apply.err"
				table[$name,$part,$series]="does not apply"
				continue
			fi
			log=$logs/$part-$series-$name.log
			start=$SECONDS
			kunit "$series" "$suite" "$log"
			judge "$name" "$part" "$series" "$suite" "$base" "$log" $((SECONDS - start))
		done
	done
done
restore

# The table: mutant, and what killed it in each part run.
cols=
for series in $series_list; do
	for part in $parts; do cols+=" $part,$series"; done
done
{
	printf '%-20s' mutant
	for c in $cols; do printf ' | %-44s' "${c/,/ }"; done
	echo
	for m in "${mutants[@]}"; do
		read -r name _ <<<"$m"
		printf '%-20s' "$name"
		for c in $cols; do printf ' | %-44s' "${table[$name,$c]:--}"; done
		echo
	done
} | tee "$logs/table-$key.txt" | tap_diag 1000
tap_status
