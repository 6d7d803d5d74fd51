// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "pmode": include/uapi/linux/pmode.h has each
 * command's attributes, docs/netlink.md the whole API.
 */
#include "netlink.h"
#include "adapter.h"
#include "compat.h"
#include "exposure.h"
#include "guard.h"
#include "hooks.h"
#include "perm.h"
#include "verdict.h"

#include <linux/cred.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

enum pmode_mcgrp { PMODE_MCGRP_NOTIFY_ID, PMODE_MCGRP_FRAMES_ID };

/*
 * "notify" is open to every process: changes and the metadata of
 * violations. A violation's frame bytes are the tenant's traffic and go to
 * "frames" alone, which genetlink lets a socket join only if its opener
 * holds CAP_NET_ADMIN over the user namespace that owns the socket's
 * network namespace (GENL_MCAST_CAP_NET_ADMIN, checked in genl_bind() at
 * join time). Violations are sent to the port's namespace only, so whoever
 * may join there administers that namespace and could capture the port's
 * traffic anyway; a user namespace of one's own gives frames of one's own
 * namespaces only.
 */
static const struct genl_multicast_group pmode_mcgrps[] = {
	[PMODE_MCGRP_NOTIFY_ID] = { .name = PMODE_MCGRP_NOTIFY },
	[PMODE_MCGRP_FRAMES_ID] = { .name = PMODE_MCGRP_FRAMES,
				    .flags = GENL_MCAST_CAP_NET_ADMIN },
};

static struct genl_family pmode_genl_family;

/*
 * Cleared, and a grace period waited for, before the family goes away, so
 * that no notification is sent through a family being unregistered.
 */
static bool pmode_nl_live;

