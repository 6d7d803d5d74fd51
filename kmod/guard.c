// SPDX-License-Identifier: GPL-2.0
/*
 * Guarded networks: fail closed. An administrator guards a network device
 * (a bridge, or the lower device of macvtaps); from then on each of its VM
 * ports that has no adapter is quarantined: two netfilter hooks on the port
 * drop every frame, both ways, and count it, until an adapter is registered
 * on the port. Removing the adapter by request quarantines the port again.
 *
 * VM ports are the devices a VM's (or a container's) traffic enters the
 * host by: a tap (the tun driver in tap mode), a veth, a macvtap. Nothing
 * else is quarantined: the uplink (a NIC), bonds, teams, VLAN devices and
 * tunnels carry many hosts' traffic and are the network's way out; cutting
 * them would take the network down, not fence an unknown VM.
 *
 * No frame before the guard. A port joining a guarded bridge is quarantined
 * in NETDEV_PRECHANGEUPPER, before it is linked: the bridge keeps a new
 * port disabled (br_handle_frame() drops, nothing is forwarded to it) until
 * after the link, and the hooks run before the bridge's rx_handler on
 * ingress and on the port's egress; a frame that had read the port's hooks
 * before the quarantine was in them is waited for (settle()). A macvtap
 * is quarantined when it is registered (its lower device is set by then,
 * and it is down: no frame crosses a macvlan before it is opened), or in
 * the lower device's NETDEV_PRECHANGEUPPER. If the quarantine cannot be
 * put in place, the link (or registration, or NETDEV_PRE_UP) is refused:
 * fail closed. A registration hands over with no gap: the adapter's hooks
 * are in place before the quarantine's go, and the quarantine's before the
 * adapter's go.
 *
 * A VM port is on a guarded network when the guarded device is above it,
 * through any chain of upper devices (guard_above()): a tap enslaved
 * to a bond that is a bridge port hands its frames to the bridge through
 * the bond; a tap with a VLAN device or a macvlan made on it, put on the
 * bridge, through that (its frames go up to it before any rx_handler).
 * A bond, team, VLAN device or macvlan joining a guarded network brings
 * the VM ports below it in quarantined (quarantine_below(), before the
 * link), and any move of a device reconciles the VM ports below it
 * (reconcile_below()).
 *
 * A plain macvlan or ipvlan cannot be guarded by hooks on the port (its
 * stack is the VM's own, in the VM's namespace): it cannot be created on a
 * guarded lower device, and a device that has one cannot be guarded.
 *
 * Open vSwitch: every datapath port's master is the one "ovs-system"
 * device, whatever OVS bridge it is on; which bridge a port belongs to is
 * ovs-vswitchd's knowledge, not the kernel's. Guarding ovs-system guards
 * every OVS bridge at once: a VM port added to any of them is quarantined
 * until registered (OVS's internal ports and uplinks are not VM ports).
 * Guarding one OVS port is refused with a message saying so.
 *
 * Locking: guards and quarantines are host-wide (a macvtap may sit in
 * another namespace than its lower device), in two hash tables written
 * under RTNL, which orders requests with the netdevice notifier. Dumps walk
 * them under RCU; an entry is freed one grace period after it is
 * unpublished and, for a quarantine, its hooks unregistered (the hooks may
 * still be running on another CPU until then). A quarantine's @guard is
 * valid while it is published: a guard releases its quarantines before it
 * is unpublished itself.
 */
#include "guard.h"
#include "adapter.h"
#include "compat.h"
#include "netlink.h"
#include "port.h"

#include <linux/if_arp.h>
#include <linux/if_macvlan.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

/* The adapters' priority (hooks.c): before anything else on the port. */
#define PMODE_QUARANTINE_PRIORITY	(INT_MIN + 1)

struct pmode_guard {
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	unsigned int quarantined;	/* RTNL; READ_ONCE() in dumps */
	struct hlist_node node;		/* guards, RCU */
	struct rcu_head rcu;
};

struct pmode_quarantine_stats {
	u64_stats_t dropped;
	struct u64_stats_sync syncp;
};

struct pmode_quarantine {
	struct net_device *dev;
	struct pmode_guard *guard;	/* RTNL; READ_ONCE() in dumps */
	struct pmode_quarantine_stats __percpu *stats;
	netdevice_tracker dev_tracker;
	struct nf_hook_ops hook_ops[2];
	struct hlist_node node;		/* quarantines, RCU */
	struct rcu_head rcu;
};

