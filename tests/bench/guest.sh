#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the VM (tests/bench/run.sh boots it with one vCPU
# under -icount shift=0,sleep=off: a guest nanosecond is one instruction).
#
# Two "VMs" a and b, each a netns whose eth0 is a veth with its host end
# (h-a, h-b) on bridge br0. pktgen in a sends 64-byte frames (60 + FCS) to b
# through h-a -> br0 -> h-b; the time pktgen reports per frame is the cost
# of the whole path, receiver included, on the one CPU. Idle taps d2...
# (no VM behind them: pmode registers only a VM's kind of port) bring the
# number of ports to N. Each method guards all N ports:
#
#   bare       nothing registered (the floor)
#   null       accept-all netdev hooks on h-a and h-b (the floor of any
#              netfilter-hook method; pmode_bench.ko)
#   pmode      pmode adapters on all N ports, genuine frames
#   pmode-drop the same, frames with a forged source MAC
#   pmode-guarded  pmode, and br0 guarded (network guard): every port is
#              registered, so nothing is quarantined; what a guard costs
#              the ports it does not quarantine
#   nft-set    netdev ingress and egress chains over all N ports (128 ports
#              a chain: the kernel takes fewer than 256) with concatenated sets
#              iif . saddr and oif . daddr: one lookup a frame
#   nft-dev    a chain per port and hook, comparing with the port's MAC
#   nft-full   nft-dev, and what else pmode checks that nftables can: the
#              ARP sender, a DHCP request's chaddr, the first link-layer
#              option of RS, RA, NS and NA (nftables walks no option list,
#              nor a tag left in the data: a frame in two tags has no
#              transport header for it)
#   tc         clsact on every port: flower src_mac pass, else drop
#              (transmit check only)
#
# Frame kinds (KINDS; pktgen makes PKT_KINDS of them): ip4, UDP over IPv4
# (the figures without a kind); ip6, UDP over IPv6; vlan4, vlan6 in an
# 802.1Q tag (vid 10); in the microbenchmark also qinq4, qinq6 (802.1ad
# vid 100, then 802.1Q vid 10) and ns, na (neighbour solicitation and
# advertisement with the source's link-layer option), which pktgen cannot
# make. pktgen's IPv6 frames are 78 bytes (its own header needs 16).
#
# Lines "R,<figure>[@kind],<method>,<N>,<repeat>,<value>" go to stdout; the
# host makes the tables. Settings come from build/bench/params.sh.
set -u
top=$PMODE_TOP
. "$top/build/bench/params.sh"
. "$top/tests/lib/kreport.sh"
PMODECTL=$top/tools/pmodectl
A=02:00:00:00:00:0a B=02:00:00:00:00:0b F=02:00:00:00:00:0f
work=/tmp/bench
mkdir -p "$work"
log() { echo "# $*"; }
now() { date +%s%N; }
# cpu_ms CMD...: run CMD; print the CPU time (user + system, in ms) it
# took. Elapsed guest time would also count the guest idling while the
# host serves its 9p file reads, which says nothing about pmode.
cpu_ms() {
	local TIMEFORMAT='%3U %3S' t
	t=$( { time "$@" >/dev/null 2>&1; } 2>&1) || return 1
	awk '{ printf "%.1f\n", ($1 + $2) * 1000 }' <<<"$t"
}

modprobe pktgen && modprobe tun || exit 1
modprobe nf_tables && modprobe cls_flower && modprobe act_gact && modprobe cls_matchall
insmod "$top/tests/bench/kmod/pmode_bench.ko" || exit 1
sysctl -qw net.core.netdev_max_backlog=10000

ip link add br0 type bridge vlan_filtering 0
ip link set br0 up
for v in a b; do
	ip netns add $v
	ip link add h-$v type veth peer eth0 netns $v
	ip link set h-$v master br0 up
done
ip -n a link set eth0 address $A up
ip -n b link set eth0 address $B up
bridge fdb add $A dev h-a master static
bridge fdb add $B dev h-b master static
sleep 3	# forwarding state
# Warm the guest's cache of the host's files (9p cache=loose): timings
# below are then the programs' own, not the host's disk.
insmod "$top/kmod/pmode.ko" && "$PMODECTL" -j adapter show >/dev/null &&
	/usr/bin/python3 "$top/tests/bench/cplane.py" dump >/dev/null && rmmod pmode || exit 1