static const struct nla_policy adapter_new_policy[PMODE_A_MAX + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	/* Longer ids than the limit get a message of their own below. */
	[PMODE_A_VM] = { .type = NLA_NUL_STRING },
	[PMODE_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[PMODE_A_NETWORK] = { .type = NLA_U32 },
	[PMODE_A_OWNER] = { .type = NLA_U32 },
	/* Its length and bytes get a message of their own below. */
	[PMODE_A_MANAGER] = { .type = NLA_NUL_STRING },
};

/*
 * Each op's .maxattr is its policy's last entry. The del and get policies
 * end at their last attribute, so that a higher one is refused as unknown
 * (docs/netlink.md, section 8); the others span every attribute and refuse
 * those they do not list as unsupported.
 */
static const struct nla_policy adapter_del_policy[PMODE_A_IFNAME + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

static const struct nla_policy adapter_get_policy[PMODE_A_VM + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PMODE_A_VM] = { .type = NLA_NUL_STRING },
};

static const struct nla_policy adapter_set_policy[PMODE_A_MAX + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[PMODE_A_PROMISC] = NLA_POLICY_MAX(NLA_U8, 1),
	[PMODE_A_AS_UID] = { .type = NLA_U32 },
	[PMODE_A_MAC] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[PMODE_A_ALLOW_ADD] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[PMODE_A_ALLOW_DEL] = NLA_POLICY_EXACT_LEN(ETH_ALEN),
};

static const struct nla_policy adapter_check_policy[PMODE_A_MAX + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	/* Its length gets a message of its own below. */
	[PMODE_A_FRAME] = { .type = NLA_BINARY },
	[PMODE_A_DIRECTION] = NLA_POLICY_MAX(NLA_U8, PMODE_DIR_MAX),
};

static const struct nla_policy feature_policy[PMODE_A_MAX + 1] = {
	[PMODE_A_FEATURE] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy grant_policy[PMODE_A_MAX + 1] = {
	[PMODE_A_UID] = { .type = NLA_U32 },
};

static const struct nla_policy guard_policy[PMODE_A_IFNAME + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
};

/* Callers of these hold CAP_NET_ADMIN over the namespace of the socket. */
static bool ns_admin(const struct sk_buff *skb, struct genl_info *info)
{
	return netlink_ns_capable(skb, genl_info_net(info)->user_ns,
				  CAP_NET_ADMIN);
}

static int need_ns_admin(const struct sk_buff *skb, struct genl_info *info,
			 const char *what)
{
	if (ns_admin(skb, info))
		return 0;
	PMODE_SET_ERR_MSG_FMT(info->extack, NULL,
			      "%s needs CAP_NET_ADMIN in the port's network namespace",
			      what);
	return -EPERM;
}

static int need_host_admin(const struct sk_buff *skb, struct genl_info *info,
			   const char *what)
{
	if (netlink_capable(skb, CAP_NET_ADMIN))
		return 0;
	PMODE_SET_ERR_MSG_FMT(info->extack, NULL,
			      "%s needs CAP_NET_ADMIN in the initial user namespace",
			      what);
	return -EPERM;
}

/* A uid from the request, in the requester's user namespace. */
static int uid_attr(const struct nlattr *attr, kuid_t *uid,
		    struct netlink_ext_ack *extack)
{
	*uid = make_kuid(current_user_ns(), nla_get_u32(attr));
	if (uid_valid(*uid))
		return 0;
	PMODE_SET_ERR_MSG_FMT(extack, attr,
			      "uid %u is not a user of your user namespace",
			      nla_get_u32(attr));
	return -EINVAL;
}

/*
 * The port a request names, by exactly one of ifindex and name, in the
 * requester's namespace. Under RTNL or RCU (@rcu).
 */
static struct net_device *port_dev(struct net *net, struct nlattr **attrs,
				   bool rcu, struct netlink_ext_ack *extack)
{
	struct nlattr *index = attrs[PMODE_A_IFINDEX];
	struct nlattr *name = attrs[PMODE_A_IFNAME];
	struct net_device *dev;

	if (!index == !name) {
		NL_SET_ERR_MSG(extack,
			       "name the port by ifindex or by ifname: exactly one of them");
		return ERR_PTR(-EBADR);
	}
	if (index) {
		dev = rcu ? dev_get_by_index_rcu(net, nla_get_u32(index)) :
			    __dev_get_by_index(net, nla_get_u32(index));
		if (!dev)
			PMODE_SET_ERR_MSG_FMT(extack, index,
					      "no device with ifindex %u in this network namespace",
					      nla_get_u32(index));
	} else {
		dev = rcu ? dev_get_by_name_rcu(net, nla_data(name)) :
			    __dev_get_by_name(net, nla_data(name));
		if (!dev)
			PMODE_SET_ERR_MSG_FMT(extack, name,
					      "no device %s in this network namespace",
					      (char *)nla_data(name));
	}
	return dev ?: ERR_PTR(-ENODEV);
}

/*
 * The adapter on the port a request names: for a reader under RCU (@rcu),
 * else under RTNL.
 */
static struct pmode_adapter *port_adapter(struct genl_info *info, bool rcu)
{
	struct net *net = genl_info_net(info);
	struct pmode_adapter *ad;
	struct net_device *dev;

	dev = port_dev(net, info->attrs, rcu, info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	if (rcu)
		ad = pmode_adapter_find_rcu(pmode_net(net), dev->ifindex);
	else
		ad = pmode_adapter_find(pmode_net(net), dev);
	if (!ad) {
		PMODE_SET_ERR_MSG_FMT(info->extack, NULL,
				      "%s has no adapter; register one with 'pmodectl adapter add'",
				      dev->name);
		return ERR_PTR(-ENOENT);
	}
	return ad;
}

static int put_maclist(struct sk_buff *skb, int type, const u8 (*macs)[ETH_ALEN],
		       unsigned int n)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put(skb, PMODE_MACLIST_A_MAC, ETH_ALEN, macs[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_learned_one(const u8 *mac, void *skb)
{
	return nla_put(skb, PMODE_MACLIST_A_MAC, ETH_ALEN, mac);
}

/* The attribute of each counter: a drop reason's, or one of the others. */
static const u16 stats_attr[PMODE_NSTATS] = {
	[PMODE_DROP_INVALID_SRC] = PMODE_STATS_A_INVALID_SRC,
	[PMODE_DROP_FORGED_SRC] = PMODE_STATS_A_FORGED_SRC,
	[PMODE_DROP_FORGED_ARP] = PMODE_STATS_A_FORGED_ARP,
	[PMODE_DROP_FORGED_ND] = PMODE_STATS_A_FORGED_ND,
	[PMODE_DROP_FOREIGN_DST] = PMODE_STATS_A_FOREIGN_DST,
	[PMODE_DROP_MALFORMED] = PMODE_STATS_A_MALFORMED,
	[PMODE_DROP_FORGED_DHCP] = PMODE_STATS_A_FORGED_DHCP,
	[PMODE_STAT_PROMISC_TX] = PMODE_STATS_A_PROMISC_TX,
	[PMODE_STAT_PROMISC_RX] = PMODE_STATS_A_PROMISC_RX,
	/*
	 * None for PMODE_DROP_QUARANTINED: a quarantine's reason (guard.c),
	 * never an adapter's; its counter is not sent.
	 */
};

static int put_stats(struct sk_buff *skb, const struct pmode_adapter *ad)
{
	struct nlattr *nest;
	u64 sum[PMODE_NSTATS];
	unsigned int i;

	pmode_stats_read(ad, sum);
	nest = nla_nest_start(skb, PMODE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < PMODE_NSTATS; i++)
		if (stats_attr[i] &&
		    nla_put_u64_64bit(skb, stats_attr[i], sum[i],
				      PMODE_STATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Who made a change, in a notification: the uid of the process whose
 * request (or port change) caused it, and the user an agent acted for.
 * Notifications are sent from that process, under RTNL.
 */
static int put_who(struct sk_buff *skb, struct user_namespace *ns, kuid_t as)
{
	if (nla_put_u32(skb, PMODE_A_BY_UID, from_kuid_munged(ns, current_uid())))
		return -EMSGSIZE;
	if (uid_valid(as) &&
	    nla_put_u32(skb, PMODE_A_AS_UID, from_kuid_munged(ns, as)))
		return -EMSGSIZE;
	return 0;
}

/* For guard.c: a message of the family, and who made a change. */
void *pmode_nl_put_hdr(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		       u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &pmode_genl_family, flags, cmd);
}

int pmode_nl_put_who(struct sk_buff *skb, struct user_namespace *ns)
{
	return put_who(skb, ns, INVALID_UID);
}

/* Is anyone in @net listening to the notify group? Under RTNL. */
bool pmode_nl_listening(struct net *net)
{
	return READ_ONCE(pmode_nl_live) &&
	       genl_has_listeners(&pmode_genl_family, net,
				  PMODE_MCGRP_NOTIFY_ID);
}

void pmode_nl_multicast(struct net *net, struct sk_buff *skb)
{
	genlmsg_multicast_netns(&pmode_genl_family, net, skb, 0,
				PMODE_MCGRP_NOTIFY_ID, GFP_KERNEL);
}

/*
 * What a message about an adapter is: a reply to a request, a part of a
 * dump (@cb, to flag it inconsistent), or a notification (@notify: says
 * @why the adapter changed, and who changed it, acting for @as if valid).
 * Uids are shown in @ns.
 */
struct adapter_msg {
	u8 cmd;
	int flags;
	u32 portid;
	u32 seq;
	struct user_namespace *ns;
	struct netlink_callback *cb;
	bool notify;
	enum pmode_reason why;
	kuid_t as;
};

/* One adapter as a message. Under RTNL or RCU. */
static int fill_adapter(struct sk_buff *skb, struct pmode_adapter *ad,
			const struct adapter_msg *m)
{
	const struct pmode_cfg *cfg = rcu_dereference_rtnl(ad->cfg);
	int master = READ_ONCE(ad->master_ifindex);
	bool promisc = READ_ONCE(ad->promisc);
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, m->portid, m->seq, &pmode_genl_family, m->flags,
			  m->cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (m->cb)
		genl_dump_check_consistent(m->cb, hdr);
	if (nla_put_u32(skb, PMODE_A_IFINDEX, ad->dev->ifindex) ||
	    nla_put_string(skb, PMODE_A_IFNAME, ad->dev->name) ||
	    nla_put_string(skb, PMODE_A_VM, ad->vm) ||
	    nla_put(skb, PMODE_A_MAC, ETH_ALEN, cfg->mac) ||
	    (ad->has_network_id &&
	     nla_put_u32(skb, PMODE_A_NETWORK, ad->network_id)) ||
	    (master && nla_put_u32(skb, PMODE_A_MASTER, master)) ||
	    (uid_valid(ad->owner) &&
	     nla_put_u32(skb, PMODE_A_OWNER,
			 from_kuid_munged(m->ns, ad->owner))) ||
	    (ad->manager[0] &&
	     nla_put_string(skb, PMODE_A_MANAGER, ad->manager)) ||
	    nla_put_u8(skb, PMODE_A_PROMISC, promisc) ||
	    put_maclist(skb, PMODE_A_ALLOWED, cfg->allowed, cfg->n_allowed) ||
	    put_stats(skb, ad) ||
	    nla_put_u32(skb, PMODE_A_EXPOSURE, pmode_exposure(ad)) ||
	    (m->notify && (nla_put_u32(skb, PMODE_A_REASON, m->why) ||
			   put_who(skb, m->ns, m->as))))
		goto cancel;
	nest = nla_nest_start(skb, PMODE_A_LEARNED);
	if (!nest)
		goto cancel;
	if (promisc) {
		rcu_read_lock();
		if (pmode_learn_walk(&ad->learn, put_learned_one, skb)) {
			rcu_read_unlock();
			goto cancel;
		}
		rcu_read_unlock();
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Under RTNL, from the process that made the change, acting for @as. */
void pmode_nl_notify_adapter_as(struct pmode_adapter *ad, u8 cmd,
				enum pmode_reason why, kuid_t as)
{
	struct net *net = dev_net(ad->dev);
	const struct adapter_msg m = {
		.cmd = cmd,
		.ns = net->user_ns,
		.notify = true,
		.why = why,
		.as = as,
	};
	struct sk_buff *skb;

	ASSERT_RTNL();
	if (!pmode_nl_live ||
	    !genl_has_listeners(&pmode_genl_family, net, PMODE_MCGRP_NOTIFY_ID))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (fill_adapter(skb, ad, &m)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast_netns(&pmode_genl_family, net, skb, 0,
				PMODE_MCGRP_NOTIFY_ID, GFP_KERNEL);
}

void pmode_nl_notify_adapter(struct pmode_adapter *ad, u8 cmd,
			     enum pmode_reason why)
{
	pmode_nl_notify_adapter_as(ad, cmd, why, INVALID_UID);
}

/*
 * A violation to one group: its metadata, and for "frames" the first bytes
 * of the frame, copied from the MAC header on. Softirq, under RCU.
 */
static void violation_to(struct pmode_adapter *ad, unsigned int group,
			 int reason, const u8 *mac,
			 const struct sk_buff *frame, u32 suppressed)
{
	bool with_frame = group == PMODE_MCGRP_FRAMES_ID;
	struct net *net = dev_net(ad->dev);
	unsigned int len = pmode_frame_len(frame);
	struct sk_buff *skb;
	struct nlattr *attr;
	void *hdr;

	if (!genl_has_listeners(&pmode_genl_family, net, group))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &pmode_genl_family, 0,
			  with_frame ? PMODE_CMD_VIOLATION_FRAME :
				       PMODE_CMD_VIOLATION);
	if (!hdr ||
	    nla_put_u32(skb, PMODE_A_IFINDEX, ad->dev->ifindex) ||
	    nla_put_string(skb, PMODE_A_IFNAME, ad->dev->name) ||
	    nla_put_string(skb, PMODE_A_VM, ad->vm) ||
	    nla_put_u32(skb, PMODE_A_DROP_REASON, reason) ||
	    (mac && nla_put(skb, PMODE_A_OFFENDING_MAC, ETH_ALEN, mac)) ||
	    nla_put_u32(skb, PMODE_A_SUPPRESSED, suppressed) ||
	    nla_put_u32(skb, PMODE_A_FRAME_LENGTH, len))
		goto cancel;
	if (with_frame) {
		attr = nla_reserve(skb, PMODE_A_FRAME,
				   min_t(unsigned int, len,
					 PMODE_VIOLATION_FRAME_LEN));
		if (!attr)
			goto cancel;
		/* The frame cannot be shorter than it said it was a moment ago. */
		if (pmode_frame_copy(frame, nla_data(attr), nla_len(attr)) !=
		    nla_len(attr))
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&pmode_genl_family, net, skb, 0, group,
				GFP_ATOMIC);
	return;

cancel:
	nlmsg_free(skb);
}

/*
 * From the data path: softirq, under RCU. @frame is the offending frame.
 * One violation, two messages: VIOLATION to "notify", without the frame's
 * bytes, and VIOLATION_FRAME to "frames", with them; both carry the same
 * @suppressed, so a listener on either group counts alike.
 */
void pmode_nl_notify_violation(struct pmode_adapter *ad, int reason,
			       const u8 *mac, const struct sk_buff *frame,
			       u32 suppressed)
{
	if (!READ_ONCE(pmode_nl_live))
		return;
	violation_to(ad, PMODE_MCGRP_NOTIFY_ID, reason, mac, frame, suppressed);
	violation_to(ad, PMODE_MCGRP_FRAMES_ID, reason, mac, frame, suppressed);
}

/*
 * Gate and grants are host-wide, and grants name uids of the initial user
 * namespace: reported in the initial network namespace only, where the
 * host's administrators listen. Elsewhere, FEATURE_GET and GRANT_GET tell
 * what a reader may know.
 */
static void notify_host(u8 cmd, int attr, u32 value)
{
	struct sk_buff *skb;
	void *hdr;

	ASSERT_RTNL();
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &pmode_genl_family, 0, cmd);
	/* The feature is a u8, as in requests; uids are u32. */
	if (!hdr || (attr == PMODE_A_FEATURE ? nla_put_u8(skb, attr, value) :
		     nla_put_u32(skb, attr, value)) ||
	    put_who(skb, &init_user_ns, INVALID_UID)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&pmode_genl_family, &init_net, skb, 0,
				PMODE_MCGRP_NOTIFY_ID, GFP_KERNEL);
}

/*
 * Names an adapter is given, shown in messages, events, the kernel log and
 * saved batch files. A VM id: 1 to PMODE_VM_ID_MAXLEN bytes, none of them
 * a control character; other bytes (UTF-8) are the orchestrator's
 * business. A manager's name: 1 to PMODE_MANAGER_MAXLEN bytes of
 * printable ASCII, no space (it decides what pmodectl save leaves out).
 */
struct name_rule {
	const char *what;	/* "a VM id" */
	const char *bytes;	/* what its bytes must be, for the message */
	int maxlen;
	u8 lowest;		/* the lowest byte allowed */
	bool ascii;		/* none from 0x7f on; else only 0x7f refused */
};

static const struct name_rule vm_id_rule = {
	.what = "a VM id", .bytes = "may not contain control characters",
	.maxlen = PMODE_VM_ID_MAXLEN, .lowest = 0x20,
};

static const struct name_rule manager_rule = {
	.what = "a manager's name", .bytes = "is printable ASCII, no space",
	.maxlen = PMODE_MANAGER_MAXLEN, .lowest = 0x21, .ascii = true,
};

static int name_check(const char *name, const struct name_rule *r,
		      const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	const char *c;

	if (!*name || strlen(name) > r->maxlen) {
		PMODE_SET_ERR_MSG_FMT(extack, attr, "%s is 1 to %d bytes long",
				      r->what, r->maxlen);
		return -EINVAL;
	}
	for (c = name; *c; c++) {
		if ((u8)*c < r->lowest || *c == 0x7f ||
		    (r->ascii && (u8)*c > 0x7f)) {
			PMODE_SET_ERR_MSG_FMT(extack, attr,
					      "%s %s (byte 0x%02x at %td)",
					      r->what, r->bytes, (u8)*c,
					      c - name);
			return -EINVAL;
		}
	}
	return 0;
}

static int pmode_adapter_new(struct sk_buff *skb, struct genl_info *info)
{
	struct pmode_adapter_params p = { .owner = INVALID_UID };
	struct nlattr **attrs = info->attrs;
	struct pmode_adapter *ad;
	struct net_device *dev;
	int err;

	err = need_ns_admin(skb, info, "registering an adapter");
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, PMODE_A_VM)) {
		NL_SET_ERR_MSG(info->extack, "a VM id ('vm') is required");
		return -EINVAL;
	}
	p.vm = nla_data(attrs[PMODE_A_VM]);
	err = name_check(p.vm, &vm_id_rule, attrs[PMODE_A_VM], info->extack);
	if (err)
		return err;
	if (attrs[PMODE_A_MAC]) {
		p.mac = nla_data(attrs[PMODE_A_MAC]);
		err = pmode_mac_check(p.mac, attrs[PMODE_A_MAC], info->extack);
		if (err)
			return err;
	}
	if (attrs[PMODE_A_NETWORK]) {
		p.has_network_id = true;
		p.network_id = nla_get_u32(attrs[PMODE_A_NETWORK]);
	}
	if (attrs[PMODE_A_OWNER]) {
		err = uid_attr(attrs[PMODE_A_OWNER], &p.owner, info->extack);
		if (err)
			return err;
	}
	if (attrs[PMODE_A_MANAGER]) {
		p.manager = nla_data(attrs[PMODE_A_MANAGER]);
		err = name_check(p.manager, &manager_rule, attrs[PMODE_A_MANAGER],
				 info->extack);
		if (err)
			return err;
	}

	rtnl_lock();
	dev = port_dev(genl_info_net(info), attrs, false, info->extack);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto out;
	}
	ad = pmode_adapter_create(dev, &p, info->extack);
	if (IS_ERR(ad)) {
		err = PTR_ERR(ad);
		goto out;
	}
	pmode_nl_notify_adapter(ad, PMODE_CMD_ADAPTER_NEW, PMODE_REASON_REQUEST);
	/* The adapter's hooks are in place: a quarantine can go. */
	pmode_guard_adapter_added(dev);
out:
	rtnl_unlock();
	return err;
}

static int pmode_adapter_del(struct sk_buff *skb, struct genl_info *info)
{
	struct pmode_adapter *ad;
	int err;

	err = need_ns_admin(skb, info, "removing an adapter");
	if (err)
		return err;
	rtnl_lock();
	ad = port_adapter(info, false);
	if (IS_ERR(ad)) {
		err = PTR_ERR(ad);
		goto out;
	}
	/* On a guarded network, quarantined before the adapter's hooks go. */
	err = pmode_guard_adapter_removing(ad->dev, info->extack);
	if (!err)
		pmode_adapter_destroy(ad, PMODE_REASON_REQUEST);
out:
	rtnl_unlock();
	return err;
}

/* Apply the MAC changes of a set request to a copy of the configuration. */
static int edit_macs(struct pmode_cfg *cfg, struct genl_info *info)
{
	struct nlattr *mac = info->attrs[PMODE_A_MAC];
	struct nlattr *add = info->attrs[PMODE_A_ALLOW_ADD];
	struct nlattr *del = info->attrs[PMODE_A_ALLOW_DEL];
	struct netlink_ext_ack *extack = info->extack;
	unsigned int i;
	int err;

	if (del) {
		for (i = 0; i < cfg->n_allowed; i++)
			if (ether_addr_equal(cfg->allowed[i], nla_data(del)))
				break;
		if (i == cfg->n_allowed) {
			PMODE_SET_ERR_MSG_FMT(extack, del,
					      "%pM is not an allowed MAC of this adapter",
					      nla_data(del));
			return -ENOENT;
		}
		/* Keep the order in which they were added. */
		memmove(cfg->allowed[i], cfg->allowed[i + 1],
			(cfg->n_allowed - i - 1) * ETH_ALEN);
		cfg->n_allowed--;
	}
	if (mac) {
		err = pmode_mac_check(nla_data(mac), mac, extack);
		if (err)
			return err;
		ether_addr_copy(cfg->mac, nla_data(mac));
	}
	if (add) {
		err = pmode_mac_check(nla_data(add), add, extack);
		if (err)
			return err;
		if (pmode_cfg_owns(cfg, nla_data(add))) {
			PMODE_SET_ERR_MSG_FMT(extack, add,
					      "%pM is already this adapter's MAC or allowed",
					      nla_data(add));
			return -EEXIST;
		}
		if (cfg->n_allowed == PMODE_MAX_ALLOWED) {
			PMODE_SET_ERR_MSG_FMT(extack, add,
					      "an adapter has at most %d allowed MACs; disallow one first",
					      PMODE_MAX_ALLOWED);
			return -ENOSPC;
		}
		ether_addr_copy(cfg->allowed[cfg->n_allowed++], nla_data(add));
	}
	return 0;
}

/*
 * May @req change promisc on the adapter @info names? Decided before RTNL,
 * so that a request that will be refused never contends for the host-wide
 * lock: the adapter is found under RCU, its owner is fixed at creation, and
 * the gate and the grants are read locklessly. The answer is a hint, not
 * the decision: until RTNL is taken, the gate may be disabled, a grant
 * revoked, the adapter removed or another registered on a port of the same
 * name. So the caller decides again under RTNL, with the same function,
 * on what it finds there; a request refused here that would have been
 * allowed a moment later lost a race it could have lost anyway.
 */
static int promisc_perm_early(struct genl_info *info,
			      struct pmode_perm_request *req)
{
	struct pmode_adapter *ad;
	int err;

	rcu_read_lock();
	ad = port_adapter(info, true);
	if (IS_ERR(ad)) {
		err = PTR_ERR(ad);
	} else {
		req->gate = pmode_gate_enabled();
		req->owner = ad->owner;
		req->ifname = ad->dev->name;
		err = pmode_perm_promisc(req, pmode_grant_test, info->extack);
		req->ifname = NULL;
	}
	rcu_read_unlock();
	return err;
}

/* The request's adapter, if its port has one; no message. Under RTNL. */
static struct pmode_adapter *request_adapter(struct genl_info *info)
{
	struct nlattr *index = info->attrs[PMODE_A_IFINDEX];
	struct nlattr *name = info->attrs[PMODE_A_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL;

	ASSERT_RTNL();
	if (index)
		dev = __dev_get_by_index(net, nla_get_u32(index));
	else if (name)
		dev = __dev_get_by_name(net, nla_data(name));
	return dev ? pmode_adapter_find(pmode_net(net), dev) : NULL;
}

/*
 * An agent's request to turn promisc on (the caller has CAP_NET_ADMIN over
 * the namespace), refused by the gate (-EPERM) or a grant (-EACCES), is
 * said to the notify group: an ADAPTER_SET of the adapter as it stays
 * (promisc off), reason PMODE_REASON_PROMISC_REFUSED, with who asked and
 * for whom. A VM manager starts a guest whose owner asked for promisc all
 * the same; whoever watches learns that it was refused. An unprivileged
 * caller's refusals are not said, so that nobody can flood the listeners
 * (or contend for RTNL) with refused requests. @ad: the adapter, under
 * RTNL; NULL: looked up here, RTNL taken.
 */
static void notify_refused(struct genl_info *info,
			   const struct pmode_perm_request *req,
			   struct pmode_adapter *ad, int err)
{
	kuid_t as = INVALID_UID;
	bool locked = !ad;

	if (!req->admin || !req->on || (err != -EPERM && err != -EACCES))
		return;
	/* Refused by the gate before 'as' was read: read it now. */
	if (req->has_as)
		as = req->as;
	else if (req->as_attr && uid_attr(req->as_attr, &as, NULL))
		as = INVALID_UID;
	if (locked) {
		rtnl_lock();
		ad = request_adapter(info);
	}
	if (ad)
		pmode_nl_notify_adapter_as(ad, PMODE_CMD_ADAPTER_SET,
					   PMODE_REASON_PROMISC_REFUSED, as);
	if (locked)
		rtnl_unlock();
}

static int pmode_adapter_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	bool macs = attrs[PMODE_A_MAC] || attrs[PMODE_A_ALLOW_ADD] ||
		    attrs[PMODE_A_ALLOW_DEL];
	struct pmode_perm_request req = {
		.admin = ns_admin(skb, info),
		.caller = current_uid(),
		.as_attr = attrs[PMODE_A_AS_UID],
	};
	struct pmode_cfg *cfg = NULL;
	struct pmode_network network;
	struct pmode_adapter *ad;
	bool promisc = false;
	int err;

	if (!attrs[PMODE_A_PROMISC] && !macs) {
		NL_SET_ERR_MSG(info->extack,
			       "nothing to change: give promisc, mac or an allowed MAC");
		return -EINVAL;
	}
	if (macs) {
		err = need_ns_admin(skb, info, "changing an adapter's MACs");
		if (err)
			return err;
	}
	if (attrs[PMODE_A_PROMISC]) {
		promisc = nla_get_u8(attrs[PMODE_A_PROMISC]);
		req.on = promisc;
		/* While the feature is off, refuse before contending for RTNL. */
		if (promisc && !pmode_gate_enabled()) {
			err = pmode_perm_promisc(&req, pmode_grant_test,
						 info->extack);
			notify_refused(info, &req, NULL, err);
			return err;
		}
	}
	if (attrs[PMODE_A_AS_UID]) {
		if (!attrs[PMODE_A_PROMISC]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[PMODE_A_AS_UID],
					    "'as' names the user for a promisc change only");
			return -EINVAL;
		}
		req.has_as = true;
		err = uid_attr(attrs[PMODE_A_AS_UID], &req.as, info->extack);
		if (err)
			return err;
	}
	if (attrs[PMODE_A_PROMISC]) {
		err = promisc_perm_early(info, &req);
		if (err) {
			notify_refused(info, &req, NULL, err);
			return err;
		}
	}

	rtnl_lock();
	ad = port_adapter(info, false);
	if (IS_ERR(ad)) {
		err = PTR_ERR(ad);
		goto out;
	}
	if (attrs[PMODE_A_PROMISC]) {
		/* Again, on what RTNL now holds still: see promisc_perm_early(). */
		req.gate = pmode_gate_enabled();
		req.owner = ad->owner;
		req.ifname = ad->dev->name;
		err = pmode_perm_promisc(&req, pmode_grant_test, info->extack);
		if (err) {
			notify_refused(info, &req, ad, err);
			goto out;
		}
		pmode_adapter_network(ad, ad->master_ifindex, &network);
		if (promisc) {
			err = pmode_adapter_check_promisc(ad, &network,
							  info->extack);
			if (err)
				goto out;
		}
	}
	if (macs) {
		cfg = pmode_cfg_dup(ad);
		if (!cfg) {
			err = -ENOMEM;
			goto out;
		}
		err = edit_macs(cfg, info);
		if (err)
			goto out;
	}

	/* Nothing can fail from here on: the request applies whole. */
	if (cfg)
		pmode_adapter_publish(ad, cfg);
	cfg = NULL;
	if (attrs[PMODE_A_PROMISC])
		pmode_adapter_set_promisc(ad, promisc);
	pmode_nl_notify_adapter_as(ad, PMODE_CMD_ADAPTER_SET, PMODE_REASON_REQUEST,
				   req.has_as ? req.as : INVALID_UID);
out:
	rtnl_unlock();
	kfree(cfg);
	return err;
}

static int pmode_adapter_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct adapter_msg m = {
		.cmd = PMODE_CMD_ADAPTER_GET,
		.portid = info->snd_portid,
		.seq = info->snd_seq,
		.ns = current_user_ns(),
	};
	struct pmode_adapter *ad;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	ad = port_adapter(info, true);
	if (IS_ERR(ad)) {
		err = PTR_ERR(ad);
		goto err_unlock;
	}
	err = fill_adapter(msg, ad, &m);
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);

err_unlock:
	rcu_read_unlock();
	nlmsg_free(msg);
	return err;
}

/* A frame to check, from the request: its length, or a refusal. */
static int check_frame_attr(struct genl_info *info)
{
	struct nlattr *frame = info->attrs[PMODE_A_FRAME];

	if (GENL_REQ_ATTR_CHECK(info, PMODE_A_FRAME)) {
		NL_SET_ERR_MSG(info->extack,
			       "give the frame to check, from its destination MAC on");
		return -EINVAL;
	}
	if (nla_len(frame) < ETH_HLEN) {
		PMODE_SET_ERR_MSG_FMT(info->extack, frame,
				      "a %d-byte frame has no Ethernet header: give at least %d bytes",
				      nla_len(frame), ETH_HLEN);
		return -EINVAL;
	}
	if (nla_len(frame) > PMODE_CHECK_MAX_FRAME) {
		PMODE_SET_ERR_MSG_FMT(info->extack, frame,
				      "a %d-byte frame is longer than the %d bytes checked; give its first %d",
				      nla_len(frame), PMODE_CHECK_MAX_FRAME,
				      PMODE_CHECK_MAX_FRAME);
		return -EMSGSIZE;
	}
	return nla_len(frame);
}

static int put_check(struct sk_buff *msg, struct genl_info *info,
		     const struct pmode_adapter *ad, bool from_vm, int verdict,
		     const u8 *offender)
{
	u32 v = verdict == PMODE_PASS ? PMODE_VERDICT_PASS :
		verdict == PMODE_PASS_PROMISC ? PMODE_VERDICT_PASS_PROMISC :
		PMODE_VERDICT_DROP;
	void *hdr;

	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &pmode_genl_family, 0, PMODE_CMD_ADAPTER_CHECK);
	if (!hdr ||
	    nla_put_u32(msg, PMODE_A_IFINDEX, ad->dev->ifindex) ||
	    nla_put_string(msg, PMODE_A_IFNAME, ad->dev->name) ||
	    nla_put_string(msg, PMODE_A_VM, ad->vm) ||
	    nla_put_u8(msg, PMODE_A_DIRECTION,
		       from_vm ? PMODE_DIR_FROM_VM : PMODE_DIR_TO_VM) ||
	    nla_put_u32(msg, PMODE_A_VERDICT, v) ||
	    (pmode_verdict_drops(verdict) &&
	     nla_put_u32(msg, PMODE_A_DROP_REASON, verdict)) ||
	    (offender && nla_put(msg, PMODE_A_OFFENDING_MAC, ETH_ALEN, offender)) ||
	    nla_put_u32(msg, PMODE_A_FRAME_LENGTH,
			nla_len(info->attrs[PMODE_A_FRAME])))
		return -EMSGSIZE;
	genlmsg_end(msg, hdr);
	return 0;
}

/*
 * The dry run: the verdict the adapter's hooks would give a frame, with
 * no effect. Anyone who may read the adapter may ask; the frame's skb is
 * bounded and charged to the asker.
 */
static int pmode_adapter_check(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *dir = info->attrs[PMODE_A_DIRECTION];
	bool from_vm = !dir || nla_get_u8(dir) == PMODE_DIR_FROM_VM;
	struct sk_buff *frame, *msg;
	struct pmode_adapter *ad;
	u8 offender[ETH_ALEN];
	bool has_offender;
	int len, verdict, err;

	len = check_frame_attr(info);
	if (len < 0)
		return len;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	frame = pmode_hooks_frame(nla_data(info->attrs[PMODE_A_FRAME]), len);
	if (!msg || !frame) {
		err = -ENOMEM;
		goto out_free;
	}
	rcu_read_lock();
	ad = port_adapter(info, true);
	if (IS_ERR(ad)) {
		err = PTR_ERR(ad);
		goto out_unlock;
	}
	verdict = pmode_hooks_check(ad, &frame, from_vm, offender,
				    &has_offender);
	if (verdict < 0) {
		err = verdict;
		goto out_unlock;
	}
	err = put_check(msg, info, ad, from_vm, verdict,
			has_offender ? offender : NULL);
	rcu_read_unlock();
	kfree_skb(frame);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);

out_unlock:
	rcu_read_unlock();
out_free:
	kfree_skb(frame);
	nlmsg_free(msg);
	return err;
}

