#!/bin/bash
# Ports a VM sits above: macvtap (libvirt's <interface type='direct'>).
# What the VM sends is the port's transmit and what it receives arrives at
# the port, the reverse of tap and veth; the VM's MAC is the port's own, and
# its network is its lower device. ipvlan, whose VMs share one MAC, is
# refused (macvlan too: 27-stack-on-port.sh).
#
#   (process) macvtap:mvt0 -- mvt0 --+
#   (process) macvtap:mvt1 -- mvt1 --+- h-o (lower) -- eth0 [vm o 02:..:0f]
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=02:00:00:00:0d:0a O=02:00:00:00:0d:0f F=02:00:00:00:0d:99
veth_vm o $O -
run ip link add link h-o name mvt0 address $A type macvtap mode bridge
links+=(mvt0)
run ip link set mvt0 up
stats() {	# stats DEV KEY [PMODECTL-OPTIONS...]: one counter of the adapter on DEV
	local dev=$1 key=$2
	shift 2
	jsonq "a['$key']" "$(stats_of "$dev" "$@")"
}

check "macvtap: adapter add without a MAC" pmodectl adapter add dev mvt0 vm vm-mvt
expect_eq "$A" "$(json_get "a[0]['mac']")" "macvtap: the adapter's MAC is the macvtap's own"
got=$(count_rx o 1 1.5 -- "${PKT[@]}" send macvtap:mvt0 --src $A --dst $O --count 5 --marker 1)
expect_eq 5 "$got" "macvtap: the VM's genuine unicast leaves"
got=$(count_rx o 2 1.5 -- "${PKT[@]}" send macvtap:mvt0 --src $F --dst $O --count 4 --marker 2)
expect_eq 0 "$got" "macvtap: forged frames are dropped"
got=$(count_rx o 5 1.5 -- "${PKT[@]}" send macvtap:mvt0 --src $A --dst $O --kind arp --count 2 --marker 5)
expect_eq 2 "$got" "macvtap: the VM's genuine ARP leaves"
got=$(count_rx o 3 1.5 -- "${PKT[@]}" send macvtap:mvt0 --src $A --lladdr $F --dst $O --kind arp --count 2 --marker 3)
expect_eq 0 "$got" "macvtap: forged ARP is dropped"
got=$(count_rx macvtap:mvt0 4 1.5 -- send_from o --src $O --dst $A --count 3 --marker 4)
expect_eq 3 "$got" "macvtap: frames to the VM's MAC are delivered"
expect_eq 4 "$(stats mvt0 forged-src)" "macvtap: forged-src counts the VM's forged frames, not what it received"
expect_eq 2 "$(stats mvt0 forged-arp)" "macvtap: forged-arp counts the forged ARP, not the genuine"
expect_eq 0 "$(stats mvt0 foreign-dst)" "macvtap: nothing the VM sent counted as a delivery"

# A second macvtap of the same VM on the same lower device: the lower
# device is both ports' network, as a bridge is its ports'. Promisc on both
# would let a guest that bridges its two NICs loop broadcasts through
# macvlan_broadcast() and out of the lower device.
B=02:00:00:00:0d:0b
run ip link add link h-o name mvt1 address $B type macvtap mode bridge
links+=(mvt1)
run ip link set mvt1 up
check "macvtap: a second adapter of the VM, on the same lower device" \
	pmodectl adapter add dev mvt1 vm vm-mvt
expect_eq "['h-o', 'h-o']" "$(json_get "[x['master'] for x in a]")" \
	"macvtap: adapter show names the lower device as each one's network"
run "$PMODECTL" feature enable
run "$PMODECTL" user grant 0
check "macvtap: promisc on for the first" pmodectl adapter set dev mvt0 promisc on
expect_exit 1 "macvtap: promisc on the second is refused: one per VM per network" \
	pmodectl adapter set dev mvt1 promisc on
expect_match "already has promisc on in this network, on mvt0" "$last_err" \
	"macvtap: the refusal names the adapter that holds it"
expect_eq "['mvt0']" "$(promisc_ports)" "macvtap: only the first is promiscuous"
check "macvtap: promisc off for the first" pmodectl adapter set dev mvt0 promisc off
check "macvtap: an explicit network id is a network of its own" \
	pmodectl adapter del dev mvt1
check "macvtap: ... registered again with one" \
	pmodectl adapter add dev mvt1 vm vm-mvt network 7
check "macvtap: ... and both may then be promiscuous" \
	sh -c "'$PMODECTL' adapter set dev mvt0 promisc on && '$PMODECTL' adapter set dev mvt1 promisc on"
expect_eq "['mvt0', 'mvt1']" "$(promisc_ports)" "macvtap: both are promiscuous"

# ipvlan and macvtap cannot share a lower device: another one for ipvlan.
run ip link add ipl0 type veth peer ipl1
links+=(ipl0)
run ip link add link ipl0 name ipv0 type ipvlan mode l2
links+=(ipv0)
expect_exit 1 "ipvlan: refused" pmodectl adapter add dev ipv0 vm vm-i mac 02:00:00:00:0d:0e
expect_match "share one MAC" "$last_err" "ipvlan: the refusal says why"
