#!/bin/bash
# Why was this frame dropped? A violation event shows the frame, decoded;
# 'adapter check' gives, frame by frame, the verdict the data path gives
# the same frame; and it judges a capture taken inside a VM as the port's
# counters did.
#
#   (process) tap:t-w -- t-w [br0] h-b -- eth0[vm b 02:..:09:0b]
#                            [br0] h-c -- eth0[vm c 02:..:09:0c] (tcpdump -w)
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
tap_vm w br0
veth_vm b 02:00:00:00:09:0b br0
veth_vm c 02:00:00:00:09:0c br0
W=02:00:00:00:09:0a B=02:00:00:00:09:0b C=02:00:00:00:09:0c
F=02:00:00:00:09:99 BC=ff:ff:ff:ff:ff:ff ND=33:33:00:00:00:01
run pmodectl adapter add dev t-w vm vm-w mac $W

# hexof MARKER PKT-ARGS...: the bytes pkt.py sends for these arguments.
hexof() { local marker=$1; shift; "${PKT[@]}" hex --marker "$marker" "$@"; }

# monitors: start 'pmodectl monitor' and 'pmodectl -j monitor', their
# output in $mon and $monj, their pids in $mon_pid and $monj_pid.
monitors() {
	mon=$(mktemp) monj=$(mktemp)
	# README: pmodectl monitor
	"$PMODECTL" monitor >"$mon" &
	mon_pid=$!
	"$PMODECTL" -j monitor >"$monj" &
	monj_pid=$!
	sleep 1
}

# --- The violation event carries the frame, as sent, and monitor decodes it.
monitors
# A forged ARP reply in an 802.1Q tag, which the stack moves out of the
# frame before the hook: the event must put it back. One event a second,
# and a loaded host may take the first frame late: until one is reported.
arp=(--src $W --dst $BC --kind arp --lladdr $F --vlan 8100:10)
for i in $(seq 10); do
	run "${PKT[@]}" send tap:t-w --marker 7 "${arp[@]}"
	wait_for grep -q violation "$mon" && wait_for grep -q violation "$monj" && break
	sleep 1.1
done
sleep 0.5
kill $mon_pid $monj_pid
line=$(grep -m1 violation "$mon")
echo "# $line"
expect_match "^violation dev t-w vm vm-w reason forged-arp mac $F suppressed [0-9]+ frame $W > $BC, 802.1Q vid 10, ARP reply 10.99.0.7 is-at $F, length 64\$" \
	"$line" "why: monitor shows the violation's frame decoded: tag, ARP reply, sender"
want=$(hexof 7 "${arp[@]}")
frame=$(jsonq -l "json.dumps(next(e for e in a if e['event'] == 'violation')['frame'])" <"$monj")
got=$(jsonq "join(a['hex'], a['len'], a['vlans'][0]['tpid'], a['vlans'][0]['vid'],
		  a['arp']['op'], a['arp']['sender_mac'], a['arp']['sender_ip'])" "$frame")
expect_eq "$want 64 802.1Q 10 reply $F 10.99.0.7" "$got" \
	"why: the event's bytes are the frame as sent, its moved-out tag put back (JSON)"

# --- adapter check against the data path, frame by frame.
# path_verdict BEFORE AFTER RECEIVED: what the data path did, told by the
# counter that moved (BEFORE and AFTER are stats_of's) and whether the
# frame arrived.
path_verdict() {
	local moved
	moved=$(jsonq "' '.join(k for k in b if b[k] != a[k])" "$1" "$2")
	case $moved in
	*' '*) echo "several counters moved: ${moved// /,}" ;;
	promisc*) [ "${3:-0}" -ne 0 ] && echo pass-promisc || echo lost ;;
	?*) echo "drop/$moved" ;;
	*) [ "${3:-0}" -ne 0 ] && echo pass || echo lost ;;
	esac
}
# dry ARGS...: 'adapter check' of one frame, as verdict[/reason].
dry() {
	pmodectl -j adapter check "$@" |
		jsonq "'/'.join(x for x in (a['frames'][0]['verdict'], a['frames'][0]['reason']) if x)"
}