/* Where a dump stands, in cb->ctx, between calls. */
struct adapter_dump_ctx {
	unsigned int bucket;
	unsigned int skip;	/* entries of @bucket already done */
};

static int pmode_adapter_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct adapter_dump_ctx *ctx = (struct adapter_dump_ctx *)cb->ctx;
	struct nlattr **attrs = pmode_dump_attrs(cb);
	struct pmode_net *pn = pmode_net(sock_net(skb->sk));
	const struct adapter_msg m = {
		.cmd = PMODE_CMD_ADAPTER_GET,
		.flags = NLM_F_MULTI,
		.portid = NETLINK_CB(cb->skb).portid,
		.seq = cb->nlh->nlmsg_seq,
		.ns = current_user_ns(),
		.cb = cb,
	};
	const char *vm = NULL;
	struct pmode_adapter *ad;
	int ifindex = 0;
	unsigned int i;
	int err = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rcu_read_lock();
	if (attrs[PMODE_A_IFINDEX] || attrs[PMODE_A_IFNAME]) {
		struct net_device *dev = port_dev(sock_net(skb->sk), attrs,
						  true, cb->extack);

		if (IS_ERR(dev)) {
			err = PTR_ERR(dev);
			goto out;
		}
		ifindex = dev->ifindex;
	}
	if (attrs[PMODE_A_VM])
		vm = nla_data(attrs[PMODE_A_VM]);

	/*
	 * Never 0, which would tell netlink that nothing is being checked.
	 * Read again after each adapter: a change while it was written flags
	 * the next message, or the final NLMSG_DONE.
	 */
	cb->seq = pmode_net_generation(pn) | 1U << 31;
	for (; ctx->bucket < HASH_SIZE(pn->by_ifindex); ctx->bucket++) {
		i = 0;
		hlist_for_each_entry_rcu(ad, &pn->by_ifindex[ctx->bucket],
					 index_node) {
			if (i++ < ctx->skip)
				continue;
			if ((ifindex && ad->dev->ifindex != ifindex) ||
			    (vm && strcmp(ad->vm, vm)))
				continue;
			if (fill_adapter(skb, ad, &m)) {
				ctx->skip = i - 1;
				goto out;
			}
			cb->seq = pmode_net_generation(pn) | 1U << 31;
		}
		ctx->skip = 0;
	}
