#!/bin/bash
# Open vSwitch ports. OVS's kernel datapath takes a port's frames in its
# rx_handler, after netfilter ingress, and sends with dev_queue_xmit(),
# which runs netfilter egress: pmode judges an OVS port as any other. But
# every OVS port's master is the one ovs-system datapath of all OVS bridges
# and VLANs: as a network it would join what OVS keeps apart, so promisc
# there takes an explicit network id. What an integration registers
# carries its manager, which 'pmodectl save' leaves out. Guarding
# ovs-system quarantines unregistered VM ports on every OVS bridge.
#
#   tap:t-a (vm-o) --+
#                    +- ob0 (OVS) -- h-v -- eth0 [vm v]
#   tap:t-c          |
#   tap:t-b (vm-o) ----- ob1 (OVS)
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=02:00:00:00:26:0a B=02:00:00:00:26:0b C=02:00:00:00:26:0c V=02:00:00:00:26:0f
F=02:00:00:00:26:99
ovs_start || tap_bail "ovsdb-server and ovs-vswitchd start in the VM"
run ovs-vsctl add-br ob0
run ovs-vsctl add-br ob1
links+=(ob0 ob1)
tap_vm a -
tap_vm b -
veth_vm v $V -
run ovs-vsctl add-port ob0 t-a
run ovs-vsctl add-port ob1 t-b
run ovs-vsctl add-port ob0 h-v

check "ovs: an adapter on an OVS port" pmodectl adapter add dev t-a vm vm-o mac $A
# OVS forwards a flow's first frames through ovs-vswitchd (an upcall), which
# on a loaded host can take seconds: the counts wait longer than on a
# bridge (W), after a frame each way has set the flows up.
W=4
# ovs_warm RX SENDER...: send one frame (marker 9) until RX has one, for up
# to ten tries: the flow is then in the datapath, and stays there (flows
# idle for ten minutes before they expire, not ten seconds).
ovs_warm() {
	local rx=$1 i
	shift
	for i in $(seq 10); do
		[[ $(count_rx "$rx" 9 2 -- "$@" --count 1 --marker 9) =~ ^[1-9] ]] && return 0
	done
	echo "ovs_warm: no frame reached $rx" >&2
}
run ovs-vsctl set Open_vSwitch . other_config:max-idle=600000
ovs_warm v "${PKT[@]}" send tap:t-a --src $A --dst $V
ovs_warm tap:t-a send_from v --src $V --dst $A
expect_eq ovs-system "$(json_get "a[0]['master']")" "ovs: its master is the datapath device"
got=$(count_rx v 1 $W -- "${PKT[@]}" send tap:t-a --src $A --dst $V --count 4 --marker 1)
expect_eq 4 "$got" "ovs: the VM's genuine frames cross the OVS bridge"
if [ "$got" != 4 ]; then
	{ ovs-appctl dpctl/dump-flows; ovs-ofctl dump-ports ob0; ip -s link show t-a; ip -s link show h-v
	  ovs-vsctl show; tail -n 30 "$OVS_LOGDIR/ovs-vswitchd.log"; } >&2 2>&1
fi
got=$(count_rx v 2 $W -- "${PKT[@]}" send tap:t-a --src $F --dst $V --count 4 --marker 2)
expect_eq 0 "$got" "ovs: forged frames do not"
got=$(count_rx tap:t-a 3 $W -- send_from v --src $V --dst $F --count 3 --marker 3)
expect_eq 0 "$got" "ovs: unicast for another MAC, flooded by OVS, does not reach the VM"
got=$(count_rx tap:t-a 4 $W -- send_from v --src $V --dst $A --count 3 --marker 4)
expect_eq 3 "$got" "ovs: unicast for the VM's MAC does"

run "$PMODECTL" feature enable
run "$PMODECTL" user grant 0
expect_exit 1 "ovs: promisc on an OVS port without a network id is refused" \
	pmodectl adapter set dev t-a promisc on
expect_match "t-a: on OVS, promisc needs the adapter re-added with 'network ID'" \
	"$last_err" "ovs: the refusal says what to give"
expect_eq "[]" "$(promisc_ports)" "ovs: the flag stayed off"
run "$PMODECTL" adapter del dev t-a
check "ovs: registered again with the network id of ob0" \
	pmodectl adapter add dev t-a vm vm-o mac $A network 1
check "ovs: now promisc goes on" pmodectl adapter set dev t-a promisc on
check "ovs: the same VM on another OVS bridge, network 2" \
	pmodectl adapter add dev t-b vm vm-o mac $B network 2
check "ovs: has promisc too: OVS bridges are not one network" \
	pmodectl adapter set dev t-b promisc on
