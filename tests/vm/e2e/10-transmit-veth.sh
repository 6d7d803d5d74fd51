#!/bin/bash
# What a VM behind a veth pair may transmit.
#
#   [vm a 02:..:0a]eth0 -- h-a [br0] h-b -- eth0[vm b 02:..:0b]
#   adapter on h-a (MAC from the peer); b unregistered, the receiver.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm a 02:00:00:00:00:0a br0
veth_vm b 02:00:00:00:00:0b br0
A=02:00:00:00:00:0a B=02:00:00:00:00:0b F=02:00:00:00:00:99

# README: pmodectl adapter add dev veth7 vm web-1
check "veth: adapter add without mac takes the peer's" pmodectl adapter add dev h-a vm vm-a
expect_eq "$A" "$(json_get "a[0]['mac']")" "veth: registered MAC is the peer's"

tx() {	# tx COUNT MARKER pkt-args...: frames from a that reach b
	local count=$1 marker=$2
	shift 2
	count_rx b "$marker" 1.5 -- send_from a --count "$count" --marker "$marker" "$@"
}
expect_eq 5 "$(tx 5 1 --src $A --dst $B)" "veth: genuine frames pass"
expect_eq 0 "$(tx 5 2 --src $F --dst $B)" "veth: forged source dropped"
expect_eq 0 "$(tx 3 3 --src 01:00:5e:00:00:01 --dst ff:ff:ff:ff:ff:ff)" "veth: multicast source dropped"
expect_eq 0 "$(tx 3 4 --src ff:ff:ff:ff:ff:ff --dst ff:ff:ff:ff:ff:ff)" "veth: broadcast source dropped"
expect_eq 0 "$(tx 3 5 --src 00:00:00:00:00:00 --dst $B)" "veth: all-zero source dropped"
expect_eq 4 "$(tx 4 6 --src $A --dst $B --vlan 8100:10)" "veth: genuine 802.1Q frames pass"
expect_eq 0 "$(tx 4 7 --src $F --dst $B --vlan 8100:10)" "veth: forged 802.1Q frames dropped"
expect_eq 4 "$(tx 4 8 --src $A --dst $B --vlan 88a8:20,8100:10)" "veth: genuine 802.1ad+802.1Q frames pass"
expect_eq 0 "$(tx 4 9 --src $F --dst $B --vlan 88a8:20,8100:10)" "veth: forged 802.1ad+802.1Q frames dropped"
expect_eq "13 9" "$(jsonq "join(a['forged-src'], a['invalid-src'])" "$(stats_of h-a)")" \
	"veth: counters are exact: forged-src 5+4+4, invalid-src 3+3+3"
# UDP over IPv4 and IPv6, tagged or not, is judged by the inline check
# (kmod/verdict.h) before the full one: the source there too.
expect_eq 3 "$(tx 3 41 --src $A --dst $B --kind udp4)" "veth: genuine UDP/IPv4 frames pass"
expect_eq 0 "$(tx 3 42 --src $F --dst $B --kind udp4)" "veth: forged UDP/IPv4 frames dropped"
expect_eq 3 "$(tx 3 43 --src $A --dst $B --kind udp6)" "veth: genuine UDP/IPv6 frames pass"
expect_eq 0 "$(tx 3 44 --src $F --dst $B --kind udp6)" "veth: forged UDP/IPv6 frames dropped"
expect_eq 3 "$(tx 3 45 --src $A --dst $B --kind udp4 --vlan 8100:10)" \
	"veth: genuine 802.1Q UDP/IPv4 frames pass"
expect_eq 0 "$(tx 3 46 --src $F --dst $B --kind udp4 --vlan 8100:10)" \
	"veth: forged 802.1Q UDP/IPv4 frames dropped"

# Promiscuous mode: gate and grant first.
expect_exit 1 "veth: promisc refused while the feature is disabled" pmodectl adapter set dev h-a promisc on
expect_match "not enabled on this host" "$last_err" "veth: the refusal says the feature is not enabled"
# README: pmodectl feature enable
check "veth: feature enable" pmodectl feature enable
expect_exit 1 "veth: promisc refused without a grant, even for root" pmodectl adapter set dev h-a promisc on
expect_match "pmodectl user grant 0" "$last_err" "veth: the refusal says how to grant"
check "veth: user grant 0" pmodectl user grant 0
check "veth: promisc on" pmodectl adapter set dev h-a promisc on
expect_eq 5 "$(tx 5 10 --src $F --dst $B)" "veth: promisc lets forged frames through"
expect_eq 2 "$(tx 2 11 --src $F --dst $B --vlan 8100:10)" "veth: promisc lets forged tagged frames through"
expect_eq 0 "$(tx 3 12 --src 01:00:5e:00:00:01 --dst $B)" "veth: promisc still drops a multicast source"
check "veth: promisc off" pmodectl adapter set dev h-a promisc off
expect_eq 0 "$(tx 5 13 --src $F --dst $B)" "veth: forged frames dropped again"

# The VM changing its own MAC changes nothing the host assigned.
run in_vm a ip link set eth0 address 02:00:00:00:00:77
expect_eq 0 "$(tx 3 14 --src 02:00:00:00:00:77 --dst $B)" "veth: frames from a MAC the VM set itself dropped"
expect_eq "$A" "$(json_get "a[0]['mac']")" "veth: the adapter's MAC is unchanged"
check "veth: an administrator changes the adapter's MAC" pmodectl adapter set dev h-a mac 02:00:00:00:00:77
expect_eq 3 "$(tx 3 15 --src 02:00:00:00:00:77 --dst $B)" "veth: the new MAC passes"