#define PMODE_GUARD_HASH_BITS	4
#define PMODE_QUARANTINE_HASH_BITS	8

/* Keyed by the device's address. RTNL; RCU for dumps. */
static DEFINE_HASHTABLE(guards, PMODE_GUARD_HASH_BITS);
static DEFINE_HASHTABLE(quarantines, PMODE_QUARANTINE_HASH_BITS);
/* Bumped under RTNL after every change a dump could show. */
static unsigned int guard_generation;

static void guard_changed(void)
{
	ASSERT_RTNL();
	/* Pairs with the smp_rmb() in dump_generation(). */
	smp_wmb();
	WRITE_ONCE(guard_generation, guard_generation + 1);
}

/* One port more (@n 1) or less (-1) in quarantine for @g. */
static void guard_count(struct pmode_guard *g, int n)
{
	WRITE_ONCE(g->quarantined, g->quarantined + n);
}

/* The generation, read after what the dump read of the tables. */
static unsigned int dump_generation(void)
{
	/* Pairs with the smp_wmb() in guard_changed(). */
	smp_rmb();
	return READ_ONCE(guard_generation) | 1U << 31;
}

static struct pmode_guard *guard_find(const struct net_device *dev)
{
	struct pmode_guard *g;

	ASSERT_RTNL();
	hash_for_each_possible(guards, g, node, (unsigned long)dev)
		if (g->dev == dev)
			return g;
	return NULL;
}

static struct pmode_quarantine *quarantine_find(const struct net_device *dev)
{
	struct pmode_quarantine *q;

	ASSERT_RTNL();
	hash_for_each_possible(quarantines, q, node, (unsigned long)dev)
		if (q->dev == dev)
			return q;
	return NULL;
}

bool pmode_guard_quarantined(const struct net_device *dev)
{
	return quarantine_find(dev);
}

/* A macvlan or ipvlan whose VM's stack is its own: hooks cannot guard it. */
static bool is_unguardable(const struct net_device *dev)
{
	return (netif_is_macvlan(dev) && !pmode_dev_is_kind(dev, "macvtap")) ||
	       pmode_dev_is_kind(dev, "ipvlan") || pmode_dev_is_kind(dev, "ipvtap");
}

/*
 * Is @dev a VM's port: a tap, a veth or a macvtap, the kinds an adapter may
 * have (adapter.c)? (See the top.)
 */
static bool vm_port(const struct net_device *dev)
{
	if (dev->type != ARPHRD_ETHER || (dev->flags & IFF_LOOPBACK))
		return false;
	return pmode_port_kind_guarded(dev);
}

/*
 * Does @upper take, as they are, the frames @dev receives: its master (a
 * bridge, bond, team, OVS), a VLAN device or a macvlan on it? Not a tunnel
 * that uses @dev as its underlay (VXLAN, Geneve link themselves above it
 * too): what it carries is not @dev's frames.
 */
static bool takes_frames(struct net_device *dev, struct net_device *upper)
{
	return upper == netdev_master_upper_dev_get(dev) ||
	       is_vlan_dev(upper) || netif_is_macvlan(upper);
}

/*
 * The guard of the first guarded device above @dev, through every device
 * its frames go up to (takes_frames()), masters and others alike. Under
 * RTNL; @depth: how far up already.
 */
static struct pmode_guard *guard_above(struct net_device *dev, int depth)
{
	struct net_device *upper;
	struct list_head *iter;
	struct pmode_guard *g;

	if (depth >= MAX_NEST_DEV)
		return NULL;
	netdev_for_each_upper_dev_rcu(dev, upper, iter) {
		if (!takes_frames(dev, upper))
			continue;
		g = guard_find(upper) ?: guard_above(upper, depth + 1);
		if (g)
			return g;
	}
	return NULL;
}

static struct pmode_guard *guard_at_or_above(struct net_device *dev)
{
	return guard_find(dev) ?: guard_above(dev, 0);
}

/*
 * The guard of @dev, or of the device it is made on, down a chain of VLAN
 * devices and macvlans: the devices a macvtap's frames go down through.
 * Under RTNL; @depth: how far down already.
 */
static struct pmode_guard *guard_at_or_below(struct net_device *dev,
					     int depth)
{
	struct pmode_guard *g = guard_find(dev);

	if (g || depth >= MAX_NEST_DEV)
		return g;
	if (is_vlan_dev(dev))
		return guard_at_or_below(vlan_dev_real_dev(dev), depth + 1);
	if (netif_is_macvlan(dev))
		return guard_at_or_below(macvlan_dev_real_dev(dev), depth + 1);
	return NULL;
}

