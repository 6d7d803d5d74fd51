#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the VM, with real frames: forged sources dropped, the
# feature gate and grants, one promiscuous adapter per VM per network, a
# promiscuous VM still not seeing others' unicast, a guarded network whose
# unregistered VM port carries nothing, and a libvirt domain that comes up
# guarded with no command typed (README.md).
#
# Each step of the story says what must happen, and is checked: the frames
# counted, a command's exit status, a refusal's message, the state shown.
# A step that did not happen as told is named where it happens, with what
# was expected and what happened; the story goes on, and the last line
# lists those steps and the demo exits 1. When all happened, the checks
# print nothing but the last line, "demo: every step happened as told".
#
#   PMODE_DEMO_LOG=FILE     where the commands behind the story go (the
#                           "+ cmd" lines of tests/vm/lib.sh); default nowhere
#   PMODE_DEMO_BREAK=grant  the administrator does not give the grant: the
#                           demo must fail, naming the steps that then did
#                           not happen (tests/vm/e2e/00-demo.sh)
export PMODE_TOP=${PMODE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$PMODE_TOP/tests/vm/lib.sh" 2>/dev/null
# A real libvirtd, for the last scene: the demo runs again in a mount
# namespace of its own, where libvirt's directories are scratch.
. "$PMODE_TOP/tests/vm/libvirt.sh" 2>/dev/null
exec 2>>"${PMODE_DEMO_LOG:-/dev/null}"

# The last command shown: its exit status and what it printed.
rc=0 out=
steps=() missed=()
say() { printf '\n== %s\n' "$*"; }
show() { [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  /'; }
# pm ARGS...: root runs pmodectl. as UID ARGS...: user UID does.
pm() { printf '$ pmodectl %s\n' "$*"; out=$("$PMODECTL" "$@" 2>&1); rc=$?; show; }
as_uid() { setpriv --reuid "$1" --regid "$1" --clear-groups "${@:2}"; }
as() {
	printf '$ setpriv --reuid %s pmodectl %s\n' "$1" "${*:2}"
	out=$(as_uid "$1" "$PMODECTL" "${@:2}" 2>&1)
	rc=$?
	show
}
# frames FROM SRC TO MARKER [DST]: VM FROM sends 5 frames from SRC (to
# everyone, or DST); the count that reached VM TO is $got.
frames() {
	local dst=${5:-ff:ff:ff:ff:ff:ff}
	got=$(count_rx "$3" "$4" 1.5 -- send_from "$1" --src "$2" --dst "$dst" --count 5 --marker "$4")
	if [ "$dst" = ff:ff:ff:ff:ff:ff ]; then
		printf '  VM %s sends 5 frames from %s: %s of them reach VM %s\n' "$1" "$2" "$got" "$3"
	else
		printf '  VM %s sends 5 frames to %s (flooded by the bridge): %s reach VM %s\n' "$1" "$dst" "$got" "$3"
	fi
}

# The checks. told STEP STATUS EXPECTED HAPPENED: STEP happened as told if
# STATUS is 0; if not, say so, in the only lines a check prints.
told() {
	[[ " ${steps[*]} " == *" $1 "* ]] || steps+=("$1")
	[ "$2" = 0 ] && return 0
	[[ " ${missed[*]} " == *" $1 "* ]] || missed+=("$1")
	printf '  !! step "%s" did not happen as told\n' "$1"
	printf '     expected: %s\n     happened: %s\n' "$3" "$4"
}
# what_ran: the last command's exit status and the first line it printed.
what_ran() { printf 'exit status %s%s' "$rc" "${out:+, \"${out%%$'\n'*}\"}"; }
# succeeded STEP / refused STEP MESSAGE: the last command exited 0 / was
# refused (exit status 1) saying MESSAGE.
succeeded() { [ "$rc" = 0 ]; told "$1" $? "exit status 0" "$(what_ran)"; }
refused() {
	[ "$rc" = 1 ] && [[ $out == *"$2"* ]]
	told "$1" $? "exit status 1, \"pmodectl: ...$2...\"" "$(what_ran)"
}
# reached STEP N: N of the 5 frames reached the VM.
reached() { [ "$got" = "$2" ]; told "$1" $? "$2 of 5 frames" "${got:-none counted} of 5"; }
# shows STEP WHAT EXPR WANT [DEV]: EXPR (Python, over 'pmodectl -j -s
# adapter show [dev DEV]': a list of adapters, a) is WANT.
shows() {
	local v
	v=$("$PMODECTL" -j -s adapter show ${5:+dev "$5"} 2>&1 | jsonq "$3" 2>&1 | tail -n1)
	[ "$v" = "$4" ]
	told "$1" $? "$2: $4" "$v"
}
# can_run STEP UID...: each UID runs pmodectl (the users' steps need it);
# when one cannot, the first file it needs that the user cannot read, and
# the modes on its way.
can_run() {
	local uid f why
	for uid in "${@:2}"; do
		out=$(as_uid "$uid" "$PMODECTL" --version 2>&1)
		rc=$?
		why=
		if [ $rc != 0 ]; then
			for f in "$PMODECTL" $(ldd "$PMODECTL" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
				as_uid "$uid" test -r "$f" && continue
				why="; uid $uid cannot read $f: $(namei -mo "$f" | sed 1d | awk '{ printf "%s%s %s %s %s", s, $1, $2, $3, $4; s = ", " }')"
				break
			done
		fi
		[ $rc = 0 ]
		told "$1" $? "uid $uid runs pmodectl (exit status 0)" "$(what_ran)$why"
	done
}

say "A host with a bridge br0 and two VMs: lb, a load balancer with two adapters, run by uid 1000, and web, run by uid 2000."
# The story starts from a module just loaded: no feature, no grants.
rmmod pmode 2>/dev/null
load_pmode >/dev/null 2>&1
mkbridge br0 >/dev/null 2>&1
veth_vm lb 52:54:00:00:00:01 br0 >/dev/null 2>&1
veth_vm lb2 52:54:00:00:00:02 br0 >/dev/null 2>&1
veth_vm web 52:54:00:00:00:03 br0 >/dev/null 2>&1
can_run users 1000 2000
pm adapter add dev h-lb vm lb owner 1000
succeeded register
pm adapter add dev h-lb2 vm lb owner 1000
succeeded register
pm adapter add dev h-web vm web owner 2000
succeeded register
pm adapter show
shows register "three adapters, none promiscuous" \
	"sorted((x['ifname'], x['vm'], x['owner'], x['promisc']) for x in a)" \
	"[('h-lb', 'lb', 1000, False), ('h-lb2', 'lb', 1000, False), ('h-web', 'web', 2000, False)]"

say "By default an adapter may only use its own MAC: a forged source is dropped."
frames lb 52:54:00:00:00:01 web 1
reached own-mac 5
frames lb 52:54:00:00:00:99 web 2
reached forged 0
pm -s adapter show dev h-lb
shows forged "h-lb's forged-src counter" "a[0]['stats']['forged-src']" 5 h-lb

say "The load balancer's owner, uid 1000, wants promiscuous mode. Nobody has it yet."
as 1000 adapter set dev h-lb promisc on
refused gate "promiscuous mode is not enabled on this host"

say "The administrator enables the feature on this host and grants uid 1000."
pm feature enable
succeeded enable
if [ "${PMODE_DEMO_BREAK:-}" = grant ]; then
	printf '$ pmodectl user grant 1000\n  (not run: PMODE_DEMO_BREAK=grant)\n'
else
	pm user grant 1000
	succeeded grant
fi
pm user show
users=${out//$'\n'/ }
grep -qx 1000 <<<"$out"
told grant $? "'user show' lists 1000" "'user show' printed ${users:-nothing}"

say "Now the owner turns promiscuous mode on for its adapter."
as 1000 adapter set dev h-lb promisc on
succeeded promisc-on
frames lb 52:54:00:00:00:99 web 3
reached promisc-on 5

say "Promiscuous mode is once per VM per network: lb's second adapter on br0 is refused."
as 1000 adapter set dev h-lb2 promisc on
refused one-per-network "VM lb already has promisc on in this network, on h-lb"

say "Another user, uid 2000, may not: it holds no grant (and does not own lb)."
as 2000 adapter set dev h-web promisc on
refused no-grant "uid 2000 lacks the promisc grant"
as 2000 adapter set dev h-lb promisc off
refused not-owner "adapter h-lb belongs to uid 1000, not to uid 2000"

say "Even promiscuous, lb cannot watch others: web's unicast to another MAC never reaches it."
frames web 52:54:00:00:00:03 lb 4 52:54:00:00:00:77
reached no-snooping 0
shows no-snooping "h-lb's foreign-dst counter (they reached its port)" "a[0]['stats']['foreign-dst']" 5 h-lb

say "The administrator guards br0: from now on a VM port nobody registered carries nothing."
pm network guard dev br0
succeeded guard
veth_vm new 52:54:00:00:00:04 br0 >/dev/null 2>&1
echo "  (a new VM, 'new', gets a port h-new on br0; nobody registers it yet)"
frames new 52:54:00:00:00:04 web 5
reached quarantined 0
pm network show
[[ $out == *h-new* ]]
told quarantined $? "'network show' lists h-new as quarantined" "$(what_ran)"
pm adapter add dev h-new vm new
succeeded released
frames new 52:54:00:00:00:04 web 6
reached released 5

say "With libvirt, nobody types a command: pmode's hook registers a domain's interfaces before QEMU runs."
# libvirtd, with pmode's hook where the package puts it.
{ libvirt_prepare && ln -s "$top/tools/libvirt/pmode-libvirt-hook" "$hooks/pmode" &&
	libvirtd_start; } >/dev/null 2>&1
UUID=6d656d6f-0000-4000-8000-000000000001
cat >/tmp/shop.xml <<XML
<domain type='qemu'>
  <name>shop</name>
  <uuid>$UUID</uuid>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <metadata>
    <pmode:adapters xmlns:pmode="urn:pmode:libvirt:1" owner="2000"/>
  </metadata>
  <devices>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <interface type='bridge'>
      <mac address='52:54:00:00:00:05'/><source bridge='br0'/><model type='virtio'/>
    </interface>
  </devices>
</domain>
XML
echo "  (a domain 'shop', owned by uid 2000 in its metadata, with one NIC on br0)"
printf '$ virsh create shop.xml\n'
out=$(virsh create /tmp/shop.xml --paused 2>&1)
rc=$?
show
succeeded libvirt-start
shop_tap=$(tap_of shop 52:54:00:00:00:05)
pm adapter show vm $UUID
shows libvirt-start "shop's adapter, registered by the hook" \
	"[(x['ifname'] == '${shop_tap:-?}', x['mac'], x['owner'], x['manager']) for x in a if x['vm'] == '$UUID']" \
	"[(True, '52:54:00:00:00:05', 2000, 'libvirt')]"
got=$(count_rx "dev:${shop_tap:-none}" 7 1.5 -- send_from web --src 52:54:00:00:00:03 --dst 52:54:00:00:00:77 --count 5 --marker 7)
printf '  VM web sends 5 frames to 52:54:00:00:00:77 (flooded by the bridge): %s reach shop\n' "$got"
reached libvirt-guarded 0
got=$(count_rx "dev:${shop_tap:-none}" 8 1.5 -- send_from web --src 52:54:00:00:00:03 --dst 52:54:00:00:00:05 --count 5 --marker 8)
printf '  VM web sends 5 frames to shop, 52:54:00:00:00:05: %s reach shop\n' "$got"
reached libvirt-guarded 5
printf '$ virsh destroy shop\n'
out=$(virsh destroy shop 2>&1)
rc=$?
show
succeeded libvirt-destroy
shows libvirt-destroy "shop's adapters once it is gone" "[x['ifname'] for x in a if x['vm'] == '$UUID']" "[]"

# The story grows with the product: each new feature goes here as a scene:
# say what happens, run it with pm or as, and check each outcome under a
# step name of its own (succeeded, refused, reached, shows);
# tests/vm/e2e/00-demo.sh counts the steps.

say "The state, as JSON for agents:"
# README: pmodectl -j -p adapter show
pm -j -p -s adapter show dev h-lb
shows state "the promiscuous adapters" "sorted(x['ifname'] for x in a if x['promisc'])" "['h-lb']"
shows state "the MACs h-lb learned" "a[0]['learned']" "['52:54:00:00:00:99']" h-lb

echo
if [ ${#missed[@]} -eq 0 ]; then
	echo "demo: every step happened as told"
else
	echo "demo: ${#missed[@]} of ${#steps[@]} steps did not happen as told: ${missed[*]}"
	exit 1
fi
