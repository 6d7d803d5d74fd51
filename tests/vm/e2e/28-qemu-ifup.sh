#!/bin/bash
# Plain QEMU: -netdev tap's script= is tools/qemu-ifup (installed as
# /usr/lib/pmode/qemu-ifup), which registers the tap from PMODE_VM and
# PMODE_MAC in QEMU's environment before the guest runs, or makes QEMU
# refuse to start. Judged at the tap QEMU holds: what the host hands it to
# send the guest (a packet socket on it sees that after pmode's hook).
#
#   QEMU (paused) == qt0 [br0] h-s -- eth0 [vm s 02:..:0b]
#                 == qt1 [br0] h-w -- eth0 [vm w 02:..:0c], unregistered
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
run modprobe tun
mkbridge br0
veth_vm s 02:00:00:00:28:0b br0
veth_vm w 02:00:00:00:28:0c br0
S=02:00:00:00:28:0b M0=52:54:00:28:01:01 M1=52:54:00:28:01:02 F=52:54:00:28:01:99
dir=$(mktemp -d)
pids=()
qemu_cleanup() {
	local p
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$dir"
	cleanup
}
trap qemu_cleanup EXIT

# The script, through a pmodectl that first notes how the tap stands: the
# tap must be on its bridge and down when it is registered.
cat >"$dir/pmodectl" <<EOF
#!/bin/sh
ip -o link show dev "\$4" >>"$dir/at-add"
exec "$PMODECTL" "\$@"
EOF
chmod +x "$dir/pmodectl"

# qemu NAME [VAR=VALUE...] -- IFNAME=MAC...: a paused QEMU with a virtio NIC
# on a tap IFNAME for each IFNAME=MAC, its environment's PMODE_* only those
# given, daemonized (QEMU returns once its netdevs are up, or failed); its
# pid in $dir/NAME.pid.
qemu() {
	local name=$1 nic i=0 env=() args=()
	shift
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	for nic in "$@"; do
		args+=(-netdev "tap,id=n$i,ifname=${nic%=*},script=$top/tools/qemu-ifup,downscript=no"
		       -device "virtio-net-pci,netdev=n$i,mac=${nic#*=}")
		i=$((i + 1))
	done
	env -u PMODE_VM -u PMODE_MAC -u PMODE_OWNER -u PMODE_NETWORK -u PMODE_BRIDGE \
		"${env[@]}" qemu-system-x86_64 -S -nodefaults -display none -m 64 "${args[@]}" \
		-daemonize -pidfile "$dir/$name.pid"
}

# --- a VM of two NICs starts guarded ----------------------------------------
start=$SECONDS
# README: PMODE_VM=3f2a-vm PMODE_MAC=52:54:00:12:34:56 PMODE_BRIDGE=br0 qemu-system-x86_64 ... -netdev tap,id=n0,script=/usr/lib/pmode/qemu-ifup,downscript=no -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56
expect_exit 0 "qemu-ifup: QEMU starts with the script" \
	qemu q PMODE_VM=vm-q PMODE_MAC=$M0 PMODE_MAC_qt1=$M1 PMODE_OWNER=1000 PMODE_NETWORK=9 PMODE_BRIDGE=br0 \
	PMODECTL="$dir/pmodectl" -- qt0=$M0 qt1=$M1
echo "QEMU started in $((SECONDS - start)) s" >&2
[ -s "$dir/q.pid" ] && pids+=("$(cat "$dir/q.pid")")
expect_eq "qt0 vm-q $M0 1000 9 br0 qemu False" \
	"$(json_get "' '.join(str(x[k]) for x in a if x['ifname'] == 'qt0' for k in ('ifname', 'vm', 'mac', 'owner', 'network', 'master', 'manager', 'promisc'))")" \
	"qemu-ifup: qt0 registered: VM id, MAC, owner, network, bridge, manager qemu, promisc off"
