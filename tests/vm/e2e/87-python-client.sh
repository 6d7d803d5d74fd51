#!/bin/bash
# The Python client (python/pmode, on pyroute2) against the real module:
# register, toggle, dump, events; its errors are pmodectl's, word for word;
# the example agent acts on violation events; a torn dump is taken again
# (tests/vm/client.py).
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
A=02:00:00:00:08:0a
veth_vm a $A br0
veth_vm b 02:00:00:00:08:0b br0
veth_vm c 02:00:00:00:08:0c br0
tap_of "python: client.py" env PYTHONPATH="$top/python" /usr/bin/python3 \
	"$top/tests/vm/client.py" suite "$PMODECTL" "a-$$" "$A"
