#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test tier and print one summary line, "N passed, N failed".
#
# Each tier is a program that prints TAP-style result lines ("ok N - what",
# "not ok N - what") on standard output; anything else it prints is passed
# through. A tier that exits non-zero without reporting a failure counts as
# one failure of its own, so a crashed harness can never pass.
#
#   style   checkpatch --strict and a W=1 C=1 (sparse) build of the module
#   packaging  DKMS and 'make install' from a clean checkout, in scratch trees
#   tools   pmodectl's unit tests, on the host
#   api     the UAPI header, the YNL spec, the policies and the Python
#           client agree; the header compiles alone in C and C++
#   kunit   the module's KUnit suites, in UML
#   vm      the end-to-end suite, in a QEMU VM on the stock Debian kernel
#   fresh   make, and make check's style tier and one VM test, from a clone
#           in a minimal Debian 12 root, as the README promises
#
# PMODE_TIERS="tools vm" limits the run to some tiers.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tiers=${PMODE_TIERS:-style packaging tools api kunit vm fresh}
log_dir=${BUILD:-$top/build}/test-logs
mkdir -p "$log_dir"

tests/deps.sh all || { echo "run-all: installing dependencies failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
for tier in $tiers; do
	case $tier in
	style)	cmd=(tests/style.sh) ;;
	packaging) cmd=(tests/packaging.sh) ;;
	tools)	cmd=(make -s -C tools test) ;;
	api)	cmd=(tests/api/run.sh) ;;
	kunit)	cmd=(tests/kunit/run.sh) ;;
	vm)	cmd=(tests/vm/run.sh) ;;
	fresh)	cmd=(tests/fresh.sh) ;;
	*)	echo "run-all: unknown tier '$tier'"; failed=$((failed + 1)); continue ;;
	esac
	echo "=== tier $tier: ${cmd[*]}"
	start=$SECONDS
	"${cmd[@]}" 2>&1 | tee "$log_dir/$tier.log"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^ok ' "$log_dir/$tier.log")
	f=$(grep -c '^not ok ' "$log_dir/$tier.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - tier $tier exited with status $rc"
		f=1
	fi
	if [ $((p + f)) -eq 0 ]; then
		echo "not ok - tier $tier ran no test"
		f=1
	fi
	echo "=== tier $tier: $p passed, $f failed in $((SECONDS - start)) s"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
