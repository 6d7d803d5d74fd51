#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test tier and print one summary line, "N passed, N failed".
#
# Each tier is a program, tests/TIER/run.sh, that prints TAP-style result
# lines ("ok N - what", "not ok N - what", tests/lib/tap.sh) on standard
# output; anything else it prints is passed through. A tier that exits
# non-zero without reporting a failure counts as one failure of its own, so
# a crashed harness can never pass.
#
#   style   checkpatch --strict and a W=1 C=1 (sparse) build of the module,
#           for each kernel
#   packaging  DKMS for each kernel and 'make install' from a clean
#           checkout, in scratch trees
#   tools   pmodectl's unit tests, on the host
#   api     the UAPI header, the YNL spec, the policies and the Python
#           client agree; the header compiles alone in C and C++
#   kunit   the module's KUnit suites, in UML, on each kernel's source
#   mutants the KUnit part of make check-mutants, on the first kernel:
#           each mutant of tests/mutants/list that names a suite, killed
#           by it. Not in the default list: each mutant costs a UML
#           relink and run (4 to 6 minutes each on 2 loaded cores, some
#           40 mutants), far past CI's hour; PMODE_TIERS=mutants, or
#           make check-mutants, runs it
#   vm      the end-to-end suite, in a QEMU VM on each stock Debian kernel,
#           both VMs at once (PMODE_VM_PARALLEL=0: one after the other)
#   lifecycle  pmode's Debian packages on a scratch Debian 12 root: apt
#           install, DKMS building for 6.1 and then for a newly installed
#           6.12, a QEMU boot of each (configuration saved on 6.1, restored
#           on 6.12 by the restore unit's command), an upgrade, apt purge
#   fresh   make, make demo, and make check's style tier and one VM test,
#           from a clone in a minimal Debian 12 root with debootstrap's
#           package lists, as the README promises
#
# PMODE_TIERS="tools vm" limits the run to some tiers; PMODE_KERNELS="6.12"
# to some kernels (default "6.1 6.12", see tests/lib/kernel.sh). kunit and vm
# run once per kernel, as tiers "kunit 6.1", "vm 6.12" and so on, the
# series their run.sh's argument.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tests/lib/kernel.sh
# Each tier finds each kernel of PMODE_KERNELS itself: one kernel's
# KERNELDIR or KERNELRELEASE (the Makefile exports the former) must not
# stand for all of them.
unset KERNELDIR KERNELRELEASE
tiers=${PMODE_TIERS:-style packaging tools api kunit vm lifecycle fresh}
log_dir=${BUILD:-$top/build}/test-logs
mkdir -p "$log_dir"

tests/lib/deps.sh all || { echo "run-all: installing dependencies failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
skipped=0
# run_tier NAME CMD...: run one tier, count its TAP lines ("# SKIP" ones
# apart: what does not apply on a kernel has not passed).
run_tier() {
	local name=$1 log=$log_dir/${1// /-}.log start=$SECONDS rc p f s
	shift
	echo "=== tier $name: $*"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	p=$(grep '^ok ' "$log" | grep -vc ' # SKIP')
	s=$(grep -c '^ok .* # SKIP' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - tier $name exited with status $rc"
		f=1
	fi
	if [ $((p + f)) -eq 0 ]; then
		echo "not ok - tier $name ran no test"
		f=1
	fi
	echo "=== tier $name: $p passed, $f failed, $s skipped in $((SECONDS - start)) s"
	passed=$((passed + p))
	skipped=$((skipped + s))
	failed=$((failed + f))
}
# replay LOG STATUS: what a tier run in the background printed, and its status.
replay() { cat "$1"; return "$2"; }

# vm_tiers: the VM tier of each kernel, all at once: each VM is one emulated
# CPU (single-threaded TCG), a host core of its own, and the suite is make
# check's longest part. Reported one kernel after the other, as run_tier
# does. PMODE_VM_PARALLEL=0 (or a single core) runs them in turn.
vm_tiers() {
	local k pids=() rcs=() i=0 start=$SECONDS
	if [ "${PMODE_VM_PARALLEL:-1}" = 0 ] || [ "$(nproc)" -lt 2 ]; then
		for k in $kseries_all; do run_tier "vm $k" tests/vm/run.sh "$k"; done
		return
	fi
	for k in $kseries_all; do
		echo "=== tier vm $k: tests/vm/run.sh $k, in the background"
		tests/vm/run.sh "$k" >"$log_dir/vm-$k.out" 2>&1 &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
		rcs+=($?)
	done
	echo "=== the VM tiers took $((SECONDS - start)) s together"
	i=0
	for k in $kseries_all; do
		run_tier "vm $k" replay "$log_dir/vm-$k.out" "${rcs[$i]}"
		i=$((i + 1))
	done
}

for tier in $tiers; do
	case $tier in
	vm)	vm_tiers ;;
	kunit)
		for k in $kseries_all; do run_tier "$tier $k" "tests/$tier/run.sh" "$k"; done ;;
	mutants)
		# The first kernel only: a mutant costs a UML relink, and the
		# suites' power to notice is that of their code, on either.
		k=${kseries_all%% *}
		run_tier "$tier $k" tests/mutants/run.sh --kunit "$k" ;;
	style|packaging|tools|api|lifecycle|fresh)
		run_tier "$tier" "tests/$tier/run.sh" ;;
	*)	echo "run-all: unknown tier '$tier'"; failed=$((failed + 1)) ;;
	esac
done

[ "$skipped" -eq 0 ] || echo "$skipped skipped (not applicable on a kernel; see '# SKIP' above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
