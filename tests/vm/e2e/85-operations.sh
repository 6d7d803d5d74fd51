#!/bin/bash
# Operations: the monitor sees every event kind in order; save then restore
# into a fresh module load reproduces the configuration exactly.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm m1 02:00:00:00:08:01 br0
veth_vm m2 02:00:00:00:08:02 br0
mon=$(mktemp)
"$PMODECTL" -j monitor >"$mon" &
mon_pid=$!
# Host-wide events (gate, grants: uids of the initial user namespace) stay
# in the initial network namespace; a container sees its own adapters only.
run ip netns add mon-$$
netns+=(mon-$$)
mon_ns=$(mktemp)
"$PMODECTL" -n mon-$$ -j monitor >"$mon_ns" &
mon_ns_pid=$!
mon_us=$(mktemp)
unshare --user --map-root-user --net "$PMODECTL" -j monitor >"$mon_us" &
mon_us_pid=$!
sleep 1
# The two other listeners hear nothing of the host's only if they listen:
# each must hear an adapter of its own namespace registered before the
# host's events (tried again until one is heard, the listener subscribing
# at its own pace) and removed after them. The container's namespace is
# its listener's (unshare execs pmodectl), entered with nsenter.
in_us() { nsenter --net=/proc/$mon_us_pid/ns/net "$@"; }
wait_for bash -c "[ \"\$(readlink /proc/$mon_us_pid/ns/net)\" != \"\$(readlink /proc/self/ns/net)\" ]"
run ip -n mon-$$ link add mv0 type veth peer mv1
run in_us ip link add mv0 type veth peer mv1
# opening FILE CMD...: register mv0 through CMD until the listener writing
# FILE has heard it.
opening() {
	local f=$1 i
	shift
	for i in 1 2 3 4 5; do
		"$@" "$PMODECTL" adapter add dev mv0 vm vm-mon >&2 &&
			wait_for grep -q '"adapter-new"' "$f" && return 0
		"$@" "$PMODECTL" adapter del dev mv0 >&2
	done
	return 1
}
check "operations: the listener in another network namespace hears its own adapter added" \
	opening "$mon_ns" ip netns exec mon-$$
check "operations: ... and the one in a container's user and network namespaces too" \
	opening "$mon_us" in_us
run pmodectl adapter add dev h-m1 vm vm-m owner 1000
run pmodectl feature enable
run pmodectl user grant 1000
run pmodectl adapter set dev h-m1 promisc on as 1000
run send_from m2 --src 02:00:00:00:08:99 --dst ff:ff:ff:ff:ff:ff --count 1 --marker 1
run pmodectl adapter add dev h-m2 vm vm-m2 network 9
run send_from m2 --src 02:00:00:00:08:99 --dst ff:ff:ff:ff:ff:ff --count 1 --marker 2
run pmodectl adapter allow dev h-m2 00:00:5e:00:01:02
run pmodectl feature disable
run pmodectl user revoke 1000
run ip link del h-m1
# The other listeners are still live: they hear their namespace's change.
run pmodectl -n mon-$$ adapter del dev mv0
run in_us "$PMODECTL" adapter del dev mv0
wait_for grep -q '"adapter-del"' "$mon_ns"
wait_for grep -q '"adapter-del"' "$mon_us"
sleep 1
kill $mon_pid $mon_ns_pid $mon_us_pid
# Each event, with the reason an adapter's carries.
events=$(jsonq -l "' '.join(e['event'] + ('/' + r if r else '') for e in a
			  for r in [e.get('adapter', {}).get('reason') or e.get('reason', '')])" <"$mon")
expect_eq "adapter-new/request feature grant-new adapter-set/request adapter-new/request violation/forged-src adapter-set/request adapter-set/feature-disabled feature grant-del adapter-del/port-deleted" \
	"$events" "operations: monitor reports each event, in order"
# What each heard after its own adapter-new: its own adapter-del alone.
after_open="' '.join(e['event'] for e in a[[x['event'] for x in a].index('adapter-new') + 1:])"
expect_eq "adapter-del" "$(jsonq -l "$after_open" <"$mon_ns")" \
	"operations: a monitor in another network namespace hears its own, nothing of the host's"
expect_eq "adapter-del" "$(jsonq -l "$after_open" <"$mon_us")" \
	"operations: ... nor one in a container's user and network namespaces"

