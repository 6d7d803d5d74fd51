#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What in a kernel log fails a run: the one list, for the VM tiers (after
# each test file), KUnit (the UML kernel's log) and the benchmark. Sourced.
#
# A report is what the kernel prints when something is wrong, whatever the
# test then saw: a warning or BUG, an oops, KASAN, lockdep and RCU's
# checks, a stall or lockup, a sleep in atomic context. Each of lockdep's
# reports starts with "WARNING:" or "BUG:"; the others are named for the
# kernels (and debug options) that word them otherwise.
kreport_re='WARNING:|BUG:|Oops|cut here|KASAN|general protection|soft lockup|hard LOCKUP|rcu.*stall|blocked for more than|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU|lockdep is turned off|DEBUG_LOCKS_WARN|sleeping function called'

# kreport_find [FILE]: the reports in FILE (default stdin), each with the
# lines after it, at most 40 lines; fails if there is none.
kreport_find() {
	local out
	out=$(grep -E -A20 -- "$kreport_re" "${1:-/dev/stdin}" | head -n 40)
	[ -n "$out" ] && printf '%s\n' "$out"
}

# kmemleak_mine RE [FILE]: the objects kmemleak's report in FILE (default
# stdin) calls unreferenced whose record matches RE (the module's name in
# a backtrace, the task that allocated them), each a block of lines. A
# kernel log holds other lines between them: give it only the lines of
# kmemleak's (grep 'kmemleak:').
kmemleak_mine() {
	awk -v re="$1" '
		/unreferenced object/ { if (blk ~ re) print blk; blk = "" }
		{ blk = blk $0 "\n" }
		END { if (blk ~ re) print blk }' "${2:-/dev/stdin}"
}
