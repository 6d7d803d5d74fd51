#!/bin/bash
# The netlink fuzzer, as root and as an unprivileged user.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
mkbridge br1
veth_ports br0 br0 br1 -
tap_of "fuzz root" /usr/bin/python3 "$top/tests/fuzz/nlfuzz.py" \
	--count 100000 --seed 1
tap_of "fuzz nobody" setpriv --reuid 65534 --regid 65534 --clear-groups \
	/usr/bin/python3 "$top/tests/fuzz/nlfuzz.py" --count 20000 --seed 2 \
	--label nobody
# The comparison with the model has teeth: a change it does not hear of is
# found.
out=$(/usr/bin/python3 "$top/tests/fuzz/nlfuzz.py" --count 2000 --every 200 \
	--seed 3 --tamper --label tamper)
echo "$out" >&2
if grep -q '^not ok .*agrees with the model' <<<"$out"; then
	ok "fuzz: a change behind the model's back is found"
else
	not_ok "fuzz: a change behind the model's back is found"
fi
check "fuzz: the module unloads afterwards" rmmod pmode
