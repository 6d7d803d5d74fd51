/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Adapters: one VM network adapter, registered on its host-side port.
 */
#ifndef _PMODE_ADAPTER_H
#define _PMODE_ADAPTER_H

#include "cfg.h"
#include "learn.h"

#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/rtnetlink.h>
#include <linux/u64_stats_sync.h>
#include <linux/uidgid.h>
#include <net/rtnetlink.h>
#include <linux/workqueue.h>
#include <uapi/linux/pmode.h>

/* Per-CPU counters: one per drop reason, then these. */
enum {
	PMODE_STAT_PROMISC_TX = __PMODE_DROP_MAX,
	PMODE_STAT_PROMISC_RX,
	PMODE_NSTATS
};

struct pmode_pcpu_stats {
	u64_stats_t cnt[PMODE_NSTATS];
	/* the VM's violations, reported or not (hooks.c: violation()) */
	u64_stats_t violations;
	struct u64_stats_sync syncp;
};

enum pmode_network_kind {
	PMODE_NETWORK_NONE,	/* no master and no explicit id: alone */
	PMODE_NETWORK_MASTER,	/* the port's master device, by ifindex */
	PMODE_NETWORK_ID,	/* an explicit network id */
};

struct pmode_network {
	enum pmode_network_kind kind;
	u32 id;
};

struct pmode_net;

/*
 * struct pmode_adapter - a registered VM network adapter
 *
 * Created and destroyed under RTNL, which also serialises every change.
 * Readers that do not hold RTNL (the hooks, dumps) find adapters under RCU
 * and may only read @cfg (rcu_dereference()), @stats, @learn, and the fields
 * fixed at creation (@dev, @vm, @owner, @network_id). The adapter is freed
 * one grace period after it is unpublished and its hooks are unregistered.
 */
struct pmode_adapter {
	/*
	 * Data path, read by the hooks on every CPU for every frame; written
	 * only under RTNL (@cfg by RCU publication). Nothing the hooks write
	 * may share this cache line (see "Stores" in hooks.c).
	 */
	struct pmode_cfg __rcu *cfg;
	bool promisc;			/* WRITE_ONCE() under RTNL */
	struct pmode_pcpu_stats __percpu *stats;

	/*
	 * Written by the hooks, but never per frame: the violation reports'
	 * rate limit, at most once a second (hooks.c: violation()), and the
	 * learned MACs' table, on a MAC not seen before (learn.c). A cache
	 * line of their own, away from the fields above.
	 */
	unsigned long violation_at ____cacheline_aligned_in_smp;
					/* jiffies of the last event sent */
	atomic64_t violations_reported; /* pmode_pcpu_stats.violations then */
	struct pmode_learn learn;

	/* fixed at creation */
	struct net_device *dev;
	struct pmode_net *pn;
	kuid_t owner;			/* INVALID_UID when none */
	bool vm_above;			/* a macvtap: see hooks.c */
	bool has_network_id;
	u32 network_id;
	u32 vm_hash;
	char vm[PMODE_VM_ID_MAXLEN + 1];
	char manager[PMODE_MANAGER_MAXLEN + 1];	/* "": none */

	/* RTNL */
	u32 exposure;			/* last reported; READ_ONCE() without RTNL */
	/*
	 * The device that is the port's network (pmode_port_network()): its
	 * master, or a macvtap's lower device; 0: none. READ_ONCE() without
	 * RTNL.
	 */
	int master_ifindex;
	struct hlist_node index_node;	/* pmode_net.by_ifindex, RCU */
	struct hlist_node vm_node;	/* pmode_net.by_vm */
	struct list_head promisc_node;	/* pmode_promisc_list, if promisc */
	netdevice_tracker dev_tracker;
	struct nf_hook_ops hook_ops[2];
	struct rcu_head rcu;
};

#define PMODE_NET_HASH_BITS	8

