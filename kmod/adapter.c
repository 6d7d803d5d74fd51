// SPDX-License-Identifier: GPL-2.0
/*
 * Adapters: creation and destruction, lookups, the one-per-VM-per-network
 * rule, configuration updates and counters. Every change holds RTNL.
 */
#include "adapter.h"
#include "compat.h"
#include "exposure.h"
#include "hooks.h"
#include "netlink.h"

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_macvlan.h>
#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/netns/generic.h>

static unsigned int pmode_net_id __read_mostly;

/*
 * Adapters with promisc on, in every namespace, so the gate can turn them
 * off and their learned MACs can be swept. RTNL.
 */
static LIST_HEAD(pmode_promisc_list);

/*
 * Learned MACs expire on their own: while any adapter has promisc on, its
 * table is swept a few times per ageing period, whatever its VM does, so
 * nothing stale is kept long, and jiffies wrapping on a 32-bit host cannot
 * make a long-forgotten MAC look fresh again. Promisc off flushes a table.
 */
static void learn_gc(struct work_struct *work);
static DECLARE_DELAYED_WORK(pmode_learn_gc_work, learn_gc);

static unsigned long learn_gc_interval(void)
{
	return clamp_t(unsigned long, pmode_learn_ageing() / 4, HZ, 60 * HZ);
}

static void learn_gc(struct work_struct *work)
{
	struct pmode_adapter *ad;

	rtnl_lock();
	list_for_each_entry(ad, &pmode_promisc_list, promisc_node)
		pmode_learn_expire(&ad->learn);
	if (!list_empty(&pmode_promisc_list))
		queue_delayed_work(system_power_efficient_wq,
				   &pmode_learn_gc_work, learn_gc_interval());
	rtnl_unlock();
}

struct pmode_net *pmode_net(const struct net *net)
{
	return net_generic(net, pmode_net_id);
}

static u32 vm_hash(const char *vm)
{
	return jhash(vm, strlen(vm), 0);
}

struct pmode_adapter *pmode_adapter_find(struct pmode_net *pn,
					 const struct net_device *dev)
{
	struct pmode_adapter *ad;

	ASSERT_RTNL();
	hash_for_each_possible(pn->by_ifindex, ad, index_node, dev->ifindex)
		if (ad->dev == dev)
			return ad;
	return NULL;
}

/* Under RCU; the adapter stays valid until rcu_read_unlock(). */
struct pmode_adapter *pmode_adapter_find_rcu(struct pmode_net *pn, int ifindex)
{
	struct pmode_adapter *ad;

	hash_for_each_possible_rcu(pn->by_ifindex, ad, index_node, ifindex)
		if (ad->dev->ifindex == ifindex)
			return ad;
	return NULL;
}

int pmode_mac_check(const u8 *mac, const struct nlattr *attr,
		    struct netlink_ext_ack *extack)
{
	if (is_multicast_ether_addr(mac)) {
		PMODE_SET_ERR_MSG_FMT(extack, attr,
				      "%pM is %s; an adapter's MAC must be unicast",
				      mac, is_broadcast_ether_addr(mac) ?
				      "broadcast" : "multicast");
		return -EINVAL;
	}
	if (is_zero_ether_addr(mac)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "00:00:00:00:00:00 is not a valid adapter MAC");
		return -EINVAL;
	}
	return 0;
}

/*
 * The ports whose VM is on the far side of the device, out of reach of the
 * port's own namespace: a tap's process, a veth's peer, a macvtap's process
 * (on its character device). Every frame such a VM sends or is sent crosses
 * pmode's hooks on the port.
 *
 * Any other device would be guarded from the wrong side: the restricted
 * stack would sit on the port itself (a macvlan, ipvlan or VLAN device in a
 * container, a physical function or VF handed to one). That stack transmits
 * around the egress hook (AF_XDP in copy mode sends with
 * __dev_direct_xmit(), which runs no netfilter hook), reads frames through
 * packet taps before the ingress hook, and, owning its namespace, may
 * delete its own adapter. Such ports are refused.
 */
static const char * const port_kinds[] = { "tun", "veth", "macvtap" };

bool pmode_port_kind_guarded(const struct net_device *dev)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(port_kinds); i++)
		if (pmode_dev_is_kind(dev, port_kinds[i]))
			return true;
	return false;
}

