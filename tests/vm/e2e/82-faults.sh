#!/bin/bash
# Allocation failures injected into every allocation of each kind of
# request (tests/fuzz/faults.py). Needs a kernel with fail-nth and failslab:
# the debug kernel of 'make check-debug'. On another kernel this file runs
# nothing and says so: its checks count neither as passed nor as failed.
. "$PMODE_TOP/tests/vm/lib.sh"
mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -e /proc/thread-self/fail-nth ] || [ ! -d /sys/kernel/debug/failslab ]; then
	echo "# 82-faults: this kernel has no fail-nth or failslab; 'make check-debug' runs it"
	exit 0
fi
load_pmode
mkbridge br0
veth_ports br0 br0 br0 -
tap_of "faults" /usr/bin/python3 "$top/tests/fuzz/faults.py"
check "faults: the module unloads afterwards" rmmod pmode