# judged tx|rx DESC WANT MARKER PKT-ARGS...: a frame w transmits (tx) or b
# sends towards w (rx): 'adapter check' says WANT, and the data path, told
# by w's counters and whether the frame arrived, does the same.
judged() {
	local dir=$1 desc=$2 want=$3 marker=$4 verdict before after got
	shift 4
	verdict=$(dry dev t-w "$dir" frame "$(hexof "$marker" "$@")")
	before=$(stats_of t-w)
	if [ "$dir" = tx ]; then
		expect_eq "$want" "$verdict" "why: check: $desc"
		got=$(count_rx b "$marker" 1 -- "${PKT[@]}" send tap:t-w --marker "$marker" "$@")
	else
		expect_eq "$want" "$verdict" "why: check rx: $desc"
		got=$(count_rx tap:t-w "$marker" 1 -- send_from b --marker "$marker" "$@")
	fi
	after=$(stats_of t-w)
	expect_eq "$verdict" "$(path_verdict "$before" "$after" "$got")" \
		"why: ... and the data path does the same"
}
tx_case() { judged tx "$@"; }
rx_case() { judged rx "$@"; }

tx_case "genuine frame" pass 11 --src $W --dst $BC
tx_case "forged source" drop/forged-src 12 --src $F --dst $BC
tx_case "forged source, 802.1ad over 802.1Q" drop/forged-src 13 --src $F --dst $BC --vlan 88a8:5,8100:6
tx_case "multicast source" drop/invalid-src 14 --src 01:00:5e:00:00:01 --dst $BC
tx_case "genuine ARP" pass 15 --src $W --kind arp
tx_case "forged ARP sender, 802.1Q" drop/forged-arp 16 --src $W --kind arp --lladdr $F --vlan 8100:10
tx_case "genuine NA" pass 17 --src $W --dst $ND --kind na
tx_case "forged NA target lladdr" drop/forged-nd 18 --src $W --dst $ND --kind na --lladdr $F
tx_case "forged NS source lladdr" drop/forged-nd 19 --src $W --dst $ND --kind ns --lladdr $F
rx_case "to the VM's MAC" pass 21 --src $B --dst $W
rx_case "unicast to another MAC" drop/foreign-dst 22 --src $B --dst 02:00:00:00:09:55
rx_case "broadcast" pass 23 --src $B --dst $BC
run pmodectl feature enable
run pmodectl user grant 0
run pmodectl adapter set dev t-w promisc on
tx_case "forged source, promisc on" pass-promisc 31 --src $F --dst $BC
run pmodectl adapter set dev t-w promisc off
run pmodectl user revoke 0
run pmodectl feature disable

# The dry run moves nothing: the counters are those the frames above made.
before=$(stats_of t-w)
run pmodectl adapter check dev t-w frame "$(hexof 12 --src $F --dst $BC)"
expect_eq "$before" "$(stats_of t-w)" "why: check counts nothing"
expect_exit 1 "why: a frame shorter than an Ethernet header is refused" \
	"$PMODECTL" adapter check dev t-w frame 0200000000
expect_match "5-byte frame has no Ethernet header" "$last_err" "why: ... saying so"
expect_exit 1 "why: check on a port without adapter is refused" \
	"$PMODECTL" adapter check dev h-b frame "$(hexof 11 --src $W)"
expect_match "h-b has no adapter" "$last_err" "why: ... saying so"

# --- A capture taken inside VM c, judged as c's port judged it.
run in_vm c sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
run pmodectl adapter add dev h-c vm vm-c
cap=$(mktemp)
caplog=$(mktemp)
ip netns exec c-$$ tcpdump -Z root -U -Q out -i eth0 -w "$cap" 2>"$caplog" &
cap_pid=$!
wait_ready "$caplog" "listening on"
before=$(stats_of h-c)
run send_from c --src $C --dst $BC --count 3 --marker 41
run send_from c --src $F --dst $BC --count 2 --marker 42
run send_from c --src $C --kind arp --lladdr $F --marker 43
run send_from c --src $C --dst $ND --kind na --lladdr $F --marker 44
run send_from c --src $C --dst $ND --kind ns --marker 45 --vlan 8100:3
sleep 1
kill -INT $cap_pid
wait $cap_pid
after=$(stats_of h-c)
cat "$caplog" >&2
# README: pmodectl adapter check dev h-c pcap vm.pcap
out=$(pmodectl adapter check dev h-c pcap "$cap")
tap_diag 100 <<<"$out"
json=$(pmodectl -j adapter check dev h-c pcap "$cap")
# The counters that moved, and the summary's reasons, must be the same.
got=$(jsonq "join(c['summary']['frames'], c['summary']['pass'], c['summary']['drop'],
		  'same' if (m := {k: b[k] - a[k] for k in b if b[k] != a[k]}) ==
			    (s := {k: v for k, v in c['summary']['dropped'].items() if v})
		  else join(m, 'vs', s))" "$before" "$after" "$json")