/* Can @dev be an adapter's port? */
static int port_check(struct net_device *dev, struct netlink_ext_ack *extack)
{
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s is not an Ethernet device; register a tap, veth or macvtap",
				      dev->name);
		return -EOPNOTSUPP;
	}
	if (netif_is_bridge_master(dev) || netif_is_ovs_master(dev)) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s is a bridge; register the VM's port on it instead",
				      dev->name);
		return -EOPNOTSUPP;
	}
	/* Every ipvlan of a lower device transmits from the lower's MAC. */
	if (pmode_dev_is_kind(dev, "ipvlan") || pmode_dev_is_kind(dev, "ipvtap")) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s is an ipvlan: its VMs share one MAC; use tap, veth or macvtap",
				      dev->name);
		return -EOPNOTSUPP;
	}
	if (!pmode_port_kind_guarded(dev)) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s: a %s's stack could bypass pmode; use veth or macvtap",
				      dev->name, dev->rtnl_link_ops ?
				      dev->rtnl_link_ops->kind : "hardware");
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The device a port's network is, when no id is given: its master (a
 * bridge), else a macvtap's lower device, which all macvtaps on it share as
 * a bridge's ports share the bridge. A lower device in another namespace
 * names nothing here: the macvtap is alone.
 */
int pmode_port_network(struct net_device *dev, struct net_device *master)
{
	struct net_device *lower;

	if (master)
		return master->ifindex;
	if (!netif_is_macvlan(dev))
		return 0;
	lower = macvlan_dev_real_dev(dev);
	return net_eq(dev_net(lower), dev_net(dev)) ? lower->ifindex : 0;
}

/*
 * The VM's own MAC when the request gives none: a veth port's peer's, or a
 * macvtap port's own (the VM sits above it and uses its address).
 */
static int peer_mac(struct net_device *dev, u8 *mac,
		    struct netlink_ext_ack *extack)
{
	struct net_device *peer = NULL;

	if (pmode_dev_is_kind(dev, "macvtap")) {
		ether_addr_copy(mac, dev->dev_addr);
		return pmode_mac_check(mac, NULL, extack);
	}
	rcu_read_lock();
	if (pmode_dev_is_kind(dev, "veth") && dev->netdev_ops->ndo_get_peer_dev)
		peer = dev->netdev_ops->ndo_get_peer_dev(dev);
	if (peer)
		ether_addr_copy(mac, peer->dev_addr);
	rcu_read_unlock();
	if (!peer) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s: not a veth or macvtap, give the VM's MAC with 'mac'",
				      dev->name);
		return -EINVAL;
	}
	return pmode_mac_check(mac, NULL, extack);
}

void pmode_adapter_network(const struct pmode_adapter *ad, int master_ifindex,
			   struct pmode_network *network)
{
	if (ad->has_network_id) {
		network->kind = PMODE_NETWORK_ID;
		network->id = ad->network_id;
	} else if (master_ifindex) {
		network->kind = PMODE_NETWORK_MASTER;
		network->id = master_ifindex;
	} else {
		network->kind = PMODE_NETWORK_NONE;
		network->id = 0;
	}
}

/*
 * Every Open vSwitch port's master is the one datapath device of all OVS
 * bridges and their VLANs. As a network it would join what OVS keeps
 * apart, and let a VM's promisc adapter on one OVS bridge forbid its
 * promisc on another: promisc there takes an explicit network id, which
 * the integrations derive from the OVS bridge and VLAN tag. Under RTNL.
 */
bool pmode_adapter_network_too_wide(const struct pmode_adapter *ad,
				    const struct net_device *master)
{
	ASSERT_RTNL();
	return !ad->has_network_id && master && netif_is_ovs_master(master);
}

/*
 * May @ad have promisc on in @network? At most one adapter of a VM in a
 * network may: if another has it, -EBUSY with a message naming it. On an
 * Open vSwitch port without a network id, -EOPNOTSUPP (see above).
 */
int pmode_adapter_check_promisc(const struct pmode_adapter *ad,
				const struct pmode_network *network,
				struct netlink_ext_ack *extack)
{
	const struct pmode_adapter *holder;

	if (pmode_adapter_network_too_wide(ad,
					   netdev_master_upper_dev_get(ad->dev))) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s: on OVS, promisc needs the adapter re-added with 'network ID'",
				      ad->dev->name);
		return -EOPNOTSUPP;
	}
	holder = pmode_adapter_promisc_holder(ad, network);
	if (!holder)
		return 0;
	PMODE_SET_ERR_MSG_FMT(extack, NULL,
			      "VM %.16s already has promisc on in this network, on %s",
			      ad->vm, holder->dev->name);
	return -EBUSY;
}

/* The adapter of @ad's VM that has promisc on in @network, if any. */
const struct pmode_adapter *
pmode_adapter_promisc_holder(const struct pmode_adapter *ad,
			     const struct pmode_network *network)
{
	struct pmode_net *pn = ad->pn;
	struct pmode_network other;
	struct pmode_adapter *o;

	ASSERT_RTNL();
	if (network->kind == PMODE_NETWORK_NONE)
		return NULL;
	hash_for_each_possible(pn->by_vm, o, vm_node, ad->vm_hash) {
		if (o == ad || !o->promisc || strcmp(o->vm, ad->vm))
			continue;
		pmode_adapter_network(o, o->master_ifindex, &other);
		if (other.kind == network->kind && other.id == network->id)
			return o;
	}
	return NULL;
}

