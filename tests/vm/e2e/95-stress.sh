#!/bin/bash
# Stress: processes adding, removing and toggling adapters while ports are
# moved between bridges and namespaces, deleted and recreated, namespaces
# are created and destroyed, and frames flow; the one-promisc-adapter-per-
# VM-per-network rule is checked from dumps throughout. Then the module is
# unloaded and loaded again PMODE_STRESS_CYCLES times (default 100) under
# traffic. The harness fails the file on any kernel report.
. "$PMODE_TOP/tests/vm/lib.sh"
secs=${PMODE_STRESS_SECS:-30}
cycles=${PMODE_STRESS_CYCLES:-100}
load_pmode
run pmodectl feature enable
run pmodectl user grant 0
mkbridge br0
mkbridge br1
ports=()
for i in 0 1 2 3 4 5; do
	veth_vm s$i "02:00:00:00:0a:0$i" $([ $((i % 2)) -eq 0 ] && echo br0 || echo br1)
	ports+=("h-s$i")
done
stop=$(mktemp)
rm -f "$stop"
running() { [ ! -e "$stop" ]; }
# flood VM STOPFILE: genuine, forged, multicast-source and ARP frames, until
# STOPFILE exists.
flood() {
	in_vm "$1" "${PKT[@]}" flood eth0 --until "$2" --pace 64 \
		'self>02:00:00:00:00:0a' '02:00:00:00:00:99>02:00:00:00:00:0a' \
		'01:00:5e:00:00:01>ff:ff:ff:ff:ff:ff' 'self>ff:ff:ff:ff:ff:ff/arp:02:00:00:00:00:99' \
		2>/dev/null
}

ops=$(mktemp -d)
# The counts are written after every operation, since the churn below reads
# them while the workers run: "TRIED SUCCEEDED".
worker() {	# NAME: count what it did in $ops/NAME
	local name=$1 n=0 good=0
	shift
	echo 0 0 >"$ops/$name"
	while running; do
		"$@" >/dev/null 2>&1 && good=$((good + 1))
		n=$((n + 1))
		echo "$n $good" >"$ops/$name"
	done
}
pick() { echo "${ports[RANDOM % ${#ports[@]}]}"; }
op_add() { "$PMODECTL" adapter add dev "$(pick)" vm "vm-$((RANDOM % 3))"; }
op_del() { "$PMODECTL" adapter del dev "$(pick)"; }
op_on() { "$PMODECTL" adapter set dev "$(pick)" promisc on; }
op_off() { "$PMODECTL" adapter set dev "$(pick)" promisc off; }
op_move() { ip link set "$(pick)" master "br$((RANDOM % 2))"; }
op_nomaster() { ip link set "$(pick)" nomaster; }
# A port leaves for a namespace of its own and comes back, or is deleted
# and recreated.
op_netns() {
	local p i=$((RANDOM % 6)) ns=stress-$$-$RANDOM
	p=h-s$i
	ip netns add "$ns" && ip link set "$p" netns "$ns" &&
		ip -n "$ns" link set "$p" netns 1
	ip netns del "$ns"
	ip link set "$p" up
}
op_recreate() {
	local i=$((RANDOM % 6))
	ip link del "h-s$i" && ip link add "h-s$i" type veth peer eth0 netns "s$i-$$" &&
		ip -n "s$i-$$" link set eth0 address "02:00:00:00:0a:0$i" up &&
		ip link set "h-s$i" master "br$((i % 2))" up
}
# A namespace with its own bridge, ports and adapters, destroyed whole.
op_ns_churn() {
	local ns=churn-$$-$RANDOM
	ip netns add "$ns" || return
	ip -n "$ns" link add b0 type bridge && ip -n "$ns" link add c0 type veth peer c1 &&
		ip -n "$ns" link set c0 master b0 && ip -n "$ns" link set c0 up &&
		ip netns exec "$ns" "$PMODECTL" adapter add dev c0 vm vm-0 &&
		ip netns exec "$ns" "$PMODECTL" adapter set dev c0 promisc on
	ip netns del "$ns"
}
violations=$(mktemp)
# The invariant, checked on every dump one process takes (tests/vm/stress_check.py).
checker() {
	PYTHONPATH=$top/python /usr/bin/python3 "$top/tests/vm/stress_check.py" "$stop" >"$violations"
}
checker &
# Python and pyroute2 start slowly in an emulated CPU: a minute or more.
wait_ready "$stop.ready"
for i in 0 2 3 5; do flood "s$i" "$stop" & done
# The floods run: s1 (on br1, no adapter yet) receives s3's and s5's
# genuine frames to an unknown MAC (marker 1), however slowly they start.
expect_eq 1 "$(in_vm s1 "${PKT[@]}" recv eth0 --marker 1 --expect 1 --timeout 120)" \
	"stress: the floods run (s1 receives them)"
