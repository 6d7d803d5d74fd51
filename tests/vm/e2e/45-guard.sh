#!/bin/bash
# Guarded networks: an unregistered VM port on a guarded bridge (or on a
# guarded macvtap lower device) carries nothing, from before its first
# frame, until it is registered. Judged at receivers, with the same frames
# from the same kind of port on an unguarded bridge as the positive control.
#
# (The race of a flooding port joining a guarded bridge: 44-guard-race.sh.)
#
#   eth0[vm x] -- h-x --(joins, leaves)--+-- [br0, guarded] -- h-b -- eth0[vm b]
#   (process) tap:t-y --(joins, leaves)--+
#   vx0[vm up] ~VXLAN~ vx-up ~ vx-up.7 (VLAN) -+   bond-g (no slaves) -+
#   the same joins on [br1, unguarded] -- h-c -- eth0[vm c]
#   (process) macvtap:mvt0 -- mvt0 ~ h-lw [guarded lower] -- eth0[vm lw]
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
mkbridge br1
veth_vm b 02:00:00:00:00:0b br0
veth_vm c 02:00:00:00:00:0c br1
veth_vm x 02:00:00:00:00:0e -
tap_vm y -
B=02:00:00:00:00:0b X=02:00:00:00:00:0e Y=02:00:00:00:00:0f F=02:00:00:00:00:99
BC=ff:ff:ff:ff:ff:ff
run pmodectl adapter add dev h-b vm vm-b
run pmodectl adapter add dev h-c vm vm-c

# in_quarantine [NETWORK]: the quarantined ports (of NETWORK), from show's
# text rows "NETWORK PORT DROPPED", sorted, one space apart.
in_quarantine() {
	"$PMODECTL" network show ${1:+dev "$1"} | awk 'NR > 1 && $2 != "-" { print $2 }' |
		sort | xargs echo
}
mon=$(mktemp)
"$PMODECTL" monitor >"$mon" 2>&1 &
monpid=$!
sleep 1

# --- bad input and permissions -------------------------------------------
expect_exit 2 "guard: no device is a usage error" pmodectl network guard
expect_exit 1 "guard: an unknown device is refused" pmodectl network guard dev nosuch0
expect_match "no device nosuch0" "$last_err" "guard: ... and the message names it"
expect_exit 1 "guard: the loopback is refused" pmodectl network guard dev lo
expect_match "not an Ethernet device" "$last_err" "guard: ... as not Ethernet"
expect_exit 1 "guard: a VM's port is refused" pmodectl network guard dev t-y
expect_match "a VM's port; guard the bridge" "$last_err" "guard: ... saying what to guard"
expect_exit 1 "unguard: a device not guarded is refused" pmodectl network unguard dev br0
expect_match "br0 is not guarded" "$last_err" "unguard: ... saying so"
as() { local uid=$1; shift; setpriv --reuid "$uid" --regid "$uid" --clear-groups "$@"; }
expect_exit 1 "guard: uid 1000 is refused" as 1000 "$PMODECTL" network guard dev br0
expect_match "needs CAP_NET_ADMIN" "$last_err" "guard: ... the refusal says what it takes"
expect_exit 0 "guard: uid 1000 may list guarded networks" as 1000 "$PMODECTL" network show
# README: pmodectl network guard dev br0
check "guard: br0" pmodectl network guard dev br0
expect_exit 1 "guard: a second time is refused" pmodectl network guard dev br0
expect_match "already guarded" "$last_err" "guard: ... as already guarded"
expect_exit 1 "unguard: uid 1000 is refused" as 1000 "$PMODECTL" network unguard dev br0
expect_eq "['br0']" "$("$PMODECTL" -j network show | jsonq "[n['ifname'] for n in a]")" \
	"guard: show lists br0"

stop=$(mktemp -u)
# A paced flood from x (10 ms of rest every 4 frames), for the unload below.
flood_x() { in_vm x "${PKT[@]}" flood eth0 "self>$BC" --until "$stop" --pace 4 & }
stop_flood() { touch "$stop"; wait "$1"; rm -f "$stop"; }


