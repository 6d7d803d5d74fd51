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
	# Forged and genuine frames to b, in turn, for 4 s.
	in_vm a "${PKT[@]}" flood eth0 --seconds 4 \
		'02:00:00:00:09:99>02:00:00:00:09:0b' 'self>02:00:00:00:09:0b' &
	flood=$!
	sleep 1.5
	check "rmmod: unload under traffic, cycle $cycle" rmmod pmode
	wait $flood
done
load_pmode
expect_eq "[]" "$(json_get "a")" "rmmod: a reload starts with no adapter"
expect_eq "False" "$(pmodectl -j feature show | jsonq "a['enabled']")" \
	"rmmod: ... and the feature disabled"
