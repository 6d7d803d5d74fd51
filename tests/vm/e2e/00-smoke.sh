#!/bin/bash
# The harness itself: frames cross a bridge between two VMs, no pmode.
#
#   [vm a]eth0 -- h-a [br0] h-b -- eth0[vm b]
. "$PMODE_TOP/tests/vm/lib.sh"

mkbridge br0
veth_vm a 02:00:00:00:00:0a br0
veth_vm b 02:00:00:00:00:0b br0
got=$(count_rx b 11 2 -- send_from a --src 02:00:00:00:00:0a --dst 02:00:00:00:00:0b --count 5 --marker 11)
expect_eq 5 "$got" "smoke: 5 frames cross the bridge without pmode"
got=$(count_rx b 12 1 -- true)
expect_eq 0 "$got" "smoke: nothing arrives when nothing is sent"