/*
 * Per network namespace state. Written under RTNL; @by_ifindex is also
 * walked under RCU by dumps and lookups that do not take RTNL.
 */
struct pmode_net {
	struct net *net;
	DECLARE_HASHTABLE(by_ifindex, PMODE_NET_HASH_BITS);
	DECLARE_HASHTABLE(by_vm, PMODE_NET_HASH_BITS);
	unsigned int count;
	/*
	 * Bumped, after the change is visible, on every change a dump could
	 * show: an adapter added or removed, its promisc flag, configuration
	 * or master. Dumps read it after each adapter (see
	 * pmode_net_generation()) and flag themselves NLM_F_DUMP_INTR when it
	 * moved. Written under RTNL, read locklessly.
	 */
	unsigned int generation;
	/* Looks for what bypasses the hooks, while @count: exposure.c. */
	struct delayed_work exposure_work;
};

static inline void pmode_net_changed(struct pmode_net *pn)
{
	ASSERT_RTNL();
	/* Pairs with the smp_rmb() in pmode_net_generation(). */
	smp_wmb();
	WRITE_ONCE(pn->generation, pn->generation + 1);
}

/* The generation, read after what the caller read of the adapters. */
static inline unsigned int pmode_net_generation(const struct pmode_net *pn)
{
	/* Pairs with the smp_wmb() in pmode_net_changed(). */
	smp_rmb();
	return READ_ONCE(pn->generation);
}

struct pmode_adapter_params {
	const char *vm;
	const char *manager;		/* NULL: none */
	const u8 *mac;			/* NULL: the veth peer's */
	bool has_network_id;
	u32 network_id;
	kuid_t owner;
};

struct pmode_net *pmode_net(const struct net *net);
int pmode_net_init(void);
void pmode_net_uninit(void);

struct pmode_adapter *pmode_adapter_find(struct pmode_net *pn,
					 const struct net_device *dev);
struct pmode_adapter *pmode_adapter_find_rcu(struct pmode_net *pn,
					     int ifindex);
struct pmode_adapter *pmode_adapter_create(struct net_device *dev,
					   const struct pmode_adapter_params *p,
					   struct netlink_ext_ack *extack);
void pmode_adapter_destroy(struct pmode_adapter *ad, enum pmode_reason why);

struct pmode_cfg *pmode_cfg_dup(const struct pmode_adapter *ad);
void pmode_adapter_publish(struct pmode_adapter *ad, struct pmode_cfg *cfg);
const struct pmode_adapter *
pmode_adapter_promisc_holder(const struct pmode_adapter *ad,
			     const struct pmode_network *network);
bool pmode_adapter_network_too_wide(const struct pmode_adapter *ad,
				    const struct net_device *master);
int pmode_adapter_check_promisc(const struct pmode_adapter *ad,
				const struct pmode_network *network,
				struct netlink_ext_ack *extack);
/* Is @dev's link kind @kind ("veth", "macvtap", ...)? */
static inline bool pmode_dev_is_kind(const struct net_device *dev,
				     const char *kind)
{
	return dev->rtnl_link_ops && !strcmp(dev->rtnl_link_ops->kind, kind);
}

bool pmode_port_kind_guarded(const struct net_device *dev);
int pmode_port_network(struct net_device *dev, struct net_device *master);
void pmode_adapter_network(const struct pmode_adapter *ad, int master_ifindex,
			   struct pmode_network *network);
void pmode_adapter_set_promisc(struct pmode_adapter *ad, bool on);
void pmode_adapter_all_promisc_off(void);

int pmode_mac_check(const u8 *mac, const struct nlattr *attr,
		    struct netlink_ext_ack *extack);
void pmode_stats_read(const struct pmode_adapter *ad, u64 *sum);

static inline struct pmode_cfg *pmode_cfg_rtnl(const struct pmode_adapter *ad)
{
	return rtnl_dereference(ad->cfg);
}

#endif /* _PMODE_ADAPTER_H */