out:
	rcu_read_unlock();
	return err ?: skb->len;
}

static int fill_feature(struct sk_buff *msg, u32 portid, u32 seq, u8 cmd)
{
	void *hdr = genlmsg_put(msg, portid, seq, &pmode_genl_family, 0, cmd);

	if (!hdr || nla_put_u8(msg, PMODE_A_FEATURE, pmode_gate_enabled()))
		return -EMSGSIZE;
	genlmsg_end(msg, hdr);
	return 0;
}

static int pmode_feature_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return -ENOMEM;
	if (fill_feature(msg, info->snd_portid, info->snd_seq,
			 PMODE_CMD_FEATURE_GET)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

static int pmode_feature_set(struct sk_buff *skb, struct genl_info *info)
{
	bool enable;
	int err;

	err = need_host_admin(skb, info, "changing the feature gate");
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, PMODE_A_FEATURE)) {
		NL_SET_ERR_MSG(info->extack, "say whether to enable the feature");
		return -EINVAL;
	}
	enable = nla_get_u8(info->attrs[PMODE_A_FEATURE]);
	rtnl_lock();
	if (enable != pmode_gate_enabled()) {
		pmode_gate_set(enable);
		if (!enable)
			pmode_adapter_all_promisc_off();
		notify_host(PMODE_CMD_FEATURE_SET, PMODE_A_FEATURE, enable);
	}
	rtnl_unlock();
	return 0;
}

