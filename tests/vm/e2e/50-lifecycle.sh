#!/bin/bash
# An adapter follows its port: deletion, namespace moves and namespace
# deletion take it away; each namespace sees only its own.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm l1 02:00:00:00:03:01 br0
veth_vm l2 02:00:00:00:03:02 br0
veth_vm l3 02:00:00:00:03:03 br0
run pmodectl adapter add dev h-l1 vm vm-l
run pmodectl adapter add dev h-l2 vm vm-l
run pmodectl adapter add dev h-l3 vm vm-l
names() { json_get "sorted(x['ifname'] for x in a)"; }
expect_eq "['h-l1', 'h-l2', 'h-l3']" "$(names)" "lifecycle: three adapters"
check "lifecycle: ip link del h-l1" ip link del h-l1
expect_eq "['h-l2', 'h-l3']" "$(names)" "lifecycle: a deleted port's adapter is gone"
check "lifecycle: delete VM l2's namespace (its veth pair goes)" ip netns del l2-$$
wait_for bash -c "! ip link show h-l2"
expect_eq "['h-l3']" "$(names)" "lifecycle: the namespace's end took the adapter"
run ip netns add other-$$
netns+=(other-$$)
mon=$(mktemp)
"$PMODECTL" monitor >"$mon" &
mon_pid=$!
sleep 0.5
check "lifecycle: move h-l3 (a bridge port) to another namespace" ip link set h-l3 netns other-$$
expect_eq "[]" "$(names)" "lifecycle: a port moved away loses its adapter"
sleep 0.5
kill $mon_pid
expect_eq "adapter-del port-moved" "$(awk '{ for (i = 1; i < NF; i++) if ($i == "reason") r = $(i + 1); print $1, r }' "$mon")" \
	"lifecycle: the move is reported once, as a removal"
check "lifecycle: register it in the other namespace" pmodectl -n other-$$ adapter add dev h-l3 vm vm-l
expect_eq "h-l3" "$("$PMODECTL" -n other-$$ -j adapter show | jsonq "a[0]['ifname']")" \
	"lifecycle: the other namespace sees its adapter"
expect_eq "[]" "$(names)" "lifecycle: ...which this namespace does not see"
check "lifecycle: delete the other namespace" ip netns del other-$$