# save, reload the module, restore: the same configuration.
run ip link add h-m1 type veth peer m1x
links+=(h-m1)
run ip link set h-m1 master br0
# README: pmodectl adapter add dev tap0 vm 3f2a-vm mac 52:54:00:12:34:56 owner 1000
run pmodectl adapter add dev h-m1 vm "vm m1" mac 02:00:00:00:08:01 owner 1000
run pmodectl feature enable
run pmodectl user grant 1000
run pmodectl user grant 0
run pmodectl adapter set dev h-m1 promisc on as 1000
want=$("$PMODECTL" -j adapter show; "$PMODECTL" -j feature show; "$PMODECTL" -j user show)
saved=$(mktemp)
check "operations: pmodectl save" bash -c "$PMODECTL save >$saved"
run rmmod pmode
run insmod "$PMODE_KO"
check "operations: pmodectl -b restores it" pmodectl -b "$saved"
got=$("$PMODECTL" -j adapter show; "$PMODECTL" -j feature show; "$PMODECTL" -j user show)
expect_eq "$want" "$got" "operations: the restored configuration is identical"
printf 'feature enable\nadapter add dev nope0 vm x mac 02:00:00:00:00:01\n' >"$saved"
expect_exit 1 "operations: a failing batch line fails the batch" pmodectl -b "$saved"
expect_match "$saved:2:" "$last_err" "operations: ... and names the line"

# The boot-time unit's command, as written in the unit file, restores a
# saved configuration and keeps going past adapters whose port is missing.
unit=$top/packaging/pmode-restore.service
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
expect_match "-b /etc/pmode/pmode.batch" "$cmd" "operations: the unit restores /etc/pmode/pmode.batch"
"$PMODECTL" save >"$saved"
echo "adapter add dev missing0 vm gone mac 02:00:00:00:08:77" >>"$saved"
echo "user grant 4242" >>"$saved"
run rmmod pmode
run insmod "$PMODE_KO"
cmd=${cmd//\/etc\/pmode\/pmode.batch/$saved}
cmd=${cmd//\/usr\/sbin\/pmodectl/$PMODECTL}
expect_exit 1 "operations: the unit's command reports the missing port" $cmd
expect_match "$saved:[0-9]+:" "$last_err" "operations: ... naming its line"
got=$("$PMODECTL" -j adapter show; "$PMODECTL" -j feature show; "$PMODECTL" -j user show)
# The grants saved, and 4242 from the line after the failing one.
want_users=$(jsonq "json.dumps(sorted(a + [4242]), separators=(',', ':'))" "$(tail -n 1 <<<"$want")")
expect_eq "$want_users" "$("$PMODECTL" -j user show)" "operations: lines after the failure were applied (-force)"
expect_eq "$(head -n 2 <<<"$want")" "$(head -n 2 <<<"$got")" "operations: adapters and feature restored at boot"

# Violations reach the kernel log only when asked to.
run ip link add h-lg type veth peer lg
links+=(h-lg)
# lg's own IPv6 chatter (its random MAC is not the adapter's) would be
# violations too, and take the one report a second.
run sysctl -qw net.ipv6.conf.lg.disable_ipv6=1
run ip link set h-lg up
run ip link set lg up
run pmodectl adapter add dev h-lg vm vm-lg mac 02:00:00:00:08:42
expect_eq "N" "$(cat /sys/module/pmode/parameters/log_violations)" "operations: violation logging is off by default"
run "${PKT[@]}" send lg --src 02:00:00:00:08:66 --count 1 --marker 20
# Judged before the log is read: the frame is counted forged first.
forged() { [ "$(jsonq "a['forged-src']" "$(stats_of h-lg)")" -ge "$1" ]; }
check "operations: the forged frame was judged (forged-src counted it)" wait_for forged 1
expect_eq 0 "$(dmesg | grep -c 'VM vm-lg: forged source MAC')" "operations: ... so nothing is logged"
echo 1 >/sys/module/pmode/parameters/log_violations
# One report per adapter per second, and a loaded host may process the
# first frame late: send until one is reported, for up to ten seconds.
for i in $(seq 10); do
	sleep 1.1
	run "${PKT[@]}" send lg --src 02:00:00:00:08:66 --count 1 --marker 21
	dmesg | grep -q 'VM vm-lg: forged source MAC 02:00:00:00:08:66' && break
done
expect_match "h-lg: VM vm-lg: forged source MAC 02:00:00:00:08:66 dropped" "$(dmesg)" \
	"operations: with log_violations=1 a violation is logged"
echo 0 >/sys/module/pmode/parameters/log_violations
