#!/bin/bash
# Save and restore, on random states against the module: what 'pmodectl
# save' writes, 'pmodectl -b' reads back into the same state (the dumps of
# 'pmodectl -j' agree), for VM ids with quotes, backslashes, '#', blanks,
# UTF-8 or none, device names with such bytes, allowed MACs, owners,
# networks, promisc with or without a grant left. tests/vm/states.py makes
# the states; PMODE_SAVE_STATES and PMODE_SAVE_SEED choose them, and
# PMODE_SAVE_BUDGET is the seconds after which no new one begins (at least
# 100 must have been checked by then).
#
#   br0: sv0 s"q s#h      br1: s\b sé      no bridge: s'x #lead sv7
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
mkbridge br1
ports=(sv0 's"q' 's#h' 's\b' 'sé' "s'x" '#lead' sv7)
masters=(br0 br0 br0 br1 br1 - - -)
for i in "${!ports[@]}"; do
	run ip link add "${ports[$i]}" type veth peer "sp$i"
	links+=("${ports[$i]}")
	[ "${masters[$i]}" = - ] || run ip link set "${ports[$i]}" master "${masters[$i]}"
done
seed=()
[ -n "${PMODE_SAVE_SEED:-}" ] && seed=(--seed "$PMODE_SAVE_SEED")
tap_of "save/restore: states.py" env PYTHONPATH="$top/python" /usr/bin/python3 \
	"$top/tests/vm/states.py" --pmodectl "$PMODECTL" --module "$PMODE_KO" \
	--states "${PMODE_SAVE_STATES:-500}" --budget "${PMODE_SAVE_BUDGET:-60}" "${seed[@]}" \
	"${ports[@]}"
