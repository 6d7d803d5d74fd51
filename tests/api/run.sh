#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The api tier: the UAPI header, the YNL spec and the kernel's policies
# agree (tests/api/check-spec.py), the checker notices drift, and the header
# compiles on its own in C and C++; and the kernel's own YNL tools (those of
# linux-source-6.12, tests/lib/ynl.sh) accept the spec: its schema, ynl-gen-c.py
# in uapi, kernel and user modes (the code compiled), and the library of
# their Python CLI. TAP lines on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
hdr=$top/include/uapi/linux/pmode.h
spec=$top/docs/netlink/pmode.yaml
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$top/tests/lib/tap.sh"
tap_of "api: check-spec.py" "$py" "$top/tests/api/check-spec.py"
TAP_PREFIX="api: "
# fails CHECK ARGS...: the checker, given ARGS, runs to its end and reports
# drift as a failure of CHECK (a "not ok" line naming it). A checker that
# crashes (a traceback, or no result) has caught nothing.
fails() {
	local want=$1 rc
	shift
	"$py" "$top/tests/api/check-spec.py" "$@" >"$tmp/out" 2>&1
	rc=$?
	if grep -q '^Traceback' "$tmp/out" || [ $rc -ne 1 ]; then
		echo "# the checker crashed or exited $rc rather than reporting drift:"
		tail -n 5 "$tmp/out" | sed 's/^/#   /'
		return 1
	fi
	grep -q "^not ok [0-9]* - api: $want" "$tmp/out" && return 0
	echo "# the checker exited 1, but not for '$want':"
	grep '^not ok' "$tmp/out" | sed 's/^/#   /'
	return 1
}

# The checker fails when either side changes alone.
sed 's/PMODE_A_SUPPRESSED,/PMODE_A_SUPPRESSED,\n\tPMODE_A_NEWTHING,/' "$hdr" >"$tmp/added.h"
tap_test "drift: an attribute added to the header alone is caught" fails "every name in the header is in the spec" --header "$tmp/added.h"
sed 's/^\tPMODE_A_PAD,$/\tPMODE_A_PAD = 5,/' "$hdr" >"$tmp/renum.h"
tap_test "drift: a renumbered header is caught" fails "every value in the spec is the header's" --header "$tmp/renum.h"
sed '0,/name: vm$/s//name: vm-id/' "$spec" >"$tmp/renamed.yaml"
tap_test "drift: an attribute renamed in the spec alone is caught" fails "every name in the spec is defined by the header" --spec "$tmp/renamed.yaml"
"$py" - "$spec" "$tmp/retyped.yaml" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
for a in s['attribute-sets'][0]['attributes']:
    if a['name'] == 'ifindex':
        a['type'] = 'u16'
yaml.safe_dump(s, open(sys.argv[2], 'w'))
PY
tap_test "drift: an attribute retyped in the spec alone is caught" fails "attribute types agree with the header" --spec "$tmp/retyped.yaml"
sed '/name: frames/{n;d}' "$spec" >"$tmp/open-frames.yaml"
tap_test "drift: the frames group open to all in the spec alone is caught" fails "the module registers the spec's groups, CAP_NET_ADMIN where the spec says admin-perm" --spec "$tmp/open-frames.yaml"
sed 's/\.flags = GENL_MCAST_CAP_NET_ADMIN//' "$top/kmod/netlink.c" >"$tmp/open-frames.c"
tap_test "drift: the frames group open to all in the module alone is caught" fails "the module registers the spec's groups, CAP_NET_ADMIN where the spec says admin-perm" --policy "$tmp/open-frames.c"
sed 's/"forged-src"/"forged_src"/' "$top/tools/adapter.c" >"$tmp/adapter.c"
tap_test "drift: a drop reason pmodectl spells otherwise is caught" fails "drop reasons, reasons and counters are spelled" --tools "$tmp/adapter.c"
sed 's/"promisc-rx"/"promisc_rx"/' "$top/tools/adapter.c" >"$tmp/adapter-rx.c"
tap_test "drift: a counter pmodectl names otherwise is caught" fails "drop reasons, reasons and counters are spelled" --tools "$tmp/adapter-rx.c"
sed 's/NLA_POLICY_EXACT_LEN(ETH_ALEN),$/&	\/* a comment after the entry *\//' \
	"$top/kmod/netlink.c" >"$tmp/policy.c"