for w in add del on off move nomaster netns recreate ns_churn; do
	worker "$w-$RANDOM" "op_$w" &
done
# count_ops: $total, the kinds that have not run yet ($idle), a line of
# counts by kind ($kinds, tried/succeeded) and the successes of the kinds
# the invariant is about ($good_add, $good_on). A file a worker is
# rewriting may read empty: 0.
count_ops() {
	local f n g kind
	total=0 idle= kinds= good_add=0 good_on=0
	for f in "$ops"/*; do
		read -r n g <"$f" 2>/dev/null
		n=${n:-0} g=${g:-0}
		kind=$(basename "${f%-*}")
		total=$((total + n))
		kinds+="$kind=$n/$g "
		[ "$n" -gt 0 ] || idle+="$kind "
		case $kind in add) good_add=$g ;; on) good_on=$g ;; esac
	done
}
# At least $secs seconds, and on a slow kernel (KASAN, lockdep) until 50
# operations of every kind have run, for up to ten times as long.
sleep "$secs"
for ((t = secs; t < 10 * secs; t += 5)); do
	count_ops
	[ "$total" -ge 50 ] && [ -z "$idle" ] && [ "$good_add" -ge 10 ] && [ "$good_on" -ge 10 ] && break
	sleep 5
done
secs=$t
touch "$stop"
wait
count_ops
echo "# stress: $total operations in $secs s: $kinds"
read -r checks bad torn live <"$violations"
echo "# stress: $checks dumps checked ($live with a promisc adapter), $torn torn on every try"
if [ -s "$stop.err" ]; then
	not_ok "stress: the checker ran to the end"
	tap_diag <"$stop.err"
fi
expect_eq 0 "${bad:-none}" "stress: no dump ever showed two promisc adapters of one VM in one network"
[ "${checks:-0}" -ge 20 ] && ok "stress: the invariant was checked on $checks dumps" ||
	not_ok "stress: the invariant was checked on only ${checks:-0} dumps"
# The invariant is about promisc adapters: it holds vacuously if no add or
# no 'promisc on' ever succeeded, or no dump ever held one.
[ "$good_add" -ge 10 ] && [ "$good_on" -ge 10 ] && [ "${live:-0}" -ge 10 ] &&
	ok "stress: it was under test: $good_add adds and $good_on 'promisc on' succeeded, $live dumps held a promisc adapter" ||
	not_ok "stress: it was under test (10 of each wanted): $good_add adds and $good_on 'promisc on' succeeded, ${live:-0} dumps held a promisc adapter"
# Emulated, the machine's load decides the rate; each kind must have run.
[ "$total" -ge 50 ] && [ -z "$idle" ] && ok "stress: $total operations ran concurrently, of every kind" ||
	not_ok "stress: $total operations ran (50 wanted); kinds that never ran: ${idle:-none}"
check "stress: the module is still loaded" grep -q '^pmode ' /proc/modules
expect_match '^\[' "$("$PMODECTL" -j adapter show)" "stress: the family still answers"
rm -rf "$ops" "$violations"

# Unload and reload cycles under traffic.
for i in 0 1 2 3; do
	ip link set "h-s$i" master br0 2>/dev/null
	ip link set "h-s$i" up 2>/dev/null
done
rm -f "$stop"
for i in 0 1 2 3; do flood "s$i" "$stop" & done
batch=$(mktemp)
printf '%s\n' "feature enable" "user grant 0" \
	"adapter add dev h-s0 vm vm-a" "adapter add dev h-s1 vm vm-b" \
	"adapter add dev h-s2 vm vm-a" "adapter set dev h-s0 promisc on" >"$batch"
done_cycles=0
cycles_start=$SECONDS
run rmmod pmode
expect_eq 1 "$(in_vm s3 "${PKT[@]}" recv eth0 --marker 1 --expect 1 --timeout 120)" \
	"stress: the floods of the cycles run (s3 receives them)"
for ((c = 1; c <= cycles; c++)); do
	insmod "$PMODE_KO" || break
	"$PMODECTL" -b "$batch" >/dev/null || break
	rmmod pmode || break
	done_cycles=$c
	((c % 10)) || echo "# $c cycles after $((SECONDS - cycles_start)) s" >&2
done
touch "$stop"
wait
expect_eq "$cycles" "$done_cycles" "stress: $cycles load, register, unload cycles under traffic"
load_pmode
expect_eq "[]" "$(json_get "a")" "stress: after them a load starts empty"
rm -f "$batch" "$stop" "$stop.ready" "$stop.err"