void pmode_adapter_set_promisc(struct pmode_adapter *ad, bool on)
{
	ASSERT_RTNL();
	if (ad->promisc == on)
		return;
	/* What was learned under an earlier promisc period is stale. */
	pmode_learn_flush(&ad->learn);
	WRITE_ONCE(ad->promisc, on);
	if (on) {
		if (list_empty(&pmode_promisc_list))
			queue_delayed_work(system_power_efficient_wq,
					   &pmode_learn_gc_work,
					   learn_gc_interval());
		list_add(&ad->promisc_node, &pmode_promisc_list);
	} else {
		list_del(&ad->promisc_node);
	}
	pmode_net_changed(ad->pn);
}

/* The feature gate was disabled: every flag goes off, each one reported. */
void pmode_adapter_all_promisc_off(void)
{
	struct pmode_adapter *ad, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(ad, tmp, &pmode_promisc_list, promisc_node) {
		pmode_adapter_set_promisc(ad, false);
		pmode_nl_notify_adapter(ad, PMODE_CMD_ADAPTER_SET,
					PMODE_REASON_FEATURE_DISABLED);
	}
}

/*
 * Allocations a request causes are charged to the requester's memory
 * cgroup: the owner of a user and network namespace may make them.
 */
struct pmode_cfg *pmode_cfg_dup(const struct pmode_adapter *ad)
{
	return kmemdup(pmode_cfg_rtnl(ad), sizeof(struct pmode_cfg),
		       GFP_KERNEL_ACCOUNT);
}

/* Publish @cfg for the data path; the old one goes after a grace period. */
void pmode_adapter_publish(struct pmode_adapter *ad, struct pmode_cfg *cfg)
{
	struct pmode_cfg *old;

	old = rcu_replace_pointer(ad->cfg, cfg, lockdep_rtnl_is_held());
	kfree_rcu(old, rcu);
	pmode_net_changed(ad->pn);
}

static void adapter_free(struct pmode_adapter *ad)
{
	pmode_learn_free(&ad->learn);
	kfree(rcu_access_pointer(ad->cfg));
	free_percpu(ad->stats);
	kfree(ad);
}

static void adapter_free_rcu(struct rcu_head *rcu)
{
	adapter_free(container_of(rcu, struct pmode_adapter, rcu));
}

/**
 * pmode_adapter_create - register an adapter on a port
 * @dev: the port, in the requester's namespace
 * @p: what the request gave
 * @extack: receives the reason of a refusal
 *
 * Return: the adapter, its hooks active, or an ERR_PTR().
 */
struct pmode_adapter *pmode_adapter_create(struct net_device *dev,
					   const struct pmode_adapter_params *p,
					   struct netlink_ext_ack *extack)
{
	struct pmode_net *pn = pmode_net(dev_net(dev));
	struct net_device *master;
	struct pmode_adapter *ad;
	struct pmode_cfg *cfg;
	int cpu, err;

	ASSERT_RTNL();
	err = port_check(dev, extack);
	if (err)
		return ERR_PTR(err);
	ad = pmode_adapter_find(pn, dev);
	if (ad) {
		PMODE_SET_ERR_MSG_FMT(extack, NULL,
				      "%s already has an adapter (VM %.32s)",
				      dev->name, ad->vm);
		return ERR_PTR(-EEXIST);
	}