# --- quarantine, registration, unregistration -----------------------------
run ip link set h-x master br0
run ip link set t-y master br0
expect_eq "h-x t-y" "$(in_quarantine br0)" "quarantine: both ports on br0 are listed"
both_send() {	# the veth's VM and the tap's each send 5 frames to b
	send_from x --src $X --dst $B --count 5 --marker 2
	"${PKT[@]}" send tap:t-y --src $Y --dst $BC --count 5 --marker 2
}
got=$(count_rx b 2 1 -- both_send)
expect_eq 0 "$got" "quarantine: neither the veth's nor the tap's frames reach b"
got=$(count_rx tap:t-y 4 1 -- send_from b --src $B --dst $BC --count 3 --marker 4)
expect_eq 0 "$got" "quarantine: nothing is delivered to the tap's VM either"
# README: pmodectl network show
dropped=$("$PMODECTL" network show | awk 'NR > 1 { n += $3 } END { print n + 0 }')
[ "$dropped" -ge 13 ] && ok "quarantine: the drops are counted ($dropped)" ||
	not_ok "quarantine: the drops are counted (got $dropped, wanted >= 13)"
expect_eq "['h-x', 't-y']" \
	"$("$PMODECTL" -j network show | jsonq "[p['ifname'] for p in a[0]['quarantined'] if p['stats']['quarantined'] > 0]")" \
	"quarantine: show's JSON lists both, each with its drops"

check "register: adapter add on the quarantined veth" pmodectl adapter add dev h-x vm vm-x
got=$(count_rx b 5 1 -- send_from x --src $X --dst $B --count 5 --marker 5)
expect_eq 5 "$got" "register: the VM's genuine frames now pass"
got=$(count_rx b 6 1 -- send_from x --src $F --dst $B --count 5 --marker 6)
expect_eq 0 "$got" "register: forged frames are still dropped"
expect_eq "t-y" "$(in_quarantine)" "register: only the tap is left in quarantine"
check "unregister: adapter del" pmodectl adapter del dev h-x
got=$(count_rx b 7 1 -- send_from x --src $X --dst $B --count 5 --marker 7)
expect_eq 0 "$got" "unregister: the port is quarantined again"

# --- ports that are not VM ports ------------------------------------------
# The uplink: a VXLAN device (a tunnel, no VM's kind of port) with a VLAN
# device on it on br0; its far end is netns up, over veth h-up, which is on
# no bridge. (A veth below the VLAN device would be a VM's port on br0.)
veth_vm up 02:00:00:00:00:0a -
run ip addr add 10.0.45.1/24 dev h-up
run ip -n "up-$$" addr add 10.0.45.2/24 dev eth0
run ip link add vx-up type vxlan id 45 local 10.0.45.1 remote 10.0.45.2 dstport 4789 dev h-up
links+=(vx-up)
run ip link set vx-up up
run ip -n "up-$$" link add vx0 address 02:00:00:00:00:1f type vxlan id 45 \
	local 10.0.45.2 remote 10.0.45.1 dstport 4789 dev eth0
run ip -n "up-$$" link set vx0 up
run ip link add link vx-up name vx-up.7 type vlan id 7
links+=(vx-up.7)
run ip link set vx-up.7 master br0
run ip link set vx-up.7 up
run modprobe bonding
run ip link add bond-g type bond
links+=(bond-g)
run ip link set bond-g master br0
expect_eq "h-x t-y" "$(in_quarantine)" "uplinks: a VLAN device and a bond on br0 are not quarantined"
got=$(count_rx b 8 1 -- in_vm up "${PKT[@]}" send vx0 --src 02:00:00:00:00:1f --dst $B \
	--vlan 8100:7 --count 4 --marker 8)
expect_eq 4 "$got" "uplinks: frames through the VLAN uplink reach b"

# --- guarding a bridge with ports on it -----------------------------------
run ip link set h-x nomaster
run ip link set h-x master br1
out=$(pmodectl network guard dev br1)
echo "$out" >&2
expect_match "^br1 +h-x +0" "$out" "guard later: the reply lists the port it quarantined"
got=$(count_rx c 10 1 -- send_from x --src $X --dst $BC --count 3 --marker 10)
expect_eq 0 "$got" "guard later: after it, nothing of x reaches c"
expect_eq "['h-c']" "$(json_get "[x['ifname'] for x in a if x['master'] == 'br1']")" \
	"guard later: c's adapter is untouched"
check "unguard: br1" pmodectl network unguard dev br1
got=$(count_rx c 11 1 -- send_from x --src $X --dst $BC --count 3 --marker 11)
expect_eq 3 "$got" "unguard: x reaches c again"

# --- macvtap on a guarded lower device ------------------------------------
veth_vm lw 02:00:00:00:00:1a -
check "macvtap: guard the lower device h-lw" pmodectl network guard dev h-lw
expect_exit 2 "macvtap: a plain macvlan on it is refused" \
	ip link add link h-lw name mvl0 type macvlan mode bridge
