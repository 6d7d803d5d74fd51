#!/bin/bash
# Unloading the module while traffic flows through registered ports is
# safe, and loading it again starts clean.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm a 02:00:00:00:09:0a br0
veth_vm b 02:00:00:00:09:0b br0
stop=$(mktemp -u)
for cycle in 1 2 3; do
	load_pmode
	run pmodectl adapter add dev h-a vm vm-a
	run pmodectl adapter add dev h-b vm vm-b
	# Forged and genuine frames to b, in turn (markers 1 and 2), until
	# the module is gone.
	rm -f "$stop"
	in_vm a "${PKT[@]}" flood eth0 --until "$stop" \
		'02:00:00:00:09:99>02:00:00:00:09:0b' 'self>02:00:00:00:09:0b' &
	flood=$!
	# The traffic flows through the registered ports: b receives the
	# genuine frames (however slowly the flood started), and the flood
	# is still running when the module goes.
	expect_eq 1 "$(in_vm b "${PKT[@]}" recv eth0 --marker 2 --expect 1 --timeout 120)" \
		"rmmod: the flood reaches b through the registered ports, cycle $cycle"
	sleep 0.5
	check "rmmod: unload under traffic, cycle $cycle" bash -c "kill -0 $flood && rmmod pmode"
	touch "$stop"
	wait $flood
done
rm -f "$stop"
load_pmode
expect_eq "[]" "$(json_get "a")" "rmmod: a reload starts with no adapter"
expect_eq "False" "$(pmodectl -j feature show | jsonq "a['enabled']")" \
	"rmmod: ... and the feature disabled"