expect_eq "qt1 $M1" "$(json_get "' '.join(x['ifname'] + ' ' + x['mac'] for x in a if x['ifname'] == 'qt1')")" \
	"qemu-ifup: qt1 registered with PMODE_MAC_qt1's MAC"
expect_eq 2 "$(grep -c 'master br0' "$dir/at-add")" \
	"qemu-ifup: each tap was on its bridge when registered"
expect_eq 0 "$(grep -c '[<,]UP[,>]' "$dir/at-add")" \
	"qemu-ifup: ... and down: it comes up registered"
expect_match '[<,]UP[,>]' "$(ip -o link show dev qt0)" "qemu-ifup: qt0 is up afterwards"

# What the bridge floods (a unicast for a MAC it has not learned) reaches the
# unregistered w, and not the VM; a frame to the VM's MAC does.
got=$(count_rx w 1 1.5 -- send_from s --src $S --dst $F --count 3 --marker 1)
expect_eq 3 "$got" "qemu-ifup: unicast for another MAC is flooded: the unregistered w receives it"
got=$(count_rx dev:qt0 2 1.5 -- send_from s --src $S --dst $F --count 3 --marker 2)
expect_eq 0 "$got" "qemu-ifup: ... the VM's tap does not"
got=$(count_rx dev:qt0 3 1.5 -- send_from s --src $S --dst $M0 --count 3 --marker 3)
expect_eq 3 "$got" "qemu-ifup: frames to the VM's MAC reach its tap"

# --- refusals: QEMU does not start, and leaves nothing ----------------------
# refused NAME WHAT WANT VAR=VALUE...: QEMU with that environment and a NIC
# on tap qt9 exits non-zero printing WANT, and no QEMU, tap or adapter is
# left.
refused() {
	local name=$1 what=$2 want=$3
	shift 3
	expect_exit 1 "qemu-ifup: $what: QEMU refuses to start" \
		qemu "$name" "$@" PMODECTL="$PMODECTL" -- qt9=$M1
	expect_match "$want" "$last_err" "qemu-ifup: ... saying why"
	[ -s "$dir/$name.pid" ] && pids+=("$(cat "$dir/$name.pid")")
	local left
	left=$( { [ -s "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")"; } 2>/dev/null && echo -n "qemu ";
		ip link show dev qt9 >/dev/null 2>&1 && echo -n "tap ";
		json_get "' '.join('adapter' for x in a if x['ifname'] == 'qt9')")
	expect_eq "nothing" "${left:-nothing}" \
		"qemu-ifup: ... and leaves no QEMU, tap or adapter"
}
refused r1 "without PMODE_VM" "qemu-ifup: qt9: PMODE_VM is not set: set it in QEMU's environment" \
	PMODE_MAC=$M1 PMODE_BRIDGE=br0
refused r2 "without PMODE_MAC" "qemu-ifup: qt9: PMODE_MAC is not set" \
	PMODE_VM=vm-r PMODE_BRIDGE=br0
refused r3 "a multicast MAC" "qemu-ifup: qt9: not registered with pmode" \
	PMODE_VM=vm-r PMODE_MAC=01:00:5e:00:00:01 PMODE_BRIDGE=br0
expect_match "^pmodectl: .*multicast" "$last_err" "qemu-ifup: ... after pmodectl's own reason"
refused r4 "a bridge that does not exist" "qemu-ifup: qt9: cannot join bridge 'nosuchbr'" \
	PMODE_VM=vm-r PMODE_MAC=$M1 PMODE_BRIDGE=nosuchbr

# --- QEMU exits: the adapters go with its taps ------------------------------
run kill "$(cat "$dir/q.pid")"
wait_for sh -c "! ip link show dev qt0 && ! ip link show dev qt1"
expect_eq "[]" "$(json_get "[x['ifname'] for x in a]")" "qemu-ifup: QEMU gone, its adapters are too"
