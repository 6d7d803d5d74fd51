/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * pmode: per-adapter promiscuous mode for virtual machine network adapters.
 *
 * Generic netlink family "pmode", version PMODE_GENL_VERSION.
 *
 * An adapter is registered on the host-side port of a VM network adapter
 * (a tap device, or the host end of a veth pair). Frames the VM transmits
 * must carry the adapter's MAC (or one of its allowed extra MACs) as source,
 * unless promiscuous mode is on; frames delivered to the VM must be addressed
 * to it. See docs/netlink.md for the full description of every command.
 *
 * Attributes are only ever added at the end of an enum, never renumbered or
 * removed. Requests are validated strictly: unknown attributes are refused.
 *
 * An adapter is named in a request by exactly one of PMODE_A_IFINDEX or
 * PMODE_A_IFNAME (-EBADR when both or neither are given), looked up in the
 * network namespace of the requesting socket.
 *
 * PMODE_CMD_ADAPTER_NEW (CAP_NET_ADMIN over the port's namespace)
 *   PMODE_A_IFINDEX | PMODE_A_IFNAME    the port
 *   PMODE_A_VM                          VM id, 1..PMODE_VM_ID_MAXLEN bytes
 *   PMODE_A_MAC         [optional]      adapter MAC; default: the veth peer's
 *   PMODE_A_NETWORK     [optional]      explicit network id; default: master
 *   PMODE_A_OWNER       [optional]      owner uid
 *   PMODE_A_MANAGER     [optional]      what manages the adapter: an
 *                                       integration that registers it again
 *                                       itself (pmodectl save leaves it out)
 *
 * PMODE_CMD_ADAPTER_DEL (CAP_NET_ADMIN over the port's namespace)
 *   PMODE_A_IFINDEX | PMODE_A_IFNAME
 *
 * PMODE_CMD_ADAPTER_SET
 *   PMODE_A_IFINDEX | PMODE_A_IFNAME
 *   PMODE_A_PROMISC     [optional]      0 or 1; needs the feature gate and a
 *                                       grant for the acting user; on an
 *                                       Open vSwitch port, whose master is
 *                                       the datapath of every OVS bridge,
 *                                       an explicit PMODE_A_NETWORK too
 *   PMODE_A_AS_UID      [optional]      acting user (CAP_NET_ADMIN only)
 *   PMODE_A_MAC         [optional]      new adapter MAC (CAP_NET_ADMIN)
 *   PMODE_A_ALLOW_ADD   [optional]      add an allowed extra MAC (CAP_NET_ADMIN)
 *   PMODE_A_ALLOW_DEL   [optional]      remove one (CAP_NET_ADMIN)
 *   The request is applied whole or not at all.
 *
 * PMODE_CMD_ADAPTER_GET (anyone)
 *   doit: PMODE_A_IFINDEX | PMODE_A_IFNAME; replies with one adapter.
 *   dumpit: optional filters PMODE_A_IFINDEX | PMODE_A_IFNAME, PMODE_A_VM.
 *   Each reply (and each adapter notification) carries:
 *     PMODE_A_IFINDEX, PMODE_A_IFNAME, PMODE_A_VM, PMODE_A_MAC,
 *     PMODE_A_NETWORK (only when explicit), PMODE_A_MASTER (only when the
 *     port has a master device, or is a macvtap: then its lower device,
 *     which is its network), PMODE_A_OWNER (only when set),
 *     PMODE_A_MANAGER (only when set), PMODE_A_PROMISC,
 *     PMODE_A_ALLOWED: nest
 *       PMODE_MACLIST_A_MAC  (repeated, in the order they were added)
 *     PMODE_A_LEARNED: nest (MACs a promiscuous adapter has transmitted from)
 *       PMODE_MACLIST_A_MAC  (repeated)
 *     PMODE_A_STATS: nest
 *       PMODE_STATS_A_*      u64 counters, one per drop reason and more
 *     PMODE_A_EXPOSURE (bits 1 << enum pmode_exposure: what attached to
 *       the port bypasses its hooks; 0 when nothing; looked at when the
 *       message is made)
 *   A dump whose adapter set changed while it was taken is flagged with
 *   NLM_F_DUMP_INTR.
 *
 * PMODE_CMD_ADAPTER_CHECK (anyone) a dry run: the verdict the adapter's
 * hooks would give a frame, with no effect (nothing counted, learned or
 * reported)
 *   PMODE_A_IFINDEX | PMODE_A_IFNAME
 *   PMODE_A_FRAME                       the frame from its destination MAC
 *                                       on, VLAN tags in it, without FCS:
 *                                       14 to PMODE_CHECK_MAX_FRAME bytes
 *   PMODE_A_DIRECTION   [optional]      enum pmode_direction; default
 *                                       PMODE_DIR_FROM_VM
 *   replies with PMODE_A_IFINDEX, PMODE_A_IFNAME, PMODE_A_VM,
 *     PMODE_A_DIRECTION, PMODE_A_VERDICT (enum pmode_verdict),
 *     PMODE_A_DROP_REASON (for a drop),
 *     PMODE_A_OFFENDING_MAC (the MAC judged: for a drop but of a malformed
 *       frame, and for PMODE_VERDICT_PASS_PROMISC),
 *     PMODE_A_FRAME_LENGTH (the length judged)
 *
 * PMODE_CMD_FEATURE_GET (anyone)      -> PMODE_A_FEATURE
 * PMODE_CMD_FEATURE_SET (CAP_NET_ADMIN in the initial user namespace)
 *   PMODE_A_FEATURE                     0 or 1; 0 turns every promisc flag off
 *
 * PMODE_CMD_GRANT_NEW, PMODE_CMD_GRANT_DEL (CAP_NET_ADMIN in the initial
 * user namespace)
 *   PMODE_A_UID
 * PMODE_CMD_GRANT_GET (anyone, dump)  -> one message per PMODE_A_UID
 *
 * PMODE_CMD_GUARD_NEW, PMODE_CMD_GUARD_DEL (CAP_NET_ADMIN over the device's
 * namespace): guard a network, or stop guarding it
 *   PMODE_A_IFINDEX | PMODE_A_IFNAME    a bridge, or the lower device of
 *                                       macvtaps; not an Open vSwitch
 *                                       datapath (its ports cannot be told
 *                                       apart by bridge)
 *   GUARD_NEW replies as GUARD_GET, after quarantining the network's
 *   unregistered VM ports (each also notified).
 *   On a guarded network every unregistered VM port (a tap, a veth, a
 *   macvtap) is quarantined: a netfilter hook drops every frame through it,
 *   both ways, counted as PMODE_DROP_QUARANTINED, from before the port is
 *   linked to the network until an adapter is registered on it. Removing
 *   the adapter quarantines it again. A plain macvlan or ipvlan cannot be
 *   created on a guarded lower device (it could not be guarded).
 *
 * PMODE_CMD_GUARD_GET (anyone, dump) -> per guarded device in the
 * requester's namespace: PMODE_A_IFINDEX, PMODE_A_IFNAME,
 * PMODE_A_QUARANTINED
 *
 * PMODE_CMD_QUARANTINE_GET (anyone, dump) -> per quarantined port in the
 * requester's namespace: PMODE_A_IFINDEX, PMODE_A_IFNAME, PMODE_A_GUARD,
 * PMODE_A_GUARD_NAME, PMODE_A_STATS (PMODE_STATS_A_QUARANTINED)
 *
 * Multicast group PMODE_MCGRP_NOTIFY carries, for the namespace of the port:
 *   PMODE_CMD_ADAPTER_NEW, _SET, _DEL   the adapter as in a dump, plus
 *                                       PMODE_A_REASON (enum pmode_reason),
 *                                       PMODE_A_BY_UID (who made the change:
 *                                       the uid of the process whose request,
 *                                       or port change, caused it),
 *                                       PMODE_A_AS_UID (the user an agent
 *                                       acted for, when it named one)
 *   PMODE_CMD_ADAPTER_SET with PMODE_REASON_EXPOSURE_CHANGED: the port's
 *                                       PMODE_A_EXPOSURE changed. Nothing
 *                                       tells pmode of tc or XDP changes:
 *                                       ports are looked at every few
 *                                       seconds (module parameter
 *                                       exposure_interval), so the event
 *                                       follows the change by up to that.
 *   PMODE_CMD_VIOLATION                 PMODE_A_IFINDEX, PMODE_A_IFNAME,
 *                                       PMODE_A_VM, PMODE_A_DROP_REASON,
 *                                       PMODE_A_OFFENDING_MAC,
 *                                       PMODE_A_SUPPRESSED (violations not
 *                                       reported since the previous event),
 *                                       PMODE_A_FRAME_LENGTH (the frame's
 *                                       whole length); never the frame's bytes
 *   PMODE_CMD_GUARD_NEW, _DEL           the guarded device as in a GUARD_GET
 *                                       reply, PMODE_A_REASON, PMODE_A_BY_UID
 *   PMODE_CMD_QUARANTINE_NEW, _DEL      a port entering or leaving
 *                                       quarantine, as in a QUARANTINE_GET
 *                                       reply, PMODE_A_REASON, PMODE_A_BY_UID
 * and, host-wide, in the initial network namespace only (grants name uids
 * of the initial user namespace):
 *   PMODE_CMD_FEATURE_SET               PMODE_A_FEATURE, PMODE_A_BY_UID
 *   PMODE_CMD_GRANT_NEW, _DEL           PMODE_A_UID, PMODE_A_BY_UID
 *
 * Multicast group PMODE_MCGRP_FRAMES, which only a socket whose opener has
 * CAP_NET_ADMIN over the user namespace of the socket's network namespace
 * may join (a violation's frame bytes are the tenant's traffic), carries,
 * for the namespace of the port:
 *   PMODE_CMD_VIOLATION_FRAME           the same violation as
 *                                       PMODE_CMD_VIOLATION, plus
 *                                       PMODE_A_FRAME (the frame's first
 *                                       bytes, at most
 *                                       PMODE_VIOLATION_FRAME_LEN, as the VM
 *                                       sent it: a VLAN tag the stack moved
 *                                       out of it is put back)
 * A listener on both groups gets each violation twice, once as each command.
 *
 * User ids are translated to and from the requesting process's user namespace.
 */

#ifndef _UAPI_LINUX_PMODE_H
#define _UAPI_LINUX_PMODE_H

#define PMODE_GENL_NAME		"pmode"
#define PMODE_GENL_VERSION	1
#define PMODE_MCGRP_NOTIFY	"notify"
#define PMODE_MCGRP_FRAMES	"frames"

/* Longest VM id, in bytes, not counting the terminating NUL. */
#define PMODE_VM_ID_MAXLEN	63
/*
 * Longest PMODE_A_MANAGER, in bytes, not counting the terminating NUL: the
 * name of the program that registered an adapter for a VM manager
 * ("libvirt", "qemu"), printable ASCII.
 */
#define PMODE_MANAGER_MAXLEN	15
/* Most allowed extra MACs per adapter. */
#define PMODE_MAX_ALLOWED	16
/* Most MACs a promiscuous adapter is remembered to transmit from. */
#define PMODE_MAX_LEARNED	256
/* Most bytes of the offending frame a PMODE_CMD_VIOLATION_FRAME carries. */
#define PMODE_VIOLATION_FRAME_LEN	128
/* Longest frame PMODE_CMD_ADAPTER_CHECK judges, in bytes (a jumbo frame). */
#define PMODE_CHECK_MAX_FRAME	9216

/*
 * A notification carries the number of the request that causes it. The
 * *_NTF names are second names of those numbers, for the notification:
 * they add no command and change no value (the kernel's YNL tools model a
 * request and its notification as two operations, and write both names).
 */
enum pmode_cmd {
	PMODE_CMD_UNSPEC,
	PMODE_CMD_ADAPTER_NEW,
	PMODE_CMD_ADAPTER_NEW_NTF = PMODE_CMD_ADAPTER_NEW,
	PMODE_CMD_ADAPTER_DEL,
	PMODE_CMD_ADAPTER_DEL_NTF = PMODE_CMD_ADAPTER_DEL,
	PMODE_CMD_ADAPTER_SET,
	PMODE_CMD_ADAPTER_SET_NTF = PMODE_CMD_ADAPTER_SET,
	PMODE_CMD_ADAPTER_GET,
	PMODE_CMD_FEATURE_GET,
	PMODE_CMD_FEATURE_SET,
	PMODE_CMD_FEATURE_SET_NTF = PMODE_CMD_FEATURE_SET,
	PMODE_CMD_GRANT_NEW,
	PMODE_CMD_GRANT_NEW_NTF = PMODE_CMD_GRANT_NEW,
	PMODE_CMD_GRANT_DEL,
	PMODE_CMD_GRANT_DEL_NTF = PMODE_CMD_GRANT_DEL,
	PMODE_CMD_GRANT_GET,
	PMODE_CMD_VIOLATION,
	PMODE_CMD_ADAPTER_CHECK,
	PMODE_CMD_VIOLATION_FRAME,
	PMODE_CMD_GUARD_NEW,
	PMODE_CMD_GUARD_NEW_NTF = PMODE_CMD_GUARD_NEW,
	PMODE_CMD_GUARD_DEL,
	PMODE_CMD_GUARD_DEL_NTF = PMODE_CMD_GUARD_DEL,
	PMODE_CMD_GUARD_GET,
	PMODE_CMD_QUARANTINE_GET,
	PMODE_CMD_QUARANTINE_NEW,	/* notification only */
	PMODE_CMD_QUARANTINE_DEL,	/* notification only */
	__PMODE_CMD_MAX
};

#define PMODE_CMD_MAX (__PMODE_CMD_MAX - 1)

enum pmode_attr {
	PMODE_A_UNSPEC,
	PMODE_A_PAD,
	PMODE_A_IFINDEX,	/* u32 */
	PMODE_A_IFNAME,		/* NUL-terminated string, < IFNAMSIZ */
	PMODE_A_VM,		/* NUL-terminated string */
	PMODE_A_MAC,		/* binary, ETH_ALEN: unicast, not zero */
	PMODE_A_NETWORK,	/* u32: explicit network id */
	PMODE_A_MASTER,		/* u32: ifindex of the master (macvtap: lower) */
	PMODE_A_OWNER,		/* u32: uid */
	PMODE_A_PROMISC,	/* u8: 0 or 1 */
	PMODE_A_AS_UID,		/* u32: uid the request acts for */
	PMODE_A_ALLOWED,	/* nest: enum pmode_maclist_attr */
	PMODE_A_ALLOW_ADD,	/* binary, ETH_ALEN */
	PMODE_A_ALLOW_DEL,	/* binary, ETH_ALEN */
	PMODE_A_LEARNED,	/* nest: enum pmode_maclist_attr */
	PMODE_A_STATS,		/* nest: enum pmode_stats_attr */
	PMODE_A_FEATURE,	/* u8: 0 disabled, 1 enabled */
	PMODE_A_UID,		/* u32: uid */
	PMODE_A_REASON,		/* u32: enum pmode_reason */
	PMODE_A_DROP_REASON,	/* u32: enum pmode_drop_reason */
	PMODE_A_OFFENDING_MAC,	/* binary, ETH_ALEN */
	PMODE_A_SUPPRESSED,	/* u32 */
	PMODE_A_FRAME,		/* binary: a frame, from its destination MAC */
	PMODE_A_FRAME_LENGTH,	/* u32: the whole frame's length, in bytes */
	PMODE_A_DIRECTION,	/* u8: enum pmode_direction */
	PMODE_A_VERDICT,	/* u32: enum pmode_verdict */
	PMODE_A_BY_UID,		/* u32: uid of the process that made a change */
	PMODE_A_EXPOSURE,	/* u32: bits 1 << enum pmode_exposure */
	PMODE_A_GUARD,		/* u32: ifindex of a guarded network device */
	PMODE_A_GUARD_NAME,	/* NUL-terminated string: its name */
	PMODE_A_QUARANTINED,	/* u32: how many ports it holds quarantined */
	PMODE_A_MANAGER,	/* NUL-terminated string: what manages the adapter */
	__PMODE_A_MAX
};

#define PMODE_A_MAX (__PMODE_A_MAX - 1)

enum pmode_maclist_attr {
	PMODE_MACLIST_A_UNSPEC,
	PMODE_MACLIST_A_MAC,	/* binary, ETH_ALEN */
	__PMODE_MACLIST_A_MAX
};

#define PMODE_MACLIST_A_MAX (__PMODE_MACLIST_A_MAX - 1)

/* Why a frame was dropped. */
enum pmode_drop_reason {
	/* transmitted with a multicast, broadcast or all-zero source MAC */
	PMODE_DROP_INVALID_SRC,
	/* transmitted with a source MAC that is not the adapter's */
	PMODE_DROP_FORGED_SRC,
	/* ARP sender hardware address not the adapter's */
	PMODE_DROP_FORGED_ARP,
	/* IPv6 neighbour discovery link-layer address option not the adapter's */
	PMODE_DROP_FORGED_ND,
	/* unicast towards the VM addressed to a MAC that is not its own */
	PMODE_DROP_FOREIGN_DST,
	/* too short to hold the headers it announces */
	PMODE_DROP_MALFORMED,
	/* DHCP request naming a client hardware address not the adapter's */
	PMODE_DROP_FORGED_DHCP,
	/* any frame, either way, through an unregistered port of a guarded network */
	PMODE_DROP_QUARANTINED,
	__PMODE_DROP_MAX
};

#define PMODE_DROP_MAX (__PMODE_DROP_MAX - 1)

/* Which way a frame goes through the port (PMODE_CMD_ADAPTER_CHECK). */
enum pmode_direction {
	PMODE_DIR_FROM_VM,	/* the VM transmits it */
	PMODE_DIR_TO_VM,	/* it is delivered to the VM */
	__PMODE_DIR_MAX
};

#define PMODE_DIR_MAX (__PMODE_DIR_MAX - 1)

/* What the data path would do with a frame (PMODE_CMD_ADAPTER_CHECK). */
enum pmode_verdict {
	PMODE_VERDICT_PASS,
	PMODE_VERDICT_PASS_PROMISC,	/* passes only because promisc is on */
	PMODE_VERDICT_DROP,		/* PMODE_A_DROP_REASON says why */
	__PMODE_VERDICT_MAX
};

#define PMODE_VERDICT_MAX (__PMODE_VERDICT_MAX - 1)

/* Counters of PMODE_A_STATS, all u64. */
enum pmode_stats_attr {
	PMODE_STATS_A_UNSPEC,
	PMODE_STATS_A_PAD,
	PMODE_STATS_A_INVALID_SRC,	/* PMODE_DROP_INVALID_SRC */
	PMODE_STATS_A_FORGED_SRC,	/* PMODE_DROP_FORGED_SRC */
	PMODE_STATS_A_FORGED_ARP,	/* PMODE_DROP_FORGED_ARP */
	PMODE_STATS_A_FORGED_ND,	/* PMODE_DROP_FORGED_ND */
	PMODE_STATS_A_FOREIGN_DST,	/* PMODE_DROP_FOREIGN_DST */
	PMODE_STATS_A_MALFORMED,	/* PMODE_DROP_MALFORMED */
	PMODE_STATS_A_PROMISC_TX,	/* passed only because promisc is on */
	PMODE_STATS_A_PROMISC_RX,	/* delivered to a learned MAC */
	PMODE_STATS_A_FORGED_DHCP,	/* PMODE_DROP_FORGED_DHCP */
	PMODE_STATS_A_QUARANTINED,	/* PMODE_DROP_QUARANTINED */
	__PMODE_STATS_A_MAX
};

#define PMODE_STATS_A_MAX (__PMODE_STATS_A_MAX - 1)

/* Why an adapter notification was sent. */
enum pmode_reason {
	PMODE_REASON_REQUEST,		/* a netlink request */
	PMODE_REASON_PORT_DELETED,	/* the port device was deleted */
	PMODE_REASON_PORT_MOVED,	/* the port left its network namespace */
	PMODE_REASON_NETNS_EXIT,	/* the network namespace went away */
	PMODE_REASON_FEATURE_DISABLED,	/* the gate was disabled: promisc off */
	PMODE_REASON_NETWORK_CHANGED,	/* the port's master device changed */
	PMODE_REASON_EXPOSURE_CHANGED,	/* PMODE_A_EXPOSURE changed */
	PMODE_REASON_REGISTERED,	/* the port got an adapter */
	PMODE_REASON_UNREGISTERED,	/* the port's adapter was removed */
	PMODE_REASON_PROMISC_REFUSED,	/* an agent's promisc on was refused */
	__PMODE_REASON_MAX
};

#define PMODE_REASON_MAX (__PMODE_REASON_MAX - 1)

/*
 * What is attached to an adapter's port that runs where its hooks cannot
 * judge (PMODE_A_EXPOSURE has bit 1 << each that is). The hooks are
 * netfilter's netdev ingress and egress hooks on the port; each of these
 * sees, changes or sends on frames before or after them.
 */
enum pmode_exposure {
	/*
	 * An XDP program in generic (skb) mode: runs before the ingress hook;
	 * XDP_TX, XDP_REDIRECT (AF_XDP sockets included) and rewrites escape
	 * it.
	 */
	PMODE_EXPOSURE_XDP_GENERIC,
	/* An XDP program in the driver (veth, tun) or offloaded: the same. */
	PMODE_EXPOSURE_XDP_NATIVE,
	/*
	 * tc filters or actions on ingress (an ingress or clsact qdisc's, or
	 * tcx programs): run before the ingress hook; a redirect or mirror
	 * takes frames past it, an action may rewrite them.
	 */
	PMODE_EXPOSURE_TC_INGRESS,
	/*
	 * tc filters or actions on egress (a clsact qdisc's, or tcx
	 * programs): run after the egress hook; pedit, skbmod or a program
	 * may rewrite the bytes it judged, a redirect send them elsewhere.
	 */
	PMODE_EXPOSURE_TC_EGRESS,
	/*
	 * A packet socket for every protocol bound to the port: it reads what
	 * the VM transmits before the hook judges it (a userspace switch
	 * reading the port so forwards forged frames). Not for ports whose VM
	 * sits above them (macvtap): there it sees only frames for the VM.
	 */
	PMODE_EXPOSURE_PACKET_TAP,
	__PMODE_EXPOSURE_MAX
};

#define PMODE_EXPOSURE_MAX (__PMODE_EXPOSURE_MAX - 1)

#endif /* _UAPI_LINUX_PMODE_H */