cat $(command -v nft tc ip awk date sh) >/dev/null
nft list ruleset </dev/null >/dev/null && tc qdisc show </dev/null >/dev/null

# ports N: the path's two ports, then the idle ones (d2, d3, ...).
port_dev() { case $1 in 0) echo h-a ;; 1) echo h-b ;; *) echo "d$1" ;; esac; }
port_mac() {
	case $1 in 0) echo $A ;; 1) echo $B ;;
	*) printf '02:00:00:01:%02x:%02x\n' $(($1 / 256)) $(($1 % 256)) ;; esac
}
idle=2
grow_ports() {
	local n=$1 i
	for ((i = idle; i < n; i++)); do
		echo "tuntap add dev d$i mode tap"
	done >"$work/links"
	ip -batch "$work/links" || exit 1
	for ((i = idle; i < n; i++)); do
		echo "link set d$i address $(port_mac $i) up"
	done >"$work/links"
	ip -batch "$work/links" || exit 1
	idle=$((n > idle ? n : idle))
}

pg() { ip netns exec a sh -c "echo '$1' >/proc/net/pktgen/$2"; }
# pktgen SRC [KIND]: guest ns per frame over $COUNT frames from SRC to b.
pktgen() {
	local kind=${2:-ip4}
	pg "rem_device_all" kpktgend_0
	pg "add_device eth0" kpktgend_0
	pg "count $COUNT" eth0
	pg "pkt_size 60" eth0
	pg "dst_mac $B" eth0
	pg "src_mac $1" eth0
	case $kind in
	*6)	pg "dst6 fe80::b" eth0
		pg "src6 fe80::a" eth0 ;;
	*)	pg "dst 10.0.0.2" eth0
		pg "src_min 10.0.0.1" eth0
		pg "src_max 10.0.0.1" eth0 ;;
	esac
	case $kind in vlan*) pg "vlan_id 10" eth0 ;; esac
	pg "delay 0" eth0
	pg "clone_skb 0" eth0
	pg "start" pgctrl
	ip netns exec a cat /proc/net/pktgen/eth0 | sed -n 's/^Result: OK: \([0-9]*\)(.*/\1/p' |
		awk -v c="$COUNT" '{ printf "%.1f\n", $1 * 1000 / c }'
}
# micro SRC [KIND]: ns per frame of h-a's ingress hooks and of h-b's egress
# hooks.
micro() {
	echo "h-a $1 $B $ITERS ${2:-ip4}" >/sys/module/pmode_bench/parameters/run
	local in out
	in=$(cut -d' ' -f1,3 /sys/module/pmode_bench/parameters/result)
	echo "h-b $1 $B $ITERS ${2:-ip4}" >/sys/module/pmode_bench/parameters/run
	out=$(cut -d' ' -f2,4 /sys/module/pmode_bench/parameters/result)
	echo "$in $out"
}
emit() { echo "R,$1,$2,$N,$rep,$3"; }
# The figure's name for frames of kind $1: IPv4's have none.
kfig() { [ "$2" = ip4 ] && echo "$1" || echo "$1@$2"; }
# A port's MAC as a number, for nftables' raw payload matches.
mac_hex() { echo "0x${1//:/}"; }

