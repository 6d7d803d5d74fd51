#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the per-packet and control-plane benchmark, in one VM run on
# one vCPU under QEMU's -icount shift=0,sleep=off, so a guest nanosecond is
# one guest instruction and the figures repeat whatever the host does.
# Results: build/bench/SERIES/results.csv, results.md and cost-per-packet.png.
#
#   PMODE_KERNEL=6.12       the kernel series (default 6.1; tests/lib/kernel.sh)
#   BENCH_COUNT=1000000     frames per pktgen run
#   BENCH_REPEATS=5         repeats of every figure (interleaved)
#   BENCH_NS="2 64 1024 4096"   numbers of registered ports
#   BENCH_METHODS="bare null pmode pmode-guarded nft-set nft-dev nft-full tc"
#   BENCH_ITERS=1000000     iterations of the in-kernel microbenchmark
#   BENCH_KINDS="ip4 ip6 vlan4 vlan6 qinq4 qinq6 ns na"
#                           frame kinds of the microbenchmark (guest.sh)
#   BENCH_PKT_KINDS="ip4 ip6 vlan4 vlan6"   and of pktgen
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/kernel.sh"
series=$(kseries_one)
out=${BUILD:-$top/build}/bench/$series
mkdir -p "$out"
PMODE_KERNELS=$series "$top/tests/lib/deps.sh" build vm bench >&2

kver=$(kseries_release "$series")
[ -n "$kver" ] || { echo "bench: no $series kernel headers installed" >&2; exit 1; }
make -s -C "/lib/modules/$kver/build" M="$top/tests/bench/kmod" modules >&2

# The guest reads its settings from the repository (build/ is shared).
mkdir -p "$top/build/bench"
cat >"$top/build/bench/params.sh" <<PARAMS
COUNT=${BENCH_COUNT:-1000000}
REPEATS=${BENCH_REPEATS:-5}
NS="${BENCH_NS:-2 64 1024 4096}"
METHODS="${BENCH_METHODS:-bare null pmode pmode-guarded nft-set nft-dev nft-full tc}"
ITERS=${BENCH_ITERS:-1000000}
KINDS="${BENCH_KINDS:-ip4 ip6 vlan4 vlan6 qinq4 qinq6 ns na}"
PKT_KINDS="${BENCH_PKT_KINDS:-ip4 ip6 vlan4 vlan6}"
PARAMS

start=$SECONDS
PMODE_KERNEL=$series KERNELRELEASE=$kver PMODE_VM_SMP=1 PMODE_VM_MEM=3G PMODE_VM_9P_CACHE=loose PMODE_VM_TIMEOUT=${BENCH_TIMEOUT:-14400} \
PMODE_QEMU_EXTRA="-icount shift=0,sleep=off" \
	"$top/tests/vm/run.sh" --script "$top/tests/bench/guest.sh" >"$out/guest.log" 2>&1 ||
	{ tail -n 30 "$out/guest.log"; echo "bench: the VM run failed; see $out/guest.log" >&2; exit 1; }
grep '^R,' "$out/guest.log" >"$out/raw.csv"
grep '^# ' "$out/guest.log" | grep -v '^# N=' >&2 || true
/usr/bin/python3 "$top/tests/bench/report.py" "$out/raw.csv" "$out"
echo "bench: $series ($kver): $((SECONDS - start)) s of wall time; results in $out" >&2
