#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pmodectl's exit statuses and messages that need no kernel module: usage
# errors are 2, a request when the family is absent is 1, help is 0.
pmodectl=${1:?usage: test_cli.sh PMODECTL}
. "$(dirname "$0")/../lib/tap.sh"
TAP_PREFIX="tools: "
expect() {	# expect STATUS STDERR-REGEX DESCRIPTION ARGS...
	local want=$1 re=$2 desc=$3 err rc
	shift 3
	err=$("$pmodectl" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -Eq -- "$re" <<<"$err"; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, stderr: $err)"
	fi
}
expect 0 '' "--version exits 0" --version
expect 0 '' "--help exits 0" --help
expect 0 '' "adapter help exits 0" adapter help
expect 2 "^pmodectl: unknown object 'bogus'" "unknown object is a usage error" bogus
expect 2 "^pmodectl: unknown command 'adapter frob'" "unknown command is a usage error" adapter frob
expect 2 "^pmodectl: invalid MAC address 'zz'" "bad MAC is a usage error quoting it" adapter add dev x vm y mac zz
expect 2 "needs 'dev IFNAME' and 'vm VMID'" "add without vm is a usage error" adapter add dev x
expect 2 "'vm' needs a value" "a keyword without value is a usage error" adapter add dev x vm
expect 2 "promisc is 'on' or 'off'" "promisc takes on|off" adapter set dev x promisc maybe
expect 2 "unknown user 'no-such-user-pmode'" "unknown user name is a usage error" user grant no-such-user-pmode
expect 2 "usage: pmodectl adapter check dev IFNAME" "check without a frame is a usage error" adapter check dev x
expect 2 "usage: pmodectl adapter check dev IFNAME" "check with both frame and pcap is a usage error" adapter check dev x frame 00 pcap f
expect 2 "'zz' is not a frame in hex" "check quotes a frame that is not hex" adapter check dev x frame zz
expect 2 "'0a0' is not a frame in hex" "check refuses an odd number of hex digits" adapter check dev x frame 0a0
expect 1 "cannot read '/nonexistent/x.pcap'" "check names a pcap file it cannot read" adapter check dev x pcap /nonexistent/x.pcap
expect 2 "see 'pmodectl --help'" "unknown option is a usage error" --frobnicate
if [ -d /sys/module/pmode ]; then
	echo "# pmode is loaded here: the module-absent case is not tested"
else
	expect 1 "^pmodectl: the pmode module is not loaded" "a request without the module fails with 1" adapter show
fi
# help: 'pmodectl help [OBJECT]' and 'pmodectl OBJECT help', as with ip.
expect 0 '' "help exits 0" help
expect 0 '' "help adapter exits 0" help adapter
expect 0 '' "an abbreviated help exits 0" h fea
for obj in adapter feature user network monitor save; do
	expect 0 '' "$obj help exits 0" $obj help