/*
 * The guard that should hold @dev in quarantine, or NULL: above the
 * devices it is linked under, or above @joining, which it is about to be
 * linked under (NULL: none). @has_adapter: whether to take the port for
 * registered.
 */
static struct pmode_guard *guard_of(struct net_device *dev,
				    struct net_device *joining,
				    bool has_adapter)
{
	struct pmode_guard *g = NULL;

	if (!vm_port(dev) || has_adapter)
		return NULL;
	if (joining)
		g = guard_at_or_above(joining);
	/* Not @dev's own: a guarded veth is a macvtaps' lower device. */
	if (!g)
		g = guard_above(dev, 0);
	if (!g && netif_is_macvlan(dev) && pmode_dev_is_kind(dev, "macvtap"))
		g = guard_at_or_below(macvlan_dev_real_dev(dev), 0);
	return g;
}

static bool has_adapter(struct net_device *dev)
{
	return pmode_adapter_find(pmode_net(dev_net(dev)), dev);
}

static void quarantine_stats_read(const struct pmode_quarantine *q, u64 *sum)
{
	unsigned int cpu, start;

	*sum = 0;
	for_each_possible_cpu(cpu) {
		const struct pmode_quarantine_stats *s = per_cpu_ptr(q->stats,
								     cpu);
		u64 v;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->dropped);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*sum += v;
	}
}

/*
 * One quarantined port as a message: a dump's (@cb), or a notification
 * (@notify, with @why). Under RTNL or RCU.
 */
static int fill_quarantine(struct sk_buff *skb, struct pmode_quarantine *q,
			   u32 portid, u32 seq, int flags, u8 cmd,
			   struct netlink_callback *cb, bool notify,
			   enum pmode_reason why)
{
	struct pmode_guard *g = READ_ONCE(q->guard);
	struct nlattr *nest;
	u64 dropped;
	void *hdr;

