#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tools tier: pmodectl's unit tests, on the host, without the module.
# Its parsers and formatters (test_parse.c); save and -b on random states
# against a fake kernel (test_save.c); what monitor and adapter check
# print, text and JSON, from a fake kernel's events and verdicts
# (test_render.c, .sh, .py); the CLI's exit statuses and messages
# (test_cli.sh); the bash completion (test_completion.sh); make without
# the libraries' packages naming them (test_make.sh); the libvirt hook's
# reading of a domain's XML and pmode metadata (test_libvirt.c).
#
#   tests/tools/run.sh            install what the build needs, build, test
#   tests/tools/run.sh PMODECTL   test what 'make -C tools test' has built
#                                 (as the Debian package's build does)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/tap.sh"
pmodectl=${1:-}
if [ -z "$pmodectl" ]; then
	"$top/tests/lib/deps.sh" tools >&2 || tap_bail "tools: the build dependencies install"
	make -s -C "$top/tools" pmodectl tests >&2 || tap_bail "tools: pmodectl and its tests build"
	pmodectl=$top/tools/pmodectl
fi
tap_of "tools: test_parse" "$here/test_parse"
tap_of "tools: test_save" "$here/test_save"
tap_of "tools: test_libvirt" "$here/test_libvirt"
tap_of "tools: test_render.sh" "$here/test_render.sh" "$here/test_render"
tap_of "tools: test_cli.sh" "$here/test_cli.sh" "$pmodectl"
tap_of "tools: test_completion.sh" "$here/test_completion.sh" "$pmodectl"
tap_of "tools: test_make.sh" "$here/test_make.sh"
tap_status
