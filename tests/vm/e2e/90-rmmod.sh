#!/bin/bash
# Unloading the module while traffic flows through registered ports is
# safe, and loading it again starts clean.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm a 02:00:00:00:09:0a br0
veth_vm b 02:00:00:00:09:0b br0
for cycle in 1 2 3; do
	load_pmode
	run pmodectl adapter add dev h-a vm vm-a
	run pmodectl adapter add dev h-b vm vm-b
	in_vm a /usr/bin/python3 -c "
import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('eth0', 0))
f = bytes.fromhex('02000000000b020000000099') + b'\x88\xb5' + b'x' * 50
g = bytes.fromhex('02000000000b02000000000a') + b'\x88\xb5' + b'x' * 50
end = time.monotonic() + 4
while time.monotonic() < end:
    s.send(f); s.send(g)
" &
	flood=$!
	sleep 1.5
	check "rmmod: unload under traffic, cycle $cycle" rmmod pmode
	wait $flood
done
load_pmode
expect_eq "[]" "$(json_get "a")" "rmmod: a reload starts with no adapter"
expect_eq "False" "$(pmodectl -j feature show | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["enabled"])')" \
	"rmmod: ... and the feature disabled"
