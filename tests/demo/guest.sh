#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the VM, with real frames: forged sources dropped, the
# feature gate and grants, one promiscuous adapter per VM per network, and a
# promiscuous VM still not seeing others' unicast (README.md).
export PMODE_TOP=${PMODE_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$PMODE_TOP/tests/vm/lib.sh" 2>/dev/null
exec 2>/dev/null
say() { printf '\n== %s\n' "$*"; }
do_() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
pm() { printf '$ pmodectl %s\n' "$*"; "$PMODECTL" "$@" 2>&1 | sed 's/^/  /'; }
frames() {	# frames FROM SRC TO-VM: send 5 frames from VM FROM with source SRC
	local got
	got=$(count_rx "$3" "$4" 1.5 -- send_from "$1" --src "$2" --dst ff:ff:ff:ff:ff:ff --count 5 --marker "$4")
	printf '  VM %s sends 5 frames from %s: %s of them reach VM %s\n' "$1" "$2" "$got" "$3"
}

say "A host with a bridge br0 and three VMs: lb (a load balancer, two adapters), web and db."
load_pmode >/dev/null 2>&1
mkbridge br0 >/dev/null 2>&1
veth_vm lb 52:54:00:00:00:01 br0 >/dev/null 2>&1
veth_vm lb2 52:54:00:00:00:02 br0 >/dev/null 2>&1
veth_vm web 52:54:00:00:00:03 br0 >/dev/null 2>&1
pm adapter add dev h-lb vm lb owner 1000
pm adapter add dev h-lb2 vm lb owner 1000
pm adapter add dev h-web vm web owner 2000
pm adapter show

say "By default an adapter may only use its own MAC: a forged source is dropped."
frames lb 52:54:00:00:00:01 web 1
frames lb 52:54:00:00:00:99 web 2
pm -s adapter show dev h-lb

say "The load balancer's owner, uid 1000, wants promiscuous mode. Nobody has it yet."
printf '$ setpriv --reuid 1000 pmodectl adapter set dev h-lb promisc on\n'
setpriv --reuid 1000 --regid 1000 --clear-groups "$PMODECTL" adapter set dev h-lb promisc on 2>&1 | sed 's/^/  /'

say "The administrator enables the feature on this host and grants uid 1000."
pm feature enable
pm user grant 1000
pm user show

say "Now the owner turns promiscuous mode on for its adapter."
printf '$ setpriv --reuid 1000 pmodectl adapter set dev h-lb promisc on\n'
setpriv --reuid 1000 --regid 1000 --clear-groups "$PMODECTL" adapter set dev h-lb promisc on 2>&1 | sed 's/^/  /'
frames lb 52:54:00:00:00:99 web 3

say "Promiscuous mode is once per VM per network: lb's second adapter on br0 is refused."
printf '$ setpriv --reuid 1000 pmodectl adapter set dev h-lb2 promisc on\n'
setpriv --reuid 1000 --regid 1000 --clear-groups "$PMODECTL" adapter set dev h-lb2 promisc on 2>&1 | sed 's/^/  /'

say "Another user, uid 2000, may not: it holds no grant (and does not own lb)."
printf '$ setpriv --reuid 2000 pmodectl adapter set dev h-web promisc on\n'
setpriv --reuid 2000 --regid 2000 --clear-groups "$PMODECTL" adapter set dev h-web promisc on 2>&1 | sed 's/^/  /'
printf '$ setpriv --reuid 2000 pmodectl adapter set dev h-lb promisc off\n'
setpriv --reuid 2000 --regid 2000 --clear-groups "$PMODECTL" adapter set dev h-lb promisc off 2>&1 | sed 's/^/  /'

say "Even promiscuous, lb cannot watch others: web's unicast to another MAC never reaches it."
got=$(count_rx lb 4 1.5 -- send_from web --src 52:54:00:00:00:03 --dst 52:54:00:00:00:77 --count 5 --marker 4)
printf '  VM web sends 5 frames to 52:54:00:00:00:77 (flooded by the bridge): %s reach VM lb\n' "$got"

say "The state, as JSON for agents:"
# README: pmodectl -j -p adapter show
pm -j -p -s adapter show dev h-lb
