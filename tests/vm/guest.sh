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
# The test files' knobs the host passed on (tests/vm/run.sh).
# shellcheck disable=SC1091
[ -r "$out/env" ] && . "$out/env"
results=$out/results.tap
: >"$results"
mkdir -p /run/netns /var/run /var/tmp
ip link set lo up
sysctl -qw kernel.panic_on_oops=1 kernel.printk="4 4 1 7"

finish() {
	echo "PMODE-VM-DONE" >>"$out/done"
	sync
	echo o >/proc/sysrq-trigger
	sleep 10
}

if [ -n "$script" ]; then
	bash "$script" >"$out/script.log" 2>&1
	echo "exit=$?" >>"$out/script.log"
	finish
fi

# Kernel reports that fail a run, as in WireGuard's harness.
bad='WARNING:|BUG:|Oops|cut here|KASAN|lockdep|possible circular locking|suspicious RCU|leak|stall|soft lockup|general protection'
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
	awk '/^unreferenced object/ { if (b ~ /pmode/) print b; b = "" }
	     { b = b $0 "\n" } END { if (b ~ /pmode/) print b }' $kmemleak
	echo clear >$kmemleak
}
shell_errors='^[^ ]+\.sh: line [0-9]+: .*(syntax error|command not found|unbound variable|bad substitution|ambiguous redirect|integer expression expected|too many arguments|unary operator expected|binary operator expected)'
kernel_log() { dmesg | grep -v 'kmemleak: .* new suspected memory leaks'; }
n=0
for t in "$top"/tests/vm/e2e/*.sh; do
	name=$(basename "$t" .sh)
	[ -n "$filter" ] && [[ $name != $filter ]] && continue
	[ -n "$skip" ] && [[ $name == $skip ]] && continue
	echo "# --- $name" >>"$results"
	# A fresh module for every file: no state leaks between them.
	rmmod pmode 2>/dev/null
	start=$SECONDS
	(cd /tmp && timeout "$file_timeout" bash "$t") >/tmp/$name.tap 2>"$out/$name.log"
	rc=$?
	# What each file costs, for sizing the long ones to CI's budget.
	echo "# $name: $((SECONDS - start)) s on $(uname -r)" >>"$results"
	cat /tmp/$name.tap >>"$results"
	if [ $rc -eq 124 ]; then
		echo "not ok - $name finished within $file_timeout s" >>"$results"
	elif [ $rc -ne 0 ] && ! grep -q '^not ok' /tmp/$name.tap; then
		echo "not ok - $name exited with status $rc" >>"$results"
		tail -n 15 "$out/$name.log" | sed 's/^/# /' >>"$results"
	fi
	# bash's own errors (a typo, a number read empty) go on with the next
	# command: the file may have skipped the very check it reports.
	if grep -Eq "$shell_errors" "$out/$name.log"; then
		echo "not ok - $name: the shell reported no error in it" >>"$results"
		grep -E "$shell_errors" "$out/$name.log" | head -5 | sed 's/^/# /' >>"$results"
	else
		echo "ok - $name: the shell reported no error in it" >>"$results"
	fi
	lost=$(leaks)
	if [ -n "$lost" ]; then
		echo "not ok - $name: kmemleak finds nothing pmode allocated unreferenced" >>"$results"
		printf '%b' "$lost" | head -40 | sed 's/^/# /' >>"$results"
	fi
	if kernel_log | grep -Eq "$bad"; then
		echo "not ok - $name: kernel log is clean" >>"$results"
		kernel_log | grep -E -A20 "$bad" | head -40 | sed 's/^/# /' >>"$results"
	else
		echo "ok - $name: kernel log is clean" >>"$results"
	fi
	dmesg -c >"$out/$name.dmesg"
done
if [ -w $kmemleak ]; then
	# kmemleak holds back objects younger than five seconds. The module
	# stays loaded: an unloaded module's backtraces would name nothing.
	sleep 6
	lost=$(leaks)
	[ -z "$lost" ] && echo "ok - kmemleak finds nothing pmode allocated unreferenced, at the end" >>"$results" || {
		echo "not ok - kmemleak finds nothing pmode allocated unreferenced, at the end" >>"$results"
		printf '%b' "$lost" | head -40 | sed 's/^/# /' >>"$results"; }
fi
finish