expect_match "h-lw is guarded: no macvlan on h-lw; use a macvtap" "$last_err" \
	"macvtap: ... with a message"
M=02:00:00:00:00:2a
run ip link add link h-lw name mvt0 address $M type macvtap mode bridge
links+=(mvt0)
run ip link set mvt0 up
expect_eq "mvt0" "$(in_quarantine h-lw)" "macvtap: a new macvtap is quarantined"
got=$(count_rx lw 12 1 -- "${PKT[@]}" send macvtap:mvt0 --src $M --dst $BC --count 4 --marker 12)
expect_eq 0 "$got" "macvtap: its VM's frames do not leave"
run pmodectl adapter add dev mvt0 vm vm-m
got=$(count_rx lw 13 1 -- "${PKT[@]}" send macvtap:mvt0 --src $M --dst $BC --count 4 --marker 13)
expect_eq 4 "$got" "macvtap: registered, its VM's frames leave"
# On a VLAN device of the guarded lower device, the same: the macvtap's
# frames go down through it.
run ip link add link h-lw name h-lw.5 type vlan id 5
links+=(h-lw.5)
run ip link set h-lw.5 up
expect_exit 2 "macvtap: a plain macvlan on its VLAN device is refused" \
	ip link add link h-lw.5 name mvl5 type macvlan mode bridge
expect_match "h-lw is guarded: no macvlan on h-lw.5; use a macvtap" "$last_err" \
	"macvtap: ... naming the guarded device"
M5=02:00:00:00:00:2b
run ip link add link h-lw.5 name mvt5 address $M5 type macvtap mode bridge
links+=(mvt5)
run ip link set mvt5 up
expect_eq "mvt5" "$(in_quarantine h-lw)" "macvtap: a new macvtap on its VLAN device is quarantined"
got=$(count_rx lw 14 1 -- "${PKT[@]}" send macvtap:mvt5 --src $M5 --dst $BC --count 4 --marker 14)
expect_eq 0 "$got" "macvtap: its VM's frames do not leave"
run pmodectl adapter add dev mvt5 vm vm-m5
got=$(count_rx lw 15 1 -- "${PKT[@]}" send macvtap:mvt5 --src $M5 --dst $BC --count 4 --marker 15)
expect_eq 4 "$got" "macvtap: registered, its VM's frames leave, tagged (the control)"
run pmodectl adapter del dev mvt5
run pmodectl network unguard dev h-lw
expect_eq "" "$(in_quarantine h-lw)" "macvtap: unguarded, nothing quarantined"
check "macvtap: guarding h-lw again" pmodectl network guard dev h-lw
expect_eq "mvt5" "$(in_quarantine h-lw)" "macvtap: guarding quarantines the macvtap on its VLAN device at once"
run pmodectl network unguard dev h-lw
run ip link add link h-lw name mvl1 type macvlan mode bridge
links+=(mvl1)
expect_exit 1 "macvtap: a lower device with a plain macvlan cannot be guarded" \
	pmodectl network guard dev h-lw
expect_match "mvl1 on it is a macvlan" "$last_err" "macvtap: ... the message names it"

# --- events, deletion, unload ---------------------------------------------
run ip link del br0
expect_eq "" "$("$PMODECTL" network show | awk 'NR > 1')" \
	"delete: a deleted bridge's guard and quarantines go"
kill "$monpid"
wait "$monpid" 2>/dev/null
cat "$mon" >&2
events=$(cat "$mon")
expect_match "^quarantine-new dev h-x network br0 dropped 0 reason network-changed by uid 0" "$events" \
	"monitor: a port joining a guarded bridge is reported quarantined"
expect_match "^quarantine-del dev h-x network br0 dropped [1-9][0-9]* reason registered" "$events" \
	"monitor: registration is reported as releasing it, with its drops"
expect_match "^quarantine-new dev h-x network br0 dropped 0 reason unregistered" "$events" \
	"monitor: unregistration is reported as quarantining it again"
expect_match "^guard-del network br0 reason port-deleted" "$events" \
	"monitor: the deleted bridge's guard is reported gone"
rm -f "$mon"

mkbridge br2
run ip link set h-x nomaster
run ip link set h-x master br2
run pmodectl network guard dev br2
flood_x; fpid=$!
sleep 1
check "unload: rmmod with a quarantine under a flood" rmmod pmode
stop_flood $fpid
load_pmode
expect_eq "" "$("$PMODECTL" network show | awk 'NR > 1')" \
	"unload: loading again starts with no guard"
