#!/bin/bash
# Spoofing judged by its effect: what real victims learned.
#
#   [att]eth0 -- h-att [br0 = the host, a victim] h-v1 -- eth0[v1] eth0.10
#     (eth0.10,                                   h-v2 -- eth0[v2] eth0.100.30
#      eth0.100.30)                               h-v3 -- eth0[v3]
#
# The attacker's port h-att is registered with pmode (not promiscuous, one
# allowed MAC) and sends the frames tests/vm/spoof.py built on the host
# (tests/vm/run.sh builds them, from a seed, before the VM boots): forged
# Ethernet sources; ARP of many hardware types (1, and 6 = IEEE 802, which
# Linux takes on Ethernet), every opcode, gratuitous, in VLAN stacks and in
# LLC/SNAP; IPv6 RS, RA, NS, NA and redirects with link-layer options in any
# order and count, behind extension headers, in atomic fragments, first
# fragments and later ones (and the rest of each datagram, so a victim can
# reassemble it), malformed ones, and byte-wise mutants of all of these;
# with the attacker's own ARP, ND and pings mixed in. Every forged MAC is
# from 02:5f:00 (03:5f:00 with the group bit), which nothing else uses, and
# names the frames that carried it.
#
# The oracle is what the victims learned, not pmode's verdict: no neighbour
# entry of any victim and no FDB entry may ever hold a forged MAC, as a
# netlink socket in each namespace hears every change during the run (what
# 'ip monitor neigh' prints) and as the tables show them after it. The
# victims are real stacks:
#   v1    Linux defaults (learns from ARP requests and NS for its addresses,
#         from RAs, and updates entries it has); 802.1Q VLAN 10 on eth0
#   v2    a lenient host, for systems that take gratuitous ARP and
#         fragmented ND: arp_accept=1, drop_gratuitous_arp=0,
#         suppress_frag_ndisc=0; 802.1ad 100 + 802.1Q 30 on eth0
#   v3    a router: forwarding=1, accept_untracked_na=1 (an unsolicited NA
#         creates an entry), arp_accept=1, suppress_frag_ndisc=0; it learns
#         from RS too
#   host  br0, Linux defaults
# Each victim starts with entries for every other node (STALE, as after
# earlier traffic), which ARP replies and NA can update. All have
# accept_ra=0: Linux still learns an RA's SLLA, but no victim takes the
# attacker as a router, so none takes its redirects (a Redirect's target
# address names another node, which pmode lets pass: 76-redirect-flood
# judges Redirects by their effect).
#
# Control: the same frames, before the port is registered, must teach every
# victim and the FDB forged MACs, and every class must teach some victim,
# or the oracle could never fail for it; only spoof.py's IGNORED teach
# nobody (ARP of other hardware types and in LLC/SNAP, which Linux ignores;
# malformed ND, which the stack drops; redirects), and their protected
# verdict is a '# SKIP'. The genuine frames must all arrive, in both runs. After a failure, one unit of each
# guilty class is sent alone and printed in hex.
#
# Size: PMODE_SPOOF_FRAMES frames (3000 by default: make check, about two
# minutes here), seed PMODE_SPOOF_SEED (1), both read by tests/vm/run.sh on
# the host; the control run sends 5000 of them at most, the first units of
# every class. A long run (100,000 frames, under three minutes here):
#   PMODE_SPOOF_FRAMES=100000 PMODE_VM_FILE_TIMEOUT=3600 \
#	PMODE_VM_TESTS='78-*' tests/vm/run.sh
. "$PMODE_TOP/tests/vm/lib.sh"
SPOOF=(/usr/bin/python3 "$top/tests/vm/spoof.py")
frames=$top/build/spoof/frames.bin
if [ ! -s "$frames" ]; then
	not_ok "spoof: the frames were built on the host (tests/vm/run.sh builds them)"
	exit 0
fi
eval "$("${SPOOF[@]}" topo)"
export PMODECTL
work=$(mktemp -d)
# A backlog long enough that a burst never drops a genuine frame.
backlog=$(sysctl -n net.core.netdev_max_backlog)
trap 'cleanup; rm -rf "$work"; sysctl -qw net.core.netdev_max_backlog="$backlog"' EXIT
run sysctl -qw net.core.netdev_max_backlog=100000
load_pmode
start=$SECONDS

