#!/bin/bash
# The Python client (python/pmode, on pyroute2) against the real module:
# register, toggle, dump, events; its errors are pmodectl's, word for word;
# the example agent acts on violation events.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
A=02:00:00:00:08:0a B=02:00:00:00:08:0b
veth_vm a $A br0
veth_vm b $B br0
veth_vm c 02:00:00:00:08:0c br0
# py CODE: run CODE with pm = Pmode() bound; prints what CODE prints.
py() {
	echo "+ py: $1" >&2
	PYTHONPATH=$top/python /usr/bin/python3 -c "
import sys
from pmode import Pmode, PmodeError
pm = Pmode()
$1"
}
# err CODE: the errno name and message of the PmodeError CODE raises.
err() {
	py "
try:
    $1
    print('no error')
except PmodeError as e:
    import errno
    print(errno.errorcode[e.errno] + ': ' + (e.message or ''))"
}
as() { local uid=$1; shift; setpriv --reuid "$uid" --regid "$uid" --clear-groups "$@"; }

expect_eq "h-a vm-a $A False" "$(py "a = pm.adapter_add('h-a', vm='vm-a'); print(a.ifname, a.vm, a.mac, a.promisc)")" \
	"python: adapter_add registers with the veth peer's MAC"
expect_eq "vm-b owner=1000" "$(py "a = pm.adapter_add('h-b', vm='vm-b', owner=1000); print(a.vm, f'owner={a.owner}')")" \
	"python: adapter_add with an owner"
expect_match '"vm": ?"vm-a"' "$("$PMODECTL" -j adapter show dev h-a)" "python: pmodectl sees what the client registered"
expect_eq "['h-a', 'h-b']" "$(py "print(sorted(a.ifname for a in pm.adapters()))")" "python: adapters() dumps both"
expect_eq "['h-b']" "$(py "print([a.ifname for a in pm.adapters(vm='vm-b')])")" "python: adapters(vm=) filters"
expect_eq "$(cat /sys/class/net/br0/ifindex)" "$(py "print(pm.adapter_get('h-a').master)")" \
	"python: adapter_get reports the bridge as master"

# Errors: the same errno and text as pmodectl's.
# same_error DESCRIPTION CODE ERRNO CMD...: CODE raises ERRNO with the text
# pmodectl CMD prints.
same_error() {
	local desc=$1 code=$2 want=$3 mine theirs
	shift 3
	mine=$(err "$code")
	theirs=$("$@" 2>&1 >/dev/null)
	expect_eq "pmodectl: ${mine#*: }" "$theirs" "python: $desc: the message is pmodectl's"
	expect_match "^$want: " "$mine" "python: ... and the errno is $want"
}
same_error "no such port" "pm.adapter_add('nosuch0', vm='x')" ENODEV \
	"$PMODECTL" adapter add dev nosuch0 vm x
same_error "second adapter on a port" "pm.adapter_add('h-a', vm='x')" EEXIST \
	"$PMODECTL" adapter add dev h-a vm x
same_error "multicast MAC" "pm.adapter_add('h-c', vm='x', mac='01:00:5e:00:00:01')" EINVAL \
	"$PMODECTL" adapter add dev h-c vm x mac 01:00:5e:00:00:01
same_error "promisc with the gate off" "pm.adapter_set('h-a', promisc=True)" EPERM \
	"$PMODECTL" adapter set dev h-a promisc on
expect_eq "$(as 65534 env PYTHONPATH="$top/python" /usr/bin/python3 -c "
from pmode import Pmode, PmodeError
try:
    Pmode().adapter_del('h-a')
except PmodeError as e:
    print('pmodectl: ' + e.message)")" "$(as 65534 "$PMODECTL" adapter del dev h-a 2>&1)" \
	"python: an unprivileged user's refusal is pmodectl's too"
expect_eq "[]" "$(py "print([a.ifname for a in pm.adapters() if a.promisc])")" "python: no refusal changed a flag"

# The gate, grants and promisc.
check "python: feature_set and grant_add" py "pm.feature_set(True); pm.grant_add(0); pm.grant_add(1000)"
expect_eq "True [0, 1000]" "$(py "print(pm.feature_get(), sorted(pm.grants()))")" "python: feature_get and grants"
expect_eq "True" "$(py "print(pm.adapter_set('h-a', promisc=True).promisc)")" "python: adapter_set turns promisc on"
expect_eq "h-a" "$(json_get "[x['ifname'] for x in a if x['promisc']][0]")" "python: pmodectl sees it on"
same_error "a second promisc adapter of vm-a" "pm.adapter_add('h-c', vm='vm-a'); pm.adapter_set('h-c', promisc=True)" EBUSY \
	"$PMODECTL" adapter set dev h-c promisc on
expect_eq "True" "$(py "print(pm.adapter_set('h-b', promisc=True, as_uid=1000).promisc)")" \
	"python: an agent acts for a granted owner (as_uid)"
expect_eq "['00:00:5e:00:01:07']" "$(py "print(pm.adapter_set('h-b', allow_add='00:00:5e:00:01:07').allowed)")" \
	"python: allow_add"