	ad = kzalloc(sizeof(*ad), GFP_KERNEL_ACCOUNT);
	if (!ad)
		return ERR_PTR(-ENOMEM);
	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!cfg) {
		err = -ENOMEM;
		goto err_free_ad;
	}
	ad->stats = alloc_percpu_gfp(struct pmode_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!ad->stats) {
		err = -ENOMEM;
		goto err_free_cfg;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ad->stats, cpu)->syncp);

	if (p->mac) {
		ether_addr_copy(cfg->mac, p->mac);
	} else {
		err = peer_mac(dev, cfg->mac, extack);
		if (err)
			goto err_free_stats;
	}
	RCU_INIT_POINTER(ad->cfg, cfg);
	pmode_learn_init(&ad->learn);
	INIT_LIST_HEAD(&ad->promisc_node);
	ad->dev = dev;
	ad->pn = pn;
	ad->owner = p->owner;
	ad->vm_above = netif_is_macvlan(dev);	/* a macvtap: port_check() */
	ad->has_network_id = p->has_network_id;
	ad->network_id = p->network_id;
	strscpy(ad->vm, p->vm, sizeof(ad->vm));
	if (p->manager)
		strscpy(ad->manager, p->manager, sizeof(ad->manager));
	ad->vm_hash = vm_hash(ad->vm);
	master = netdev_master_upper_dev_get(dev);
	ad->master_ifindex = pmode_port_network(dev, master);
	ad->exposure = pmode_exposure(ad);

	err = pmode_hooks_register(ad);
	if (err) {
		if (err == -E2BIG)
			PMODE_SET_ERR_MSG_FMT(extack, NULL,
					      "%s: no netfilter hook slot left; remove some netdev chains",
					      dev->name);
		else
			NL_SET_ERR_MSG(extack,
				       "could not attach to the port's hooks");
		goto err_free_rcu;
	}
	netdev_hold(dev, &ad->dev_tracker, GFP_KERNEL);
	hash_add_rcu(pn->by_ifindex, &ad->index_node, dev->ifindex);
	hash_add(pn->by_vm, &ad->vm_node, ad->vm_hash);
	pn->count++;
	pmode_net_changed(pn);
	pmode_exposure_watch(pn);
	return ad;

err_free_rcu:
	/*
	 * A hook registered before another failed was live: a frame may still
	 * be using the adapter on another CPU. All of it goes after a grace
	 * period.
	 */
	call_rcu(&ad->rcu, adapter_free_rcu);
	return ERR_PTR(err);
err_free_stats:
	free_percpu(ad->stats);
err_free_cfg:
	kfree(cfg);
err_free_ad:
	kfree(ad);
	return ERR_PTR(err);
}

/**
 * pmode_adapter_destroy - unregister an adapter and report it
 * @ad: the adapter
 * @why: what is reported as the reason
 *
 * The adapter is unpublished and its hooks removed at once; a hook or a
 * dump still running on another CPU may hold it until the grace period
 * ends, so it is freed only after that.
 */
void pmode_adapter_destroy(struct pmode_adapter *ad, enum pmode_reason why)
{
	struct pmode_net *pn = ad->pn;

	ASSERT_RTNL();
	pmode_nl_notify_adapter(ad, PMODE_CMD_ADAPTER_DEL, why);
	if (ad->promisc)
		list_del(&ad->promisc_node);
	hash_del_rcu(&ad->index_node);
	hash_del(&ad->vm_node);
	pn->count--;
	pmode_net_changed(pn);
	pmode_hooks_unregister(ad);
	netdev_put(ad->dev, &ad->dev_tracker);
	call_rcu(&ad->rcu, adapter_free_rcu);
}

void pmode_stats_read(const struct pmode_adapter *ad, u64 *sum)
{
	unsigned int cpu, i, start;

	memset(sum, 0, sizeof(*sum) * PMODE_NSTATS);
	for_each_possible_cpu(cpu) {
		const struct pmode_pcpu_stats *s = per_cpu_ptr(ad->stats, cpu);
		u64 v[PMODE_NSTATS];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PMODE_NSTATS; i++)
				v[i] = u64_stats_read(&s->cnt[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < PMODE_NSTATS; i++)
			sum[i] += v[i];
	}
}

static int __net_init pmode_net_init_one(struct net *net)
{
	struct pmode_net *pn = pmode_net(net);

	pn->net = net;
	hash_init(pn->by_ifindex);
	hash_init(pn->by_vm);
	pmode_exposure_init(pn);
	return 0;
}

/*
 * Registered as a pernet subsystem, so that in a dying namespace this runs
 * after its devices are gone, and with them (through the port notifier) its
 * adapters. What remains here is what module unload leaves.
 */
static void __net_exit pmode_net_exit_one(struct net *net)
{
	struct pmode_net *pn = pmode_net(net);
	struct pmode_adapter *ad;
	struct hlist_node *tmp;
	unsigned int bkt;

	rtnl_lock();
	hash_for_each_safe(pn->by_ifindex, bkt, tmp, ad, index_node)
		pmode_adapter_destroy(ad, PMODE_REASON_NETNS_EXIT);
	rtnl_unlock();
	pmode_exposure_stop(pn);
}

static struct pernet_operations pmode_net_ops = {
	.init = pmode_net_init_one,
	.exit = pmode_net_exit_one,
	.id = &pmode_net_id,
	.size = sizeof(struct pmode_net),
};

int pmode_net_init(void)
{
	return register_pernet_subsys(&pmode_net_ops);
}

void pmode_net_uninit(void)
{
	unregister_pernet_subsys(&pmode_net_ops);
	/* No adapter is left to keep the sweep going. */
	cancel_delayed_work_sync(&pmode_learn_gc_work);
}
