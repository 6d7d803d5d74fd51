#!/bin/bash
# The libvirt qemu hook against the real module, called as libvirtd calls
# it (arguments, the live XML on stdin, an empty environment), without a
# libvirtd: what each operation leaves in the kernel, all or nothing on
# start, idempotence, replacing a reused port's adapter, promisc refused
# by the gate (the guest starts) and by the one-per-VM rule (it does not),
# release, and the XML handed back on migrate. With a real libvirtd and
# QEMU: the libvirt files of this directory.
#
#   t-a, t-b: taps on br0; mvt0: a macvtap on d0 (type='direct')
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
HOOK=$top/tools/libvirt/pmode-libvirt-hook
UUID=3f2a1b7c-0000-4000-8000-0000000000a1
M1=52:54:00:00:00:a1 M2=52:54:00:00:00:a2 M3=52:54:00:00:00:a3
VRRP1=00:00:5e:00:01:07 VRRP2=00:00:5e:00:01:08
mkbridge br0
tap_vm a br0
tap_vm b br0
run modprobe macvtap
run ip link add d0 type dummy
links+=(d0)
run ip link add link d0 name mvt0 address $M3 type macvtap mode bridge
links+=(mvt0)
run ip link set d0 up

# iface TYPE MAC DEV: an <interface> of the live XML.
iface() {
	local src="<source bridge='br0'/>"
	[ "$1" = direct ] && src="<source dev='d0' mode='bridge'/>"
	echo "<interface type='$1'><mac address='$2'/>$src<target dev='$3'/><model type='virtio'/><alias name='net-$3'/></interface>"
}
# domain METADATA IFACE...: the domain's live XML.
domain() {
	local meta=$1
	shift
	printf "<domain type='kvm' id='3'><name>web1</name><uuid>%s</uuid>" "$UUID"
	[ -n "$meta" ] && printf '<metadata>%s</metadata>' "$meta"
	printf '<devices>%s</devices></domain>\n' "$*"
}
# hook OP SUB XML: run the hook as libvirtd does; its stderr in $hook_err.
hook_err=
hook() {
	local rc
	echo "+ libvirt-hook web1 $1 $2 -" >&2
	hook_err=$(env -i "$HOOK" web1 "$1" "$2" - <<<"$3" 2>&1 >"$tmp/hook.out")
	rc=$?
	echo "$hook_err" >&2
	return $rc
}
tmp=$(mktemp -d)
# vm_adapters EXPR: EXPR over the list of the domain's adapters (bound to v).
vm_adapters() {
	"$PMODECTL" -j adapter show vm "$UUID" | jsonq "(lambda v: $1)(a)"
}

META="<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1' owner='1000'>
<pmode:adapter mac='$M1' promisc='on'><pmode:allow mac='$VRRP1'/></pmode:adapter>
</pmode:adapters>"
XML=$(domain "$META" "$(iface bridge $M1 t-a)" "$(iface bridge $M2 t-b)" "$(iface direct $M3 mvt0)")

# start begin, the gate disabled: registered all the same, promisc off.
check "libvirt hook: start begin succeeds with the feature gate disabled" hook start begin "$XML"
expect_match "promisc stays off: promiscuous mode is not enabled" "$hook_err" \
	"libvirt hook: ... saying why promisc stays off"
expect_eq "[('t-a', '$M1', 1000, 'libvirt', False, ['$VRRP1']), ('t-b', '$M2', 1000, 'libvirt', False, []), ('mvt0', '$M3', 1000, 'libvirt', False, [])]" \
	"$(vm_adapters "sorted(((x['ifname'], x['mac'], x['owner'], x['manager'], x['promisc'], x['allowed']) for x in v), key=lambda t: {'t-a': 0, 't-b': 1, 'mvt0': 2}[t[0]])")" \
	"libvirt hook: every interface registered: VM id, MAC, owner, manager, allowed MACs; promisc off"

# The gate and a grant: reconnect puts promisc on, as the owner.
run "$PMODECTL" feature enable
run "$PMODECTL" user grant 1000
check "libvirt hook: reconnect begin succeeds" hook reconnect begin "$XML"
expect_eq "['t-a']" "$(vm_adapters "sorted(x['ifname'] for x in v if x['promisc'])")" \
	"libvirt hook: reconnect turned promisc on where the metadata asks"

# Again: nothing changes, nothing fails (an adapter that is there is no error).
check "libvirt hook: start begin again succeeds" hook start begin "$XML"
expect_eq "3 ['t-a'] 1" \
	"$(vm_adapters "join(len(v), sorted(x['ifname'] for x in v if x['promisc']), sum(len(x['allowed']) for x in v))")" \
	"libvirt hook: ... and leaves the adapters as they were"

