#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command the README shows is run by a test, so the page cannot rot:
# each line of an `sh` code block (without its comment) and each "$ " line
# of another code block must be named by a mark "# README: COMMAND" in a
# file under tests/, put where that file runs it; and every mark must name
# a command the README still shows. Spaces are collapsed before comparing.
#
#   tests/packaging/readme.sh [README]   (default: the top-level README.md)
#
# It first shows it can fail: a copy of the README with one command more,
# which no test runs, must be refused, naming that command.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
TAP_PREFIX="packaging: "
readme=${1:-$top/README.md}

# commands FILE: the commands FILE shows, one a line.
commands() {
	awk '
		/^```/ { if (inb) { inb = 0 } else { inb = 1; sh = ($0 ~ /^```(sh|bash|console)?[ \t]*$/ && $0 != "```") } ; next }
		!inb { next }
		sh { sub(/(^|[ \t])#.*$/, ""); print; next }
		/^\$ / { print substr($0, 3) }
	' "$1" | sed 's/[[:space:]]\+/ /g; s/^ //; s/ $//' | grep -v '^$' | sort -u
}

# marks: what the "# README: " marks under tests/ name, one a line.
marks() {
	grep -rh --exclude='*.md' --exclude=readme.sh '#[[:space:]]*README: ' "$top/tests" |
		sed 's/.*#[[:space:]]*README: //; s/[[:space:]]\+/ /g; s/ $//' | sort -u
}

# check FILE: "unmarked: CMD" and "stale: CMD" lines; status 1 if any.
check() {
	local out
	out=$( (comm -23 <(commands "$1") <(marks) | sed 's/^/unmarked: /'
		comm -13 <(commands "$1") <(marks) | sed 's/^/stale: /') )
	[ -z "$out" ] || { printf '%s\n' "$out"; return 1; }
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(commands "$readme" | wc -l)

# The control: one command more, in an sh block, is refused by name.
{ cat "$readme"; printf '\n```sh\npmodectl adapter frobnicate dev x   # run by no test\n```\n'; } >"$tmp/README.md"
out=$(check "$tmp/README.md")
result "$([ $? -ne 0 ] && [ "$out" = "unmarked: pmodectl adapter frobnicate dev x" ] && echo 0 || echo 1)" \
	"readme: a command no test runs is refused, by name (got: ${out:-nothing})"

out=$(check "$readme")
rc=$?
[ "$n" -gt 0 ] || rc=1
result $rc "readme: each of the $n commands README.md shows is run by a test (a '# README:' mark), and each mark names one"
[ $rc -eq 0 ] || tap_diag <<<"$out"
tap_status
