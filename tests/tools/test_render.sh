#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What 'pmodectl monitor' and 'pmodectl adapter check' print, in text and
# JSON, for the synthetic events and frames of test_render.c: what
# render.expected holds, which the tool printed when monitor, check and
# the frame decoder still had a renderer for each output (make it again
# only for an intended change of the output:
# tests/tools/test_render >tests/tools/render.expected), the text byte for
# byte, the JSON with the same keys, types and values in the same layout
# (docs/json.md promises no order of keys); every JSON value parses; the
# text says what the JSON says (test_render.py). And the checks fail when
# a field is printed otherwise in one output.
bin=${1:?usage: test_render.sh TEST_RENDER}
dir=$(dirname "$0")
. "$dir/../lib/tap.sh"
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" >"$tmp/got"
tap_of "tools: render: test_render.py" "$py" "$dir/test_render.py" "$tmp/got" "$dir/render.expected"
TAP_PREFIX="tools: render: "
t() {	# t DESCRIPTION COMMAND...: ok if COMMAND succeeds, else what it said
	local desc=$1
	shift
	if "$@" >"$tmp/why" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		head -n 20 "$tmp/why" | cut -c1-300 | tap_diag
	fi
}
# The checker notices a text that says otherwise, and a JSON that does;
# and a JSON value of another type, but not keys in another order.
fails_on() { ! cmp -s "$1" "$tmp/got" && ! "$py" "$dir/test_render.py" "$1" >/dev/null; }
differs() { ! cmp -s "$1" "$tmp/got" && ! "$py" "$dir/test_render.py" "$1" "$tmp/got" >/dev/null; }
same() { ! cmp -s "$1" "$tmp/got" && "$py" "$dir/test_render.py" "$1" "$tmp/got" >/dev/null; }
sed '0,/"suppressed":\([0-9]*\)/s//"suppressed":"\1"/' "$tmp/got" >"$tmp/type"
t "a JSON number printed as a string is caught" differs "$tmp/type"
sed '0,/"vid":\([0-9]*\),"pcp":\([0-9]*\)/s//"pcp":\2,"vid":\1/' "$tmp/got" >"$tmp/order"
t "... but not two keys of a JSON object in another order" same "$tmp/order"
sed '0,/ promisc on / s// promisc  on /' "$tmp/got" >"$tmp/space"
t "a text with one more space is caught" differs "$tmp/space"
sed '0,/ suppressed [0-9]*/s// suppressed 4242/' "$tmp/got" >"$tmp/text"
t "a violation's text saying another count than its JSON is caught" fails_on "$tmp/text"
sed '0,/"suppressed":[0-9]*/s//"suppressed":4242/' "$tmp/got" >"$tmp/json"
t "... and its JSON saying another" fails_on "$tmp/json"
sed '0,/ARP reply [0-9.]*/s//ARP reply 10.9.9.9/' "$tmp/got" >"$tmp/arp"
t "a frame whose text says another sender IP than its JSON is caught" fails_on "$tmp/arp"
sed '0,/"verdict":"pass"/s//"verdict":"drop"/' "$tmp/got" >"$tmp/verdict"
t "a check whose JSON says another verdict than its text is caught" fails_on "$tmp/verdict"
tap_status