	hdr = pmode_nl_put_hdr(skb, portid, seq, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	quarantine_stats_read(q, &dropped);
	if (nla_put_u32(skb, PMODE_A_IFINDEX, q->dev->ifindex) ||
	    nla_put_string(skb, PMODE_A_IFNAME, q->dev->name))
		goto cancel;
	/* A macvtap moved to another namespace: its lower device is not named. */
	if (net_eq(dev_net(g->dev), dev_net(q->dev)) &&
	    (nla_put_u32(skb, PMODE_A_GUARD, g->dev->ifindex) ||
	     nla_put_string(skb, PMODE_A_GUARD_NAME, g->dev->name)))
		goto cancel;
	nest = nla_nest_start(skb, PMODE_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, PMODE_STATS_A_QUARANTINED, dropped,
			      PMODE_STATS_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	if (notify && (nla_put_u32(skb, PMODE_A_REASON, why) ||
		       pmode_nl_put_who(skb, dev_net(q->dev)->user_ns)))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int fill_guard(struct sk_buff *skb, struct pmode_guard *g, u32 portid,
		      u32 seq, int flags, u8 cmd, struct netlink_callback *cb,
		      bool notify, enum pmode_reason why)
{
	void *hdr = pmode_nl_put_hdr(skb, portid, seq, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u32(skb, PMODE_A_IFINDEX, g->dev->ifindex) ||
	    nla_put_string(skb, PMODE_A_IFNAME, g->dev->name) ||
	    nla_put_u32(skb, PMODE_A_QUARANTINED, READ_ONCE(g->quarantined)) ||
	    (notify && (nla_put_u32(skb, PMODE_A_REASON, why) ||
			pmode_nl_put_who(skb, dev_net(g->dev)->user_ns)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static void notify_quarantine(struct pmode_quarantine *q, u8 cmd,
			      enum pmode_reason why)
{
	struct net *net = dev_net(q->dev);
	struct sk_buff *skb;

	if (!pmode_nl_listening(net))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (fill_quarantine(skb, q, 0, 0, 0, cmd, NULL, true, why)) {
		nlmsg_free(skb);
		return;
	}
	pmode_nl_multicast(net, skb);
}

static void notify_guard(struct pmode_guard *g, u8 cmd, enum pmode_reason why)
{
	struct net *net = dev_net(g->dev);
	struct sk_buff *skb;

	if (!pmode_nl_listening(net))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (fill_guard(skb, g, 0, 0, 0, cmd, NULL, true, why)) {
		nlmsg_free(skb);
		return;
	}
	pmode_nl_multicast(net, skb);
}

/* Every frame, either way: counted on this CPU's copy, and dropped. */
static unsigned int quarantine_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct pmode_quarantine *q = priv;
	struct pmode_quarantine_stats *s = this_cpu_ptr(q->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->dropped);
	u64_stats_update_end(&s->syncp);
	return NF_DROP;
}

static void quarantine_free(struct pmode_quarantine *q)
{
	free_percpu(q->stats);
	kfree(q);
}

static void quarantine_free_rcu(struct rcu_head *rcu)
{
	quarantine_free(container_of(rcu, struct pmode_quarantine, rcu));
}

/* Quarantine @dev for @g: its hooks are live when this returns 0. */
static int quarantine_new(struct net_device *dev, struct pmode_guard *g,
			  enum pmode_reason why, struct netlink_ext_ack *extack)
{
	struct pmode_quarantine *q;
	int cpu, err;

	ASSERT_RTNL();
	q = kzalloc(sizeof(*q), GFP_KERNEL_ACCOUNT);
	if (!q)
		return -ENOMEM;
	q->stats = alloc_percpu_gfp(struct pmode_quarantine_stats,
				    GFP_KERNEL_ACCOUNT);
	if (!q->stats) {
		kfree(q);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(q->stats, cpu)->syncp);
	q->dev = dev;
	q->guard = g;
	q->hook_ops[0] = (struct nf_hook_ops) {
		.hook = quarantine_hook,
		.priv = q,
		.dev = dev,
		.pf = NFPROTO_NETDEV,
		.hooknum = NF_NETDEV_INGRESS,
		.priority = PMODE_QUARANTINE_PRIORITY,
	};
	q->hook_ops[1] = q->hook_ops[0];
	q->hook_ops[1].hooknum = NF_NETDEV_EGRESS;
	err = nf_register_net_hooks(dev_net(dev), q->hook_ops,
				    ARRAY_SIZE(q->hook_ops));
	if (err) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "pmode: %s is on guarded %s; cannot quarantine it",
				      dev->name, g->dev->name);
		/* A hook registered before the other failed was live. */
		call_rcu(&q->rcu, quarantine_free_rcu);
		return err;
	}
	netdev_hold(dev, &q->dev_tracker, GFP_KERNEL);
	hash_add_rcu(quarantines, &q->node, (unsigned long)dev);
	guard_count(g, 1);
	guard_changed();
	notify_quarantine(q, PMODE_CMD_QUARANTINE_NEW, why);
	return 0;
}

static void quarantine_release(struct pmode_quarantine *q,
			       enum pmode_reason why)
{
	ASSERT_RTNL();
	notify_quarantine(q, PMODE_CMD_QUARANTINE_DEL, why);
	hash_del_rcu(&q->node);
	guard_count(q->guard, -1);
	guard_changed();
	nf_unregister_net_hooks(dev_net(q->dev), q->hook_ops,
				ARRAY_SIZE(q->hook_ops));
	netdev_put(q->dev, &q->dev_tracker);
	call_rcu(&q->rcu, quarantine_free_rcu);
}

/*
 * Make @dev's quarantine what its place says: in quarantine on a guarded
 * network, with no adapter; else not.
 */
static int reconcile(struct net_device *dev, enum pmode_reason why,
		     struct netlink_ext_ack *extack)
{
	struct pmode_quarantine *q = quarantine_find(dev);
	struct pmode_guard *g;

	g = guard_of(dev, NULL, has_adapter(dev));
	if (q && q->guard == g)
		return 0;
	if (q) {
		if (g) {	/* from one guarded network straight to another */
			guard_count(q->guard, -1);
			guard_count(g, 1);
			WRITE_ONCE(q->guard, g);
			guard_changed();
			return 0;
		}
		quarantine_release(q, why);
		return 0;
	}
	return g ? quarantine_new(dev, g, why, extack) : 0;
}

struct below {
	enum pmode_reason why;
	struct pmode_guard *g;		/* quarantine_below(): the guard */
	struct netlink_ext_ack *extack;
};

static int reconcile_one(struct net_device *lower,
			 struct netdev_nested_priv *priv)
{
	struct below *b = priv->data;

	return vm_port(lower) ? reconcile(lower, b->why, b->extack) : 0;
}

/*
 * The VM ports anywhere below @dev (a bridge's ports, a bond's slaves, the
 * slaves of a bond on a bridge), each brought in line with where it now
 * is. Under RTNL. Return: 0, or the first error (quarantine_new()'s).
 */
static int reconcile_below(struct net_device *dev, enum pmode_reason why,
			   struct netlink_ext_ack *extack)
{
	struct below b = { .why = why, .extack = extack };
	struct netdev_nested_priv priv = { .data = &b };

	return netdev_walk_all_lower_dev(dev, reconcile_one, &priv);
}

static int quarantine_one(struct net_device *lower,
			  struct netdev_nested_priv *priv)
{
	struct below *b = priv->data;

	if (!vm_port(lower) || has_adapter(lower) || quarantine_find(lower))
		return 0;
	return quarantine_new(lower, b->g, b->why, b->extack);
}

/*
 * @dev, not a VM port (a bond, a team), is about to be linked under a
 * device of @g's network: the VM ports below it are quarantined first,
 * before the link lets their frames in. If one cannot be, the link is
 * refused and those quarantined here are released.
 */
static int quarantine_below(struct net_device *dev, struct pmode_guard *g,
			    struct netlink_ext_ack *extack)
{
	struct below b = {
		.why = PMODE_REASON_NETWORK_CHANGED, .g = g, .extack = extack,
	};
	struct netdev_nested_priv priv = { .data = &b };
	int err;

	if (!g)
		return 0;
	err = netdev_walk_all_lower_dev(dev, quarantine_one, &priv);
	if (err)
		reconcile_below(dev, PMODE_REASON_NETWORK_CHANGED, NULL);
	return err;
}

static void guard_free_rcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct pmode_guard, rcu));
}

/* Stop guarding: release the guard's quarantines, then the guard. */
static void guard_destroy(struct pmode_guard *g, enum pmode_reason why)
{
	struct pmode_quarantine *q;
	struct hlist_node *tmp;
	unsigned int bkt;

	ASSERT_RTNL();
	hash_for_each_safe(quarantines, bkt, tmp, q, node)
		if (q->guard == g)
			quarantine_release(q, why);
	notify_guard(g, PMODE_CMD_GUARD_DEL, why);
	hash_del_rcu(&g->node);
	guard_changed();
	netdev_put(g->dev, &g->dev_tracker);
	call_rcu(&g->rcu, guard_free_rcu);
}

/*
 * A plain macvlan or ipvlan made on @dev, or on a VLAN device on it, up
 * the chain: NULL if none. Under RTNL; @depth: how far up already.
 */
static struct net_device *unguardable_on(struct net_device *dev, int depth)
{
	struct net_device *upper, *found;
	struct list_head *iter;