static int pmode_grant_change(struct sk_buff *skb, struct genl_info *info)
{
	bool add = info->genlhdr->cmd == PMODE_CMD_GRANT_NEW;
	struct nlattr *attr = info->attrs[PMODE_A_UID];
	kuid_t uid;
	int err;

	err = need_host_admin(skb, info, "changing grants");
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, PMODE_A_UID)) {
		NL_SET_ERR_MSG(info->extack, "a uid is required");
		return -EINVAL;
	}
	err = uid_attr(attr, &uid, info->extack);
	if (err)
		return err;
	rtnl_lock();
	err = add ? pmode_grant_add(uid) : pmode_grant_del(uid);
	if (!err)
		notify_host(info->genlhdr->cmd, PMODE_A_UID,
			    from_kuid_munged(&init_user_ns, uid));
	rtnl_unlock();
	if (err == -EEXIST)
		PMODE_SET_ERR_MSG_FMT(info->extack, attr,
				      "uid %u already holds the grant",
				      nla_get_u32(attr));
	else if (err == -ENOENT)
		PMODE_SET_ERR_MSG_FMT(info->extack, attr,
				      "uid %u holds no grant", nla_get_u32(attr));
	return err;
}

static int pmode_grant_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long *index = (unsigned long *)&cb->args[0];
	struct user_namespace *ns = current_user_ns();
	unsigned long at;
	kuid_t uid;
	void *hdr;

	for (at = *index; !pmode_grant_next(index, &uid); at = *index) {
		/* Users the reader's namespace cannot name stay hidden. */
		if (from_kuid(ns, uid) == (uid_t)-1)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &pmode_genl_family,
				  NLM_F_MULTI, PMODE_CMD_GRANT_GET);
		if (!hdr)
			goto full;
		if (nla_put_u32(skb, PMODE_A_UID, from_kuid(ns, uid))) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
	}
	return skb->len;
