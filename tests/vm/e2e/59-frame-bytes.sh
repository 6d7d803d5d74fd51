#!/bin/bash
# A violation's frame bytes are the tenant's traffic: only listeners with
# CAP_NET_ADMIN over the port's namespace get them. A VM sends forged
# frames carrying a recognisable payload; an unprivileged user's
# 'pmodectl monitor' and a raw listener of its own see the violation and
# not one byte of the frame (the raw listener fails to join "frames" by
# its id), while root's, in the same run, do see the payload. Root of a
# user namespace of one's own joins "frames" only in namespaces of one's
# own, which get no violation of the host's ports.
#
#   (VM w) tap:t-w -- t-w [br0]      frames from F, payload PMODE$secret
#   listeners: root, uid 1000, uid 1000 as root of new user+net namespaces,
#   uid 1000 as root of a new user namespace in the host's net namespace
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
tap_vm w br0
W=02:00:00:00:0b:0a F=02:00:00:00:0b:99 BC=ff:ff:ff:ff:ff:ff
run pmodectl adapter add dev t-w vm vm-w mac $W
secret=TenantSecret59
needle=$(printf %s "$secret" | od -An -tx1 | tr -d ' \n')
d=$(mktemp -d)
stop=$d/stop
as() { local uid=$1; shift; setpriv --reuid "$uid" --regid "$uid" --clear-groups "$@"; }
chmod 0777 "$d"

# listen NAME [PREFIX...]: a raw listener (tests/vm/nl_listen.py) trying to
# join both groups, run under PREFIX; its report in $d/NAME.
listen() {
	local name=$1
	shift
	"$@" /usr/bin/python3 "$top/tests/vm/nl_listen.py" --groups notify,frames \
		--needle "$needle" --ready "$d/$name.ready" --until "$stop" \
		>"$d/$name" 2>"$d/$name.err" &
	pids+=($!)
}
pids=()
listen root
listen user as 1000
listen userns-netns as 1000 unshare --user --map-root-user --net
listen userns as 1000 unshare --user --map-root-user
"$PMODECTL" -j monitor >"$d/mon-root" 2>"$d/mon-root.err" &
mons=($!)
as 1000 "$PMODECTL" -j monitor >"$d/mon-user" 2>"$d/mon-user.err" &
mons+=($!)
as 1000 "$PMODECTL" monitor >"$d/mon-user.txt" 2>"$d/mon-user.txt.err" &
mons+=($!)
for f in root user userns-netns userns; do
	wait_ready "$d/$f.ready" || echo "# listener $f did not start: $(cat "$d/$f.err")"
done
sleep 1

# One event a second per adapter, and a loaded host may take the first
# frame late: send until root's listener and monitor have the payload.
for i in $(seq 10); do
	run "${PKT[@]}" send tap:t-w --src $F --dst $BC --marker "$secret"
	wait_for grep -q "$needle" "$d/mon-root" && break
	sleep 1.1
done
sleep 1.5
touch "$stop"
wait "${pids[@]}"
kill "${mons[@]}"
wait "${mons[@]}" 2>/dev/null
for f in root user userns-netns userns; do
	echo "# $f: $(tr '\n' ' ' <"$d/$f") $(cat "$d/$f.err")"
done

# report NAME: a listener's report as one line of its words.
report() { tr '\n' ' ' <"$d/$1" | sed 's/ $//'; }
# Root, the positive control: the payload reaches an administrator.
expect_match "^join notify ok join frames ok messages [1-9][0-9]* violations [1-9][0-9]* frame-attrs [1-9][0-9]* needle [1-9]" \
	"$(report root)" "frames: root joins \"frames\" and receives the violation's payload"
expect_eq "True True" "$(jsonq -l "join(any('$needle' in (e.get('frame') or {}).get('hex', '') for e in a),
	all(e['frame'] for e in a if e['event'] == 'violation'))" <"$d/mon-root")" \
	"frames: root's monitor shows the payload, every violation once, with its frame"
# An unprivileged user: the violation, not its bytes.
expect_match "^join notify ok join frames EPERM messages [1-9][0-9]* violations [1-9][0-9]* frame-attrs 0 needle 0\$" \
	"$(report user)" "frames: uid 1000 cannot join \"frames\", sees the violation, not one byte of its frame"
expect_eq "True True" "$(jsonq -l "join(any(e['event'] == 'violation' and e['mac'] == '$F' for e in a),
	all(e['frame'] is None for e in a if e['event'] == 'violation'))" <"$d/mon-user")" \
	"frames: uid 1000's monitor shows the violation, its frame null"
expect_eq 0 "$(cat "$d/mon-user" "$d/mon-user.txt" | grep -c -e "$needle" -e "$secret")" \
	"frames: ... and the payload nowhere in its output, text or JSON"
expect_match "^violation dev t-w vm vm-w reason forged-src mac $F suppressed [0-9]+\$" \
	"$(grep -m1 violation "$d/mon-user.txt")" "frames: ... the text says the violation, without frame"
expect_eq "" "$(cat "$d/mon-user.err" "$d/mon-user.txt.err")" \
	"frames: ... and nothing on stderr: not being root is no error"
# Root of namespaces of one's own: its own frames, nobody else's.
expect_match "^join notify ok join frames ok messages 0 violations 0 frame-attrs 0 needle 0\$" \
	"$(report userns-netns)" \
	"frames: root of its own user and net namespaces joins \"frames\" there, gets no host port's violation"
expect_match "^join notify ok join frames EPERM .* needle 0\$" "$(report userns)" \
	"frames: root of its own user namespace, socket in the host's, cannot join \"frames\""
rm -rf "$d"
