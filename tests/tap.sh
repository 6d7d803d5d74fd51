#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TAP result lines for the host-side test scripts. Sourced.
n=0
fails=0

# result STATUS DESCRIPTION [LOG]: "ok" if STATUS is 0, else "not ok" with
# the tail of LOG as comments.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
		[ -n "${3:-}" ] && [ -f "$3" ] && tail -n 30 "$3" | sed 's/^/# /'
	fi
}
