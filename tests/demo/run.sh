#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: build, boot a VM with Debian's stock kernel, and tell pmode's
# story there (tests/demo/guest.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec "$top/tests/vm/run.sh" --script "$top/tests/demo/guest.sh"