	if (depth >= MAX_NEST_DEV)
		return NULL;
	netdev_for_each_upper_dev_rcu(dev, upper, iter) {
		if (is_unguardable(upper))
			return upper;
		if (!is_vlan_dev(upper))
			continue;
		found = unguardable_on(upper, depth + 1);
		if (found)
			return found;
	}
	return NULL;
}

/*
 * The VM ports made on @dev (macvtaps, on it or on a VLAN device on it, up
 * the chain), each brought in line with where it now is. Under RTNL;
 * @depth: how far up already. Return: 0, or the first error.
 */
static int reconcile_stacked(struct net_device *dev, enum pmode_reason why,
			     struct netlink_ext_ack *extack, int depth)
{
	struct net_device *upper;
	struct list_head *iter;
	int err = 0;

	if (depth >= MAX_NEST_DEV)
		return 0;
	netdev_for_each_upper_dev_rcu(dev, upper, iter) {
		if (vm_port(upper))
			err = reconcile(upper, why, extack);
		else if (is_vlan_dev(upper))
			err = reconcile_stacked(upper, why, extack, depth + 1);
		if (err)
			return err;
	}
	return 0;
}

/* Can @dev be a guarded network? */
static int guard_check(struct net_device *dev, struct netlink_ext_ack *extack)
{
	struct net_device *upper;

	if (netif_is_ovs_port(dev)) {
		NL_SET_ERR_MSG(extack,
			       "an Open vSwitch port: the kernel cannot tell OVS bridges apart; guard ovs-system, which is all of them");
		return -EOPNOTSUPP;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s is not an Ethernet device; guard a bridge or a lower device",
				      dev->name);
		return -EOPNOTSUPP;
	}
	if (pmode_dev_is_kind(dev, "tun") || netif_is_macvlan(dev) ||
	    pmode_dev_is_kind(dev, "ipvlan") || pmode_dev_is_kind(dev, "ipvtap")) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s is a VM's port; guard the bridge or lower device it is on",
				      dev->name);
		return -EOPNOTSUPP;
	}
	if (guard_find(dev)) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL, "%s is already guarded",
				      dev->name);
		return -EEXIST;
	}
	upper = unguardable_on(dev, 0);
	if (upper) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s on it is a %s, which cannot be guarded; delete it",
				      upper->name, upper->rtnl_link_ops->kind);
		return -EBUSY;
	}
	return 0;
}

