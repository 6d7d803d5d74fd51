#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real libvirtd inside the test VM, without systemd,
# for the e2e files that start domains. Sourced after tests/vm/lib.sh:
#
#   . "$PMODE_TOP/tests/vm/lib.sh"
#   . "$PMODE_TOP/tests/vm/libvirt.sh"     # re-runs the file in its own mounts
#   libvirt_prepare                         # /etc/libvirt, users, hooks dir
#   ovs_start; trap libvirt_cleanup EXIT    # if the file uses Open vSwitch
#   libvirtd_start                          # (after ovs_start: its OVS_RUNDIR)
#
# The guest's / is the host's, read-only, with tmpfs on /tmp, /run, /var
# and /root. libvirtd needs (issue 28, "Facts found"): a writable
# /etc/libvirt with a qemu.conf that runs QEMU as root without a security
# driver, namespaces or virtlogd; a libvirt-qemu user; /var/run as /run.
# All of that is mounted in a mount namespace of the file's own, so that it
# goes with the file however the file ends. libvirtd's QEMU capabilities
# stay in /var/cache/libvirt, the boot's tmpfs: probing them takes most of
# a first domain start under TCG, and they are valid for every file of
# the boot (libvirt checks them against QEMU's and its own binaries).
if [ -z "${PMODE_LIBVIRT_NS:-}" ]; then
	export PMODE_LIBVIRT_NS=1
	exec unshare --mount --propagation private bash "$0" "$@"
fi

export LIBVIRT_DEFAULT_URI=qemu:///system
lv=/run/pmode-libvirt	# this file's scratch: hook records, logs
libvirtd_pid=
hooks=/etc/libvirt/hooks/qemu.d

# libvirt_cleanup: every domain destroyed, every daemon this file started
# stopped (by the pid it recorded), the Open vSwitch datapath removed.
# libvirtd's ovs-vsctl finds OVS through OVS_RUNDIR, which it inherits.
libvirt_cleanup() {
	local d p
	if [ -n "$libvirtd_pid" ] && kill -0 "$libvirtd_pid" 2>/dev/null; then
		for d in $(virsh list --name 2>/dev/null); do
			virsh destroy "$d" >/dev/null 2>&1
		done
	fi
	libvirtd_stop
	# QEMUs libvirtd left running (a libvirtd that died first), and the
	# file's own (-pidfile under $lv).
	for p in /run/libvirt/qemu/*.pid "$lv"/*.qemu.pid; do
		[ -s "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null
	done
	# Open vSwitch (lib.sh's ovs_start), and its datapath with the bridges
	# the file made.
	if [ -n "${OVS_RUNDIR:-}" ]; then
		ovs_stop
		ovs-dpctl del-dp system@ovs-system 2>/dev/null
	fi
	cleanup
}
trap libvirt_cleanup EXIT

# libvirt_log: the tail of libvirtd's log, to the file's log.
libvirt_log() { echo "--- libvirtd.log"; tail -n 30 "$lv/libvirtd.log"; } >&2

libvirt_prepare() {
	local etc
	# Fresh in this namespace: libvirtd's run and state directories, then
	# /var/run as /run (a directory of its own in the guest), so that both
	# names lead to them.
	mkdir -p "$lv" /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt
	for d in /run/libvirt /var/lib/libvirt /var/log/libvirt "$lv"; do
		mount -t tmpfs tmpfs "$d" || return 1
	done
	mount --rbind /run /var/run || return 1
	mkdir -p /var/log/libvirt/qemu
	run modprobe tun || return 1
	# A libvirt-qemu user and group, which the qemu driver looks up.
	{ cat /etc/passwd
	  echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin'; } >"$lv/passwd"
	{ cat /etc/group; echo 'libvirt-qemu:x:64055:'; echo 'libvirt:x:64056:'; } >"$lv/group"
	mount --bind "$lv/passwd" /etc/passwd && mount --bind "$lv/group" /etc/group || return 1
	# The host's /etc/libvirt, writable.
	etc=$(mktemp -d)
	cp -a /etc/libvirt/. "$etc"/
	mount -t tmpfs tmpfs /etc/libvirt || return 1
	cp -a "$etc"/. /etc/libvirt/
	rm -rf "$etc"
	cat >/etc/libvirt/qemu.conf <<-EOF
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	stdio_handler = "file"
	namespaces = [ ]
	EOF
	cat >/etc/libvirt/libvirtd.conf <<-EOF
	log_outputs = "3:stderr"
	EOF
	mkdir -p "$hooks"
}

# libvirtd_start: libvirtd in the background, its output in $lv/libvirtd.log;
# waits until virsh gets an answer (a minute, under TCG).
libvirtd_start() {
	echo "+ libvirtd &" >&2
	libvirtd >>"$lv/libvirtd.log" 2>&1 &
	libvirtd_pid=$!
	local _
	for _ in $(seq 600); do
		virsh version >/dev/null 2>&1 && return 0
		kill -0 "$libvirtd_pid" 2>/dev/null || break
		sleep 0.2
	done
	echo "libvirtd did not answer" >&2
	libvirt_log
	return 1
}

# libvirtd_stop [SIGNAL]: stop the libvirtd this file started (TERM by
# default; KILL is a crash), and wait for it to be gone. Its domains run on.
libvirtd_stop() {
	[ -n "$libvirtd_pid" ] || return 0
	kill -"${1:-TERM}" "$libvirtd_pid" 2>/dev/null
	wait "$libvirtd_pid" 2>/dev/null
	libvirtd_pid=
}

# hook_probe NAME: a qemu hook NAME after pmode's (hooks run in the order of
# their names) that records, for each call, the domain's XML and at
# "start begin" what pmode shows and whether the domain's QEMU exists:
#   $lv/calls                       "DOMAIN OP SUBOP", one line a call
#   $lv/DOMAIN.OP.xml               the XML on its standard input
#   $lv/DOMAIN.start.adapters.json  pmodectl -j adapter show
#   $lv/DOMAIN.start.qemu           "qemu" or "no qemu"
# Hooks run with an emptied environment: every path is written in.
hook_probe() {
	cat >"$hooks/$1" <<-EOF
	#!/bin/sh
	PATH=/usr/sbin:/usr/bin:/sbin:/bin
	echo "\$1 \$2 \$3" >>$lv/calls
	cat >"$lv/\$1.\$2.xml"
	[ "\$2 \$3" = "start begin" ] || exit 0
	$PMODECTL -j adapter show >"$lv/\$1.start.adapters.json" 2>&1
	if pgrep -f "guest=\$1," >/dev/null; then echo qemu; else echo "no qemu"; fi >"$lv/\$1.start.qemu"
	EOF
	chmod +x "$hooks/$1"
}

# wait_until SECONDS CMD...: poll until CMD succeeds, for up to SECONDS (what
# libvirtd and the agent do takes longer under TCG than wait_for's 10 s).
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.2
	done
}

# domain_taps DOMAIN: "MAC DEVICE" for each interface of a running DOMAIN.
domain_taps() { virsh domiflist "$1" | awk 'NR > 2 && NF >= 5 { print $5, $1 }'; }

# tap_of DOMAIN MAC: the host device of DOMAIN's interface with MAC.
tap_of() { domain_taps "$1" | awk -v m="$2" '$1 == m { print $2 }'; }

# adapter_of MAC EXPR: EXPR (jsonq, over 'x') for the adapter whose MAC is MAC,
# or "none".
adapter_of() {
	json_get "next((($2) for x in a if x['mac'] == '$1'), 'none')"
}