expect_eq "8 4 4 same" "$got" \
	"why: check of c's capture: 8 frames, 4 dropped, by the reasons c's port counted"
expect_match "^ +4 +drop +forged-src +$F +$F > $BC" "$out" "why: pcap: one line per frame, with verdict, reason and MAC"
expect_match "^ +6 +drop +forged-arp +$F +$C > $BC, ARP reply 10.99.0.43 is-at $F" "$out" \
	"why: pcap: ... and the frame decoded"
expect_match "^8 frames: 4 pass, 0 pass only because promisc is on, 4 drop" "$out" \
	"why: pcap: a summary at the end"
expect_match "^  forged-src +2\$" "$out" "why: pcap: ... by reason"

# The Python client asks the same.
got=$(PYTHONPATH=$top/python /usr/bin/python3 "$top/tests/vm/client.py" check t-w \
	"$(hexof 12 --src $F --dst $BC)")
expect_eq "drop forged-src $F pass" "$got" "why: the Python client's adapter_check says the same"

# For the README and the man page: one frame checked, as a person reads it.
# README: pmodectl adapter check dev t-w frame ffffffffffff02000000090a8100000a080600010800060400020200000009990a630010ffffffffffff0a630001000000000000000000000000000000000000
for f in "$(hexof 16 --src $W --kind arp --lladdr $F --vlan 8100:10)"; do
	echo "# \$ pmodectl adapter check dev t-w frame $f"
	"$PMODECTL" adapter check dev t-w frame "$f" | tap_diag 100
done

# --- Who made a change: every change event names the uid that made it
# and, for an agent acting for a user, that user.
monitors
run pmodectl feature enable
run pmodectl user grant 1000
run pmodectl adapter add dev h-b vm vm-b owner 1000
run pmodectl adapter set dev h-b promisc on as 1000
check "who: the owner turns promisc off" \
	setpriv --reuid 1000 --regid 1000 --clear-groups "$PMODECTL" adapter set dev h-b promisc off
# README: pmodectl adapter allow dev veth7 00:00:5e:00:01:07
run pmodectl adapter allow dev h-b 00:00:5e:00:01:07
run pmodectl adapter del dev h-b
run pmodectl user revoke 1000
run pmodectl feature disable
sleep 1
kill $mon_pid $monj_pid
tap_diag 100 <"$mon"
who=$(awk '{ by = as = "-"; for (i = 1; i < NF; i++) { if ($i == "by") by = $(i + 2); if ($i == "as") as = $(i + 2) }
	p = ""; for (i = 1; i < NF; i++) if ($i == "promisc") p = "/" $(i + 1)
	print $1 p, by, as }' "$mon" | tr '\n' ';')
expect_eq "feature 0 -;grant-new 0 -;adapter-new/off 0 -;adapter-set/on 0 1000;adapter-set/off 1000 -;adapter-set/off 0 -;adapter-del/off 0 -;grant-del 0 -;feature 0 -;" \
	"$who" "who: monitor names who made each change, and whom an agent acted for"
who=$(jsonq -l "';'.join(join(e['event'], e.get('by_uid'), e.get('as_uid')) for e in a)" <"$monj")
expect_eq "feature 0 None;grant-new 0 None;adapter-new 0 None;adapter-set 0 1000;adapter-set 1000 None;adapter-set 0 None;adapter-del 0 None;grant-del 0 None;feature 0 None" \
	"$who" "who: ... and so does its JSON"