expect_eq "['t-a', 't-b']" "$(promisc_ports)" "ovs: both promiscuous"

# A promiscuous adapter without a network id is not let into OVS: the
# datapath's link is refused before it happens.
tap_vm c -
check "ovs: a promiscuous adapter on a port with no master" \
	pmodectl adapter add dev t-c vm vm-c mac $C
check "ovs: promisc on, with no network id" pmodectl adapter set dev t-c promisc on
run ovs-vsctl add-port ob0 t-c
master=$(ip -o link show dev t-c | grep -o 'master [^ ]*')
expect_eq "" "$master" "ovs: OVS could not take the promiscuous port without a network id"
expect_eq True "$(json_get "[x['promisc'] for x in a if x['ifname'] == 't-c'][0]")" \
	"ovs: and its adapter kept promisc"
grep -h "t-c" "$OVS_LOGDIR/ovs-vswitchd.log" >&2
run ovs-vsctl --if-exists del-port ob0 t-c

# The manager: shown, checked, and left out of save.
run "$PMODECTL" adapter del dev t-c
check "manager: an adapter registered for libvirt" \
	pmodectl adapter add dev t-c vm vm-c mac $C manager libvirt
expect_eq libvirt "$(json_get "[x['manager'] for x in a if x['ifname'] == 't-c'][0]")" \
	"manager: adapter show names it"
expect_eq None "$(json_get "[x['manager'] for x in a if x['ifname'] == 't-a'][0]")" \
	"manager: null for an adapter without"
expect_match "manager: libvirt" "$("$PMODECTL" adapter show dev t-c)" \
	"manager: the text says it under the row"
saved=$("$PMODECTL" save)
echo "$saved" >&2
expect_eq "# t-c: registered by libvirt, which does it again" "$(echo "$saved" | grep t-c)" \
	"manager: save leaves it out, with a comment"
expect_match "adapter add dev t-a vm vm-o mac $A network 1" "$saved" \
	"manager: and saves the others"
run "$PMODECTL" adapter del dev t-c
expect_exit 1 "manager: a name with a space is refused" \
	pmodectl adapter add dev t-c vm vm-c mac $C manager "lib virt"
expect_match "a manager's name is printable ASCII, no space \(byte 0x20 at 3\)" "$last_err" \
	"manager: the message names the byte"
expect_exit 1 "manager: 16 bytes are refused" \
	pmodectl adapter add dev t-c vm vm-c mac $C manager 0123456789abcdef
expect_match "a manager's name is 1 to 15 bytes long" "$last_err" "manager: the message says the limit"
expect_eq "[]" "$(json_get "[x for x in a if x['ifname'] == 't-c']")" \
	"manager: nothing registered by the refused requests"

# Guarding ovs-system guards every OVS bridge: an unregistered VM port
# added to any carries nothing until registered; an OVS port itself cannot
# be guarded, and neither the internal port nor a registered VM port is
# touched. VM v's veth is a VM port too: registered first.
check "ovs guard: v's port registered" pmodectl adapter add dev h-v vm vm-v network 1
check "ovs guard: ovs-system, every OVS bridge at once" pmodectl network guard dev ovs-system
expect_exit 1 "ovs guard: one OVS port is refused" pmodectl network guard dev t-a
expect_match "an Open vSwitch port: the kernel cannot tell OVS bridges apart; guard ovs-system" \
	"$last_err" "ovs guard: the refusal says what to guard"
tap_vm d -
D=02:00:00:00:26:0d
run ovs-vsctl add-port ob0 t-d
got=$(count_rx v 6 $W -- "${PKT[@]}" send tap:t-d --src $D --dst $V --count 4 --marker 6)
expect_eq 0 "$got" "ovs guard: a new, unregistered VM port on ob0 carries nothing out"
got=$(count_rx tap:t-d 7 $W -- send_from v --src $V --dst $D --count 3 --marker 7)
expect_eq 0 "$got" "ovs guard: nor in"
expect_match "t-d" "$("$PMODECTL" network show)" "ovs guard: network show lists it as quarantined"
got=$(count_rx v 8 $W -- "${PKT[@]}" send tap:t-a --src $A --dst $V --count 4 --marker 8)
expect_eq 4 "$got" "ovs guard: the registered VM on ob0 still talks"
check "ovs guard: registering the port" pmodectl adapter add dev t-d vm vm-d mac $D network 1
ovs_warm v "${PKT[@]}" send tap:t-d --src $D --dst $V
got=$(count_rx v 9 $W -- "${PKT[@]}" send tap:t-d --src $D --dst $V --count 4 --marker 9)
expect_eq 4 "$got" "ovs guard: lifts its quarantine"
check "ovs guard: unguard" pmodectl network unguard dev ovs-system
