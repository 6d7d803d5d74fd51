#!/bin/bash
# A request refused for want of permission never takes RTNL, the host-wide
# lock every network change waits for: otherwise any local user could keep
# it contended with requests bound to fail. A kprobe on rtnl_lock() with a
# stack trace counts the calls made from pmode's request handlers while
# uid 1000 makes requests that are refused (not the owner, no grant, no
# such device, administrators' commands), and, the positive control, one
# it may make (an owner turning promisc off), which does take RTNL.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm o1 02:00:00:00:0c:01 br0
veth_vm o2 02:00:00:00:0c:02 br0
run pmodectl adapter add dev h-o1 vm vm-1 owner 1000
run pmodectl adapter add dev h-o2 vm vm-2 owner 2000
run pmodectl feature enable
run pmodectl user grant 1000
run pmodectl adapter set dev h-o1 promisc on
run pmodectl user revoke 1000
as() { local uid=$1; shift; setpriv --reuid "$uid" --regid "$uid" --clear-groups "$@"; }

T=/sys/kernel/tracing
E=$T/events/kprobes/pmode_test_rtnl
mountpoint -q $T || run mount -t tracefs nodev $T
kprobe_off() {
	echo 0 >"$E/enable"
	echo '!stacktrace' >"$E/trigger"
	echo '-:pmode_test_rtnl' >>"$T/kprobe_events"
}
echo 'p:pmode_test_rtnl rtnl_lock' >>"$T/kprobe_events"
trap 'kprobe_off 2>/dev/null; cleanup' EXIT
echo 'comm == "pmodectl"' >"$E/filter"
echo stacktrace >"$E/trigger"
echo 1 >"$E/enable"

# rtnl_calls CMD...: run CMD; print the rtnl_lock() calls pmodectl made,
# and of them those made from a pmode request handler (in its stack).
rtnl_calls() {
	echo >"$T/trace"
	"$@" >/dev/null 2>&1
	echo "$(grep -c 'pmode_test_rtnl:' "$T/trace")" \
		"$(grep -cE '=> pmode_(adapter_(new|del|set)|feature_set|grant_change)\b' "$T/trace")"
}
# refused DESC CMD...: CMD is refused (exit 1), and without taking RTNL.
refused() {
	local desc=$1 n
	shift
	expect_exit 1 "rtnl: $desc: refused" "$@"
	n=$(rtnl_calls "$@")
	echo "# rtnl_lock calls by pmodectl, from pmode's handlers: $n"
	expect_eq 0 "${n#* }" "rtnl: ... and RTNL not taken"
}

n=$(rtnl_calls as 1000 "$PMODECTL" adapter set dev h-o1 promisc off)
echo "# rtnl_lock calls by pmodectl, from pmode's handlers: $n"
expect_eq 1 "${n#* }" "rtnl: the owner turning promisc off takes RTNL once (the probe sees it)"
refused "uid 1000 turns another's adapter off" as 1000 "$PMODECTL" adapter set dev h-o2 promisc off
refused "uid 1000 turns another's adapter on" as 1000 "$PMODECTL" adapter set dev h-o2 promisc on
refused "the owner without a grant turns promisc on" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on
refused "the owner acts for another user" as 1000 "$PMODECTL" adapter set dev h-o1 promisc off as 2000
refused "uid 1000 names a device that does not exist" as 1000 "$PMODECTL" adapter set dev nosuch0 promisc off
refused "uid 1000 changes a MAC" as 1000 "$PMODECTL" adapter set dev h-o1 mac 02:00:00:00:0c:09
refused "uid 1000 registers an adapter" as 1000 "$PMODECTL" adapter add dev h-o2 vm vm-x
refused "uid 1000 removes an adapter" as 1000 "$PMODECTL" adapter del dev h-o1
refused "uid 1000 disables the feature" as 1000 "$PMODECTL" feature disable
refused "uid 1000 grants itself" as 1000 "$PMODECTL" user grant 1000
run pmodectl feature disable
refused "the feature disabled: the owner turns promisc on" as 1000 "$PMODECTL" adapter set dev h-o1 promisc on
expect_eq "[]" "$(promisc_ports)" "rtnl: no refusal changed a flag"
