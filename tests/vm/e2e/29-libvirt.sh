#!/bin/bash
# libvirt: a real libvirtd 9.0 starts a domain of every kind of interface
# pmode guards, and pmode's hook (qemu.d/pmode, tools/libvirt) registers
# them all before QEMU exists; the agent registers a hot-plugged NIC and
# applies live metadata edits; a restarted libvirtd (the hook's reconnect)
# and a restarted agent put back what went missing; bad metadata fails the
# start and leaves nothing. Judged at the taps QEMU holds (what the host
# hands them to send the guest, after pmode's hook), and by a second hook
# after pmode's that records what pmode shows when QEMU is not running yet.
# One domain start (about 30 s under TCG) carries every interface.
#
#   domain pm1, paused, $U1:
#     $M1 bridge br0 ......... vnetA [br0] h-s -- eth0 [vm s]
#     $M2 network pmnet (br0)  vnetB [br0] h-w -- eth0 [vm w], unregistered
#     $M3 ethernet ........... pmeth0, on no bridge
#     $M4 direct (macvtap) ... macvtap0 ~ h-low -- eth0 [vm low]
#     $M5 OVS, tag 10 ........ vnetC [ovsbr0 tag 10] h-o -- eth0 [vm o]
#     $M6 hot-plugged, br0
. "$PMODE_TOP/tests/vm/lib.sh"
. "$PMODE_TOP/tests/vm/libvirt.sh"
load_pmode
start=$SECONDS
U1=28282828-0000-4000-8000-000000000001
M1=52:54:00:28:00:01 M2=52:54:00:28:00:02 M3=52:54:00:28:00:03
M4=52:54:00:28:00:04 M5=52:54:00:28:00:05 M6=52:54:00:28:00:06
S=02:00:00:00:28:0b F=52:54:00:28:00:99 V1=00:00:5e:00:01:07 V2=00:00:5e:00:01:08
hook=$top/tools/libvirt/pmode-libvirt-hook
agent=$top/tools/libvirt/pmode-libvirt-agent
agent_pid=
agent_start() {
	echo "+ pmode-libvirt-agent &" >&2
	"$agent" >>"$lv/agent.log" 2>&1 &
	agent_pid=$!
}
agent_stop() {
	[ -n "$agent_pid" ] || return 0
	kill "$agent_pid" 2>/dev/null
	wait "$agent_pid" 2>/dev/null
	agent_pid=
}
syslogd_pid=
on_exit() {
	# What the hook and agent said, for the log.
	{ echo "--- syslog"; cat "$lv.syslog"; echo "--- agent's standard error"
	  cat "$lv/agent.log"; } >&2 2>/dev/null
	agent_stop
	libvirt_cleanup
	[ -n "$syslogd_pid" ] && kill "$syslogd_pid" 2>/dev/null && rm -f /dev/log "$lv.syslog"
}
trap on_exit EXIT

# --- set-up: OVS, libvirtd with pmode's hook and the probe, the agent -------
echo "@ $((SECONDS - start)) s: set-up: OVS, libvirtd with pmode's hook and the probe, the agent" >&2
# The hook and agent log to syslog: a syslogd to read it.
busybox syslogd -n -O "$lv.syslog" &
syslogd_pid=$!
libvirt_prepare && ovs_start
result $? "libvirt: set-up: /etc/libvirt, users, Open vSwitch"
trap on_exit EXIT	# ovs_start's own has lib.sh's cleanup only
[ -x "$hook" ] && [ -x "$agent" ]
result $? "libvirt: set-up: the hook and the agent are built ($hook, $agent)"
run ln -s "$hook" "$hooks/pmode"
hook_probe zz-probe
mkbridge br0
veth_vm s $S br0
veth_vm w 02:00:00:00:28:0c br0
veth_vm low 02:00:00:00:28:0f -
veth_vm o 02:00:00:00:28:0e -
run ovs-vsctl add-br ovsbr0
run ovs-vsctl add-port ovsbr0 h-o tag=10
libvirtd_start
result $? "libvirt: set-up: libvirtd answers"
agent_start
cat >"$lv/pmnet.xml" <<EOF
<network><name>pmnet</name><forward mode='bridge'/><bridge name='br0'/></network>
EOF
run virsh net-create "$lv/pmnet.xml"
echo "set-up took $((SECONDS - start)) s" >&2