/* Guard @dev, quarantining the VM ports on it now. */
static struct pmode_guard *guard_new(struct net_device *dev,
				     struct netlink_ext_ack *extack)
{
	struct pmode_guard *g;
	int err;

	ASSERT_RTNL();
	err = guard_check(dev, extack);
	if (err)
		return ERR_PTR(err);
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->dev = dev;
	netdev_hold(dev, &g->dev_tracker, GFP_KERNEL);
	hash_add_rcu(guards, &g->node, (unsigned long)dev);
	guard_changed();
	notify_guard(g, PMODE_CMD_GUARD_NEW, PMODE_REASON_REQUEST);
	/*
	 * A bridge's ports are its lower devices, and the slaves of a bond
	 * on it; macvtaps are stacked on it, or on its VLAN devices.
	 */
	err = reconcile_below(dev, PMODE_REASON_REQUEST, extack);
	if (err)
		goto undo;
	err = reconcile_stacked(dev, PMODE_REASON_REQUEST, extack, 0);
	if (err)
		goto undo;
	/* When the request returns, no frame is by a quarantine unseen. */
	synchronize_net();
	return g;
undo:
	guard_destroy(g, PMODE_REASON_REQUEST);
	return ERR_PTR(err);
}

/**
 * pmode_guard_adapter_added - an adapter was registered on @dev
 * @dev: its port
 *
 * Its hooks are in place: the quarantine, if any, goes.
 */
void pmode_guard_adapter_added(struct net_device *dev)
{
	struct pmode_quarantine *q = quarantine_find(dev);

	if (q)
		quarantine_release(q, PMODE_REASON_REGISTERED);
}

/**
 * pmode_guard_adapter_removing - the adapter of @dev is about to be removed
 * @dev: its port
 * @extack: the request's
 *
 * A port on a guarded network is quarantined before its adapter's hooks go.
 * Return: 0, or an error with @extack set if it could not be: then the
 * adapter must stay.
 */
int pmode_guard_adapter_removing(struct net_device *dev,
				 struct netlink_ext_ack *extack)
{
	struct pmode_guard *g;

	g = guard_of(dev, NULL, false);
	if (!g || quarantine_find(dev))
		return 0;
	return quarantine_new(dev, g, PMODE_REASON_UNREGISTERED, extack);
}

/*
 * A quarantine put on a port that is joining a network is live, but a
 * frame that read the port's (empty) hooks just before may still be on its
 * way through __netif_receive_skb_core(), to the rx_handler that the
 * bridge registers before the link (the port stays disabled only until
 * just after it) and OVS registers just after it. Wait for every such
 * frame: the receive path is an RCU read-side section. Once the link
 * lets frames in, each has been through the quarantine.
 */
static int settle(int err)
{
	if (!err)
		synchronize_net();
	return err;
}

/* A device is linked to an upper one; it is not linked yet. */
static int pre_change_upper(struct net_device *dev,
			    struct netdev_notifier_changeupper_info *info)
{
	struct netlink_ext_ack *extack;
	struct net_device *upper = info->upper_dev;
	struct pmode_guard *g;