nft_set_up() {
	local i k chains=$(((N + 127) / 128))
	{
		echo "table netdev bench {"
		echo "  set tx_ok { type iface_index . ether_addr; }"
		echo "  set rx_ok { type iface_index . ether_addr; }"
		for ((k = 0; k < chains; k++)); do
			local devs=
			for ((i = k * 128; i < N && i < (k + 1) * 128; i++)); do
				devs+="${devs:+, }$(port_dev $i)"
			done
			echo "  chain tx$k { type filter hook ingress devices = { $devs } priority -500;"
			echo "    meta iif . ether saddr != @tx_ok drop; }"
			echo "  chain rx$k { type filter hook egress devices = { $devs } priority -500;"
			echo "    ether daddr & 01:00:00:00:00:00 == 00:00:00:00:00:00 meta oif . ether daddr != @rx_ok drop; }"
		done
		echo "}"
		for s in tx_ok rx_ok; do
			for ((i = 0; i < N; i++)); do
				echo "add element netdev bench $s { $(port_dev $i) . $(port_mac $i) }"
			done
		done
	} >"$work/nft"
	nft -f "$work/nft"
}
# nft_dev_up [full]
nft_dev_up() {
	local i d m x
	{
		echo "table netdev bench {"
		for ((i = 0; i < N; i++)); do
			d=$(port_dev $i) m=$(port_mac $i) x=$(mac_hex "$(port_mac $i)")
			echo "  chain tx_$d { type filter hook ingress device \"$d\" priority -500;"
			echo "    ether saddr != $m drop;"
			[ "${1:-}" = full ] && cat <<NFT
    meta protocol arp @nh,64,48 != $x drop;
    udp dport 67 @th,64,8 1 @th,256,32 0 @th,288,48 != $x drop;
    icmpv6 type nd-router-solicit @th,64,8 1 @th,80,48 != $x drop;
    icmpv6 type nd-router-advert @th,128,8 1 @th,144,48 != $x drop;
    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } @th,192,8 { 1, 2 } @th,208,48 != $x drop;
NFT
			echo "  }"
			echo "  chain rx_$d { type filter hook egress device \"$d\" priority -500;"
			echo "    ether daddr & 01:00:00:00:00:00 == 00:00:00:00:00:00 ether daddr != $m drop; }"
		done
		echo "}"
	} >"$work/nft"
	nft -f "$work/nft"
}
tc_up() {
	local i d
	for ((i = 0; i < N; i++)); do
		d=$(port_dev $i)
		echo "qdisc add dev $d clsact"
		echo "filter add dev $d ingress prio 1 protocol all flower src_mac $(port_mac $i) action pass"
		echo "filter add dev $d ingress prio 2 protocol all matchall action drop"
	done >"$work/tc"
	tc -batch "$work/tc"
}
tc_down() {
	local i
	for ((i = 0; i < N; i++)); do echo "qdisc del dev $(port_dev $i) clsact"; done >"$work/tc"
	tc -batch "$work/tc"
}

# pmode on every port, and br0 guarded: nothing may be quarantined, or the
# figures would be a quarantine's.
pmode_guarded_up() {
	local i
	for ((i = 0; i < N; i++)); do
		echo "adapter add dev $(port_dev $i) vm vm-$i mac $(port_mac $i)"
	done >"$work/batch"
	insmod "$top/kmod/pmode.ko" && "$PMODECTL" -b "$work/batch" &&
		"$PMODECTL" network guard dev br0 || return 1
	[ "$("$PMODECTL" network show | awk 'NR > 1 && $2 != "-"' | wc -l)" -eq 0 ] ||
		{ log "pmode-guarded: a port is quarantined"; return 1; }
}

# pmode, with the control-plane figures on the way.
pmode_cplane() {
	local i t0 t1 r
	for ((i = 0; i < N; i++)); do
		echo "$(port_dev $i) vm-$i $(port_mac $i)"
	done >"$work/adapters"
	insmod "$top/kmod/pmode.ko" || exit 1
	r=$(/usr/bin/python3 "$top/tests/bench/cplane.py" register "$work/adapters") || exit 1
	set -- $r
	emit cp-register-netlink-ms pmode "$(awk -v t=$1 'BEGIN { printf "%.2f", t / 1e6 }')"
	emit mem-slab-bytes-per-adapter pmode $(($3 / $2))
	emit mem-percpu-bytes-per-adapter pmode $(($4 / $2))
	rmmod pmode && insmod "$top/kmod/pmode.ko" || exit 1

	awk '{ print "adapter add dev", $1, "vm", $2, "mac", $3 }' "$work/adapters" >"$work/batch"
	r=$(cpu_ms "$PMODECTL" -b "$work/batch") || exit 1
	emit cp-register-pmodectl-cpu-ms pmode "$r"
	"$PMODECTL" -j adapter show >"$work/dump" || exit 1
	[ "$(grep -o '"vm"' "$work/dump" | wc -l)" -eq "$N" ] || { log "dump lacks adapters"; exit 1; }
	emit cp-dump-pmodectl-cpu-ms pmode "$(cpu_ms "$PMODECTL" -j adapter show)"
	r=$(/usr/bin/python3 "$top/tests/bench/cplane.py" dump) || exit 1
	set -- $r
	[ "$2" -eq "$N" ] || { log "netlink dump lacks adapters"; exit 1; }
	emit cp-dump-netlink-ms pmode "$(awk -v t=$1 'BEGIN { printf "%.2f", t / 1e6 }')"
	r=$(/usr/bin/python3 "$top/tests/bench/cplane.py" dumpraw) || exit 1
	set -- $r
	[ "$2" -eq "$N" ] || { log "raw dump lacks adapters"; exit 1; }
	emit cp-dump-netlink-raw-ms pmode "$(awk -v t=$1 'BEGIN { printf "%.2f", t / 1e6 }')"
	# pmodectl's start-up alone (an empty batch), to set its figures against.
	: >"$work/empty"
	emit cp-startup-pmodectl-cpu-ms pmode "$(cpu_ms "$PMODECTL" -b "$work/empty")"
	"$PMODECTL" feature enable && "$PMODECTL" user grant 0 || exit 1
	for v in on off; do
		awk -v v=$v '{ print "adapter set dev", $1, "promisc", v }' "$work/adapters" >"$work/batch"
		r=$(cpu_ms "$PMODECTL" -b "$work/batch") || exit 1
		emit "cp-promisc-$v-pmodectl-cpu-ms" pmode "$r"
	done
}

