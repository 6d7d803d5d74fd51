#!/bin/bash
# At most one promiscuous adapter per VM per network.
#
#   vm x: h-x1 on br0, h-x2 on br0, h-x3 on br1, h-x4 unbridged with network 7,
#         h-x5 on br1 with network 7
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
mkbridge br1
for i in 1 2 3 4 5; do
	br=br0
	[ $i -ge 3 ] && br=br1
	[ $i = 4 ] && br=-
	veth_vm x$i 02:00:00:00:01:0$i $br
done
check "one-per-vm: register five adapters of VM vm-x" bash -c "
	$PMODECTL adapter add dev h-x1 vm vm-x &&
	$PMODECTL adapter add dev h-x2 vm vm-x &&
	$PMODECTL adapter add dev h-x3 vm vm-x &&
	$PMODECTL adapter add dev h-x4 vm vm-x network 7 &&
	$PMODECTL adapter add dev h-x5 vm vm-x network 7"
run pmodectl feature enable
run pmodectl user grant 0

check "one-per-vm: promisc on the first adapter on br0" pmodectl adapter set dev h-x1 promisc on
expect_exit 1 "one-per-vm: a second adapter of the VM on br0 is refused" pmodectl adapter set dev h-x2 promisc on
expect_match "h-x1" "$last_err" "one-per-vm: the refusal names the adapter holding it (h-x1)"
expect_eq "['h-x1']" "$(promisc_ports)" "one-per-vm: the refusal changed nothing"
check "one-per-vm: another network (br1) may have its own" pmodectl adapter set dev h-x3 promisc on
check "one-per-vm: explicit network 7 may have its own" pmodectl adapter set dev h-x4 promisc on
expect_exit 1 "one-per-vm: network 7 is one network, whatever the bridge" pmodectl adapter set dev h-x5 promisc on
expect_match "h-x4" "$last_err" "one-per-vm: ... and the refusal names h-x4"
check "one-per-vm: another VM on br0 may have its own" bash -c "
	$PMODECTL adapter del dev h-x2 && $PMODECTL adapter add dev h-x2 vm vm-y &&
	$PMODECTL adapter set dev h-x2 promisc on"
expect_eq "['h-x1', 'h-x2', 'h-x3', 'h-x4']" "$(promisc_ports)" "one-per-vm: four adapters hold promisc"
check "one-per-vm: after turning the holder off, another may" bash -c "
	$PMODECTL adapter set dev h-x4 promisc off && $PMODECTL adapter set dev h-x5 promisc on"
check "one-per-vm: disabling the feature" pmodectl feature disable
expect_eq "[]" "$(promisc_ports)" "one-per-vm: disabling the feature turned every flag off"
