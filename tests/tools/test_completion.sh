#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion of pmodectl: objects, commands and keywords as the
# tool's help has them, device names from /sys/class/net, VM ids from the
# kernel through 'pmodectl adapter vms' (here a fake pmodectl on PATH,
# which passes everything else to the real one).
pmodectl=$(realpath "${1:?usage: test_completion.sh PMODECTL}")
completion=$(dirname "$0")/../../tools/completion/pmodectl
. "$(dirname "$0")/../lib/tap.sh"
TAP_PREFIX="tools: completion: "
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/pmodectl" <<FAKE
#!/bin/bash
case "\$*" in
*"adapter vms") printf '%s\n' vm-1 'vm 2' vm-1 other ;;
*) exec "$pmodectl" "\$@" ;;
esac
FAKE
chmod +x "$tmp/pmodectl"
PATH=$tmp:$PATH
. "$completion"

# completes WANT DESCRIPTION WORDS...: complete the last of WORDS (the line
# so far); WANT is the sorted candidates, one space apart.
completes() {
	local want=$1 desc=$2 got
	shift 2
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_pmodectl
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | paste -sd ' ')
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		printf '  want: %s\n  got:  %s\n' "$want" "$got" | tap_diag
	fi
}

devs=$(ls /sys/class/net | sort | paste -sd ' ')
completes "adapter feature help monitor network save user" "the objects" pmodectl ""
completes "adapter" "an abbreviated object" pmodectl ad
completes "adapter feature help monitor network save user" "the objects after options" pmodectl -j -s ""
completes "--json" "a long option" pmodectl --js
completes "add allow audit check del disallow help set show vms" "adapter's commands" pmodectl adapter ""
completes "disable enable help show" "feature's commands" pmodectl feature ""
completes "help" "monitor has no command word" pmodectl monitor ""
completes "adapter feature monitor network save user" "help's objects" pmodectl help ""
completes "dev mac manager network owner vm" "the keywords of adapter add" pmodectl adapter add ""
completes "mac manager network owner vm" "a keyword given is not offered again" pmodectl adapter add dev tap0 ""
completes "mac manager network owner" "nor an abbreviated one" pmodectl adapter add d tap0 v x ""
completes "$devs" "dev completes the devices of /sys/class/net" pmodectl adapter add dev ""
completes "lo" "dev completes a prefix" pmodectl adapter del dev l
completes "off on" "promisc takes on or off" pmodectl adapter set dev tap0 promisc ""
completes "other vm-1 vm\\ 2" "vm completes the kernel's VM ids, each once, quoted" \
	pmodectl adapter show vm ""
completes "vm-1 vm\\ 2" "vm completes a prefix of them" pmodectl -j ad sh v vm
completes "frame pcap rx tx" "the keywords of adapter check" pmodectl adapter check dev tap0 ""
completes "" "a MAC is not guessed" pmodectl adapter allow dev tap0 ""
completes "root" "user grant completes user names" pmodectl user grant roo
completes "" "an unknown object completes nothing" pmodectl bogus ""
tap_status
