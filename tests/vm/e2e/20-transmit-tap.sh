#!/bin/bash
# A VM behind a tap device, its frames written to the tap's fd as QEMU does.
#
#   (process) tap:t-a -- t-a [br0] h-b -- eth0[vm b 02:..:0b]
#                             [br0] h-w -- eth0[vm w 02:..:0c], unregistered
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
tap_vm a br0
veth_vm b 02:00:00:00:00:0b br0
veth_vm w 02:00:00:00:00:0c br0
A=02:00:00:00:00:0a B=02:00:00:00:00:0b F=02:00:00:00:00:99

expect_exit 1 "tap: adapter add without mac is refused" pmodectl adapter add dev t-a vm vm-a
expect_match "give the VM's MAC" "$last_err" "tap: the refusal says to give the MAC"
check "tap: adapter add with mac" pmodectl adapter add dev t-a vm vm-a mac $A

tap_tx() {	# frames written to the tap that reach b
	local count=$1 marker=$2
	shift 2
	count_rx b "$marker" 1.5 -- "${PKT[@]}" send tap:t-a --count "$count" --marker "$marker" "$@"
}
expect_eq 5 "$(tap_tx 5 1 --src $A --dst $B)" "tap: genuine frames pass"
expect_eq 0 "$(tap_tx 5 2 --src $F --dst $B)" "tap: forged frames dropped"
expect_eq 0 "$(tap_tx 3 3 --src $F --dst $B --vlan 8100:5)" "tap: forged 802.1Q frames dropped"

# Delivery towards the VM: only what is addressed to it, even when flooded.
got=$(count_rx tap:t-a 4 1.5 -- send_from b --src $B --dst $A --count 3 --marker 4)
expect_eq 3 "$got" "tap: frames to the VM's MAC delivered"
got=$(count_rx w 7 1.5 -- send_from b --src $B --dst 02:00:00:00:00:55 --count 3 --marker 7)
expect_eq 3 "$got" "tap: unicast for an unknown MAC is flooded: the unregistered w receives it"
got=$(count_rx tap:t-a 5 1.5 -- send_from b --src $B --dst 02:00:00:00:00:55 --count 3 --marker 5)
expect_eq 0 "$got" "tap: ... the VM does not"
got=$(count_rx tap:t-a 6 1.5 -- send_from b --src $B --dst ff:ff:ff:ff:ff:ff --count 3 --marker 6)
expect_eq 3 "$got" "tap: broadcast delivered"