done
expect 2 "^pmodectl: usage: pmodectl help \\[OBJECT\\]" "help of an unknown object is a usage error" help bogus
same() {	# same DESCRIPTION WANT GOT
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diff <(echo "$2") <(echo "$3") | tap_diag
	fi
}
same "help prints what --help prints" "$("$pmodectl" --help)" "$("$pmodectl" help)"
# The commands in --help: grouped by object, each object's in the order the
# sources define them.
src=$(dirname "$pmodectl")
want=$(for obj in adapter feature user network monitor save; do
	sed -nE "s/^COMMAND\($obj, \"([^\"]*)\".*/$obj \1/p" "$src"/*.c | sed 's/ $//'
done)
got=$("$pmodectl" --help | sed -nE 's/^  pmodectl ([a-z]+)( ([a-z]+))?.*/\1 \3/p' | sed 's/ $//')
same "--help lists the commands by object, in definition order" "$want" "$got"
same "adapter help lists adapter's, in the same order" "$(grep '^adapter' <<<"$want")" \
	"$("$pmodectl" adapter help | sed -nE 's/^  pmodectl ([a-z]+) ([a-z]+).*/\1 \2/p')"
# Every keyword is matched alike: in full, or by a prefix only it has.
expect 1 "^pmodectl: " "'adapter del d IFNAME' reaches the kernel" adapter del d pmode-nodev0
expect 1 "^pmodectl: " "'adapter allow d IFNAME MAC' reaches the kernel" adapter allow d pmode-nodev0 02:00:00:00:00:01
expect 1 "^pmodectl: " "'adapter disallow d IFNAME MAC' reaches the kernel" adapter disallow d pmode-nodev0 02:00:00:00:00:01
expect 1 "^pmodectl: " "'adapter add d IFNAME v VM' reaches the kernel" adapter add d pmode-nodev0 v x mac 02:00:00:00:00:01
expect 1 "^pmodectl: " "'ad de de IFNAME' reaches the kernel" ad de de pmode-nodev0
expect 2 "^pmodectl: usage: pmodectl adapter del dev IFNAME" "'adapter del devx IFNAME' is a usage error" adapter del devx pmode-nodev0
expect 2 "^pmodectl: ambiguous command 'adapter a'" "an ambiguous command is a usage error" adapter a
expect 2 "^pmodectl: unknown argument 'x'" "an unknown keyword is a usage error" adapter add x y
# The dispatcher: usage lines, ports and default commands from the table.
expect 2 "^pmodectl: usage: pmodectl adapter add dev IFNAME vm VMID" "'adapter add' without dev is a usage error" adapter add vm x
expect 2 "^pmodectl: usage: pmodectl adapter set dev IFNAME" "'adapter set' alone is a usage error" adapter set
expect 2 "^pmodectl: nothing to set" "'adapter set dev IFNAME' alone is a usage error" adapter set dev x
expect 2 "^pmodectl: usage: pmodectl adapter del dev IFNAME\$" "'adapter del' with a word too many is a usage error" adapter del dev x y
expect 2 "^pmodectl: usage: pmodectl adapter allow dev IFNAME LLADDR" "'adapter allow' without a MAC is a usage error" adapter allow dev x
expect 2 "^pmodectl: invalid device name 'x{16}'" "a device name too long is a usage error" adapter del dev xxxxxxxxxxxxxxxx
expect 2 "^pmodectl: 'dev' needs a value" "'dev' without a name is a usage error" adapter show dev
expect 2 "^pmodectl: usage: pmodectl feature enable\$" "'feature enable' takes no argument" feature enable x
expect 2 "^pmodectl: usage: pmodectl user show\$" "'user show' takes no argument" user show x
expect 2 "^pmodectl: usage: pmodectl user revoke UID" "'user revoke' needs a uid" user revoke
expect 2 "^pmodectl: usage: pmodectl save\$" "'save' takes no argument" save x
expect 2 "^pmodectl: usage: pmodectl adapter vms\$" "'adapter vms' takes no argument" adapter vms x
expect 2 "^pmodectl: usage: pmodectl adapter audit\$" "'adapter audit' takes no argument" adapter audit x
expect 2 "^pmodectl: usage: pmodectl monitor\$" "'monitor' takes no argument" monitor x
expect 2 "^pmodectl: usage: pmodectl network guard dev IFNAME\$" "'network guard' needs a device" network guard
expect 2 "^pmodectl: usage: pmodectl network unguard dev IFNAME\$" "'network unguard' takes only a device" network unguard dev x y
expect 2 "^pmodectl: usage: pmodectl network show \\[dev IFNAME\\]\$" "'network show' takes only a device" network show x
if [ ! -d /sys/module/pmode ]; then
	for obj in adapter feature user network; do
		expect 1 "^pmodectl: the pmode module is not loaded" "'$obj' alone runs its default command" $obj
	done
	expect 1 "^pmodectl: the pmode module is not loaded" "'adapter show d IFNAME v VM' reaches the kernel" adapter show d x v y
fi
printf '# a comment\n\nadapter bogus\nfeature show\n' >/tmp/pmodectl-batch.$$
expect 2 "pmodectl: /tmp/pmodectl-batch.$$:3:" "batch reports the failing line" -b /tmp/pmodectl-batch.$$
rm -f /tmp/pmodectl-batch.$$
tap_status