tap_test "drift: a policy entry the checker cannot read is caught" \
	fails "the kernel's policies were read for every attribute" --policy "$tmp/policy.c"

# The header on its own, as an agent's build would use it.
printf '#include <linux/pmode.h>\nint main(void) { return PMODE_A_MAX + PMODE_CMD_MAX; }\n' >"$tmp/c.c"
tap_test "the header compiles alone in C99 (-Wall -Wextra -pedantic -Werror)" cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$top/include/uapi" -o "$tmp/c" "$tmp/c.c"
tap_test "... and in C89" cc -std=c89 -Wall -Wextra -pedantic -Werror -I"$top/include/uapi" -o "$tmp/c" "$tmp/c.c"
cp "$tmp/c.c" "$tmp/cxx.cc"
tap_test "... and in C++11" g++ -std=c++11 -Wall -Wextra -pedantic -Werror -I"$top/include/uapi" -o "$tmp/cxx" "$tmp/cxx.cc"
tap_test "the header includes nothing kernel-internal" bash -c "! grep -E '^#\s*include' '$hdr' | grep -vE '<linux/types.h>'"
tap_test "the header uses no kernel-internal types or macros" bash -c "! cc -fpreprocessed -dD -E -P '$hdr' | grep -Ew 'u8|u16|u32|u64|__user|BIT|ETH_ALEN|IFNAMSIZ'"

