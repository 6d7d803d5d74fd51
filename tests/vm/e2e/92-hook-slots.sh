#!/bin/bash
# A port whose egress hook slots are full (1024 nftables netdev chains, which
# the owner of a user and network namespace may create): registering an
# adapter fails with a message, again and again, while the VM floods the
# port with forged frames. The ingress hook, live for a moment each time,
# may be running on another CPU when the registration is undone: the
# adapter must outlive it. On the debug kernel with two vCPUs on
# multi-threaded TCG (make check-debug) KASAN reports the adapter's
# configuration freed under the hook if it does not.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm hs 02:00:00:00:0e:01 br0
veth_vm hv 02:00:00:00:0e:02 br0
F=02:00:00:00:0e:99
# The stock kernel cannot see a use after free: a few tries show each
# refusal and that nothing is left behind. check-debug, whose KASAN can,
# makes 200 (tests/debug/run.sh).
tries=${PMODE_HOOK_SLOT_TRIES:-20}

# One CPU while kernel text is patched (the static keys that the first
# netdev chain or hook switches on, and the last switches off): under
# multi-threaded TCG, patching while another vCPU runs has hung the guest.
# The tries themselves patch nothing and run on both.
cpu1=/sys/devices/system/cpu/cpu1/online
cpus() { [ ! -w $cpu1 ] || echo "$1" >$cpu1; }
trap 'cleanup; cpus 1' EXIT

nft_file=$(mktemp)
{
	echo "table netdev pmode_fill {"
	for i in $(seq 0 1023); do
		echo "  chain c$i { type filter hook egress device \"h-hs\" priority $i; }"
	done
	# An ingress chain as well: it keeps the kernel's ingress static keys
	# on, so the tries below patch no kernel text (which livelocks vCPUs
	# under QEMU's multi-threaded TCG, the debug tier's way to run this
	# file with truly parallel CPUs).
	echo "  chain in { type filter hook ingress device \"h-hv\" priority 0; }"
	echo "}"
} >"$nft_file"
cpus 0
check "hook slots: 1024 egress chains fill h-hs's egress hooks" nft -f "$nft_file"
cpus 1

# A listener makes each violation build a notification from the adapter.
"$PMODECTL" monitor >/dev/null &
mon_pid=$!
# Not through in_vm, a function: $! must be the sender itself.
ip netns exec "hs-$$" "${PKT[@]}" send eth0 --src $F --dst 02:00:00:00:0e:02 \
	--count 100000000 --marker 77 &
flood_pid=$!
# The flood runs, and reaches hv, before the first try.
expect_eq 1 "$(in_vm hv "${PKT[@]}" recv eth0 --marker 77 --expect 1 --timeout 120)" \
	"hook slots: the forged flood reaches hv before the tries"
refused=0 message=0
for i in $(seq "$tries"); do
	err=$("$PMODECTL" adapter add dev h-hs vm vm-hs 2>&1) && break
	refused=$((refused + 1))
	grep -q "no netfilter hook slot left" <<<"$err" && message=$((message + 1))
done
check "hook slots: ... and still runs after the last one" kill -0 $flood_pid
kill $flood_pid $mon_pid
wait $flood_pid $mon_pid 2>/dev/null
cpus 0
echo "# last refusal: $err" >&2
expect_eq "$tries $tries" "$refused $message" \
	"hook slots: each of $tries registrations under a forged flood is refused, saying why"
expect_eq "[]" "$(json_get "[x['ifname'] for x in a]")" "hook slots: no adapter is left behind"
got=$(count_rx hv 1 1.5 -- send_from hs --src $F --dst 02:00:00:00:0e:02 --count 3 --marker 1)
expect_eq 3 "$got" "hook slots: no hook of pmode's is left on the port"
run nft delete table netdev pmode_fill
check "hook slots: with a slot free, the adapter registers" pmodectl adapter add dev h-hs vm vm-hs
got=$(count_rx hv 2 1.5 -- send_from hs --src $F --dst 02:00:00:00:0e:02 --count 3 --marker 2)
expect_eq 0 "$got" "hook slots: ... and drops forged frames"
rm -f "$nft_file"
