#!/bin/bash
# The kernel's own YNL tools (those of linux-source-6.12, unpacked on the
# host by tests/lib/ynl.sh) against the real module, from docs/netlink/pmode.yaml
# alone: tools/net/ynl/cli.py does and dumps every command, and their
# library decodes every notification the module sends.
. "$PMODE_TOP/tests/vm/lib.sh"
. "$top/tests/lib/ynl.sh"
ynl=${PMODE_YNL:-$(pmode_ynl_tree "" --no-unpack)}
if [ ! -f "$ynl/tools/net/ynl/cli.py" ]; then
	not_ok "ynl: the kernel's YNL tools are unpacked (tests/lib/ynl.sh, on the host)"
	exit 1
fi
export PYTHONDONTWRITEBYTECODE=1
spec=$top/docs/netlink/pmode.yaml
schema=$ynl/Documentation/netlink/genetlink-c.yaml
load_pmode
mkbridge br0
A=02:00:00:00:08:0a B=02:00:00:00:08:0b
veth_vm a $A br0
veth_vm b $B br0

# cli ARGS...: cli.py on our spec, its output as JSON. Each run is a Python
# start on an emulated CPU, many seconds on a loaded host: the schema is
# checked once (--list-ops), requests go together where they can (--multi)
# and answers are matched as text.
cli() {
	echo "+ cli.py $*" >&2
	[ "$1" = --schema ] || set -- --no-schema "$@"
	/usr/bin/python3 "$ynl/tools/net/ynl/cli.py" --spec "$spec" --output-json "$@"
}
# has REGEX TEXT DESCRIPTION: expect_match, TEXT's JSON on one line.
has() { expect_match "$1" "$2" "$3"; }

expect_eq "adapter-check  [ do ]
adapter-del  [ do ]
adapter-get  [ do, dump ]
adapter-new  [ do ]
adapter-set  [ do ]
feature-get  [ do ]
feature-set  [ do ]
grant-del  [ do ]
grant-get  [ dump ]
grant-new  [ do ]
guard-del  [ do ]
guard-get  [ dump ]
guard-new  [ do ]
quarantine-get  [ dump ]" "$(cli --schema "$schema" --list-ops | sed -E 's/dump, do/do, dump/' | sort)" \
	"ynl: cli.py, the spec checked against its schema, sees every command as an op, with do and dump as the module has them"

# Every notification, as the tools' library decodes it, on a socket of its
# own, until the last one expected (the timeout bounds a run that lacks it).
ev=$(mktemp)
timeout 600 /usr/bin/python3 "$top/tests/vm/ynl_events.py" "$ynl/tools/net/ynl" "$spec" "$schema" \
	"$ev.ready" >"$ev" &
evpid=$!
wait_ready "$ev.ready" || echo "the notification listener did not start" >&2

expect_eq "[null, null]" "$(cli --multi adapter-new '{"ifname": "h-a", "vm": "vm-a"}' \
	--multi adapter-new '{"ifname": "h-b", "vm": "vm-b", "mac": "02000000080b", "owner": 1000}')" \
	"ynl: cli.py --do adapter-new, twice (--multi), one with a MAC and an owner"
has "File exists" "$(cli --do adapter-new --json '{"ifname": "h-a", "vm": "x"}'; echo "exit $?")" \
	"ynl: ... a refusal is the kernel's errno"
out=$(cli --do adapter-get --json '{"ifname": "h-a"}')
has "^\{\"ifindex\": $(cat /sys/class/net/h-a/ifindex), \"ifname\": \"h-a\", \"vm\": \"vm-a\", \"mac\": \"$A\", \"master\": $(cat /sys/class/net/br0/ifindex), \"promisc\": 0, " \
	"$out" "ynl: cli.py --do adapter-get"
