#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM as PID 1 (after switch_root). Runs each end-to-end
# test file (or the script named on the kernel command line), checks the
# kernel log after each, writes TAP lines to /tmp/out/results.tap and
# powers the VM off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
top= script= filter= skip= file_timeout=600
for arg in $(cat /proc/cmdline); do
	case $arg in
	pmode.top=*) top=${arg#pmode.top=} ;;
	pmode.script=*) script=${arg#pmode.script=} ;;
	pmode.tests=*) filter=${arg#pmode.tests=} ;;
	pmode.skip=*) skip=${arg#pmode.skip=} ;;
	pmode.file_timeout=*) file_timeout=${arg#pmode.file_timeout=} ;;
	pmode.ynl=*) export PMODE_YNL=${arg#pmode.ynl=} ;;
	esac
done
export PMODE_TOP=$top
out=/tmp/out
# The module built for this kernel (tests/vm/run.sh copies it here).
export PMODE_KO=$out/pmode.ko
[ -r "$PMODE_KO" ] || PMODE_KO=$top/kmod/pmode.ko
export PMODE_HOLD_KO=$out/pmode_hold.ko
# The test files' knobs the host passed on (tests/vm/run.sh).
# shellcheck disable=SC1091
[ -r "$out/env" ] && . "$out/env"
results=$out/results.tap
: >"$results"
mkdir -p /run/netns /var/run /var/tmp
ip link set lo up
sysctl -qw kernel.panic_on_oops=1 kernel.printk="4 4 1 7"

power_off() {
	echo "PMODE-VM-DONE" >>"$out/done"
	sync
	echo o >/proc/sysrq-trigger
	sleep 10
}

if [ -n "$script" ]; then
	bash "$script" >"$out/script.log" 2>&1
	echo "exit=$?" >>"$out/script.log"
	power_off
fi

# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
# shellcheck source=tests/lib/kreport.sh
. "$top/tests/lib/kreport.sh"
TAP_OUT=$results
dmesg -C
# On a kernel with kmemleak (tests/debug), objects pmode allocated and lost.
# Whatever else kmemleak suspects is the kernel's business, not the run's.
mount -t debugfs none /sys/kernel/debug 2>/dev/null
kmemleak=/sys/kernel/debug/kmemleak
leaks() {
	[ -w $kmemleak ] || return 0
	# A kmemleak that turned itself off finds nothing: that is a failure.
	{ echo scan >$kmemleak && echo scan >$kmemleak; } 2>/dev/null ||
		{ echo "kmemleak is off: $(dmesg | grep -m1 kmemleak)"; return; }
	kmemleak_mine pmode $kmemleak
	echo clear >$kmemleak
}
# skipped NAME: NAME matches one of pmode.skip's comma-separated globs.
skipped() {
	local glob globs
	IFS=, read -ra globs <<<"$skip"
	for glob in "${globs[@]}"; do
		# shellcheck disable=SC2053 # globs
		[[ $1 == $glob ]] && return 0
	done
	return 1
}
shell_errors='^[^ ]+\.sh: line [0-9]+: .*(syntax error|command not found|unbound variable|bad substitution|ambiguous redirect|integer expression expected|too many arguments|unary operator expected|binary operator expected)'
# run_file FILE: one test file, in a fresh module ($PMODE_KO), and the
# harness's checks after it.
run_file() {
	local t=$1 name rc start lost
	name=$(basename "$t" .sh)
	tap_line "# --- $name"
	# A fresh module for every file: no state leaks between them.
	rmmod pmode 2>/dev/null
	start=$SECONDS
	(cd /tmp && timeout "$file_timeout" bash "$t") >/tmp/$name.tap 2>"$out/$name.log"
	rc=$?
	# What each file costs, for sizing the long ones to CI's budget.
	tap_line "# $name: $((SECONDS - start)) s on $(uname -r)"
	cat /tmp/$name.tap >>"$results"
	# A file that does not apply on this kernel exits 77, its last "# "
	# line saying why: one '# SKIP', and no pass of the harness's own for
	# a file that ran nothing. Only a report in the kernel log still fails.
	if [ $rc -eq 77 ]; then
		skip "$name" "$(grep '^# ' /tmp/$name.tap | tail -n 1 | cut -c3-)"
		dmesg -c >"$out/$name.dmesg"
		if kreport_find <"$out/$name.dmesg" >/tmp/report; then
			not_ok "$name: kernel log is clean"
			tap_diag </tmp/report
		fi
		return
	fi
	if [ $rc -eq 124 ]; then
		not_ok "$name finished within $file_timeout s"
	elif [ $rc -ne 0 ] && ! grep -q '^not ok' /tmp/$name.tap; then
		not_ok "$name exited with status $rc"
		tail -n 15 "$out/$name.log" | tap_diag
	elif ! grep -Eq '^(not )?ok ' /tmp/$name.tap; then
		not_ok "$name reported a result (it exited $rc having checked nothing)"
	fi
	# bash's own errors (a typo, a number read empty) go on with the next
	# command: the file may have skipped the very check it reports.
	if grep -Eq "$shell_errors" "$out/$name.log"; then
		not_ok "$name: the shell reported no error in it"
		grep -E "$shell_errors" "$out/$name.log" | tap_diag 5
	else
		ok "$name: the shell reported no error in it"
	fi
	lost=$(leaks)
	if [ -n "$lost" ]; then
		not_ok "$name: kmemleak finds nothing pmode allocated unreferenced"
		printf '%b' "$lost" | tap_diag
	fi
	dmesg -c >"$out/$name.dmesg"
	if grep -v 'kmemleak: .* new suspected memory leaks' "$out/$name.dmesg" | kreport_find >/tmp/report; then
		not_ok "$name: kernel log is clean"
		tap_diag </tmp/report
	else
		ok "$name: kernel log is clean"
	fi
}

# run_files GLOB: the files whose names match GLOB (every file if empty).
run_files() {
	local t name
	for t in "$top"/tests/vm/e2e/*.sh; do
		name=$(basename "$t" .sh)
		# shellcheck disable=SC2053 # globs
		[ -n "$1" ] && [[ $name != $1 ]] && continue
		skipped "$name" && continue
		run_file "$t"
	done
}

if [ -r "$out/plan" ]; then
	# A plan (tests/vm/run.sh, PMODE_VM_PLAN): several modules in one
	# boot, each with its files, between markers the host splits on.
	while read -r tag ko glob; do
		tap_line "# === plan $tag"
		export PMODE_KO=$out/$ko
		run_files "$glob"
		rmmod pmode 2>/dev/null
		tap_line "# === plan $tag done"
	done <"$out/plan"
else
	run_files "$filter"
fi
if [ -w $kmemleak ]; then
	# kmemleak holds back objects younger than five seconds. The module
	# stays loaded: an unloaded module's backtraces would name nothing.
	sleep 6
	lost=$(leaks)
	if [ -n "$lost" ]; then
		not_ok "kmemleak finds nothing pmode allocated unreferenced, at the end"
		printf '%b' "$lost" | tap_diag
	else
		ok "kmemleak finds nothing pmode allocated unreferenced, at the end"
	fi
else
	# Said, not silently passed: make check-debug requires this line ok.
	skip "kmemleak finds nothing pmode allocated unreferenced, at the end" \
		"this kernel has no kmemleak ($kmemleak; make check-debug's has)"
fi
power_off
