#!/bin/bash
# A VM port need not sit on the guarded bridge itself: enslaved to a bond
# that is on it, its frames reach the bridge through the bond. Such a port
# is on the guarded network, and is quarantined until registered: when it
# joins the bond, when the bond (with it) joins the bridge, when the bridge
# is guarded; and released when the bond leaves. The same for a tap below
# a VLAN device or a macvlan on the bridge. Judged by what VM o, on the
# bridge, receives.
#
#   tap:t-a -- bond0 --+
#   tap:t-b -- bond1 --+
#   tap:t-c -- t-c.7 --+- br0 (guarded) -- h-o -- eth0 [vm o]
#   tap:t-d -- mvl-d --+
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

# Not only masters: a VLAN device, or a macvlan, made on a tap and put on
# the guarded bridge hands the tap's frames to the bridge (the tap's
# frames go up to it before any rx_handler). The tap is on the guarded
# network, and quarantined until registered; the VLAN device and the
# macvlan are not VM ports.
C=02:00:00:00:46:0c D=02:00:00:00:46:0d BC=ff:ff:ff:ff:ff:ff
# sent_vlan TAP SRC MARKER: how many of 4 frames, tagged 7, reach o.
sent_vlan() {
	count_rx o "$3" 1.5 -- "${PKT[@]}" send "tap:$1" --src "$2" --dst $O --vlan 8100:7 \
		--count 4 --marker "$3"
}
tap_vm c -
run ip link add link t-c name t-c.7 type vlan id 7
links+=(t-c.7)
run ip link set t-c.7 up
run ip link set t-c.7 master br0
expect_eq 0 "$(sent_vlan t-c $C 11)" \
	"vlan: an unregistered tap with a VLAN device on the guarded bridge carries nothing"
expect_eq "['t-a', 't-c']" "$(quarantined)" "vlan: network show lists the tap, not the VLAN device"
check "vlan: registering the tap" pmodectl adapter add dev t-c vm vm-c mac $C
expect_eq 4 "$(sent_vlan t-c $C 12)" "vlan: its tagged frames reach the bridge (the control)"
check "vlan: unregistering it" pmodectl adapter del dev t-c
expect_eq 0 "$(sent_vlan t-c $C 13)" "vlan: quarantined again"
run ip link set t-c.7 nomaster
expect_eq "['t-a']" "$(quarantined)" "vlan: the VLAN device leaving the bridge releases the tap"
run ip link set t-c.7 master br0
expect_eq "['t-a', 't-c']" "$(quarantined)" "vlan: joining again quarantines the tap again"

# A macvlan (bridge mode) on a tap, on the guarded bridge: broadcast frames
# from the tap go up to the macvlan, and on to the bridge.
tap_vm d -
run ip link add link t-d name mvl-d type macvlan mode bridge
links+=(mvl-d)
run ip link set mvl-d up
run ip link set mvl-d master br0
sent_bc() { count_rx o "$3" 1.5 -- "${PKT[@]}" send "tap:$1" --src "$2" --dst $BC --count 4 --marker "$3"; }
expect_eq 0 "$(sent_bc t-d $D 15)" \
	"macvlan: an unregistered tap with a macvlan on the guarded bridge carries nothing"
check "macvlan: registering the tap" pmodectl adapter add dev t-d vm vm-d mac $D
expect_eq 4 "$(sent_bc t-d $D 16)" "macvlan: its frames reach the bridge (the control)"
