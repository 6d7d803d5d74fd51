#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end tests. Sourced by each tests/vm/e2e/*.sh, which
# runs as root inside the test VM in a subshell of its own. Results are TAP
# lines on stdout; everything else (each command run, as "+ cmd") goes to
# stderr, which the harness keeps in the file's log.
set -u

top=${PMODE_TOP:?}
# shellcheck source=tests/lib/tap.sh
. "$top/tests/lib/tap.sh"
PKT=(/usr/bin/python3 "$top/tests/vm/pkt.py")
PMODECTL=$top/tools/pmodectl
# The module built for the kernel the VM runs (tests/vm/guest.sh).
PMODE_KO=${PMODE_KO:-$top/kmod/pmode.ko}
netns=()
links=()

cleanup() {
	local ns l
	for l in "${links[@]}"; do ip link del "$l" 2>/dev/null; done
	for ns in "${netns[@]}"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT

# run CMD...: echo and run a command, its output to the log.
run() { echo "+ $*" >&2; "$@" >&2; }

# pmodectl ARGS...: the tool, echoed to the log; output left to the caller.
pmodectl() { echo "+ pmodectl $*" >&2; "$PMODECTL" "$@"; }

# expect_exit STATUS DESCRIPTION CMD...: ok if CMD exits STATUS; its stderr
# is kept in $last_err for further checks.
last_err=
expect_exit() {
	local want=$1 desc=$2 rc
	shift 2
	echo "+ $*" >&2
	last_err=$("$@" 2>&1 >/dev/null)
	rc=$?
	echo "$last_err" >&2
	if [ "$rc" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, wanted $want: $last_err)"
	fi
}

load_pmode() {
	lsmod | grep -q '^pmode ' || run insmod "$PMODE_KO"
}

# wait_for CMD...: poll until CMD succeeds, for up to 10 s.
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_ready FILE [REGEX [PID]]: wait until a process started in the
# background says it is ready: FILE exists (and has a line matching REGEX).
# A Python process (pyroute2, pkt.py) can take tens of seconds to start in
# the emulated CPU of a loaded host, more on 6.12 than on 6.1: a wait for
# one has to allow for minutes (here 5), where wait_for's 10 s only suit
# the kernel acting on a request. With PID, the wait ends (failed) as soon
# as that process has exited.
wait_ready() {
	local i
	for i in $(seq 3000); do
		[ -e "$1" ] && { [ -z "${2:-}" ] || grep -Eq -- "$2" "$1"; } && return 0
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
		sleep 0.1
	done
	return 1
}

# mkbridge NAME: a bridge that forwards tagged frames (no VLAN filtering) and
# floods unknown unicast, with ageing short enough for tests.
mkbridge() {
	run ip link add "$1" type bridge vlan_filtering 0 ageing_time 3000
	run ip link set "$1" up
	links+=("$1")
}

# veth_ports BRIDGE...: ports veth0, veth1, ... (peers p0, p1, ...), the
# Nth on the Nth BRIDGE, or on none for "-".
veth_ports() {
	local i=0 br
	for br in "$@"; do
		run ip link add veth$i type veth peer p$i
		links+=(veth$i)
		[ "$br" = - ] || run ip link set veth$i master "$br"
		i=$((i + 1))
	done
}

# veth_vm NAME MAC BRIDGE: a "VM" in netns NAME-$$, its eth0 with MAC, the
# host end (printed) named h-NAME on BRIDGE (or none if BRIDGE is "-").
veth_vm() {
	local name=$1 mac=$2 br=$3 ns=$1-$$
	run ip netns add "$ns"
	netns+=("$ns")
	run ip link add "h-$name" type veth peer eth0 netns "$ns"
	links+=("h-$name")
	run ip -n "$ns" link set eth0 address "$mac"
	run ip -n "$ns" link set eth0 up
	run ip -n "$ns" link set lo up
	[ "$br" != - ] && run ip link set "h-$name" master "$br"
	run ip link set "h-$name" up
}

# tap_vm NAME BRIDGE: a persistent tap t-NAME on BRIDGE; frames a test writes
# to it with pkt.py's tap:t-NAME are what the "VM" transmits.
tap_vm() {
	run modprobe tun
	run ip tuntap add dev "t-$1" mode tap
	links+=("t-$1")
	[ "$2" != - ] && run ip link set "t-$1" master "$2"
	run ip link set "t-$1" up
}

# in_vm NAME CMD...: run CMD in VM NAME's namespace.
in_vm() { local ns=$1-$$; shift; ip netns exec "$ns" "$@"; }

# count_rx VM|tap:NAME|macvtap:NAME|dev:NAME MARKER SECONDS -- SENDER...: start
# counting frames with MARKER at the receiver, run SENDER, wait SECONDS more,
# print the count. dev:NAME counts what the host hands device NAME to send
# (a packet socket on it sees that after the egress hook: a tap QEMU holds).
# Only a count that means something is a number: if the receiver never
# listened, the sender failed or the receiver failed, it prints what went
# wrong instead (and returns 1), which no expected count matches, so that
# "0 frames reached" cannot pass for a receiver that heard nothing.
count_rx() {
	local rx=$1 marker=$2 secs=$3 f pid rc n
	shift 4
	f=$(mktemp)
	rm -f "$f.ready" "$f.stop"
	# The count starts once the receiver listens and ends SECONDS after the
	# sender has finished, however slowly either started on a loaded host.
	if [[ $rx == tap:* || $rx == macvtap:* ]]; then
		"${PKT[@]}" recv "$rx" --marker "$marker" --timeout 120 \
			--ready "$f.ready" --until "$f.stop" >"$f" &
	elif [[ $rx == dev:* ]]; then
		"${PKT[@]}" recv "${rx#dev:}" --marker "$marker" --timeout 120 \
			--ready "$f.ready" --until "$f.stop" >"$f" &
	else
		in_vm "$rx" "${PKT[@]}" recv eth0 --marker "$marker" \
			--timeout 120 --ready "$f.ready" --until "$f.stop" >"$f" &
	fi
	pid=$!
	if ! wait_ready "$f.ready" "" "$pid"; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		echo "count_rx: the receiver on $rx never listened" >&2
		echo "no-receiver"
		rm -f "$f" "$f.ready"
		return 1
	fi
	rm -f "$f.ready"
	echo "+ $*" >&2
	"$@" >&2
	rc=$?
	sleep "$secs"
	touch "$f.stop"
	wait "$pid"
	n=$(cat "$f")
	rm -f "$f" "$f.stop"
	if [ "$rc" -ne 0 ]; then
		echo "count_rx: the sender failed (exit $rc): $*" >&2
		echo "sender-failed"
		return 1
	fi
	if ! [[ $n =~ ^[0-9]+$ ]]; then
		echo "count_rx: the receiver on $rx counted nothing ('$n')" >&2
		echo "receiver-failed"
		return 1
	fi
	echo "$n"
}

# send_from VM ARGS...: pkt.py send from VM's eth0.
send_from() { local vm=$1; shift; in_vm "$vm" "${PKT[@]}" send eth0 "$@"; }

# jsonq [-l] EXPR [DOC...]: a Python expression over JSON (tests/vm/jsonq.py).
jsonq() { /usr/bin/python3 "$top/tests/vm/jsonq.py" "$@"; }

# json_get EXPR: jsonq over 'pmodectl -j adapter show', a list of adapters.
json_get() { "$PMODECTL" -j adapter show | jsonq "$1"; }

# promisc_ports: the ports whose adapter is promiscuous, sorted, as a list.
promisc_ports() { json_get "sorted(x['ifname'] for x in a if x['promisc'])"; }

# stats_of DEV [PMODECTL-OPTIONS...]: the counters of DEV's adapter, as JSON.
stats_of() {
	local dev=$1
	shift
	"$PMODECTL" "$@" -s -j adapter show dev "$dev" | jsonq "json.dumps(a[0]['stats'])"
}

# ovs_start: Open vSwitch's database server and switch daemon, by hand (the
# VM has no init system), their files in a directory of their own that
# OVS_RUNDIR, OVS_DBDIR and OVS_LOGDIR name for every OVS tool the test
# runs after; both stopped, and the openvswitch module left loaded, at the
# end of the file.
ovs_start() {
	export OVS_RUNDIR=/tmp/ovs-$$ OVS_DBDIR=/tmp/ovs-$$ OVS_LOGDIR=/tmp/ovs-$$
	mkdir -p "$OVS_RUNDIR" || return 1
	run modprobe openvswitch || return 1
	run ovsdb-tool create "$OVS_DBDIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema &&
	run ovsdb-server "$OVS_DBDIR/conf.db" --remote="punix:$OVS_RUNDIR/db.sock" \
		--pidfile --detach --log-file &&
	run ovs-vsctl --no-wait init &&
	run ovs-vswitchd --pidfile --detach --log-file || return 1
	trap 'ovs_stop; cleanup' EXIT
}

ovs_stop() {
	local d
	for d in ovs-vswitchd ovsdb-server; do
		[ -r "$OVS_RUNDIR/$d.pid" ] && kill "$(cat "$OVS_RUNDIR/$d.pid")" 2>/dev/null
	done
	sleep 0.2
}