has '"stats": \{"invalid-src": 0, "forged-src": 0, .*"promisc-rx": 0\}' "$out" "ynl: ... its counters decoded"
out=$(cli --dump adapter-get --json '{"vm": "vm-b"}')
has '^\[\{[^]]*"ifname": "h-b", "vm": "vm-b", "mac": "02:00:00:00:08:0b", "master": [0-9]+, "owner": 1000, .*"exposure": \[\], .*\}\]$' \
	"$out" "ynl: cli.py --dump adapter-get, filtered by VM id"
expect_eq 1 "$(grep -o '"ifname"' <<<"$out" | wc -l)" "ynl: ... only that VM's adapter"
# A dry run: a frame from a MAC not h-b's, judged as if vm-b sent it. It
# sends no notification (the list of events below has none for it).
out=$(cli --do adapter-check --json \
	'{"ifname": "h-b", "frame": "02000000080a02000000089988b50000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}')
has '"verdict": "drop", "drop-reason": "forged-src"' "$out" "ynl: cli.py --do adapter-check, a forged source"
expect_eq '{"feature": 0}' "$(cli --do feature-get)" "ynl: cli.py --do feature-get"
expect_eq "[null, null, null]" \
	"$(cli --multi feature-set '{"feature": 1}' --multi grant-new '{"uid": 0}' --multi grant-new '{"uid": 1000}')" \
	"ynl: cli.py --do feature-set and grant-new (--multi)"
has '"enabled": ?true' "$("$PMODECTL" -j feature show)" "ynl: ... pmodectl sees the gate on"
expect_eq '[{"uid": 0}, {"uid": 1000}]' "$(cli --dump grant-get)" "ynl: cli.py --dump grant-get"
expect_eq "[null, null]" \
	"$(cli --multi adapter-set '{"ifname": "h-a", "promisc": 1}' --multi adapter-set '{"ifname": "h-b", "allow-add": "00005e000107"}')" \
	"ynl: cli.py --do adapter-set: promisc on, an allowed MAC added (--multi)"
out=$(cli --dump adapter-get)
has '"ifname": "h-a"[^}]*"promisc": 1, "allowed": \{\}' "$out" "ynl: cli.py --dump adapter-get: promisc on"
has '"ifname": "h-b"[^}]*"promisc": 0, "allowed": \{"mac": \["00:00:5e:00:01:07"\]\}' "$out" \
	"ynl: ... and the MAC list decoded"
expect_eq "[null, null]" "$(cli --multi grant-del '{"uid": 1000}' --multi adapter-set '{"ifname": "h-a", "promisc": 0}')" \
	"ynl: cli.py --do grant-del, adapter-set promisc off (--multi)"
expect_eq "[0]" "$("$PMODECTL" -j user show | tr -d ' \n')" "ynl: ... pmodectl sees the grant gone"
send_from b --src 02:00:00:00:08:99 --dst $A --count 1 --marker 1 >/dev/null
expect_eq "[null, null]" "$(cli --multi feature-set '{"feature": 0}' --multi adapter-del '{"ifname": "h-a"}')" \
	"ynl: cli.py --do feature-set, adapter-del (--multi)"
wait $evpid
expect_eq "adapter-new-ntf h-a request 0
adapter-new-ntf h-b request 0
feature-set-ntf 1
grant-new-ntf 0
grant-new-ntf 1000
adapter-set-ntf h-a request 1
adapter-set-ntf h-b request 0
grant-del-ntf 1000
adapter-set-ntf h-a request 0
violation h-b forged-src 02:00:00:00:08:99
violation-frame h-b forged-src 02:00:00:00:08:99 +frame
feature-set-ntf 0
adapter-del-ntf h-a request 0" "$(cat "$ev")" \
	"ynl: the tools' library decodes every notification the module sends, in order"
rm -f "$ev" "$ev.ready"

check "ynl: cli.py --do adapter-del, by ifindex" \
	cli --do adapter-del --json "{\"ifindex\": $(cat /sys/class/net/h-b/ifindex)}"
expect_eq "[]" "$(cli --dump adapter-get)" "ynl: nothing left"
