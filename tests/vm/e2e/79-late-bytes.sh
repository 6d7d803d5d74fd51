#!/bin/bash
# Bytes that change after pmode judged them, judged by what victims learned
# (tests/vm/late.py says how each is built).
#
# Checksum offload: a VM's tap with virtio-net headers (IFF_VNET_HDR, as
# QEMU's) asks for a checksum at an offset of its choosing, and pads the
# frame so that the sum the stack writes there is the two bytes it wants.
# The victim is a VM whose tap cannot take the offload (TUN_F_CSUM off: an
# emulated NIC), so the stack writes the sum as the frame leaves for it.
#
#   (late.py csum) t-att -- br0 -- t-vic (late.py relay) vn0 [netns vic]
#
# Transmit ring: a process on a macvlan port (a container) sends ARP and NS
# with its own MAC through a PACKET_TX_RING, whose pages stay the frame's
# until it leaves; a qdisc on the port holds it a moment, and the process
# writes a forged MAC over its own in the ring. pmode refuses to guard such
# a port, whose stack sits on it: the control shows why.
#
#   (late.py ring) mv-ra [netem] -- h-rv (lower) -- eth0 [netns rv]
#
# Each is sent first from a port that is not registered (the control: the
# victims must learn forged MACs there, or the oracle could never fail; on
# 6.12 the ring's control is a figure, as that kernel copies the bytes),
# then (checksums) from a registered one: no victim may learn a MAC but the attacker's,
# and every genuine frame (among them UDP whose checksum the stack fills
# in) must arrive.
#
# Size: PMODE_LATE_IDS ids of frames (4 by default, about 80 checksum
# frames an id).
. "$PMODE_TOP/tests/vm/lib.sh"
LATE=(/usr/bin/python3 "$top/tests/vm/late.py")
A=02:79:00:00:00:01 V=02:79:00:00:00:02 A2=02:79:00:00:01:01 V2=02:79:00:00:01:02
ids=${PMODE_LATE_IDS:-4}
work=$(mktemp -d)
relay_pid=
stop_relay() {
	[ -n "$relay_pid" ] || return 0
	kill "$relay_pid" 2>/dev/null
	wait "$relay_pid" 2>/dev/null
	relay_pid=
}
trap 'stop_relay; cleanup; rm -rf "$work"' EXIT
load_pmode

# --- checksum offload
mkbridge br0
run ip link set br0 type bridge mcast_snooping 0
run sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
BR=$(cat /sys/class/net/br0/address)
tap_vm att br0
tap_vm vic br0
# The host's own frames to the VMs (MLD, router solicitations) carry the
# taps' MACs: none here.
run sysctl -qw net.ipv6.conf.t-att.disable_ipv6=1 net.ipv6.conf.t-vic.disable_ipv6=1
genuine=$A,$BR,$(cat /sys/class/net/t-att/address),$(cat /sys/class/net/t-vic/address)
run ip netns add vic-$$
netns+=(vic-$$)
run ip -n vic-$$ tuntap add dev vn0 mode tap
run ip -n vic-$$ link set vn0 address $V
run ip -n vic-$$ link set vn0 up
run ip -n vic-$$ addr add 10.79.0.2/16 dev vn0
run ip -n vic-$$ addr add fd79::2/64 dev vn0 nodad
run ip netns exec vic-$$ sysctl -qw net.ipv6.conf.vn0.accept_ra=0 net.ipv6.conf.all.drop_unsolicited_na=0

# csum_run RUN: the victim's tables reset, the relay started, the frames
# sent; their figures in $work/RUN.*.
csum_run() {
	local r=$1
	run ip -n vic-$$ neigh flush all
	# The entry the unsolicited NA update.
	run ip -n vic-$$ neigh replace fd79::99 lladdr $A dev vn0 nud stale
	rm -f "$work/ready"
	"${LATE[@]}" relay --from t-vic --into vic-$$:vn0 --log "$work/$r.log" \
		--ready "$work/ready" 2>>"$work/relay.err" &
	relay_pid=$!
	wait_ready "$work/ready"
	echo "+ late.py csum --tap t-att --ids $ids" >&2
	"${LATE[@]}" csum --tap t-att --mac $A --victim $V --ids "$ids" \
		--seed "${PMODE_LATE_SEED:-1}" >"$work/$r.sent"
	sleep 1
	# Before the relay stops: the victim's carrier goes with it, and its
	# neighbour table with the carrier.
	run ip -n vic-$$ neigh show
	ip -n vic-$$ -j neigh show | "${LATE[@]}" neigh --genuine "$A" >"$work/$r.neigh"
	cat "$work/$r.neigh" >&2
	stop_relay
	cat "$work/relay.err" >&2
	cat "$work/$r.sent" >&2
	"${LATE[@]}" frames --log "$work/$r.log" --genuine "$genuine" >"$work/$r.frames"
	cat "$work/$r.frames" >&2
}