# The kernel's YNL tools. ynl-gen-c.py finds the schema two directories
# above the spec and the kernel root by its MAINTAINERS file, so the spec
# is put where a kernel tree keeps specs, in a tree of our own.
ynl=$("$top/tests/lib/ynl.sh") || ynl=
yv=$(basename "${ynl:-ynl-6.12}" | cut -d- -f2)
k=$tmp/kernel
mkdir -p "$k/Documentation/netlink/specs" "$tmp/gen"
: >"$k/MAINTAINERS"
kspec=$k/Documentation/netlink/specs/pmode.yaml
cp "$spec" "$kspec"
[ -n "$ynl" ] && ln -s "$ynl"/Documentation/netlink/*.yaml "$k/Documentation/netlink/"
# gen MODE header|source OUT [SPEC]: ynl-gen-c.py, its complaints in $tmp/gen.log.
gen() {
	[ -n "$ynl" ] || { echo "no YNL tools (tests/lib/ynl.sh)" >"$tmp/gen.log"; return 1; }
	(cd "$ynl/tools/net/ynl" &&
	 timeout 120 "$py" ynl-gen-c.py --mode "$1" "--$2" --spec "${4:-$kspec}" -o "$3") \
		>"$tmp/gen.log" 2>&1
}
# why FILE: why something failed, as TAP comments: of a Python traceback
# its exception, of a compiler its errors and warnings, else the first lines.
why() {
	[ -s "$1" ] || return 1
	{ grep -E '^[A-Za-z_.]*(Error|Exception)(:|$)|(error|warning):|[Ll]icense' "$1" ||
		head -n 12 "$1"; } | tap_diag 12
	return 1
}
ynl_check() { "$py" "$top/tests/api/check-ynl.py" "$@" 2>"$tmp/check.log" || why "$tmp/check.log"; }

tap_test "ynl $yv: the spec passes the schema of the protocol it declares" ynl_check schema "$spec" "$ynl"

uapi_matches() {
	gen uapi header "$tmp/gen/pmode.h" || why "$tmp/gen.log" || return 1
	ynl_check uapi "$hdr" "$tmp/gen/pmode.h"
}
tap_test "ynl $yv: ynl-gen-c.py --mode uapi generates our header: the same enums, names and values" uapi_matches

# The kernel code, compiled as a module object against the series' headers.
kernel_builds() {
	local kdir d=$tmp/gen/kernel
	kdir=$(KERNELRELEASE= KERNELDIR= bash "$top/tests/lib/kernel.sh" dir "$yv" 2>"$tmp/gen.log") ||
		why "$tmp/gen.log" || return 1
	mkdir -p "$d/inc/uapi/linux"
	cp "$hdr" "$d/inc/uapi/linux/"
	gen kernel header "$d/pmode-nl-gen.h" && gen kernel source "$d/pmode-nl-gen.c" ||
		why "$tmp/gen.log" || return 1
	printf 'ccflags-y := -I$(src)/inc\nobj-m := pmode-nl-gen.o\n' >"$d/Kbuild"
	make -C "$kdir" M="$d" pmode-nl-gen.o >"$tmp/gen.log" 2>&1 &&
		! grep -E 'warning|error' "$tmp/gen.log" || why "$tmp/gen.log"
}
tap_test "ynl $yv: ynl-gen-c.py --mode kernel generates code that compiles against the $yv headers" kernel_builds
tap_test "ynl $yv: ... with an op, doit and dumpit as the module has them, for every command" ynl_check kernel-ops "$tmp/gen/kernel/pmode-nl-gen.c" "$top/kmod/netlink.c"

# user_builds SPEC: the user-space code, compiled and linked with the
# tools' libynl.
user_builds() {
	local d=$tmp/gen/user lib=$ynl/tools/net/ynl/lib
	local cflags=(-std=gnu11 -O2 -W -Wall -Wextra -Wno-unused-parameter -Wshadow -Werror
		      -I"$lib" -I"$d" -I"$top/include/uapi" -idirafter "$ynl/include/uapi")
	mkdir -p "$d"
	gen user header "$d/pmode-user.h" "$1" && gen user source "$d/pmode-user.c" "$1" ||
		why "$tmp/gen.log" || return 1
	cat >"$d/main.c" <<'C'
#include <stdlib.h>
#include <string.h>
#include <ynl.h>
#include "pmode-user.h"
int main(void)
{
	struct ynl_error yerr;
	struct ynl_sock *ys = ynl_sock_create(&ynl_pmode_family, &yerr);
	struct pmode_adapter_get_list *list;

	if (!ys)
		return 1;
	list = pmode_adapter_get_dump(ys, pmode_adapter_get_req_dump_alloc());
	pmode_adapter_get_list_free(list);
	ynl_sock_destroy(ys);
	return 0;
}
C
	{ gcc "${cflags[@]}" -c -o "$d/ynl.o" "$lib/ynl.c" &&
	  gcc "${cflags[@]}" -c -o "$d/pmode-user.o" "$d/pmode-user.c" &&
	  gcc "${cflags[@]}" -o "$d/main" "$d/main.c" "$d/pmode-user.o" "$d/ynl.o"; } \
		>"$tmp/gen.log" 2>&1 || why "$tmp/gen.log"
}
# 6.12's generator has no repeated binary attribute in user mode, and the
# MAC lists (maclist.mac) are one: user mode of the whole spec stops there,
# and only there. The rest is generated from the spec without the MAC lists.
user_stops_at_maclist() {
	! gen user header "$tmp/gen/whole-user.h" &&
		grep -qx 'Exception: Sub-type binary not supported yet' "$tmp/gen.log" &&
		grep -q "self.attr\['type'\]" "$tmp/gen.log" ||
		{ echo "user mode of the whole spec did not stop at the MAC lists (if 6.12's" \
			"generator does them now, test the whole spec)" >>"$tmp/gen.log"; why "$tmp/gen.log"; }
}
tap_test "ynl $yv: ynl-gen-c.py --mode user stops at the MAC lists, a repeated binary the $yv generator lacks" user_stops_at_maclist
"$py" - "$kspec" "$k/Documentation/netlink/specs/pmode-nomaclist.yaml" <<'PY'
import sys, yaml
first = open(sys.argv[1]).readline()
s = yaml.safe_load(open(sys.argv[1]))
gone = {'allowed', 'learned'}
s['attribute-sets'] = [a for a in s['attribute-sets'] if a['name'] != 'maclist']
for a in s['attribute-sets']:
    a['attributes'] = [x for x in a['attributes'] if x['name'] not in gone]
for op in s['operations']['list']:
    for part in [op.get(m, {}).get(p) for m in ('do', 'dump') for p in ('request', 'reply')] + \
                [op.get('event')]:
        if part:
            part['attributes'] = [x for x in part['attributes'] if x not in gone]
with open(sys.argv[2], 'w') as f:
    f.write(first)
    yaml.safe_dump(s, f, sort_keys=False)
PY
tap_test "ynl $yv: ... and of the spec without them, generates code that compiles and links with libynl" user_builds "$k/Documentation/netlink/specs/pmode-nomaclist.yaml"

tap_test "ynl $yv: the library of tools/net/ynl/cli.py sees every command as an op and every notification as one" ynl_check cli "$spec" "$ynl" "$hdr" "$top/kmod/netlink.c"
tap_status