# domain_xml NAME UUID METADATA INTERFACES: a domain of no disk and no
# devices but its interfaces, hot-plug capable (ACPI).
domain_xml() {
	cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <features><acpi/></features>
  <metadata>$3</metadata>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    $4
  </devices>
</domain>
EOF
}
nic() {	# nic MAC TYPE SOURCE-AND-MORE: an <interface> of a virtio NIC
	echo "<interface type='$2'><mac address='$1'/>$3<model type='virtio'/></interface>"
}

# --- one start: every interface registered before QEMU runs ----------------
echo "@ $((SECONDS - start)) s: one start: every interface registered before QEMU runs" >&2
# The gate is disabled: $M1's promisc="on" is refused, and the guest starts
# all the same, promisc off.
meta="<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1' owner='1000'>
  <pmode:adapter mac='$M1' promisc='on'><pmode:allow mac='$V1'/></pmode:adapter>
  <pmode:adapter mac='$M3' owner='2000' network='7'/>
</pmode:adapters>"
domain_xml pm1 $U1 "$meta" "$(nic $M1 bridge "<source bridge='br0'/>")
	$(nic $M2 network "<source network='pmnet'/>")
	$(nic $M3 ethernet "<target dev='pmeth0'/>")
	$(nic $M4 direct "<source dev='h-low' mode='bridge'/>")
	$(nic $M5 bridge "<source bridge='ovsbr0'/><virtualport type='openvswitch'/><vlan><tag id='10'/></vlan>")" \
	>"$lv/pm1.xml"
t=$SECONDS
expect_exit 0 "libvirt: pm1 starts (virsh create --paused)" virsh create "$lv/pm1.xml" --paused
echo "pm1 started in $((SECONDS - t)) s" >&2
[ -n "$last_err" ] && libvirt_log
expect_eq "no qemu" "$(cat "$lv/pm1.start.qemu" 2>&1)" \
	"libvirt: at 'start begin', after pmode's hook, pm1's QEMU does not run yet"
expect_eq "['$M1', '$M2', '$M3', '$M4', '$M5']" \
	"$(jsonq "sorted(x['mac'] for x in a if x['vm'] == '$U1')" "$(cat "$lv/pm1.start.adapters.json" 2>&1)")" \
	"libvirt: ... and every interface of pm1 is registered already"
expect_eq "qemu" "$(pgrep -f "guest=pm1," >/dev/null && echo qemu)" \
	"libvirt: (the probe's test finds pm1's QEMU once it runs)"
taps=$(domain_taps pm1)
echo "$taps" >&2
tap() { awk -v m="$1" '$1 == m { print $2 }' <<<"$taps"; }
T1=$(tap $M1) T2=$(tap $M2) T4=$(tap $M4) T5=$(tap $M5)
# What pmode shows of each adapter, the keys that matter, a line each: one
# pmodectl and one Python for all (each takes seconds under a loaded TCG).
shown=$(json_get "'\\n'.join(join(x['mac'], *(x[k] for k in ('ifname', 'vm', 'owner', 'promisc', 'network', 'master', 'manager', 'allowed'))) for x in a)")
echo "$shown" >&2
show() { awk -v m="$1" '$1 == m { f = 1; sub(/^[^ ]+ /, ""); print } END { if (!f) print "none" }' <<<"$shown"; }
expect_eq "$T1 $U1 1000 False None br0 libvirt ['$V1']" "$(show $M1)" \
	"libvirt: bridge: the tap's adapter: VM id the UUID, owner, allowed MAC from the metadata; promisc refused (gate disabled), so off"
expect_eq "$T2 $U1 1000 False None br0 libvirt []" "$(show $M2)" \
	"libvirt: network: the tap's adapter, the domain's defaults"
expect_eq "pmeth0 $U1 2000 False 7 None libvirt []" "$(show $M3)" \
	"libvirt: ethernet: the tap's adapter, owner and network from its own element"