# Events, on their own socket, while things happen. The listener stops at
# the last event expected, not after a quiet spell: each step below starts
# a Python process of its own, which on an emulated CPU can take longer
# than any quiet spell one could choose (tens of seconds on a loaded host).
# The timeout only bounds a run in which the event never comes.
ev=$(mktemp)
PYTHONPATH=$top/python timeout 600 /usr/bin/python3 -c "
from pmode import Pmode
events = Pmode().events()
open('$ev.ready', 'w').close()
for e in events:
    if e.kind == 'violation':
        print(e.kind, e.ifname, e.vm, e.drop_reason, e.offending_mac, flush=True)
    elif e.adapter:
        print(e.kind, e.adapter.ifname, e.reason, e.adapter.promisc, flush=True)
    else:
        print(e.kind, e.feature, e.uid, flush=True)
        if e.kind == 'grant-del':
            break
" >"$ev" &
evpid=$!
wait_ready "$ev.ready" || echo "the event listener did not start" >&2
py "pm.adapter_set('h-a', promisc=False)"
send_from a --src 02:00:00:00:08:99 --dst $B --count 1 --marker 1 >/dev/null
py "pm.grant_del(1000)"
wait $evpid
expect_eq "adapter-set h-a request False
violation h-a vm-a forged-src 02:00:00:00:08:99
grant-del None 1000" "$(cat "$ev")" "python: events() yields set, violation and grant events in order"
rm -f "$ev" "$ev.ready"

# The example agent: a VM that keeps sending from a multicast source loses
# promisc. The agent runs until it has acted (or for 600 s), for the same
# reason as above.
py "pm.adapter_set('h-a', promisc=True)"
agent=$(mktemp)
PYTHONPATH=$top/python timeout 600 /usr/bin/python3 "$top/python/examples/violation-agent.py" \
	--limit 3 >"$agent" 2>&1 &
apid=$!
wait_ready "$agent" watching || echo "the agent did not start" >&2
send_from a --src 01:00:5e:00:00:01 --dst $B --count 4 --marker 2 >/dev/null
sleep 1.2
send_from a --src 01:00:5e:00:00:01 --dst $B --count 1 --marker 3 >/dev/null
wait_ready "$agent" '^action:'
kill $apid 2>/dev/null
wait $apid
cat "$agent" >&2
expect_match "action: promisc off on h-a \(VM vm-a\)" "$(cat "$agent")" "python: the example agent acts on repeated violations"
expect_eq "False" "$(py "print(pm.adapter_get('h-a').promisc)")" "python: ... and promisc is off"
rm -f "$agent"

check "python: adapter_del" py "pm.adapter_del('h-a'); pm.adapter_del('h-b'); pm.adapter_del('h-c')"
expect_eq "[]" "$(py "print(pm.adapters())")" "python: nothing left"

# A dump that spans several messages is taken again when a change tears it.
# pyroute2 raises for a torn data message (it lets a torn NLMSG_DONE
# through), so the client must retry on both. An adapter's message is about
# 250 bytes and the kernel fills at most 32 KB a read, taking the next
# batch when the previous one is read: with 500 adapters a dump takes five
# reads, and a change while Python parses one batch flags the data of a
# later one. One change every fifth of a second falls into some dumps and
# not others. Counted: the dumps pyroute2 reported torn (some must be, or
# this proves nothing: it dumps until two were, 60 times at most), and the
# dumps the client returned, each of which must hold all 500.
ns=torn-$$
netns+=("$ns")
ip netns add "$ns"
for i in $(seq 0 499); do echo "link add t$i type veth peer u$i"; done | ip -n "$ns" -b -
for i in $(seq 0 499); do echo "adapter add dev t$i vm vm-t"; done |
	ip netns exec "$ns" "$PMODECTL" -b - >&2
ip netns exec "$ns" bash -c "while :; do
	$PMODECTL adapter set dev t0 promisc on; sleep 0.2
	$PMODECTL adapter set dev t0 promisc off; sleep 0.2
done" >&2 &
toggler=$!
got=$(PYTHONPATH=$top/python ip netns exec "$ns" /usr/bin/python3 -c "
import errno
from pyroute2.netlink.exceptions import NetlinkDumpInterrupted
from pmode import Pmode, PmodeError
pm = Pmode()
nlm_request = pm.sock.nlm_request
torn = 0
def counting(*args, **kwargs):
    global torn
    try:
        yield from nlm_request(*args, **kwargs)
    except NetlinkDumpInterrupted:
        torn += 1
        raise
pm.sock.nlm_request = counting
whole = again = n = 0
while n < 60 and (torn < 2 or n < 10):
    n += 1
    try:
        whole += len(pm.adapters()) == 500
    except PmodeError as e:
        if e.errno != errno.EAGAIN:
            raise
        again += 1
print(torn > 0, whole + again == n, whole > 0)
print('# dumps', n, 'torn reads', torn, 'whole dumps', whole, 'EAGAIN', again)
")
kill $toggler
wait $toggler 2>/dev/null
echo "$got" | grep '^#' >&2
expect_eq "True True True" "$(echo "$got" | grep -v '^#')" \
	"python: a dump torn by a change is taken again, never returned torn nor raised"
ip netns del "$ns"
