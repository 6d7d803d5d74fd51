#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lifecycle VM's work, as PID 1 in the scratch Debian root the host
# installed pmode's packages into (tests/lifecycle/run.sh). No systemd: the
# module is loaded and the configuration restored by the same commands
# pmode-restore.service runs. TAP lines go to /root/lifecycle/STAGE.tap.
#
#   guest.sh save      load pmode from DKMS's tree, register two adapters,
#                      enable the gate and grant root, save the
#                      configuration where the restore unit reads it; run
#                      pmode-libvirt's hook as libvirtd does
#   guest.sh restore   after a kernel upgrade: the unit's ExecStartPre and
#                      ExecStart bring it all back; a forged frame is
#                      dropped and a genuine one passes
stage=$1
dir=/root/lifecycle
exec >"$dir/$stage.log" 2>&1
: >"$dir/$stage.tap"
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
PS4='+ $SECONDS: '
set -x

# The TAP writer and the JSON helper, copied here by the host.
# shellcheck source=tests/lib/tap.sh
. "$dir/tap.sh"
TAP_OUT=$dir/$stage.tap
jsonq() { python3 "$dir/jsonq.py" "$@"; }
done_() { sync; echo o >/proc/sysrq-trigger; sleep 10; }
trap done_ EXIT

kver=$(uname -r)
A=02:00:00:00:00:0a F=02:00:00:00:00:99
unit=/lib/systemd/system/pmode-restore.service
batch=$(sed -n 's/^ConditionPathExists=//p' "$unit")

# The module, as the unit loads it (ExecStartPre: modprobe pmode), from
# DKMS's tree.
# README: sudo modprobe pmode
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
$pre
file=$(modinfo -F filename pmode)
result "$([ -d /sys/module/pmode ] && [[ $file == /lib/modules/$kver/updates/dkms/pmode.ko* ]] && echo 0)" \
	"'$pre' loads pmode $(cat /sys/module/pmode/version) from $file"

# The VMs' ports: two veth pairs on a bridge, the VM ends in namespaces.
ip link add br0 type bridge
ip link set br0 up
for v in a b; do
	ip netns add vm-$v
	ip link add h-$v type veth peer eth0 netns vm-$v
	ip -n vm-$v link set eth0 address 02:00:00:00:00:0$v
	ip -n vm-$v link set eth0 up
	ip link set h-$v master br0
	ip link set h-$v up
done

# adapters_now: the adapters as 'pmodectl -j adapter show' prints them, without
# what a boot changes (interface indexes, counters).
adapters_now() {
	pmodectl -j adapter show |
		jsonq "json.dumps(sorted(({k: v for k, v in x.items() if k not in ('ifindex', 'stats')}
					   for x in a), key=lambda x: x['ifname']), sort_keys=True)"
}

if [ "$stage" = save ]; then
	pmodectl feature enable &&
		pmodectl user grant 0 &&
		pmodectl adapter add dev h-a vm vm-a &&
		pmodectl adapter add dev h-b vm vm-b &&
		pmodectl adapter set dev h-b promisc on
	result $? "pmodectl registers two adapters, enables the gate, grants root promiscuous mode"
	adapters_now >"$dir/adapters.json"
	# README: pmodectl save > /etc/pmode/pmode.batch
	pmodectl save >"$batch"
	result "$([ -s "$batch" ] && [ "$(grep -c 'adapter add' "$batch")" = 2 ] && echo 0)" \
		"pmodectl save > $batch ($(wc -l <"$batch") lines)"
	# pmode-libvirt's hook, run as libvirtd runs it for a domain's
	# start and release: the tap registered for the domain, then gone.
	hook=/etc/libvirt/hooks/qemu.d/pmode
	uuid=5f0c3a52-8d4e-4f3e-9a51-0d2c3b4a5e6f
	modprobe tun
	ip tuntap add dev vnet9 mode tap && ip link set vnet9 master br0
	xml="<domain type='qemu'><name>lc</name><uuid>$uuid</uuid><devices>
	  <interface type='bridge'><mac address='52:54:00:00:00:09'/><source bridge='br0'/>
	  <target dev='vnet9'/></interface></devices></domain>"
	echo "$xml" | "$hook" lc start begin -
	rc=$?
	got=$(pmodectl -j adapter show dev vnet9 | jsonq "' '.join(str(a[0][k]) for k in ('vm', 'mac', 'manager'))")
	started=$([ $rc = 0 ] && [ "$got" = "$uuid 52:54:00:00:00:09 libvirt" ] && echo 0)
	result "$started" "pmode-libvirt's hook, on a domain's start, registers its tap (exit $rc: $got)"
	echo "$xml" | "$hook" lc release end -
	rc=$?
	got=$(pmodectl -j adapter show | jsonq "[x['ifname'] for x in a if x['vm'] == '$uuid']")
	result "$([ "$started" = 0 ] && [ $rc = 0 ] && [ "$got" = "[]" ] && echo 0)" \
		"pmode-libvirt's hook, on its release, removes the adapter it registered (exit $rc: $got)"
	ip link del vnet9
	exit
fi

# restore: the unit's command.
start=$(sed -n 's/^ExecStart=//p' "$unit")
$start
result $? "the restore unit's '$start' succeeds"
adapters_now >"$dir/adapters-restored.json"
result "$(cmp "$dir/adapters.json" "$dir/adapters-restored.json" && echo 0)" \
	"'pmodectl -j adapter show' is what it was on the 6.1 boot ($(jsonq "', '.join('%s %s promisc %s' % (x['ifname'], x['mac'], x['promisc']) for x in a)" <"$dir/adapters-restored.json"))"
pmodectl save >/tmp/saved
result "$(cmp "$batch" /tmp/saved && echo 0)" "pmodectl save prints the saved batch again (gate, grants, adapters)"

# Frames from VM a (its adapter not promiscuous): genuine and forged
# sources, broadcast, counted where the bridge delivers them locally.
pkt=(python3 "$dir/pkt.py")
for m in 1 2; do
	"${pkt[@]}" recv br0 --marker $m --timeout 120 --ready /tmp/ready$m --until /tmp/stop >/tmp/count$m &
done
for m in 1 2; do
	for _ in $(seq 600); do [ -e /tmp/ready$m ] && break; sleep 0.1; done
done
ip netns exec vm-a "${pkt[@]}" send eth0 --src "$A" --count 3 --marker 1
ip netns exec vm-a "${pkt[@]}" send eth0 --src "$F" --count 3 --marker 2
sleep 2
touch /tmp/stop
wait
forged=$(pmodectl -j -s adapter show dev h-a | jsonq "a[0]['stats']['forged-src']")
result "$([ "$(cat /tmp/count1)" = 3 ] && [ "$(cat /tmp/count2)" = 0 ] && [ "$forged" = 3 ] && echo 0)" \
	"of VM a's frames, 3 genuine pass ($(cat /tmp/count1) seen) and 3 forged are dropped ($(cat /tmp/count2) seen, forged-src $forged)"
