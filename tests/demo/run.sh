#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build, boot a VM with Debian's stock kernel, and tell pmode's
# story there (tests/demo/guest.sh). It exits 1, naming the steps, when
# the story did not happen as told. PMODE_KERNEL=6.12 picks the kernel.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# The harness's last line (exit=N) goes: the story ends with its verdict.
"$top/tests/vm/run.sh" --script "$top/tests/demo/guest.sh" | sed '/^exit=[0-9]*$/d'