	if (!info->linking)
		return 0;
	extack = netdev_notifier_info_to_extack(&info->info);
	if (info->master) {
		/*
		 * A bond, team, VLAN device or macvlan, with VM ports below
		 * it, joins a network.
		 */
		if (!vm_port(dev)) {
			g = guard_at_or_above(upper);
			return g ? settle(quarantine_below(dev, g, extack)) : 0;
		}
		/* A port joins a bridge (or changes bridge, or joins a bond). */
		g = guard_of(dev, upper, has_adapter(dev));
		if (!g || quarantine_find(dev))
			return 0;
		return settle(quarantine_new(dev, g,
					     PMODE_REASON_NETWORK_CHANGED,
					     extack));
	}
	/* A VLAN device, macvlan, macvtap or ipvlan is made on @dev. */
	g = guard_at_or_below(dev, 0);
	if (!g)
		return 0;
	if (is_unguardable(upper)) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "pmode: %s is guarded: no %s on %s; use a macvtap",
				      g->dev->name, upper->rtnl_link_ops->kind,
				      dev->name);
		return -EOPNOTSUPP;
	}
	if (!pmode_dev_is_kind(upper, "macvtap") || quarantine_find(upper))
		return 0;
	return quarantine_new(upper, g, PMODE_REASON_NETWORK_CHANGED, extack);
}

static void unregister(struct net_device *dev)
{
	struct pmode_quarantine *q = quarantine_find(dev);
	struct pmode_guard *g;

	if (q)
		quarantine_release(q, pmode_port_unregister_reason(dev));
	g = guard_find(dev);
	if (g)
		guard_destroy(g, pmode_port_unregister_reason(dev));
}

static enum pmode_reason change_reason(struct net_device *dev)
{
	return pmode_port_listed(dev) ? PMODE_REASON_NETWORK_CHANGED :
					pmode_port_unregister_reason(dev);
}

static int pmode_guard_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct netdev_notifier_changeupper_info *info = ptr;
	struct netlink_ext_ack *extack = netdev_notifier_info_to_extack(ptr);
	int err;

	switch (event) {
	case NETDEV_PRECHANGEUPPER:
		return notifier_from_errno(pre_change_upper(dev, ptr));
	case NETDEV_CHANGEUPPER:
		/* After the fact: pre_change_upper() did what could fail. */
		reconcile(dev, change_reason(dev), NULL);
		/* A bond or team moved: the VM ports below it moved with it. */
		if (info->master && !vm_port(dev))
			reconcile_below(dev, PMODE_REASON_NETWORK_CHANGED, NULL);
		if (vm_port(info->upper_dev))
			reconcile(info->upper_dev,
				  change_reason(info->upper_dev), NULL);
		return NOTIFY_DONE;
	case NETDEV_REGISTER:
	case NETDEV_PRE_UP:
		/*
		 * A macvtap made on, or moved beside, a guarded lower device;
		 * a port going up settles what a refused link left. Refused
		 * if it cannot be quarantined.
		 */
		err = reconcile(dev, PMODE_REASON_NETWORK_CHANGED, extack);
		return notifier_from_errno(err);
	case NETDEV_UNREGISTER:
		unregister(dev);
		return NOTIFY_DONE;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pmode_guard_notifier = {
	.notifier_call = pmode_guard_event,
};

static struct net_device *request_dev(struct genl_info *info)
{
	struct nlattr *index = info->attrs[PMODE_A_IFINDEX];
	struct nlattr *name = info->attrs[PMODE_A_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev;

	if (!index == !name) {
		NL_SET_ERR_MSG(info->extack,
			       "name the network's device by ifindex or by ifname: exactly one of them");
		return ERR_PTR(-EBADR);
	}
	if (index) {
		dev = __dev_get_by_index(net, nla_get_u32(index));
		if (!dev)
			PMODE_SET_ERR_MSG_FMT(info->extack, index,
					      "no device with ifindex %u in this network namespace",
					      nla_get_u32(index));
	} else {
		dev = __dev_get_by_name(net, nla_data(name));
		if (!dev)
			PMODE_SET_ERR_MSG_FMT(info->extack, name,
					      "no device %s in this network namespace",
					      (char *)nla_data(name));
	}
	return dev ?: ERR_PTR(-ENODEV);
}

static int need_admin(const struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_ns_capable(skb, genl_info_net(info)->user_ns,
			       CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "guarding a network needs CAP_NET_ADMIN in its network namespace");
	return -EPERM;
}

/**
 * pmode_guard_add - guard the network of @dev
 * @dev: a bridge, or a macvtap lower device
 * @extack: for a refusal
 *
 * Under RTNL. Return: 0, or an error with @extack set.
 */
int pmode_guard_add(struct net_device *dev, struct netlink_ext_ack *extack)
{
	return PTR_ERR_OR_ZERO(guard_new(dev, extack));
}

/* Stop guarding @dev's network, releasing its quarantines. Under RTNL. */
int pmode_guard_remove(struct net_device *dev, struct netlink_ext_ack *extack)
{
	struct pmode_guard *g = guard_find(dev);

	if (!g) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL, "%s is not guarded",
				      dev->name);
		return -ENOENT;
	}
	guard_destroy(g, PMODE_REASON_REQUEST);
	return 0;
}

