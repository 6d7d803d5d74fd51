#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The api tier: the UAPI header, the YNL spec and the kernel's policies
# agree (tests/api/check-spec.py), the checker notices drift, and the header
# compiles on its own in C and C++. TAP lines on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
hdr=$top/include/uapi/linux/pmode.h
spec=$top/docs/netlink/pmode.yaml
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rc=0
"$py" "$top/tests/api/check-spec.py" | tee "$tmp/spec.tap" || rc=1
n=$(grep -c 'ok' "$tmp/spec.tap")
t() { n=$((n + 1)); if "$@"; then echo "ok $n - api: $desc"; else echo "not ok $n - api: $desc"; rc=1; fi; }
fails() { ! "$py" "$top/tests/api/check-spec.py" "$@" >"$tmp/out" 2>&1; }

# The checker fails when either side changes alone.
sed 's/PMODE_A_SUPPRESSED,/PMODE_A_SUPPRESSED,\n\tPMODE_A_NEWTHING,/' "$hdr" >"$tmp/added.h"
desc="drift: an attribute added to the header alone is caught"
t fails --header "$tmp/added.h"
sed 's/^\tPMODE_A_PAD,$/\tPMODE_A_PAD = 5,/' "$hdr" >"$tmp/renum.h"
desc="drift: a renumbered header is caught"
t fails --header "$tmp/renum.h"
sed '0,/name: vm$/s//name: vm-id/' "$spec" >"$tmp/renamed.yaml"
desc="drift: an attribute renamed in the spec alone is caught"
t fails --spec "$tmp/renamed.yaml"
"$py" - "$spec" "$tmp/retyped.yaml" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
for a in s['attribute-sets'][0]['attributes']:
    if a['name'] == 'ifindex':
        a['type'] = 'u16'
yaml.safe_dump(s, open(sys.argv[2], 'w'))
PY
desc="drift: an attribute retyped in the spec alone is caught"
t fails --spec "$tmp/retyped.yaml"
sed 's/"forged-src"/"forged_src"/' "$top/tools/adapter.c" >"$tmp/adapter.c"
desc="drift: a drop reason pmodectl spells otherwise is caught"
t fails --tools "$tmp/adapter.c"
sed 's/"promisc-rx"/"promisc_rx"/' "$top/tools/adapter.c" >"$tmp/adapter-rx.c"
desc="drift: a counter pmodectl names otherwise is caught"
t fails --tools "$tmp/adapter-rx.c"

# The header on its own, as an agent's build would use it.
printf '#include <linux/pmode.h>\nint main(void) { return PMODE_A_MAX + PMODE_CMD_MAX; }\n' >"$tmp/c.c"
desc="the header compiles alone in C99 (-Wall -Wextra -pedantic -Werror)"
t cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$top/include/uapi" -o "$tmp/c" "$tmp/c.c"
desc="... and in C89"
t cc -std=c89 -Wall -Wextra -pedantic -Werror -I"$top/include/uapi" -o "$tmp/c" "$tmp/c.c"
cp "$tmp/c.c" "$tmp/cxx.cc"
desc="... and in C++11"
t g++ -std=c++11 -Wall -Wextra -pedantic -Werror -I"$top/include/uapi" -o "$tmp/cxx" "$tmp/cxx.cc"
desc="the header includes nothing kernel-internal"
t bash -c "! grep -E '^#\s*include' '$hdr' | grep -vE '<linux/types.h>'"
desc="the header uses no kernel-internal types or macros"
t bash -c "! cc -fpreprocessed -dD -E -P '$hdr' | grep -Ew 'u8|u16|u32|u64|__user|BIT|ETH_ALEN|IFNAMSIZ'"
exit $rc
