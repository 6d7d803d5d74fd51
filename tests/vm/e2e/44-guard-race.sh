#!/bin/bash
# Guarded networks, the join race: a veth and a tap whose "VM" floods join a
# guarded bridge and leave it, again and again; a receiver on the bridge
# counts what leaks. The same joins of an unguarded bridge are the positive
# control. (45-guard.sh: the rest, with bad input and permissions.)
#
#   eth0[vm x] -- h-x --(joins, leaves)--+-- [br0, guarded] -- h-b -- eth0[vm b]
#   (process) tap:t-y --(joins, leaves)--+
#   the same joins on [br1, unguarded] -- h-c -- eth0[vm c]
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
mkbridge br1
veth_vm b 02:00:00:00:00:0b br0
veth_vm c 02:00:00:00:00:0c br1
veth_vm x 02:00:00:00:00:0e -
tap_vm y -
Y=02:00:00:00:00:0f
BC=ff:ff:ff:ff:ff:ff
run pmodectl adapter add dev h-b vm vm-b
run pmodectl adapter add dev h-c vm vm-c
TRIES=25

# in_quarantine [NETWORK]: the quarantined ports (of NETWORK), from show's
# text rows "NETWORK PORT DROPPED", sorted, one space apart.
in_quarantine() {
	"$PMODECTL" network show ${1:+dev "$1"} | awk 'NR > 1 && $2 != "-" { print $2 }' |
		sort | xargs echo
}

check "guard: br0" pmodectl network guard dev br0

# --- the join race --------------------------------------------------------
# join_leave PORT BRIDGE: PORT joins BRIDGE and leaves it, TRIES times,
# while its VM floods broadcast frames; a receiver on the bridge counts.
join_leave() {
	local i
	for i in $(seq "$TRIES"); do
		ip link set "$1" master "$2" || return 1
		sleep 0.02
		ip link set "$1" nomaster || return 1
	done
}
stop=$(mktemp -u)
# Paced (10 ms of rest every 4 frames), to leave the emulated CPU to the joins.
flood_x() { in_vm x "${PKT[@]}" flood eth0 "self>$BC" --until "$stop" --pace 4 & }
flood_y() { "${PKT[@]}" flood tap:t-y "$Y>$BC" --until "$stop" --pace 4 & }
stop_flood() { touch "$stop"; wait "$1"; rm -f "$stop"; }

flood_x; fpid=$!
leak=$(count_rx b 1 1 -- join_leave h-x br0)
ctrl=$(count_rx c 1 1 -- join_leave h-x br1)
stop_flood $fpid
echo "# veth join race: $leak frames leaked over $TRIES joins of guarded br0;" \
	"$ctrl crossed $TRIES joins of unguarded br1" >&2
expect_eq 0 "$leak" "race: a flooding veth joining guarded br0 $TRIES times leaks nothing"
[ "$ctrl" -gt 0 ] && ok "race: control: the same joins of unguarded br1 let $ctrl frames through" ||
	not_ok "race: control: the same joins of unguarded br1 let frames through (got $ctrl)"

flood_y; fpid=$!
wait_for grep -qx 1 /sys/class/net/t-y/carrier
leak=$(count_rx b 1 1 -- join_leave t-y br0)
ctrl=$(count_rx c 1 1 -- join_leave t-y br1)
stop_flood $fpid
echo "# tap join race: $leak frames leaked over $TRIES joins of guarded br0;" \
	"$ctrl crossed $TRIES joins of unguarded br1" >&2
expect_eq 0 "$leak" "race: a flooding tap joining guarded br0 $TRIES times leaks nothing"
[ "$ctrl" -gt 0 ] && ok "race: control: the same joins of unguarded br1 let $ctrl frames through" ||
	not_ok "race: control: the same joins of unguarded br1 let frames through (got $ctrl)"
expect_eq "" "$(in_quarantine)" "race: ports that left br0 are released"

