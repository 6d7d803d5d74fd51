#!/bin/bash
# Who may change promisc: gate x grant x ownership x privilege x acting user,
# pmodectl run as root and as unprivileged users (setpriv); a refusal
# changes nothing.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm o1 02:00:00:00:05:01 br0
veth_vm o2 02:00:00:00:05:02 br0
run pmodectl adapter add dev h-o1 vm vm-1 owner 1000
run pmodectl adapter add dev h-o2 vm vm-2 owner 2000
as() { local uid=$1; shift; setpriv --reuid "$uid" --regid "$uid" --clear-groups "$@"; }
# Every event of the file, for the refusals said to listeners (at the end).
mon=$(mktemp)
"$PMODECTL" -j monitor >"$mon" 2>&1 &
mon_pid=$!
sleep 1

# An agent (root) asking promisc for the owner while the gate is off: the
# refusal is an event too (after the users' below, which are not).
expect_exit 1 "perm: gate off: an agent acting for the owner is refused" \
	pmodectl adapter set dev h-o1 promisc on as 1000
expect_match "not enabled" "$last_err" "perm: ... because the feature is not enabled"

expect_exit 0 "perm: an ordinary user may list adapters" as 1000 "$PMODECTL" adapter show
expect_exit 0 "perm: ... and the feature gate" as 1000 "$PMODECTL" feature show
expect_exit 0 "perm: ... and the grants" as 1000 "$PMODECTL" user show
expect_exit 1 "perm: gate off: the owner is refused" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on
expect_match "not enabled" "$last_err" "perm: ... because the feature is not enabled"
expect_exit 1 "perm: a user cannot enable the feature" as 1000 "$PMODECTL" feature enable
expect_match "CAP_NET_ADMIN" "$last_err" "perm: ... it needs CAP_NET_ADMIN"
check "perm: root enables the feature" pmodectl feature enable
expect_exit 1 "perm: a user cannot grant itself" as 1000 "$PMODECTL" user grant 1000
expect_exit 1 "perm: gate on, no grant: the owner is refused" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on
expect_match "uid 1000 lacks the promisc grant" "$last_err" "perm: ... because uid 1000 holds no grant"
# README: pmodectl user grant 1000
check "perm: root grants uid 1000" pmodectl user grant 1000
expect_exit 1 "perm: granted, but not the owner of h-o2" as 1000 "$PMODECTL" adapter set dev h-o2 promisc on
expect_match "belongs to uid 2000" "$last_err" "perm: ... the adapter belongs to uid 2000"
expect_exit 1 "perm: a user cannot act for another" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on as 2000
expect_match "CAP_NET_ADMIN" "$last_err" "perm: ... only CAP_NET_ADMIN may"
expect_exit 1 "perm: a user cannot change an adapter's MAC" as 1000 "$PMODECTL" adapter set dev h-o1 mac 02:00:00:00:05:09
expect_exit 1 "perm: a user cannot register adapters" as 1000 "$PMODECTL" adapter add dev h-o2 vm vm-x
expect_match "CAP_NET_ADMIN" "$last_err" "perm: ... it needs CAP_NET_ADMIN"
expect_exit 1 "perm: a user cannot remove adapters" as 1000 "$PMODECTL" adapter del dev h-o1
expect_eq "[]" "$(promisc_ports)" "perm: no refusal changed a flag"
# README: pmodectl adapter set dev tap0 promisc on
check "perm: the granted owner turns promisc on" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on
expect_exit 1 "perm: root without a grant is refused, even for its own call" pmodectl adapter set dev h-o2 promisc on
expect_exit 1 "perm: root acting for an ungranted user is refused" pmodectl adapter set dev h-o2 promisc on as 2000
check "perm: root acting for a granted user may (agent)" pmodectl adapter set dev h-o2 promisc on as 1000
check "perm: revoking the grant" pmodectl user revoke 1000
expect_eq "['h-o1', 'h-o2']" "$(promisc_ports)" "perm: revoking leaves flags as they are"
# Off only takes away: the owner needs no grant, and no gate, for it.
expect_exit 1 "perm: a user cannot turn off another's adapter" as 1000 "$PMODECTL" adapter set dev h-o2 promisc off
expect_match "belongs to uid 2000" "$last_err" "perm: ... it belongs to uid 2000"
check "perm: the owner turns promisc off after the revocation" as 1000 "$PMODECTL" adapter set dev h-o1 promisc off
expect_exit 1 "perm: ... but cannot turn it on again" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on
expect_match "uid 1000 lacks the promisc grant" "$last_err" "perm: ... for lack of the grant"
check "perm: an owner who never held a grant turns its adapter off" as 2000 "$PMODECTL" adapter set dev h-o2 promisc off
expect_eq "[]" "$(promisc_ports)" "perm: both flags are off"
# A container: its own user and network namespaces, root inside. The
# control: pmodectl runs there and reads the gate (unshare itself failing
# would exit 1 too); each refusal is the kernel's, saying why.
container() { unshare --user --map-root-user --net "$PMODECTL" "$@"; }
expect_exit 0 "perm: root in a user namespace runs pmodectl and reads the gate" container feature show
expect_exit 1 "perm: root in a user namespace cannot enable the host's feature" container feature disable
expect_match "^pmodectl: changing the feature gate needs CAP_NET_ADMIN in the initial user namespace" \
	"$last_err" "perm: ... the kernel refused it for want of CAP_NET_ADMIN in the initial user namespace"
expect_exit 1 "perm: ... nor grant" container user grant 0
expect_match "^pmodectl: changing grants needs CAP_NET_ADMIN in the initial user namespace" \
	"$last_err" "perm: ... refused by the kernel for the same reason"
expect_eq "True" "$(pmodectl -j feature show | jsonq "a['enabled']")" \
	"perm: the feature is still enabled"

# The refusals said to listeners: an agent's (CAP_NET_ADMIN) promisc on,
# refused by the gate or a grant, as an adapter-set with reason
# promisc-refused, who asked and for whom; none of the users' refusals.
refused() {
	jsonq -l "'; '.join(join(e['adapter']['ifname'], e['by_uid'], e['as_uid'], e['adapter']['promisc'])
		   for e in a if e.get('adapter', {}).get('reason') == 'promisc-refused')" <"$mon"
}
wait_for test "$(grep -c promisc-refused "$mon")" -ge 3
kill "$mon_pid"
wait "$mon_pid" 2>/dev/null
expect_eq "h-o1 0 1000 False; h-o2 0 None False; h-o2 0 2000 False" "$(refused)" \
	"perm: monitor: the agent's three refused promisc requests are events (gate; no grant; for an ungranted user), the users' refusals are not"
rm -f "$mon"