expect_eq "$T4 $U1 1000 False None h-low libvirt []" "$(show $M4)" \
	"libvirt: direct: the macvtap's adapter, on its lower device"
ovsnet=$(( 0x80000000 | ($(cat /sys/class/net/ovsbr0/ifindex) << 12) | 10 ))
expect_eq "$T5 $U1 1000 False $ovsnet ovs-system libvirt []" "$(show $M5)" \
	"libvirt: Open vSwitch: the tap's adapter, its network id made from its OVS bridge and tag"
expect_match "pmode-libvirt.*pm1.*$M1.*promisc" "$(cat "$lv.syslog" 2>&1)" \
	"libvirt: the refused promisc is logged, naming the domain and the interface"

# --- effect: only what is addressed to the VM reaches its taps --------------
echo "@ $((SECONDS - start)) s: effect: only what is addressed to the VM reaches its taps" >&2
got=$(count_rx w 1 1.5 -- send_from s --src $S --dst $F --count 3 --marker 1)
expect_eq 3 "$got" "libvirt: unicast for another MAC is flooded on br0: the unregistered w receives it"
got=$(count_rx dev:$T1 2 1.5 -- send_from s --src $S --dst $F --count 3 --marker 2)
expect_eq 0 "$got" "libvirt: ... pm1's tap on br0 does not"
got=$(count_rx dev:$T1 3 1.5 -- send_from s --src $S --dst $M1 --count 3 --marker 3)
expect_eq 3 "$got" "libvirt: frames to pm1's MAC reach its tap"
got=$(count_rx dev:$T5 4 1.5 -- send_from o --src 02:00:00:00:28:0e --dst $F --count 3 --marker 4)
expect_eq 0 "$got" "libvirt: Open vSwitch: unicast for another MAC does not reach pm1's OVS tap"
got=$(count_rx dev:$T5 5 1.5 -- send_from o --src 02:00:00:00:28:0e --dst $M5 --count 3 --marker 5)
expect_eq 3 "$got" "libvirt: Open vSwitch: ... frames to its MAC, flooded alike, do"

# --- the agent: a live metadata edit, a hot-plugged NIC ---------------------
echo "@ $((SECONDS - start)) s: the agent: a live metadata edit, a hot-plugged NIC" >&2
run "$PMODECTL" feature enable
run "$PMODECTL" user grant 1000
meta_live="<adapters owner='1000'><adapter mac='$M1' promisc='on'><allow mac='$V2'/></adapter><adapter mac='$M3' owner='2000' network='7'/></adapters>"
check "libvirt: virsh metadata --live: promisc on (now granted), another allowed MAC" \
	virsh metadata pm1 urn:pmode:libvirt:1 --key pmode --live --set "$meta_live"
wait_until 30 sh -c "'$PMODECTL' -j adapter show dev $T1 | grep -q '\"promisc\":true'"
expect_eq "True ['$V2']" "$(adapter_of $M1 "str(x['promisc']) + ' ' + str(x['allowed'])")" \
	"libvirt: the agent applies the live edit"
check "libvirt: a NIC hot-plugged (virsh attach-interface --live)" \
	virsh attach-interface pm1 bridge br0 --mac $M6 --model virtio --live
t=$(date +%s%N)
wait_until 30 sh -c "'$PMODECTL' -j adapter show | grep -q '$M6'"
echo "hot-plugged NIC registered $((($(date +%s%N) - t) / 1000000)) ms after attach-interface returned" >&2
expect_eq "$(tap_of pm1 $M6) $U1 1000" "$(adapter_of $M6 "' '.join(str(x[k]) for k in ('ifname', 'vm', 'owner'))")" \
	"libvirt: the agent registers the hot-plugged NIC"

