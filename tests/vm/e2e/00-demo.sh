#!/bin/bash
# The demo's story (tests/demo/guest.sh, what 'make demo' tells) holds:
# every step happens as told, as root and as users 1000 and 2000. Told
# with the administrator's grant not given (PMODE_DEMO_BREAK=grant), the
# demo names the steps that then did not happen, tells the rest of the
# story, and exits 1. (The fresh tier tells the story with make demo, on
# a fresh Debian root.)
. "$PMODE_TOP/tests/vm/lib.sh"
# demo [VAR=VALUE...]: the demo told with VAR set; its output in $story.
demo() {
	echo "+ $* tests/demo/guest.sh" >&2
	story=$(env PMODE_DEMO_LOG=/dev/stderr "$@" bash "$top/tests/demo/guest.sh")
	demo_rc=$?
	printf '%s\n' "$story" >&2
}
last() { tail -n1 <<<"$story"; }

demo
expect_eq 0 "$demo_rc" "demo: the story exits 0"
if [ "$(last)" = "demo: every step happened as told" ]; then
	ok "demo: every step happened as told"
else
	not_ok "demo: every step happened as told ('$(last)')"
	grep -A2 '^  !! step' <<<"$story" | tap_diag
fi

demo PMODE_DEMO_BREAK=grant
expect_eq 1 "$demo_rc" "demo: without the grant, the demo exits 1"
# By effect: the owner's request is refused and its frames dropped, the
# second adapter is refused for the grant rather than the one-per-network
# rule, no adapter is promiscuous; every other step still happens.
expect_match '^demo: 4 of 19 steps did not happen as told: grant promisc-on one-per-network state$' \
	"$(last)" "demo: ... its last line names the steps that did not happen, and no other"
expect_match '^     expected: .user show. lists 1000$' "$story" "demo: ... the grant step says what was expected"
expect_match '^     happened: 0 of 5$' "$story" "demo: ... the owner's frames, counted, say what happened"
expect_match '^== The state, as JSON for agents:$' "$story" "demo: ... and the story is told to its end"