# --- the network
victims=(v1 v2 v3)
# in_ns VICTIM CMD...: CMD in a victim's namespace, the host's for "host".
in_ns() {
	local v=$1
	shift
	if [ "$v" = host ]; then "$@"; else in_vm "$v" "$@"; fi
}
# batch VICTIM: the ip(8) commands on stdin, in VICTIM's namespace, logged;
# a failing one is a failure of the test (ip stops at it).
batch() {
	local cmds
	cmds=$(cat)
	echo "+ ($1) ip -batch - <<EOF"$'\n'"$cmds"$'\n'"EOF" >&2
	in_ns "$1" ip -batch - <<<"$cmds" >&2 ||
		not_ok "spoof: ip -batch in $1 ran every command (its log says which failed)"
}
# addrs DEV NET N: the commands that give DEV 10.78.NET.N, fd78:NET::N and
# fe80::N.
addrs() {
	echo "addr add 10.78.${2:-0}.$3/24 dev $1"
	echo "addr add fd78:${2:+$2:}:$3/64 dev $1 nodad"
	echo "addr add fe80::$3/64 dev $1 nodad"
}
# The commands that make 802.1Q 10, or 802.1ad 100 + 802.1Q 30, on eth0.
vlan10() {
	echo "link add link eth0 name eth0.10 type vlan id 10"
	echo "link set eth0.10 up"
	addrs eth0.10 10 "$1"
}
qinq() {
	echo "link add link eth0 name eth0.100 type vlan proto 802.1ad id 100"
	echo "link add link eth0.100 name eth0.100.30 type vlan id 30"
	echo "link set eth0.100 up"
	echo "link set eth0.100.30 up"
	addrs eth0.100.30 30 "$1"
}
# node NAME MAC N SYSCTL...: a "VM" on br0 with the node's addresses; a
# bare SYSCTL is an IPv6 one, set for all, default and eth0.
node() {
	local name=$1 mac=$2 n=$3 s set=()
	shift 3
	veth_vm "$name" "$mac" br0
	for s in accept_ra=0 accept_dad=0 "$@"; do
		case $s in
		net.*) set+=("$s") ;;
		*) set+=("net.ipv6.conf.all.$s" "net.ipv6.conf.default.$s" "net.ipv6.conf.eth0.$s") ;;
		esac
	done
	run in_vm "$name" sysctl -qw "${set[@]}"
}
mkbridge br0
run ip link set br0 type bridge mcast_snooping 0
run ip link set br0 address "$HOST_MAC"
run sysctl -qw net.ipv6.conf.br0.accept_ra=0 net.ipv6.conf.br0.accept_dad=0
addrs br0 "" "$HOST_N" | batch host
node att "$ATT_MAC" "$ATT_N"
{ addrs eth0 "" "$ATT_N"; vlan10 "$ATT_N"; qinq "$ATT_N"; } | batch att
node v1 "$V1_MAC" "$V1_N"
{ addrs eth0 "" "$V1_N"; vlan10 "$V1_N"; } | batch v1
node v2 "$V2_MAC" "$V2_N" suppress_frag_ndisc=0 drop_unsolicited_na=0 \
	net.ipv4.conf.all.arp_accept=1 net.ipv4.conf.all.drop_gratuitous_arp=0
{ addrs eth0 "" "$V2_N"; qinq "$V2_N"; } | batch v2
node v3 "$V3_MAC" "$V3_N" suppress_frag_ndisc=0 accept_untracked_na=1 \
	net.ipv4.conf.all.arp_accept=1 net.ipv4.conf.all.forwarding=1 \
	net.ipv6.conf.all.forwarding=1
addrs eth0 "" "$V3_N" | batch v3

# seed VICTIM: the commands that give VICTIM a STALE entry for every other
# node on the LAN, as after earlier traffic: the entries that ARP replies
# and NA update.
seed() {
	local o dev=eth0 mac n
	[ "$1" = host ] && dev=br0
	for o in host att "${victims[@]}"; do
		[ "$o" = "$1" ] && continue
		mac=${o^^}_MAC n=${o^^}_N
		echo "neigh replace 10.78.0.${!n} lladdr ${!mac} dev $dev nud stale"
		echo "neigh replace fd78::${!n} lladdr ${!mac} dev $dev nud stale"
		echo "neigh replace fe80::${!n} lladdr ${!mac} dev $dev nud stale"
	done
}
# reset: forget what a run taught (neighbours, redirects, the FDB) and
# seed the tables again.
reset() {
	local v
	for v in host "${victims[@]}"; do
		run in_ns "$v" ip -6 route flush cache
		{ echo "neigh flush all"; seed "$v"; } | batch "$v"
	done
	run ip link set br0 type bridge fdb_flush
}
# pings DESC: the attacker reaches every victim, on every link.
# (One shell in the attacker's namespace: a process costs much under TCG.)
pings() {
	local to=(10.78.0.1 10.78.0.11 10.78.0.12 10.78.0.13 10.78.10.11 10.78.30.12
		fd78::1 fd78::11 fd78::12 fd78::13 fd78:10::11 fd78:30::12)
	echo "+ (att) ping -c1 -W3 each of ${to[*]}" >&2
	# shellcheck disable=SC2016 # expanded by the inner shell
	expect_eq "${#to[@]}" "$(in_vm att bash -c 'n=0; for t; do
		ping -c1 -W3 "$t" >&2 && n=$((n + 1)); done; echo $n' - "${to[@]}")" \
		"spoof: $1: the attacker's pings reach every victim on every link"
}

victims_spec="host:-:br0,v1:v1-$$:eth0,v2:v2-$$:eth0,v3:v3-$$:eth0"
# spoof RUN ARGS...: send the frames from the attacker; the verdict as TAP.
spoof() {
	local r=$1 t=$SECONDS
	shift
	tap_of "spoof: $r run" "${SPOOF[@]}" run "$frames" --run "$r" \
		--attacker "att:att-$$:eth0" --victims "$victims_spec" "$@"
	echo "# $r run: $((SECONDS - t)) s" >&2
}
for v in host "${victims[@]}"; do seed "$v" | batch "$v"; done
pings "before registering"
echo "# setup: $((SECONDS - start)) s" >&2

# --- control: the port is not registered
spoof control --salt 0x5a5a5a5a --max-frames 5000 --save "$work/control.json"

# --- protected
reset
check "spoof: the attacker's port is registered" \
	pmodectl adapter add dev h-att vm attacker mac "$ATT_MAC"
check "spoof: the attacker may also send from an allowed MAC" \
	pmodectl adapter allow dev h-att "$ALLOWED_MAC"
expect_eq False "$(json_get "a[0]['promisc']")" "spoof: the attacker's port is not promiscuous"
pings "registered"
spoof protected --port h-att --control "$work/control.json" --replay 60

# No 'took no redirect' check: no victim routes via the attacker, so none
# could take one, registered or not (the protected run's nd-redirect line
# is a '# SKIP').
pmodectl -j -s adapter show dev h-att >&2
echo "# 78-spoof-effect: $((SECONDS - start)) s" >&2