# A metadata edit: another allowed MAC, another owner for t-b, promisc off.
META2="<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1' owner='1000'>
<pmode:adapter mac='$M1'><pmode:allow mac='$VRRP2'/></pmode:adapter>
<pmode:adapter mac='$M2' owner='1001'/></pmode:adapters>"
XML2=$(domain "$META2" "$(iface bridge $M1 t-a)" "$(iface bridge $M2 t-b)" "$(iface direct $M3 mvt0)")
check "libvirt hook: reconnect with changed metadata succeeds" hook reconnect begin "$XML2"
expect_eq "[('t-a', 1000, False, ['$VRRP2']), ('t-b', 1001, False, []), ('mvt0', 1000, False, [])]" \
	"$(vm_adapters "sorted(((x['ifname'], x['owner'], x['promisc'], x['allowed']) for x in v), key=lambda t: {'t-a': 0, 't-b': 1, 'mvt0': 2}[t[0]])")" \
	"libvirt hook: ... allowed MACs, owner and promisc follow the metadata"

# A reused port: t-b holds another VM's adapter; the start replaces it.
run "$PMODECTL" adapter del dev t-b
run "$PMODECTL" adapter add dev t-b vm other-vm mac 52:54:00:00:00:ee
check "libvirt hook: start begin on a port another VM's adapter holds succeeds" hook start begin "$XML"
expect_eq "$UUID $M2 libvirt" \
	"$("$PMODECTL" -j adapter show dev t-b | jsonq "join(a[0]['vm'], a[0]['mac'], a[0]['manager'])")" \
	"libvirt hook: ... and the port's adapter is the domain's now"

# release end: the domain's adapters go, whatever its metadata says now.
BAD="<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1' owner='nosuchuser'/>"
check "libvirt hook: release end succeeds" hook release end \
	"$(domain "$BAD" "$(iface bridge $M1 t-a)" "$(iface bridge $M2 t-b)" "$(iface direct $M3 mvt0)")"
expect_eq 0 "$(vm_adapters "len(v)")" "libvirt hook: ... and removes every adapter of the domain"

# A port that is not there: the start fails, naming it, and leaves nothing.
XML3=$(domain "$META" "$(iface bridge $M1 t-a)" "$(iface bridge $M2 t-b)" "$(iface bridge 52:54:00:00:00:a4 t-gone)")
hook start begin "$XML3"
expect_eq 1 $? "libvirt hook: start begin with a port that does not exist fails"
expect_match "^pmode: web1: interface 52:54:00:00:00:a4 \(t-gone\): .*the domain is not started" "$hook_err" \
	"libvirt hook: ... saying which interface and why"
expect_eq 0 "$(vm_adapters "len(v)")" "libvirt hook: ... and the adapters it had added are gone"

# reconnect with the same port missing: the others are applied, exit 0.
check "libvirt hook: reconnect begin with a port that does not exist succeeds" hook reconnect begin "$XML3"
expect_eq "['t-a', 't-b']" "$(vm_adapters "sorted(x['ifname'] for x in v)")" \
	"libvirt hook: ... and registers the ports that are there"
hook release end "$XML3"

# Two promisc adapters of the VM on br0: the one-per-VM rule fails the start.
META4="<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1' owner='1000'>
<pmode:adapter mac='$M1' promisc='on'/><pmode:adapter mac='$M2' promisc='on'/></pmode:adapters>"
hook start begin "$(domain "$META4" "$(iface bridge $M1 t-a)" "$(iface bridge $M2 t-b)")"
expect_eq 1 $? "libvirt hook: two promisc adapters on one network fail the start"
expect_match "^pmode: web1: interface $M2 \(t-b\): " "$hook_err" "libvirt hook: ... naming the second"
expect_eq 0 "$(vm_adapters "len(v)")" "libvirt hook: ... leaving no adapter"

# Bad metadata: the start fails before anything is registered.
hook start begin "$(domain "<pmode:adapters xmlns:pmode='urn:pmode:libvirt:1'><pmode:adapter mac='$M1' promisc='yes'/></pmode:adapters>" "$(iface bridge $M1 t-a)")"
expect_eq 1 $? "libvirt hook: bad metadata fails the start"
expect_match '^pmode: web1: metadata: promisc="yes"' "$hook_err" "libvirt hook: ... saying what is wrong"
expect_eq 0 "$(vm_adapters "len(v)")" "libvirt hook: ... leaving no adapter"

# No metadata: every interface with the defaults.
check "libvirt hook: start begin without metadata succeeds" hook start begin \
	"$(domain "" "$(iface bridge $M1 t-a)" "$(iface direct $M3 mvt0)")"
expect_eq "[('mvt0', None, False), ('t-a', None, False)]" \
	"$(vm_adapters "sorted((x['ifname'], x['owner'], x['promisc']) for x in v)")" \
	"libvirt hook: ... registers every interface, no owner, promisc off"

# The other calls: migrate hands the XML back unchanged; others do nothing.
echo "$XML" >"$tmp/want"
hook migrate begin "$XML" && cmp -s "$tmp/hook.out" "$tmp/want"
expect_eq 0 $? "libvirt hook: migrate begin prints the XML unchanged"
hook release end "$XML"
check "libvirt hook: prepare begin succeeds" hook prepare begin "$XML"
expect_eq 0 "$(vm_adapters "len(v)")" "libvirt hook: ... and registers nothing"
rm -rf "$tmp"
tap_status
