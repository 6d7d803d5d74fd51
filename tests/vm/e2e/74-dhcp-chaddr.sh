#!/bin/bash
# DHCP: dnsmasq, libvirt's DHCP server, answers a client that has no
# address yet by unicast to its request's client hardware address (chaddr),
# and first writes yiaddr -> chaddr into the host's neighbour table. A VM
# that names another MAC there has the host send that address's traffic
# where it chose: to another VM, or flooded to every port for a group MAC.
# Judged by the host's neighbour table, with dnsmasq run as libvirt runs it
# on its bridge; the same requests from an unregistered port are the
# control.
#
#   eth0 [netns a, 52:54:00:00:4d:0a] -- h-a -- br0 (192.168.77.1, dnsmasq)
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=52:54:00:00:4d:0a V=52:54:00:00:4d:99 W=52:54:00:00:4d:98
mkbridge br0
run ip addr add 192.168.77.1/24 dev br0
veth_vm a $A br0

# libvirt's dnsmasq configuration for a NAT network (its networkDnsmasqConfContents()).
dm=$(mktemp -d)
cat >"$dm/conf" <<EOF
strict-order
pid-file=$dm/pid
except-interface=lo
bind-dynamic
interface=br0
dhcp-range=192.168.77.2,192.168.77.254,255.255.255.0
dhcp-no-override
dhcp-authoritative
dhcp-lease-max=253
dhcp-leasefile=$dm/leases
port=0
EOF
check "dnsmasq starts on br0, as libvirt starts it" \
	dnsmasq --conf-file="$dm/conf" --user=root --log-dhcp --log-facility="$dm/log"

# The host's neighbour table as it changes: an entry dnsmasq wrote for a
# MAC that never answers fails within seconds, and a later look would miss
# it.
ip monitor neigh dev br0 >"$dm/neigh" 2>&1 &
monitor=$!
trap 'kill $monitor "$(cat "$dm/pid" 2>/dev/null)" 2>/dev/null; rm -rf "$dm"; cleanup' EXIT
sleep 0.5
# learned MAC: how often the host's neighbour table took MAC.
learned() { grep -ci "lladdr $1" "$dm/neigh"; }
# wait_learned MAC: until it did (dnsmasq's ping check alone takes 3 s).
wait_learned() {
	local i
	for i in $(seq 300); do [ "$(learned "$1")" -gt 0 ] && return 0; sleep 0.1; done
	return 1
}
# discover CHADDR IP: a DHCPDISCOVER from the VM, naming CHADDR, asking for IP.
discover() { run send_from a --kind dhcp --src $A --lladdr "$1" --request "$2"; }

discover $V 192.168.77.50
wait_learned $V
expect_match '^[1-9]' "$(learned $V)" \
	"unregistered: the host's neighbour table took the MAC a VM named in its request"

# dnsmasq offers a client the address it offered it before: each request
# below names a MAC of its own.
check "adapter add" pmodectl adapter add dev h-a vm vm-a
discover $W 192.168.77.51
discover ff:ff:ff:ff:ff:ff 192.168.77.53
discover $A 192.168.77.52
wait_learned $A
# The two sent before it had as long, and three more seconds for their ping
# checks, which dnsmasq may run side by side.
sleep 3
cat "$dm/neigh" >&2
grep -E 'DHCP(DISCOVER|OFFER)' "$dm/log" >&2
expect_match '^[1-9]' "$(learned $A)" \
	"registered: a request naming the VM's own MAC is answered, the host learns it"
expect_eq 0 "$(learned $W)" \
	"registered: the host learned nothing from a request naming another VM's MAC"
expect_eq 0 "$(learned ff:ff:ff:ff:ff:ff)" \
	"registered: ... nor from one naming the broadcast MAC"
expect_eq 2 "$(jsonq "a['forged-dhcp']" "$(stats_of h-a)")" \
	"registered: both are counted as forged-dhcp"
expect_eq 1 "$(grep -c 'DHCPDISCOVER(br0) 192.168.77.5[123]' "$dm/log")" \
	"registered: dnsmasq saw only the genuine request of the three"
