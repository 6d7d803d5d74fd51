#!/bin/bash
# Ports a VM sits above: macvtap (libvirt's <interface type='direct'>) and
# macvlan. What the VM sends is the port's transmit and what it receives
# arrives at the port, the reverse of tap and veth; the VM's MAC is the
# port's own. ipvlan, whose VMs share one MAC, is refused.
#
#   (process) macvtap:mvt0 -- mvt0 --+
#   eth0 [netns c, macvlan] ---------+- h-o (lower) -- eth0 [vm o 02:..:0f]
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=02:00:00:00:0d:0a C=02:00:00:00:0d:0c O=02:00:00:00:0d:0f F=02:00:00:00:0d:99
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

# A container on a macvlan, registered in its own namespace.
run ip netns add c-$$
netns+=(c-$$)
run ip link add link h-o name mvc address $C type macvlan mode bridge
run ip link set mvc netns c-$$
run ip -n c-$$ link set mvc up
run ip -n c-$$ addr add 10.0.13.2/24 dev mvc
run ip -n o-$$ addr add 10.0.13.1/24 dev eth0
check "macvlan: adapter add in the container's namespace" pmodectl -n c-$$ adapter add dev mvc vm vm-c
expect_eq "$C" "$("$PMODECTL" -n c-$$ -j adapter show | jsonq "a[0]['mac']")" \
	"macvlan: the adapter's MAC is the macvlan's own"
check "macvlan: the container pings its neighbour (ARP and ICMP both ways)" \
	ip netns exec c-$$ ping -c 2 -W 2 10.0.13.1
run ip -n c-$$ link set mvc address $F
run ip -n o-$$ neigh flush dev eth0
expect_exit 1 "macvlan: once the container takes another MAC, its traffic is dropped" \
	ip netns exec c-$$ ping -c 2 -W 1 10.0.13.1
expect_match "^[1-9]" "$(stats mvc forged-src -n c-$$)" "macvlan: ... counted as forged"
expect_eq "" "$(ip -n o-$$ neigh show | grep -i $F)" "macvlan: the neighbour learned nothing of the forged MAC"

# ipvlan and macvlan cannot share a lower device: another one for ipvlan.
run ip link add ipl0 type veth peer ipl1
links+=(ipl0)
run ip link add link ipl0 name ipv0 type ipvlan mode l2
links+=(ipv0)
expect_exit 1 "ipvlan: refused" pmodectl adapter add dev ipv0 vm vm-i mac 02:00:00:00:0d:0e
expect_match "share one MAC" "$last_err" "ipvlan: the refusal says why"
