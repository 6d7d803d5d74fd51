#!/bin/bash
# A VM port need not sit on the guarded bridge itself: enslaved to a bond
# that is on it, its frames reach the bridge through the bond. Such a port
# is on the guarded network, and is quarantined until registered: when it
# joins the bond, when the bond (with it) joins the bridge, when the bridge
# is guarded; and released when the bond leaves. Judged by what VM o, on
# the bridge, receives.
#
#   tap:t-a -- bond0 --+
#   tap:t-b -- bond1 --+- br0 (guarded) -- h-o -- eth0 [vm o]
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=02:00:00:00:46:0a B=02:00:00:00:46:0b O=02:00:00:00:46:0f
run modprobe bonding
mkbridge br0
veth_vm o $O br0
run "$PMODECTL" adapter add dev h-o vm vm-o
check "bond: guard br0" pmodectl network guard dev br0
# enslave TAP BOND: the tap (made by tap_vm, up) as the bond's only slave.
enslave() {
	run ip link set "$1" down
	run ip link set "$1" master "$2"
	run ip link set "$1" up
}
# sent TAP SRC MARKER: how many of 4 frames TAP's VM sends reach o.
sent() { count_rx o "$3" 1.5 -- "${PKT[@]}" send "tap:$1" --src "$2" --dst $O --count 4 --marker "$3"; }
quarantined() { "$PMODECTL" -j network show | jsonq "sorted(p['ifname'] for n in a for p in n['quarantined'])"; }

run ip link add bond0 type bond mode active-backup
links+=(bond0)
run ip link set bond0 master br0
run ip link set bond0 up
tap_vm a -
enslave t-a bond0
expect_eq 0 "$(sent t-a $A 1)" "bond: an unregistered tap enslaved to a bond on the guarded bridge carries nothing"
expect_eq "['t-a']" "$(quarantined)" "bond: network show lists it, and not the bond"
check "bond: registering the tap" pmodectl adapter add dev t-a vm vm-a mac $A
expect_eq 4 "$(sent t-a $A 2)" "bond: its frames reach the bridge"
check "bond: unregistering it" pmodectl adapter del dev t-a
expect_eq 0 "$(sent t-a $A 3)" "bond: quarantined again"

# A bond that already has an unregistered tap joins the guarded bridge.
run ip link add bond1 type bond mode active-backup
links+=(bond1)
tap_vm b -
enslave t-b bond1
run ip link set bond1 up
run ip link set bond1 master br0
expect_eq 0 "$(sent t-b $B 4)" "bond: a bond joining the guarded bridge brings its tap in quarantined"
expect_eq "['t-a', 't-b']" "$(quarantined)" "bond: both taps listed"
run ip link set bond1 nomaster
expect_eq "['t-a']" "$(quarantined)" "bond: the bond leaving the bridge releases its tap"

# Guarding a bridge that already has one: quarantined at once.
check "bond: unguard br0" pmodectl network unguard dev br0
expect_eq 4 "$(sent t-a $A 5)" "bond: unguarded, the unregistered tap talks (as any unregistered port)"
check "bond: guard br0 again" pmodectl network guard dev br0
expect_eq "['t-a']" "$(quarantined)" "bond: guarding quarantines the tap below the bond at once"
expect_eq 0 "$(sent t-a $A 6)" "bond: ... and it carries nothing"
