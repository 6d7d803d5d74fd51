#!/bin/bash
# A Redirect that names a group address as the next hop, judged by effect.
#
#   eth0 [att] -- h-att [br0] h-v -- eth0 [v: route to 2001:db8:76::/64
#                                          via its router fe80::1]
#
# pmode does not police IP addresses: the attacker may claim the victim's
# router's link-local address and send it a Redirect (RFC 4861, 8.1). The
# target's link-layer address legitimately names another node, but Linux
# takes any there (rt6_do_redirect()), broadcast included: the victim then
# sends its traffic for the destination to every port, and a group
# destination passes pmode's delivery check, so the attacker reads the
# victim's unicast. The oracle: the victim's neighbour entry for the target,
# and the victim's pings the attacker receives. The control: the same
# Redirect from the port before it is registered.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=02:76:00:00:00:01 V=02:76:00:00:00:02 R=02:76:00:00:00:0e
mkbridge br0
run ip link set br0 type bridge mcast_snooping 0
veth_vm att $A br0
veth_vm v $V br0
run in_vm v sysctl -qw net.ipv6.conf.eth0.accept_ra=0 net.ipv6.conf.eth0.accept_redirects=1 \
	net.ipv6.conf.all.forwarding=0
run ip -n v-$$ addr add fd76::2/64 dev eth0 nodad
run ip -n v-$$ -6 neigh replace fe80::1 lladdr $R dev eth0 nud permanent
run ip -n v-$$ -6 route add 2001:db8:76::/64 via fe80::1 dev eth0
# The victim's pings carry "PMODE76\0", which pkt.py recv counts.
pings() {
	in_vm v ping -6 -c 3 -i 0.3 -W 1 -p 504d4f4445373600 2001:db8:76::5 >/dev/null 2>&1
	return 0
}
redirect() {
	send_from att --kind redirect --src $A --dst $V --ip6-src fe80::1 \
		--ip6-dst fd76::2 --target fe80::77 --dest 2001:db8:76::5 \
		--lladdr ff:ff:ff:ff:ff:ff
}
# taken: the victim's entry for the target, "" if none.
taken() { ip -n v-$$ -6 neigh show fe80::77 dev eth0 | grep -o 'lladdr [^ ]*'; }

run redirect
run ip -n v-$$ -6 route get 2001:db8:76::5
expect_eq "lladdr ff:ff:ff:ff:ff:ff" "$(taken)" \
	"redirect: control, unregistered: the victim took the broadcast MAC as its next hop"
expect_match '^[1-9]' "$(count_rx att 76 1 -- pings)" \
	"redirect: control: the attacker received the victim's traffic for 2001:db8:76::5"

run ip -n v-$$ -6 neigh del fe80::77 dev eth0
run ip -n v-$$ -6 route flush cache
check "redirect: the attacker's port is registered" pmodectl adapter add dev h-att vm att76 mac $A
run redirect
run ip -n v-$$ -6 route get 2001:db8:76::5
expect_eq "" "$(taken)" "redirect: registered: the victim took no group MAC as a next hop"
expect_eq 0 "$(count_rx att 76 1 -- pings)" \
	"redirect: registered: the attacker received none of the victim's traffic"
expect_eq 1 "$(jsonq "a['forged-nd']" "$(stats_of h-att)")" \
	"redirect: registered: the Redirect is counted as forged ND"
# A Redirect naming a unicast MAC, another node's, still passes.
run ip -n v-$$ -6 route flush cache
send_from att --kind redirect --src $A --dst $V --ip6-src fe80::1 --ip6-dst fd76::2 \
	--target fe80::78 --dest 2001:db8:76::6 --lladdr $R >&2
expect_eq "lladdr $R" "$(ip -n v-$$ -6 neigh show fe80::78 dev eth0 | grep -o 'lladdr [^ ]*')" \
	"redirect: registered: a Redirect naming another node's unicast MAC still works"
