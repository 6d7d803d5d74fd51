#!/bin/bash
# Guarded networks, a frame in flight: a frame that entered a port just
# before the port joined a guarded bridge, and was still on its way through
# the receive path when the join was made, must not leave by the bridge.
# The receive path reads the port's ingress hooks, then its rx_handler: a
# frame that read no quarantine in the first, and the bridge's handler in
# the second, is forwarded if the port is enabled by then. On a real CPU
# the window lasts as long as an interrupt or a preempted vCPU keeps the
# CPU away; tests/vm/kmod/pmode_hold.c holds one frame in it for 3 s, on
# CPU 0, while CPU 1 joins the port to the bridge. The same join of an
# unguarded bridge is the positive control: the held frame crosses it, and
# the join is done while the frame is still held.
#
#   eth0[vm x] -- h-x --(joins, a frame held)--> [br0, guarded] -- h-b -- eth0[vm b]
#                                                [br1]          -- h-c -- eth0[vm c]
#                                                [ob0, OVS]     -- h-v -- eth0[vm v]
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
X=02:00:00:00:47:0e BC=ff:ff:ff:ff:ff:ff
mkbridge br0
mkbridge br1
veth_vm b 02:00:00:00:47:0b br0
veth_vm c 02:00:00:00:47:0c br1
veth_vm x $X -
run "$PMODECTL" adapter add dev h-b vm vm-b
run "$PMODECTL" adapter add dev h-c vm vm-c
check "inflight: guard br0" pmodectl network guard dev br0
run insmod "$PMODE_HOLD_KO" ifindex="$(cat /sys/class/net/h-x/ifindex)" ms=3000
unhold() { nft delete table netdev hold 2>/dev/null; rmmod pmode_hold 2>/dev/null; }
trap 'cleanup; unhold' EXIT
# The frame is held in nf_hook_slow(), which h-x's ingress runs only if it
# has a hook: an empty nftables chain.
run nft add table netdev hold
run nft add chain netdev hold in "{ type filter hook ingress device h-x priority 0; }"
P=/sys/module/pmode_hold/parameters

# held MARKER CMD...: VM x sends a frame (MARKER), held on CPU 0; meanwhile,
# on CPU 1, CMD changes h-x's place. Says in $joined whether CMD was done
# while the frame was still held.
held() {
	local marker=$1 pid i
	shift
	echo 1 >"$P/armed"
	taskset -c 0 ip netns exec "x-$$" "${PKT[@]}" send eth0 --src $X --dst $BC \
		--count 1 --marker "$marker" &
	pid=$!
	for i in $(seq 600); do
		[ "$(cat "$P/holding")" = 1 ] && break
		sleep 0.1
	done
	if [ "$(cat "$P/holding")" != 1 ]; then
		echo "held: no frame was held" >&2
		wait "$pid"
		return 1
	fi
	echo "+ $*" >&2
	taskset -c 1 "$@" >&2 || return 1
	echo "held: '$*' done; the frame still held: $(cat "$P/holding")" >"$joined"
	wait "$pid"
}
held_join() { held "$2" ip link set h-x master "$1"; }
joined=$(mktemp)

got=$(count_rx c 1 1 -- held_join br1 1)
cat "$joined" >&2
expect_eq 1 "$got" "inflight: control: a frame held while h-x joins unguarded br1 crosses it"
check "inflight: control: the join of br1 was done while the frame was held" \
	grep -q "still held: 1" "$joined"
run ip link set h-x nomaster

got=$(count_rx b 2 1 -- held_join br0 2)
cat "$joined" >&2
expect_eq 0 "$got" "inflight: a frame held while h-x joins guarded br0 does not cross it"
expect_eq "1" "$("$PMODECTL" -j network show | jsonq "len([p for n in a for p in n['quarantined'] if p['ifname'] == 'h-x'])")" \
	"inflight: h-x is quarantined on br0"
got=$(count_rx b 3 1 -- in_vm x "${PKT[@]}" send eth0 --src $X --dst $BC --count 2 --marker 3)
expect_eq 0 "$got" "inflight: ...and what x sends next does not cross br0 either"

# Guarding a network with a frame of an unregistered port in flight: the
# frame read no quarantine, so it crosses; the guard returns only once it
# has (when it returns, everything from the port meets the quarantine).
run ip link set h-x nomaster
run ip link set h-x master br1
got=$(count_rx c 4 1 -- held 4 "$PMODECTL" network guard dev br1)
cat "$joined" >&2
expect_eq 1 "$got" "inflight: a frame held while br1 is guarded, having read no quarantine, crosses"
check "inflight: ...before the guard returns" grep -q "still held: 0" "$joined"

# Open vSwitch registers its rx_handler just after the link: the same
# window, on the other side of it. ovs-system unguarded (the control),
# then guarded. OVS sends a flow's first frame to ovs-vswitchd: the counts
# wait longer (W).
W=4
run ip link set h-x nomaster
ovs_start || tap_bail "ovsdb-server and ovs-vswitchd start in the VM"
trap 'ovs_stop; cleanup; unhold' EXIT
run ovs-vsctl add-br ob0
links+=(ob0)
veth_vm v 02:00:00:00:47:0f -
run ovs-vsctl add-port ob0 h-v
run "$PMODECTL" adapter add dev h-v vm vm-v
got=$(count_rx v 5 $W -- held 5 ovs-vsctl add-port ob0 h-x)
cat "$joined" >&2
expect_eq 1 "$got" "inflight: control: a frame held while h-x is added to OVS bridge ob0 crosses it"
check "inflight: control: the OVS port was added while the frame was held" \
	grep -q "still held: 1" "$joined"
run ovs-vsctl del-port ob0 h-x
check "inflight: guard ovs-system" pmodectl network guard dev ovs-system
got=$(count_rx v 6 $W -- held 6 ovs-vsctl add-port ob0 h-x)
cat "$joined" >&2
expect_eq 0 "$got" "inflight: a frame held while h-x is added to guarded OVS does not cross it"
rm -f "$joined"