int pmode_guard_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct pmode_guard *g;
	struct net_device *dev;
	struct sk_buff *msg;
	int err;

	err = need_admin(skb, info);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	dev = request_dev(info);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_unlock;
	}
	g = guard_new(dev, info->extack);
	if (IS_ERR(g)) {
		err = PTR_ERR(g);
		goto err_unlock;
	}
	if (g->quarantined)
		PMODE_SET_ERR_MSG_FMT(info->extack, NULL,
				      "%s guarded: %u unregistered VM port%s quarantined",
				      dev->name, g->quarantined,
				      g->quarantined == 1 ? "" : "s");
	err = fill_guard(msg, g, info->snd_portid, info->snd_seq, 0,
			 PMODE_CMD_GUARD_GET, NULL, false, 0);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return 0;	/* guarded all the same; the reply did not fit */
	}
	return genlmsg_reply(msg, info);

err_unlock:
	rtnl_unlock();
	nlmsg_free(msg);
	return err;
}

int pmode_guard_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	int err;

	err = need_admin(skb, info);
	if (err)
		return err;
	rtnl_lock();
	dev = request_dev(info);
	err = IS_ERR(dev) ? PTR_ERR(dev) : pmode_guard_remove(dev, info->extack);
	rtnl_unlock();
	return err;
}

/* Where a dump stands, in cb->ctx, between calls. */
struct guard_dump_ctx {
	unsigned int bucket;
	unsigned int skip;	/* entries of @bucket already done */
};

int pmode_guard_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct guard_dump_ctx *ctx = (struct guard_dump_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct pmode_guard *g;
	unsigned int i;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rcu_read_lock();
	cb->seq = dump_generation();
	for (; ctx->bucket < HASH_SIZE(guards); ctx->bucket++) {
		i = 0;
		hlist_for_each_entry_rcu(g, &guards[ctx->bucket], node) {
			if (i++ < ctx->skip || !net_eq(dev_net(g->dev), net))
				continue;
			if (fill_guard(skb, g, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       PMODE_CMD_GUARD_GET, cb, false, 0)) {
				ctx->skip = i - 1;
				goto out;
			}
			cb->seq = dump_generation();
		}
		ctx->skip = 0;
	}
out:
	rcu_read_unlock();
	return skb->len;
}

int pmode_quarantine_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct guard_dump_ctx *ctx = (struct guard_dump_ctx *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct pmode_quarantine *q;
	unsigned int i;

	rcu_read_lock();
	cb->seq = dump_generation();
	for (; ctx->bucket < HASH_SIZE(quarantines); ctx->bucket++) {
		i = 0;
		hlist_for_each_entry_rcu(q, &quarantines[ctx->bucket], node) {
			if (i++ < ctx->skip || !net_eq(dev_net(q->dev), net))
				continue;
			if (fill_quarantine(skb, q, NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    PMODE_CMD_QUARANTINE_GET, cb, false,
					    0)) {
				ctx->skip = i - 1;
				goto out;
			}
			cb->seq = dump_generation();
		}
		ctx->skip = 0;
	}
out:
	rcu_read_unlock();
	return skb->len;
}

int pmode_guard_init(void)
{
	return register_netdevice_notifier(&pmode_guard_notifier);
}

/*
 * Unregistering the notifier replays NETDEV_UNREGISTER for every device,
 * which releases every quarantine and guard; what a device not listed
 * any more left is released here. Freed by RCU callbacks (rcu_barrier()
 * in the module's exit).
 */
void pmode_guard_uninit(void)
{
	struct pmode_quarantine *q;
	struct pmode_guard *g;
	struct hlist_node *tmp;
	unsigned int bkt;

	unregister_netdevice_notifier(&pmode_guard_notifier);
	rtnl_lock();
	hash_for_each_safe(quarantines, bkt, tmp, q, node)
		quarantine_release(q, PMODE_REASON_REQUEST);
	hash_for_each_safe(guards, bkt, tmp, g, node)
		guard_destroy(g, PMODE_REASON_REQUEST);
	rtnl_unlock();
}