measure() {
	local m=$1 src=$A r
	case $m in
	bare) ;;
	null) echo h-a >/sys/module/pmode_bench/parameters/null_hooks &&
	      echo h-b >/sys/module/pmode_bench/parameters/null_hooks || exit 1 ;;
	pmode) pmode_cplane ;;
	pmode-guarded) pmode_guarded_up || exit 1 ;;
	nft-set) nft_set_up || exit 1 ;;
	nft-dev) nft_dev_up || exit 1 ;;
	nft-full) nft_dev_up full || exit 1 ;;
	tc) tc_up || exit 1 ;;
	esac
	for k in $PKT_KINDS; do
		case $m:$k in *:ip4|bare:*|null:*|pmode:*|pmode-guarded:*|nft-dev:*|nft-full:*)
			emit "$(kfig pkt-ns $k)" "$m" "$(pktgen $A $k)" ;;
		esac
	done
	case $m in null|pmode|pmode-guarded|nft-set|nft-dev|nft-full)
		for k in $KINDS; do
			[ $m = nft-set ] && [ $k != ip4 ] && continue
			r=($(micro $A $k))
			emit "$(kfig micro-ingress-ns $k)" "$m" "${r[0]}"
			emit "$(kfig micro-egress-ns $k)" "$m" "${r[2]}"
			# A method that does not do its job measured nothing
			# worth publishing: the run fails, and make bench with it.
			[ "${r[1]:-}" = accept ] && [ "${r[3]:-}" = accept ] ||
				{ log "$m: genuine $k frame not accepted (${r[*]})"; exit 1; }
		done
	esac
	case $m in pmode|pmode-guarded|nft-set|nft-dev|nft-full)
		emit pkt-ns "$m-drop" "$(pktgen $F)"
		r=($(micro $F))
		emit micro-ingress-ns "$m-drop" "${r[0]}"
		[ "${r[1]:-}" = drop ] || { log "$m: forged frame not dropped (${r[*]})"; exit 1; }
		# A forged ND option, where the method checks them.
		case $m in pmode|pmode-guarded|nft-full)
			r=($(micro $A nsx))
			emit micro-ingress-ns@nsx "$m-drop" "${r[0]}"
			[ "${r[1]:-}" = drop ] || { log "$m: forged ND option not dropped (${r[*]})"; exit 1; }
		esac
	esac
	case $m in
	null) echo - >/sys/module/pmode_bench/parameters/null_hooks ;;
	pmode|pmode-guarded) rmmod pmode ;;
	nft-set|nft-dev|nft-full) nft delete table netdev bench ;;
	tc) tc_down ;;
	esac
}

log "count=$COUNT repeats=$REPEATS ns=$NS methods=$METHODS iters=$ITERS kinds=$KINDS pkt_kinds=$PKT_KINDS"
for N in $NS; do
	grow_ports "$N"
	for ((rep = 1; rep <= REPEATS; rep++)); do
		for m in $METHODS; do
			t0=$(now)
			measure "$m"
			log "N=$N rep=$rep $m: $((($(now) - t0) / 1000000)) ms guest"
		done
	done
done
# A run the kernel complained about measured nothing worth keeping.
dmesg | kreport_find && exit 1
exit 0