# --- bad metadata: the start fails, saying why, and leaves nothing ---------
echo "@ $((SECONDS - start)) s: bad metadata: the start fails, saying why, and leaves nothing" >&2
# ports: the domains' taps and macvtaps there are.
ports() { ip -o link show | grep -Eo '^[0-9]+: (vnet|macvtap)[0-9]+' | cut -d' ' -f2 | sort | xargs echo; }
# bad NAME WHAT WANT METADATA NICS: a start that must fail.
bad() {
	local name=$1 what=$2 want=$3 left before
	domain_xml "$name" 28282828-0000-4000-8000-0000000000f0 "$4" "$5" >"$lv/$name.xml"
	before=$(ports)
	expect_exit 1 "libvirt: $what: the start fails" virsh create "$lv/$name.xml" --paused
	expect_match "$want" "$last_err" "libvirt: ... virsh prints the hook's message"
	left=$( { virsh domstate "$name" >/dev/null 2>&1 && echo -n "domain "
		[ "$(ports)" = "$before" ] || echo -n "ports $(ports) (were $before) "
		json_get "' '.join('adapter' for x in a if x['vm'].endswith('f0'))"; } 2>&1)
	expect_eq nothing "${left:-nothing}" "libvirt: ... and leaves no domain, tap or adapter"
}
tap_b=$(nic 52:54:00:28:00:f1 bridge "<source bridge='br0'/>")
bad pm2 "metadata naming a MAC no interface has" "pmode: pm2: .*$F" \
	"<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1'><pmode:adapter mac='$F'/></pmode:adapters>" "$tap_b"
bad pm3 "promisc='maybe'" "pmode: pm3: .*maybe" \
	"<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1'><pmode:adapter mac='52:54:00:28:00:f1' promisc='maybe'/></pmode:adapters>" "$tap_b"
bad pm4 "two promiscuous adapters of a VM on one bridge" "pmode: pm4: .*promisc" \
	"<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1' owner='1000'><pmode:adapter mac='52:54:00:28:00:f1' promisc='on'/><pmode:adapter mac='52:54:00:28:00:f2' promisc='on'/></pmode:adapters>" \
	"$tap_b $(nic 52:54:00:28:00:f2 bridge "<source bridge='br0'/>")"

# --- libvirtd restarts: the hook's reconnect puts back what went missing ----
echo "@ $((SECONDS - start)) s: libvirtd restarts: the hook's reconnect puts back what went missing" >&2
agent_stop
libvirtd_stop KILL
run "$PMODECTL" adapter del dev "$T1"
t=$SECONDS
libvirtd_start
echo "libvirtd restarted in $((SECONDS - t)) s" >&2
wait_until 30 sh -c "'$PMODECTL' -j adapter show dev $T1 | grep -q '\"promisc\":true'"
expect_eq "$T1 $U1 True ['$V2']" "$(adapter_of $M1 "' '.join(str(x[k]) for k in ('ifname', 'vm', 'promisc', 'allowed'))")" \
	"libvirt: restarted libvirtd (hook 'reconnect'): the adapter deleted meanwhile is back, as the live XML has it"
expect_eq paused "$(virsh domstate pm1 2>&1)" "libvirt: ... and pm1 runs on"
# The agent, started, brings a running domain in line.
run "$PMODECTL" adapter del dev pmeth0
agent_start
wait_until 30 sh -c "'$PMODECTL' -j adapter show dev pmeth0 | grep -q pmeth0"
expect_eq "pmeth0 $U1 2000 7" "$(adapter_of $M3 "' '.join(str(x[k]) for k in ('ifname', 'vm', 'owner', 'network'))")" \
	"libvirt: the agent, at its start: the adapter deleted while it was stopped is back"

# --- virsh destroy: the adapters go ----------------------------------------
echo "@ $((SECONDS - start)) s: virsh destroy: the adapters go" >&2
check "libvirt: virsh destroy pm1" virsh destroy pm1
wait_until 30 sh -c "! '$PMODECTL' -j adapter show | grep -q '$U1'"
expect_eq "[]" "$(json_get "[x['ifname'] for x in a if x['vm'] == '$U1']")" \
	"libvirt: pm1 destroyed, none of its adapters is left"
expect_eq "h-o ovsbr0" "$(ovs-vsctl list-ports ovsbr0 | xargs echo) $(ovs-vsctl list-br)" \
	"libvirt: ... and Open vSwitch has its port no more"
echo "file took $((SECONDS - start)) s" >&2
