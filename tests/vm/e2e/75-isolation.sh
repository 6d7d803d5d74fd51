#!/bin/bash
# No passive observation: unicast reaches a registered VM only if addressed
# to it, to an allowed MAC, or (promisc) to a MAC it transmitted from lately.
# Forged ARP and neighbour advertisements are dropped; real ping works.
#
#   vm a, b, c registered on br0; vm u unregistered on br0
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
A=02:00:00:00:06:0a B=02:00:00:00:06:0b C=02:00:00:00:06:0c U=02:00:00:00:06:0f
veth_vm a $A br0
veth_vm b $B br0
veth_vm c $C br0
veth_vm u $U br0
for v in a b c; do run pmodectl adapter add dev h-$v vm vm-$v; done
run pmodectl feature enable
run pmodectl user grant 0

got=$(count_rx c 1 1.5 -- send_from a --src $A --dst 02:00:00:00:06:77 --count 4 --marker 1)
expect_eq 0 "$got" "isolation: flooded unknown unicast does not reach registered c"
got=$(count_rx u 2 1.5 -- send_from a --src $A --dst 02:00:00:00:06:77 --count 4 --marker 2)
expect_eq 4 "$got" "isolation: ... but reaches the unregistered u"
check "isolation: c turns its interface promiscuous, promisc on too" bash -c "
	ip netns exec c-$$ ip link set eth0 promisc on && $PMODECTL adapter set dev h-c promisc on"
run ip link set br0 type bridge ageing_time 0	# flood everything
# The witness: the bridge floods a->b, as the unregistered u receives it.
got=$(count_rx u 18 1.5 -- send_from a --src $A --dst $B --count 4 --marker 18)
expect_eq 4 "$got" "isolation: with ageing 0 the bridge floods a->b: the unregistered u receives it"
got=$(count_rx c 3 1.5 -- send_from a --src $A --dst $B --count 4 --marker 3)
expect_eq 0 "$got" "isolation: a promiscuous c does not see a->b traffic, even flooded"
expect_eq 4 "$(count_rx b 4 1.5 -- send_from a --src $A --dst $B --count 4 --marker 4)" \
	"isolation: b receives what is addressed to it"
run ip link set br0 type bridge ageing_time 3000

# Learned MACs: c transmits from M, then receives frames to M, until they age.
M=02:00:00:00:06:55
run send_from c --src $M --dst ff:ff:ff:ff:ff:ff --count 1 --marker 5
got=$(count_rx c 6 1.5 -- send_from a --src $A --dst $M --count 3 --marker 6)
expect_eq 3 "$got" "isolation: promiscuous c receives frames to a MAC it transmits from"
expect_match "$M" "$("$PMODECTL" -j adapter show dev h-c)" "isolation: show lists the learned MAC"
echo 2 >/sys/module/pmode/parameters/learn_ageing_secs
sleep 2.5
got=$(count_rx c 7 1.5 -- send_from a --src $A --dst $M --count 3 --marker 7)
expect_eq 0 "$got" "isolation: ... and stops receiving them after the ageing time"
echo 300 >/sys/module/pmode/parameters/learn_ageing_secs

# A VRRP virtual MAC moved between a and b.
V=00:00:5e:00:01:07
check "isolation: allow the VRRP MAC on a" pmodectl adapter allow dev h-a $V
expect_eq 3 "$(count_rx u 8 1.5 -- send_from a --src $V --dst $U --count 3 --marker 8)" \
	"isolation: a transmits from the VRRP MAC without promisc"
expect_eq 0 "$(count_rx u 9 1.5 -- send_from b --src $V --dst $U --count 3 --marker 9)" \
	"isolation: b may not"
check "isolation: move the VRRP MAC to b" bash -c "
	$PMODECTL adapter disallow dev h-a $V && $PMODECTL adapter allow dev h-b $V"
expect_eq 3 "$(count_rx u 10 1.5 -- send_from b --src $V --dst $U --count 3 --marker 10)" \
	"isolation: now b transmits from it"
expect_eq 3 "$(count_rx b 11 1.5 -- send_from u --src $U --dst $V --count 3 --marker 11)" \
	"isolation: and receives frames to it"
expect_eq 0 "$(count_rx u 12 1.5 -- send_from a --src $V --dst $U --count 3 --marker 12)" \
	"isolation: a no longer may"
expect_exit 1 "isolation: a 17th allowed MAC is refused" bash -c "
	for i in \$(seq 10 26); do $PMODECTL adapter allow dev h-a 02:00:00:00:07:\$i || exit 1; done"
expect_match "at most 16" "$last_err" "isolation: ... saying the limit"

# ARP and ND carry MACs too.
expect_eq 0 "$(count_rx u 13 1.5 -- send_from a --kind arp --src $A --lladdr $C --dst $U --count 2 --marker 13)" \
	"isolation: an ARP reply with a forged sender MAC is dropped"
expect_eq 2 "$(count_rx u 14 1.5 -- send_from a --kind arp --src $A --dst $U --count 2 --marker 14)" \
	"isolation: a genuine ARP reply passes"
expect_eq 0 "$(count_rx u 15 1.5 -- send_from a --kind na --src $A --lladdr $C --dst 33:33:00:00:00:01 --count 2 --marker 15)" \
	"isolation: a neighbour advertisement with a forged target MAC is dropped"
expect_eq 0 "$(count_rx u 16 1.5 -- send_from a --kind na --vlan 8100:3 --src $A --lladdr $C --dst 33:33:00:00:00:01 --count 2 --marker 16)" \
	"isolation: ... also VLAN-tagged"
expect_eq 2 "$(count_rx u 17 1.5 -- send_from a --kind ns --src $A --dst 33:33:00:00:00:01 --count 2 --marker 17)" \
	"isolation: a genuine neighbour solicitation passes"
expect_eq "2 4" "$(jsonq "join(a['forged-arp'], a['forged-nd'])" "$(stats_of h-a)")" \
	"isolation: forged ARP and ND counted under their own reasons"
run in_vm a ip addr add 10.7.0.1/24 dev eth0
run in_vm b ip addr add 10.7.0.2/24 dev eth0
check "isolation: a real ping between two registered VMs works" in_vm a ping -c 2 -W 3 10.7.0.2
