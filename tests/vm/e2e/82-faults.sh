#!/bin/bash
# Allocation failures injected into every allocation of each kind of
# request (tests/fuzz/faults.py). Needs a kernel with fail-nth and failslab:
# the debug kernel of 'make check-debug' (which checks that it ran). On
# another kernel it runs nothing and exits 77: tests/vm/guest.sh reports
# one '# SKIP', counted neither as passed nor as failed.
. "$PMODE_TOP/tests/vm/lib.sh"
mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ ! -e /proc/thread-self/fail-nth ] || [ ! -d /sys/kernel/debug/failslab ]; then
	echo "# 82-faults: this kernel has no fail-nth or failslab; 'make check-debug' runs it"
	exit 77
fi
load_pmode
mkbridge br0
veth_ports br0 br0 br0 -
tap_of "faults" /usr/bin/python3 "$top/tests/fuzz/faults.py"
check "faults: the module unloads afterwards" rmmod pmode