csum_run control
sent=$(jsonq "sum(f['sent'] for f in a['families'].values())" "$(cat "$work/control.sent")")
expect_match '^[1-9]' "$sent" "checksum: frames sent ($sent)"
expect_match '^[1-9]' "$(jsonq "a['bad']" "$(cat "$work/control.neigh")")" \
	"checksum: control, unregistered: the victim learned forged MACs"
expect_match '^[1-9]' "$(jsonq "a['bad']" "$(cat "$work/control.frames")")" \
	"checksum: control: the victim received frames with forged addresses"

check "checksum: the attacker's port is registered" \
	pmodectl adapter add dev t-att vm att79 mac $A
csum_run protected
expect_eq 0 "$(jsonq "a['bad']" "$(cat "$work/protected.neigh")")" \
	"checksum: registered: the victim's neighbour table holds no MAC but the attacker's"
expect_eq 0 "$(jsonq "a['bad']" "$(cat "$work/protected.frames")")" \
	"checksum: registered: no frame the victim received names a forged address"
expect_eq "$(jsonq "a['genuine']" "$(cat "$work/protected.sent")")" \
	"$(jsonq "a['genuine_seen']" "$(cat "$work/protected.frames")")" \
	"checksum: registered: every genuine frame arrived, offloaded UDP included"
malformed=$(jsonq "a['malformed']" "$(stats_of t-att)")
expect_match '^[1-9]' "$malformed" "checksum: registered: the frames are counted malformed ($malformed)"
echo "# checksum: $(cat "$work/protected.sent")" >&2

# --- transmit ring
if ! modprobe sch_netem 2>/dev/null; then
	not_ok "ring: sch_netem loads (the qdisc that holds a frame a moment)"
	exit 0
fi
veth_vm rv $V2 -
run ip -n rv-$$ addr add 10.80.0.2/16 dev eth0
run ip -n rv-$$ addr add fd80::2/64 dev eth0 nodad
run ip netns exec rv-$$ sysctl -qw net.ipv6.conf.eth0.accept_ra=0
run ip link add link h-rv name mv-ra address $A2 type macvlan mode bridge
links+=(mv-ra)
run ip link set mv-ra up
run tc qdisc add dev mv-ra root netem delay 400ms

# ring_run RUN: send, then count the victim's entries that are forged.
ring_run() {
	local r=$1
	run ip -n rv-$$ neigh flush all
	echo "+ late.py ring --dev mv-ra" >&2
	"${LATE[@]}" ring --dev mv-ra --mac $A2 --victim-mac $V2 --victim-ip4 10.80.0.2 \
		--victim-ip6 fd80::2 --count 4 --wait 0.1 >"$work/ring-$r.sent"
	sleep 1
	cat "$work/ring-$r.sent" >&2
	run ip -n rv-$$ neigh show
	ip -n rv-$$ -j neigh show | "${LATE[@]}" neigh --genuine "$A2" >"$work/ring-$r.neigh"
	cat "$work/ring-$r.neigh" >&2
	# Entries of the frames' senders, genuine or not.
	ip -n rv-$$ neigh show | grep -Ec '^(10\.80\.1\.|fd80::1:)' >"$work/ring-$r.count"
}
ring_run control
# Debian's 6.1 hands the ring's pages on to the victim; its 6.12 (whose
# transmit ring has zero-copy completions of its own) has the victim learn
# the bytes as they were sent. Where the control learns nothing, the
# attack does nothing on this kernel and the registered run cannot fail
# for it: that check is a '# SKIP' there, not an ok. 6.1 must learn.
learned=$(jsonq "a['bad']" "$(cat "$work/ring-control.neigh")")
if [ "$(uname -r | cut -d. -f1-2)" = 6.1 ]; then
	expect_match '^[1-9]' "$learned" \
		"ring: control, unregistered: the victim learned the MACs written after sending"
else
	echo "# ring: control on $(uname -r): the victim learned ${learned:-none} of the MACs written after sending"
fi
# The ring's pages are rewritten by the stack on the port: pmode refuses to
# guard a macvlan (27-stack-on-port.sh), whose stack could also bypass the
# hooks. A port it guards has its stack on the far side, and the bytes a
# verdict rests on are pulled out of such pages first (KUnit
# pmode_check_paged).
expect_exit 1 "ring: the container's macvlan port cannot be registered" \
	pmodectl adapter add dev mv-ra vm ring79
