#!/bin/bash
# A stack that sits on a guarded port itself sends around pmode's hooks:
# AF_XDP in copy mode (CAP_NET_RAW, which containers have) transmits with
# __dev_direct_xmit(), which runs no netfilter egress hook. pmode guards
# only ports whose VM is on their far side (tap, veth, macvtap) and refuses
# the rest. Judged by a neighbour's ARP table, with the AF_XDP sender
# (tests/vm/xsk_send.c): it teaches the victim a forged MAC from a macvlan,
# and from a veth whose host end is unregistered, not from a registered veth.
#
#   eth0 [netns o, victim 10.0.27.1] -- h-o --+
#   eth0 [netns c, container, AF_XDP] -- h-c -+- br0
#   m0 [netns m, macvlan on br0, AF_XDP] -----+
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
XSK=$top/build/vm/xsk_send
O=02:00:00:00:1b:0f C=02:00:00:00:1b:0c M=02:00:00:00:1b:0d
mkbridge br0
veth_vm o $O br0
veth_vm c $C br0
run ip -n o-$$ addr add 10.0.27.1/24 dev eth0
run ip -n o-$$ neigh flush all

# arp_request SRC SHA SPA: in hex, an ARP request for the victim
# (10.0.27.1) from Ethernet source SRC, sender SHA at SPA, padded to 60 bytes.
arp_request() {
	printf 'ffffffffffff%s0806''000108000604''0001%s%s''000000000000''0a001b01%036d\n' \
		"${1//:/}" "${2//:/}" "$(printf '%02x' ${3//./ })" 0
}
# learned IP: the MAC the victim's neighbour table holds for IP, or nothing.
learned() {
	ip -n o-$$ neigh show "$1" dev eth0 | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2
}
has_learned() { [ -n "$(learned "$1")" ]; }

# xsk NETNS DEV SRC SHA SPA: the ARP request, sent with AF_XDP from NETNS.
xsk() {
	echo "+ xsk_send $2 (in $1): sender $4 at $5" >&2
	ip netns exec "$1" "$XSK" "$2" "$(arp_request "$3" "$4" "$5")" 2 >&2
}

F1=02:00:00:00:1b:91 F2=02:00:00:00:1b:92 F3=02:00:00:00:1b:93

# The control: the container's veth, its host end unregistered.
check "veth, unregistered: AF_XDP in copy mode sends" xsk c-$$ eth0 $C $F1 10.0.27.9
wait_for has_learned 10.0.27.9
expect_eq $F1 "$(learned 10.0.27.9)" \
	"veth, unregistered: the victim learned the forged MAC the container sent with AF_XDP"

# Registered: what the container sends crosses the port's ingress hook,
# whatever socket it sends from.
check "veth: adapter add" pmodectl adapter add dev h-c vm vm-c
check "veth, registered: AF_XDP in copy mode sends" xsk c-$$ eth0 $C $F2 10.0.27.10
check "veth, registered: a genuine ARP request sent with AF_XDP" xsk c-$$ eth0 $C $C 10.0.27.11
wait_for has_learned 10.0.27.11
expect_eq $C "$(learned 10.0.27.11)" "veth, registered: the genuine request reached the victim"
expect_eq "" "$(learned 10.0.27.10)" "veth, registered: the victim learned nothing of the forged MAC"
expect_eq 2 "$(jsonq "a['forged-arp']" "$(stats_of h-c)")" \
	"veth, registered: the two forged requests are counted as forged-arp"

# A macvlan in a container: its own stack is the port. The attack works on
# it (the control) and pmode refuses to pretend to guard it.
run ip link add link br0 name m0 address $M type macvlan mode bridge
run ip netns add m-$$
netns+=("m-$$")
run ip link set m0 netns m-$$
run ip -n m-$$ link set m0 up
check "macvlan: AF_XDP in copy mode sends" xsk m-$$ m0 $M $F3 10.0.27.12
wait_for has_learned 10.0.27.12
expect_eq $F3 "$(learned 10.0.27.12)" \
	"macvlan: a stack on the port teaches the victim a forged MAC with AF_XDP"
expect_exit 1 "macvlan: adapter add is refused" pmodectl -n m-$$ adapter add dev m0 vm vm-m
expect_match "m0: a macvlan's stack could bypass pmode; use veth or macvtap" \
	"$last_err" "macvlan: the refusal says why and what to use"
expect_eq 0 "$("$PMODECTL" -n m-$$ -j adapter show | jsonq 'len(a)')" \
	"macvlan: no adapter was left behind"

# A configuration saved before pmode refused such ports: restoring it
# names the line, the port and the reason.
batch=$(mktemp)
printf 'adapter add dev m0 vm vm-m mac %s\n' $M >"$batch"
expect_exit 1 "restore: a saved macvlan adapter fails to restore" \
	"$PMODECTL" -n m-$$ -b "$batch"
expect_match "^pmodectl: m0: a macvlan's stack could bypass pmode" "$last_err" \
	"restore: the error says why"
expect_match "^pmodectl: $batch:1: " "$last_err" "restore: ... and names the line"
rm -f "$batch"

# Other kinds a container's stack sits on: a VLAN device.
run ip link add link h-o name h-o.5 type vlan id 5
links+=(h-o.5)
expect_exit 1 "vlan: adapter add is refused" pmodectl adapter add dev h-o.5 vm vm-v mac $O
expect_match "h-o.5: a vlan's stack could bypass pmode" "$last_err" \
	"vlan: the refusal names the kind"
