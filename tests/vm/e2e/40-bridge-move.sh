#!/bin/bash
# A port moved to another bridge keeps the one-per-VM-per-network rule:
# the kernel refuses the move that would break it.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
mkbridge br1
mkbridge br2
veth_vm p1 02:00:00:00:02:01 br0
veth_vm p2 02:00:00:00:02:02 br1
run pmodectl adapter add dev h-p1 vm vm-p
run pmodectl adapter add dev h-p2 vm vm-p
run pmodectl feature enable
run pmodectl user grant 0
check "bridge-move: promisc on h-p1 (br0) and h-p2 (br1)" bash -c "
	$PMODECTL adapter set dev h-p1 promisc on && $PMODECTL adapter set dev h-p2 promisc on"
expect_exit 2 "bridge-move: moving h-p2 onto br0 is refused by the kernel" ip link set dev h-p2 master br0
expect_match "pmode: .*h-p1" "$last_err" "bridge-move: ip prints pmode's message naming h-p1"
expect_eq "True" "$(json_get "[x for x in a if x['ifname'] == 'h-p2'][0]['promisc']")" \
	"bridge-move: h-p2 keeps promisc after the refusal"
check "bridge-move: moving h-p2 to an empty bridge br2 works" ip link set dev h-p2 master br2
expect_eq "br2" "$(json_get "[x for x in a if x['ifname'] == 'h-p2'][0]['master']")" \
	"bridge-move: show reports the new master"
check "bridge-move: a non-promisc adapter moves freely" bash -c "
	$PMODECTL adapter set dev h-p2 promisc off && ip link set dev h-p2 master br0"
expect_exit 1 "bridge-move: ...but cannot then turn promisc on beside h-p1" pmodectl adapter set dev h-p2 promisc on
