#!/bin/bash
# Bad input: each refused with its own message, the state unchanged.
. "$PMODE_TOP/tests/vm/lib.sh"
load_pmode
mkbridge br0
veth_vm a 02:00:00:00:04:01 br0
veth_vm b 02:00:00:00:04:02 br0
run modprobe tun
run ip tuntap add dev tun0 mode tun
links+=(tun0)
run pmodectl adapter add dev h-a vm vm-a
before=$("$PMODECTL" -j adapter show)
long=$(printf 'x%.0s' $(seq 64))
bad() {	# bad REGEX DESCRIPTION ARGS...
	local re=$1 desc=$2
	shift 2
	expect_exit 1 "bad input: $desc" pmodectl "$@"
	expect_match "^pmodectl: .*$re" "$last_err" "bad input: $desc: says why"
}
bad "no device nope0" "unknown device" adapter add dev nope0 vm v mac 02:00:00:00:04:09
bad "multicast" "multicast MAC" adapter add dev h-b vm v mac 01:00:5e:00:00:01
bad "broadcast" "broadcast MAC" adapter add dev h-b vm v mac ff:ff:ff:ff:ff:ff
bad "00:00:00:00:00:00" "all-zero MAC" adapter add dev h-b vm v mac 00:00:00:00:00:00
bad "1 to 63 bytes" "over-long vm id" adapter add dev h-b vm "$long"
# A VM id reaches the kernel log, events and saved batch files.
bad "control characters \\(byte 0x0a at 3\\)" "vm id with a newline" \
	adapter add dev h-b vm $'web\npmode: forged log line'
bad "control characters \\(byte 0x1b" "vm id with an escape" adapter add dev h-b vm $'\e[2Jweb'
bad "byte 0x7f" "vm id with DEL" adapter add dev h-b vm $'web\x7f'
bad "not an Ethernet device" "non-Ethernet device (tun)" adapter add dev tun0 vm v mac 02:00:00:00:04:09
bad "is a bridge" "a bridge itself" adapter add dev br0 vm v mac 02:00:00:00:04:09
bad "already has an adapter" "duplicate add" adapter add dev h-a vm vm-a
bad "has no adapter" "del of an unregistered port" adapter del dev h-b
bad "not a user of your user namespace|unknown" "unmapped owner uid" adapter add dev h-b vm v owner 4294967295
bad "not an allowed MAC" "disallow of a MAC not allowed" adapter disallow dev h-a 02:00:00:00:04:44
expect_eq "$before" "$("$PMODECTL" -j adapter show)" "bad input: the state is unchanged"
check "bad input: a vm id in UTF-8 with spaces and quotes is fine" \
	pmodectl adapter add dev h-b vm 'vm "é" #1'
run pmodectl adapter del dev h-b
expect_exit 2 "bad input: unknown command is a usage error" pmodectl adapter frob
expect_exit 2 "bad input: missing arguments are a usage error" pmodectl adapter add dev h-b
expect_exit 2 "bad input: malformed MAC is a usage error" pmodectl adapter add dev h-b vm v mac 1:2:3
