#!/bin/bash
# pmode says when something attached to a port bypasses its hooks.
#
#   eth0 [a] -- h-a [br0] h-b -- eth0 [b]
#
# A tc mirred redirect on h-a's ingress runs before pmode's ingress hook: a
# frame a forges reaches b (the bypass is real, judged by what b receives),
# and pmode reports it: in 'adapter show' (JSON and text, with what removes
# it), as an adapter-set event with reason exposure-changed, and through
# 'adapter audit', which exits 1 until the filter is gone. The same for a tc
# pedit on h-b's egress, generic and native XDP, and a packet tap; after
# each is removed, everything is clean again and audit exits 0. The
# control: before the filter, a's forged frames do not reach b.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
A=02:77:00:00:00:0a B=02:77:00:00:00:0b F=02:77:00:00:00:99
check "exposure: look at ports every second" \
	sh -c 'echo 1 >/sys/module/pmode/parameters/exposure_interval'
mkbridge br0
veth_vm a $A br0
veth_vm b $B br0
run pmodectl adapter add dev h-a vm vm-a
run pmodectl adapter add dev h-b vm vm-b
run modprobe -a sch_ingress cls_matchall act_mirred act_pedit
tmp=$(mktemp -d)
mon=$tmp/mon
"$PMODECTL" -j monitor >>"$mon" &
mon_pid=$!

# exposure DEV: DEV's exposure, words one space apart ("unreported" if the
# module does not say).
exposure() {
	"$PMODECTL" -j adapter show dev "$1" | jsonq "' '.join(a[0].get('exposure', ['unreported']))"
}
# event DEV WORDS: the monitor got DEV's exposure-changed event, saying WORDS
# (as "a","b"); the events so far are then forgotten.
event() {
	local json=
	[ -z "$2" ] || json=$(printf '"%s",' $2)
	json=${json%,}
	if wait_for grep -q "\"ifname\":\"$1\".*\"exposure\":\[$json\],\"reason\":\"exposure-changed\"" "$mon"; then
		ok "exposure: the monitor reports $1's exposure changed to [${2:-}]"
	else
		not_ok "exposure: the monitor reports $1's exposure changed to [${2:-}]"
		tap_diag <"$mon"
	fi
	: >"$mon"
}
# forged MARKER: how many frames b receives of those a sends from a MAC not its own.
forged() { count_rx b "$1" 1 -- send_from a --src $F --dst $B --count 3 --marker "$1"; }
# audit STATUS WHAT: 'adapter audit' exits STATUS, its output matching WHAT.
audit() {
	local out rc
	out=$("$PMODECTL" adapter audit 2>&1)
	rc=$?
	echo "+ pmodectl adapter audit: $rc: $out" >&2
	if [ "$rc" = "$1" ] && grep -Eq -- "$2" <<<"$out"; then
		ok "exposure: audit exits $1, saying /$2/"
	else
		not_ok "exposure: audit exits $1, saying /$2/ (exit $rc: $out)"
	fi
}

expect_eq "" "$(exposure h-a)" "exposure: nothing attached to h-a, nothing reported"
audit 0 '^$'
expect_eq 0 "$(forged 1)" "exposure: control: a's forged frames do not reach b"

# --- tc ingress: a mirred redirect carries forged frames past pmode.
check "exposure: clsact on h-a" tc qdisc add dev h-a clsact
expect_eq "" "$(exposure h-a)" "exposure: a qdisc without filters bypasses nothing"
check "exposure: tc ingress filter redirecting h-a's frames to h-b" \
	tc filter add dev h-a ingress matchall action mirred egress redirect dev h-b
expect_eq 3 "$(forged 2)" "exposure: the redirect bypasses pmode: b receives a's forged frames"
expect_eq tc-ingress "$(exposure h-a)" "exposure: adapter show -j says tc-ingress on h-a"
expect_match "exposed: tc-ingress: .*remove: tc filter del dev h-a ingress" \
	"$("$PMODECTL" adapter show dev h-a)" "exposure: adapter show says what it is and what removes it"
event h-a tc-ingress
audit 1 'h-a.*vm-a|exposed: tc-ingress'
check "exposure: remove the filter" tc filter del dev h-a ingress
expect_eq "" "$(exposure h-a)" "exposure: h-a is clean again"
event h-a ""
run tc qdisc del dev h-a clsact

# --- tc egress: pedit after pmode's egress hook rewrites what it judged.
check "exposure: tc egress pedit on h-b" sh -c "tc qdisc add dev h-b clsact &&
	tc filter add dev h-b egress matchall action pedit ex munge eth src set $F"
expect_eq tc-egress "$(exposure h-b)" "exposure: adapter show -j says tc-egress on h-b"
event h-b tc-egress
audit 1 'exposed: tc-egress: .*tc filter del dev h-b egress'
check "exposure: remove the qdisc" tc qdisc del dev h-b clsact
expect_eq "" "$(exposure h-b)" "exposure: h-b is clean again"
event h-b ""

# --- A packet socket for every protocol on h-a reads a's frames unjudged.
tcpdump -i h-a -w /dev/null 2>/dev/null &
td=$!
is_exposed() { [ "$(exposure "$1")" = "$2" ]; }
if wait_for is_exposed h-a packet-tap; then
	ok "exposure: a tcpdump on h-a is reported as packet-tap"
else
	not_ok "exposure: a tcpdump on h-a is reported as packet-tap ($(exposure h-a))"
fi
event h-a packet-tap
kill $td
wait $td 2>/dev/null
event h-a ""

# --- XDP, generic and native: a program compiled here, if clang can.
cat >"$tmp/xdp.c" <<'C'
__attribute__((section("xdp"), used)) int pass(void *ctx) { return 2; /* XDP_PASS */ }
char _license[] __attribute__((section("license"), used)) = "GPL";
C
if clang -O2 -target bpf -c "$tmp/xdp.c" -o "$tmp/xdp.o" 2>"$tmp/clang.err"; then
	for mode in xdpgeneric:xdp-generic xdpdrv:xdp-native; do
		check "exposure: $mode program on h-a" \
			ip link set dev h-a "${mode%%:*}" obj "$tmp/xdp.o" sec xdp
		expect_eq "${mode#*:}" "$(exposure h-a)" "exposure: adapter show -j says ${mode#*:}"
		event h-a "${mode#*:}"
		audit 1 "exposed: ${mode#*:}: .*ip link set dev h-a ${mode%%:*} off"
		check "exposure: remove it" ip link set dev h-a "${mode%%:*}" off
		event h-a ""
	done
else
	ok "exposure: XDP # SKIP no BPF compiler: $(head -1 "$tmp/clang.err")"
fi

audit 0 '^$'
expect_eq "" "$("$PMODECTL" -j adapter show | jsonq "' '.join(x['ifname'] for x in a if x.get('exposure', 1))")" \
	"exposure: no adapter is exposed at the end"
kill $mon_pid
wait $mon_pid 2>/dev/null
rm -rf "$tmp"
