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

# expect WANT DESCRIPTION WORDS...: complete the last of WORDS (the line
# so far); WANT is the sorted candidates, one space apart.
expect() {
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
expect "adapter feature help monitor save user" "the objects" pmodectl ""
expect "adapter" "an abbreviated object" pmodectl ad
expect "adapter feature help monitor save user" "the objects after options" pmodectl -j -s ""
expect "--json" "a long option" pmodectl --js
expect "add allow check del disallow help set show vms" "adapter's commands" pmodectl adapter ""
expect "disable enable help show" "feature's commands" pmodectl feature ""
expect "help" "monitor has no command word" pmodectl monitor ""
expect "adapter feature monitor save user" "help's objects" pmodectl help ""
expect "dev mac network owner vm" "the keywords of adapter add" pmodectl adapter add ""
expect "mac network owner vm" "a keyword given is not offered again" pmodectl adapter add dev tap0 ""
expect "mac network owner" "nor an abbreviated one" pmodectl adapter add d tap0 v x ""
expect "$devs" "dev completes the devices of /sys/class/net" pmodectl adapter add dev ""
expect "lo" "dev completes a prefix" pmodectl adapter del dev l
expect "off on" "promisc takes on or off" pmodectl adapter set dev tap0 promisc ""
expect "other vm-1 vm\\ 2" "vm completes the kernel's VM ids, each once, quoted" \
	pmodectl adapter show vm ""
expect "vm-1 vm\\ 2" "vm completes a prefix of them" pmodectl -j ad sh v vm
expect "frame pcap rx tx" "the keywords of adapter check" pmodectl adapter check dev tap0 ""
expect "" "a MAC is not guessed" pmodectl adapter allow dev tap0 ""
expect "root" "user grant completes user names" pmodectl user grant roo
expect "" "an unknown object completes nothing" pmodectl bogus ""
tap_status