full:
	*index = at;
	return skb->len;
}

/*
 * Requests that change state take RTNL, which orders them with the port
 * notifier and with each other, and only after every permission check that
 * can be made without it: a refused request never takes the host-wide lock
 * (docs/netlink.md, PMODE_CMD_ADAPTER_SET). Reads (get, dumps) take no
 * lock: adapters are found under RCU, so nobody can stall the host by
 * dumping in a loop.
 */
static const struct genl_ops pmode_genl_ops[] = {
	{
		.cmd = PMODE_CMD_ADAPTER_NEW,
		.doit = pmode_adapter_new,
		.policy = adapter_new_policy,
		.maxattr = ARRAY_SIZE(adapter_new_policy) - 1,
	}, {
		.cmd = PMODE_CMD_ADAPTER_DEL,
		.doit = pmode_adapter_del,
		.policy = adapter_del_policy,
		.maxattr = ARRAY_SIZE(adapter_del_policy) - 1,
	}, {
		.cmd = PMODE_CMD_ADAPTER_SET,
		.doit = pmode_adapter_set,
		.policy = adapter_set_policy,
		.maxattr = ARRAY_SIZE(adapter_set_policy) - 1,
	}, {
		.cmd = PMODE_CMD_ADAPTER_GET,
		.doit = pmode_adapter_get,
		.dumpit = pmode_adapter_dump,
		.policy = adapter_get_policy,
		.maxattr = ARRAY_SIZE(adapter_get_policy) - 1,
	}, {
		.cmd = PMODE_CMD_FEATURE_GET,
		.doit = pmode_feature_get,
	}, {
		.cmd = PMODE_CMD_FEATURE_SET,
		.doit = pmode_feature_set,
		.policy = feature_policy,
		.maxattr = ARRAY_SIZE(feature_policy) - 1,
	}, {
		.cmd = PMODE_CMD_GRANT_NEW,
		.doit = pmode_grant_change,
		.policy = grant_policy,
		.maxattr = ARRAY_SIZE(grant_policy) - 1,
	}, {
		.cmd = PMODE_CMD_GRANT_DEL,
		.doit = pmode_grant_change,
		.policy = grant_policy,
		.maxattr = ARRAY_SIZE(grant_policy) - 1,
	}, {
		.cmd = PMODE_CMD_GRANT_GET,
		.dumpit = pmode_grant_dump,
	}, {
		.cmd = PMODE_CMD_ADAPTER_CHECK,
		.doit = pmode_adapter_check,
		.policy = adapter_check_policy,
		.maxattr = ARRAY_SIZE(adapter_check_policy) - 1,
	}, {
		.cmd = PMODE_CMD_GUARD_NEW,
		.doit = pmode_guard_nl_new,
		.policy = guard_policy,
		.maxattr = ARRAY_SIZE(guard_policy) - 1,
	}, {
		.cmd = PMODE_CMD_GUARD_DEL,
		.doit = pmode_guard_nl_del,
		.policy = guard_policy,
		.maxattr = ARRAY_SIZE(guard_policy) - 1,
	}, {
		.cmd = PMODE_CMD_GUARD_GET,
		.dumpit = pmode_guard_nl_dump,
	}, {
		.cmd = PMODE_CMD_QUARANTINE_GET,
		.dumpit = pmode_quarantine_nl_dump,
	},
};

static struct genl_family pmode_genl_family __ro_after_init = {
	.name = PMODE_GENL_NAME,
	.version = PMODE_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = pmode_genl_ops,
	.n_ops = ARRAY_SIZE(pmode_genl_ops),
	.mcgrps = pmode_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pmode_mcgrps),
};

int pmode_nl_init(void)
{
	int err = genl_register_family(&pmode_genl_family);

	if (!err)
		WRITE_ONCE(pmode_nl_live, true);
	return err;
}

void pmode_nl_uninit(void)
{
	WRITE_ONCE(pmode_nl_live, false);
	/* Hooks notify under RCU: let those already running finish. */
	synchronize_net();
	genl_unregister_family(&pmode_genl_family);
}
