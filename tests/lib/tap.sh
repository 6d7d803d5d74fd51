#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The one TAP writer of the test tiers, on the host and in the VMs.
# Sourced. A result is a line "ok N - WHAT" or "not ok N - WHAT", and what
# explains a failure follows as "# " lines; tests/run-all.sh counts the
# result lines of each tier, so the numbers only guide a reader.
#
#   TAP_PREFIX="tools: "   put before every description (default none)
#   TAP_OUT=FILE           append the lines to FILE instead of stdout
#                          (the VM guests, whose stdout is a log)
#
# A check that does not apply here (a kernel without the feature it needs)
# is "ok N - WHAT # SKIP WHY", which tests/run-all.sh counts apart: neither
# passed nor failed.
#
# The counts are tap_n (lines written), tap_fails (of them not ok) and
# tap_skips (of them '# SKIP').

tap_n=0
tap_fails=0
tap_skips=0

# tap_line LINE: one line of output, where TAP_OUT says.
tap_line() {
	if [ -n "${TAP_OUT:-}" ]; then
		printf '%s\n' "$*" >>"$TAP_OUT"
	else
		printf '%s\n' "$*"
	fi
}

# ok DESCRIPTION / not_ok DESCRIPTION: a result.
ok() {
	tap_n=$((tap_n + 1))
	tap_line "ok $tap_n - ${TAP_PREFIX:-}$*"
}
not_ok() {
	tap_n=$((tap_n + 1))
	tap_fails=$((tap_fails + 1))
	tap_line "not ok $tap_n - ${TAP_PREFIX:-}$*"
}

# skip DESCRIPTION WHY: the check DESCRIPTION does not apply here, for WHY.
skip() {
	tap_n=$((tap_n + 1))
	tap_skips=$((tap_skips + 1))
	tap_line "ok $tap_n - ${TAP_PREFIX:-}$1 # SKIP $2"
}

# tap_bail DESCRIPTION: not ok, and the tier ends here.
tap_bail() {
	not_ok "$*"
	exit 1
}

# tap_diag [LINES]: standard input as "# " lines, the first LINES (40).
tap_diag() {
	local line i=0
	while IFS= read -r line; do
		i=$((i + 1))
		[ "$i" -le "${1:-40}" ] && tap_line "# $line"
	done
	return 0
}

# result STATUS DESCRIPTION [LOG]: ok if STATUS is 0; else not ok, with the
# last 30 lines of LOG.
result() {
	if [ "$1" = 0 ]; then
		ok "$2"
	else
		not_ok "$2"
		[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 30 "$3" | tap_diag
	fi
	return 0
}

# check DESCRIPTION CMD...: ok if CMD succeeds. CMD is echoed as "+ CMD"
# and its output goes to stderr, the tier's log.
check() {
	local desc=$1
	shift
	echo "+ $*" >&2
	if "$@" >&2; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_eq WANT GOT DESCRIPTION
expect_eq() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3 (got '$2', wanted '$1')"
	fi
}

# expect_match REGEX TEXT DESCRIPTION
expect_match() {
	if grep -Eq -- "$1" <<<"$2"; then
		ok "$3"
	else
		not_ok "$3 ('$2' lacks /$1/)"
	fi
}

# tap_relay [LOG]: the TAP lines of another program, on standard input, as
# results of this one (numbered in its sequence, with TAP_PREFIX), each
# failure followed by the tail of LOG if one is named; other lines pass
# through as they are.
tap_relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP "*)
			skip "$(sed -E 's/^ok [0-9]* ?-? ?//; s/ # SKIP .*//' <<<"$line")" "${line#* # SKIP }" ;;
		"ok "*) ok "$(sed -E 's/^ok [0-9]* ?-? ?//' <<<"$line")" ;;
		"not ok "*)
			result 1 "$(sed -E 's/^not ok [0-9]* ?-? ?//' <<<"$line")" "${1:-}" ;;
		*) tap_line "$line" ;;
		esac
	done
}

# tap_of DESCRIPTION CMD...: the TAP lines CMD prints, as this file's own
# (tap_relay). CMD exiting non-zero is a failure of its own, so that a
# checker that crashes before printing its lines cannot pass.
tap_of() {
	local desc=$1 out rc
	shift
	echo "+ $*" >&2
	out=$("$@")
	rc=$?
	tap_relay <<<"$out"
	[ $rc -eq 0 ] && ok "$desc ran to its end" ||
		not_ok "$desc ran to its end (exit status $rc; its log says why)"
}

# tap_test DESCRIPTION CMD...: ok if CMD succeeds; what CMD prints stays
# where it goes (on stdout, "# " lines explain a failure).
tap_test() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# tap_status: the tier's exit status, 0 if nothing failed.
tap_status() { [ "$tap_fails" -eq 0 ]; }
