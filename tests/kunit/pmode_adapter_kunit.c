// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pmode's adapter table on real, registered net devices:
 * creation and its refusals, one-per-VM-per-network, configuration
 * updates, the adapter following its port's unregistration, and all of
 * it at once from several kthreads while others run frames through the
 * ports' hooks.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>

#include "adapter.h"
#include "exposure.h"
#include "pmode_test_netdev.h"

#define NDEVS 3

struct adapter_fixture {
	struct net_device *dev[NDEVS];
};

static int adapter_init(struct kunit *test)
{
	struct adapter_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	int i;

	if (!fx)
		return -ENOMEM;
	for (i = 0; i < NDEVS; i++) {
		struct net_device *dev = pmode_test_netdev_new();

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		fx->dev[i] = dev;
	}
	test->priv = fx;
	return 0;
}

static void adapter_exit(struct kunit *test)
{
	struct adapter_fixture *fx = test->priv;
	int i;

	for (i = 0; i < NDEVS; i++) {
		if (!fx->dev[i])
			continue;
		unregister_netdev(fx->dev[i]);
		free_netdev(fx->dev[i]);
	}
}

static const u8 mac_a[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0a, 0x01 };

static struct pmode_adapter *add(struct net_device *dev, const char *vm,
				 bool has_id, u32 id, int *err)
{
	struct pmode_adapter_params p = {
		.vm = vm, .mac = mac_a, .has_network_id = has_id,
		.network_id = id, .owner = INVALID_UID,
	};
	struct pmode_adapter *ad;

	rtnl_lock();
	ad = pmode_adapter_create(dev, &p, NULL);
	rtnl_unlock();
	*err = IS_ERR(ad) ? PTR_ERR(ad) : 0;
	return IS_ERR(ad) ? NULL : ad;
}

static void pmode_adapter_create_refusals(struct kunit *test)
{
	struct adapter_fixture *fx = test->priv;
	struct pmode_adapter_params nomac = { .vm = "v", .owner = INVALID_UID };
	struct pmode_adapter *ad;
	int err;

	ad = add(fx->dev[0], "vm-a", false, 0, &err);
	KUNIT_ASSERT_EQ(test, err, 0);
	rtnl_lock();
	KUNIT_EXPECT_PTR_EQ(test, pmode_adapter_find(ad->pn, fx->dev[0]), ad);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(pmode_cfg_rtnl(ad)->mac, mac_a));
	rtnl_unlock();

	add(fx->dev[0], "vm-a", false, 0, &err);
	KUNIT_EXPECT_EQ(test, err, -EEXIST);

	/* Not a veth: the MAC cannot default to a peer's. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, PTR_ERR(pmode_adapter_create(fx->dev[1], &nomac, NULL)),
			-EINVAL);
	rtnl_unlock();

	/* Not Ethernet. */
	fx->dev[2]->type = ARPHRD_NONE;
	add(fx->dev[2], "vm-a", false, 0, &err);
	KUNIT_EXPECT_EQ(test, err, -EOPNOTSUPP);
	fx->dev[2]->type = ARPHRD_ETHER;
}

/*
 * Only a tap, veth or macvtap: on any other device the guarded stack would
 * sit on the port itself, and could send around the hooks.
 */
static void pmode_adapter_port_kinds(struct kunit *test)
{
	static const char * const refused[] = { "macvlan", "ipvlan", "vlan",
						"dummy", "bond", NULL };
	static const char * const guarded[] = { "tun", "veth", "macvtap" };
	struct adapter_fixture *fx = test->priv;
	const struct rtnl_link_ops *was = fx->dev[1]->rtnl_link_ops;
	struct rtnl_link_ops ops = {};
	struct netlink_ext_ack extack = {};
	struct pmode_adapter_params p = {
		.vm = "vm-k", .mac = mac_a, .owner = INVALID_UID,
	};
	struct pmode_adapter *ad;
	unsigned int i;

	fx->dev[1]->rtnl_link_ops = &ops;
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		ops.kind = refused[i];
		fx->dev[1]->rtnl_link_ops = refused[i] ? &ops : NULL;
		rtnl_lock();
		ad = pmode_adapter_create(fx->dev[1], &p, &extack);
		rtnl_unlock();
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(ad), -EOPNOTSUPP,
				    "kind %s", refused[i] ?: "(none)");
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
		if (!IS_ERR(ad)) {
			rtnl_lock();
			pmode_adapter_destroy(ad, PMODE_REASON_REQUEST);
			rtnl_unlock();
		}
	}
	for (i = 0; i < ARRAY_SIZE(guarded); i++) {
		ops.kind = guarded[i];
		fx->dev[1]->rtnl_link_ops = &ops;
		rtnl_lock();
		ad = pmode_adapter_create(fx->dev[1], &p, NULL);
		KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(ad), "kind %s", guarded[i]);
		if (!IS_ERR(ad))
			pmode_adapter_destroy(ad, PMODE_REASON_REQUEST);
		rtnl_unlock();
	}
	fx->dev[1]->rtnl_link_ops = was;
}

static void pmode_adapter_one_per_vm(struct kunit *test)
{
	struct adapter_fixture *fx = test->priv;
	struct pmode_adapter *a, *b, *c;
	struct pmode_network net;
	int err;

	a = add(fx->dev[0], "vm-x", true, 7, &err);
	KUNIT_ASSERT_EQ(test, err, 0);
	b = add(fx->dev[1], "vm-x", true, 7, &err);
	KUNIT_ASSERT_EQ(test, err, 0);
	c = add(fx->dev[2], "vm-y", true, 7, &err);
	KUNIT_ASSERT_EQ(test, err, 0);

	rtnl_lock();
	pmode_adapter_network(a, 0, &net);
	KUNIT_EXPECT_EQ(test, net.kind, PMODE_NETWORK_ID);
	KUNIT_EXPECT_EQ(test, pmode_adapter_check_promisc(a, &net, NULL), 0);
	pmode_adapter_set_promisc(a, true);
	pmode_adapter_network(b, 0, &net);
	KUNIT_EXPECT_EQ(test, pmode_adapter_check_promisc(b, &net, NULL), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, pmode_adapter_promisc_holder(b, &net), a);
	/* Another VM in the same network is not concerned. */
	pmode_adapter_network(c, 0, &net);
	KUNIT_EXPECT_EQ(test, pmode_adapter_check_promisc(c, &net, NULL), 0);
	/* Another network for the same VM is not either. */
	net.id = 8;
	KUNIT_EXPECT_EQ(test, pmode_adapter_check_promisc(b, &net, NULL), 0);
	/* No network at all: each adapter is alone. */
	net.kind = PMODE_NETWORK_NONE;
	KUNIT_EXPECT_EQ(test, pmode_adapter_check_promisc(b, &net, NULL), 0);
	/* The gate going off turns every flag off. */
	pmode_adapter_all_promisc_off();
	KUNIT_EXPECT_FALSE(test, READ_ONCE(a->promisc));
	pmode_adapter_network(b, 0, &net);
	KUNIT_EXPECT_EQ(test, pmode_adapter_check_promisc(b, &net, NULL), 0);
	rtnl_unlock();
}

static void pmode_adapter_mac_change(struct kunit *test)
{
	static const u8 mac_b[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0b, 0x02 };
	struct adapter_fixture *fx = test->priv;
	struct pmode_adapter *ad;
	struct pmode_cfg *cfg, *old;
	int err;

	ad = add(fx->dev[0], "vm-m", false, 0, &err);
	KUNIT_ASSERT_EQ(test, err, 0);
	rtnl_lock();
	old = pmode_cfg_rtnl(ad);
	cfg = pmode_cfg_dup(ad);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	ether_addr_copy(cfg->mac, mac_b);
	pmode_adapter_publish(ad, cfg);
	KUNIT_EXPECT_PTR_NE(test, pmode_cfg_rtnl(ad), old);
	KUNIT_EXPECT_TRUE(test, pmode_cfg_owns(pmode_cfg_rtnl(ad), mac_b));
	KUNIT_EXPECT_FALSE(test, pmode_cfg_owns(pmode_cfg_rtnl(ad), mac_a));
	rtnl_unlock();
	rcu_barrier();
}

static int tap_rcv(struct sk_buff *skb, struct net_device *dev,
		   struct packet_type *pt, struct net_device *orig)
{
	kfree_skb(skb);
	return 0;
}

/* What bypasses the hooks is read from the port: each kind sets its bit. */
static void pmode_adapter_exposure(struct kunit *test)
{
	struct adapter_fixture *fx = test->priv;
	struct net_device *dev = fx->dev[0];
	struct packet_type tap = {
		.type = htons(ETH_P_ALL), .dev = dev, .func = tap_rcv,
	};
	/*
	 * Never run nor dereferenced: pmode_exposure() reads only whether a
	 * program is set. Put back before RTNL is released, as nothing else
	 * may see it.
	 */
	struct bpf_prog *fake = (struct bpf_prog *)test;
	struct pmode_adapter *ad;
	int err;

	ad = add(dev, "vm-x", false, 0, &err);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, pmode_exposure(ad), 0U);

	rtnl_lock();
	dev->xdp_state[XDP_MODE_SKB].prog = fake;
	KUNIT_EXPECT_EQ(test, pmode_exposure(ad), BIT(PMODE_EXPOSURE_XDP_GENERIC));
	dev->xdp_state[XDP_MODE_SKB].prog = NULL;
	dev->xdp_state[XDP_MODE_DRV].prog = fake;
	KUNIT_EXPECT_EQ(test, pmode_exposure(ad), BIT(PMODE_EXPOSURE_XDP_NATIVE));
	dev->xdp_state[XDP_MODE_DRV].prog = NULL;
	rtnl_unlock();

	/* A packet socket for every protocol, bound to the port. */
	dev_add_pack(&tap);
	KUNIT_EXPECT_EQ(test, pmode_exposure(ad), BIT(PMODE_EXPOSURE_PACKET_TAP));
	dev_remove_pack(&tap);
	KUNIT_EXPECT_EQ(test, pmode_exposure(ad), 0U);
	rcu_barrier();
}

static void pmode_adapter_follows_port(struct kunit *test)
{
	struct adapter_fixture *fx = test->priv;
	struct pmode_adapter *ad;
	struct pmode_net *pn;
	int err;

	ad = add(fx->dev[1], "vm-p", false, 0, &err);
	KUNIT_ASSERT_EQ(test, err, 0);
	pn = ad->pn;
	unregister_netdev(fx->dev[1]);
	rtnl_lock();
	KUNIT_EXPECT_NULL(test, pmode_adapter_find(pn, fx->dev[1]));
	rtnl_unlock();
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, pmode_adapter_find_rcu(pn, fx->dev[1]->ifindex));
	rcu_read_unlock();
	free_netdev(fx->dev[1]);
	fx->dev[1] = NULL;
	rcu_barrier();
}

struct race {
	struct adapter_fixture *fx;
	atomic_t frames, drops, changes;
};

/* Frames through the ports' netdev ingress hooks, as they arrive. */
static int race_judge(void *arg)
{
	static const u8 forged[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0f, 0x0f };
	struct race *r = arg;
	unsigned int n = 0;

	while (!kthread_should_stop()) {
		struct net_device *dev = r->fx->dev[n % NDEVS];
		const struct nf_hook_entries *e;
		struct nf_hook_state state;
		struct sk_buff *skb;
		struct ethhdr *eth;
		int ret;

		skb = alloc_skb(NET_SKB_PAD + 60, GFP_KERNEL);
		if (!skb)
			continue;
		skb_reserve(skb, NET_SKB_PAD);
		eth = skb_put_zero(skb, 60);
		eth_broadcast_addr(eth->h_dest);
		ether_addr_copy(eth->h_source, n & 1 ? forged : mac_a);
		eth->h_proto = htons(n & 2 ? ETH_P_ARP : ETH_P_IP);
		skb->protocol = eth_type_trans(skb, dev);
		nf_hook_state_init(&state, NF_NETDEV_INGRESS, NFPROTO_NETDEV, dev,
				   NULL, NULL, dev_net(dev), NULL);
		ret = 1;
		local_bh_disable();
		rcu_read_lock();
		e = rcu_dereference(dev->nf_hooks_ingress);
		if (e)
			ret = nf_hook_slow(skb, &state, e, 0);
		rcu_read_unlock();
		local_bh_enable();
		if (ret == 1)
			kfree_skb(skb);
		else
			atomic_inc(&r->drops);
		atomic_inc(&r->frames);
		if (!(++n % 16))
			cond_resched();
	}
	return 0;
}

/* Adapters added and removed, promisc toggled, MACs allowed and dropped. */
static int race_change(void *arg)
{
	static const u8 extra[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0e, 0x01 };
	struct race *r = arg;

	while (!kthread_should_stop()) {
		struct net_device *dev = r->fx->dev[get_random_u32_below(NDEVS)];
		struct pmode_adapter_params p = {
			.vm = get_random_u32_below(2) ? "vm-r1" : "vm-r2",
			.mac = mac_a, .has_network_id = true, .network_id = 1,
			.owner = INVALID_UID,
		};
		struct pmode_network net;
		struct pmode_adapter *ad;
		struct pmode_cfg *cfg;

		rtnl_lock();
		ad = pmode_adapter_find(pmode_net(dev_net(dev)), dev);
		switch (get_random_u32_below(4)) {
		case 0:
			if (!ad)
				pmode_adapter_create(dev, &p, NULL);
			else
				pmode_adapter_destroy(ad, PMODE_REASON_REQUEST);
			break;
		case 1:
		case 2:
			if (!ad)
				break;
			pmode_adapter_network(ad, 0, &net);
			if (ad->promisc)
				pmode_adapter_set_promisc(ad, false);
			else if (!pmode_adapter_check_promisc(ad, &net, NULL))
				pmode_adapter_set_promisc(ad, true);
			break;
		case 3:
			cfg = ad ? pmode_cfg_dup(ad) : NULL;
			if (!cfg)
				break;
			if (cfg->n_allowed)
				cfg->n_allowed = 0;
			else
				ether_addr_copy(cfg->allowed[cfg->n_allowed++], extra);
			pmode_adapter_publish(ad, cfg);
			break;
		}
		rtnl_unlock();
		atomic_inc(&r->changes);
		cond_resched();
	}
	return 0;
}

/* At most one promisc adapter per VM in network 1, read under RTNL. */
static int promisc_count(struct adapter_fixture *fx, const char *vm)
{
	int i, n = 0;

	for (i = 0; i < NDEVS; i++) {
		struct pmode_adapter *ad = pmode_adapter_find(pmode_net(&init_net),
							      fx->dev[i]);

		n += ad && ad->promisc && !strcmp(ad->vm, vm);
	}
	return n;
}

static void pmode_adapter_races(struct kunit *test)
{
	struct adapter_fixture *fx = test->priv;
	struct task_struct *t[4];
	unsigned long end = jiffies + 2 * HZ;
	struct race r = { .fx = fx };
	int i, worst = 0;

	for (i = 0; i < NDEVS; i++)
		KUNIT_ASSERT_PTR_EQ(test, dev_net(fx->dev[i]), &init_net);
	t[0] = kthread_run(race_judge, &r, "pmode-judge0");
	t[1] = kthread_run(race_judge, &r, "pmode-judge1");
	t[2] = kthread_run(race_change, &r, "pmode-change0");
	t[3] = kthread_run(race_change, &r, "pmode-change1");
	for (i = 0; i < ARRAY_SIZE(t); i++)
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
	while (time_before(jiffies, end)) {
		rtnl_lock();
		worst = max(worst, promisc_count(fx, "vm-r1"));
		worst = max(worst, promisc_count(fx, "vm-r2"));
		rtnl_unlock();
		msleep(20);
	}
	for (i = 0; i < ARRAY_SIZE(t); i++)
		kthread_stop(t[i]);
	kunit_info(test, "%d frames (%d dropped), %d changes\n",
		   atomic_read(&r.frames), atomic_read(&r.drops),
		   atomic_read(&r.changes));
	KUNIT_EXPECT_LE(test, worst, 1);
	KUNIT_EXPECT_GT(test, atomic_read(&r.frames), 100);
	KUNIT_EXPECT_GT(test, atomic_read(&r.changes), 100);
	KUNIT_EXPECT_GT(test, atomic_read(&r.drops), 0);
	rcu_barrier();
}

static struct kunit_case pmode_adapter_cases[] = {
	KUNIT_CASE(pmode_adapter_create_refusals),
	KUNIT_CASE(pmode_adapter_port_kinds),
	KUNIT_CASE(pmode_adapter_one_per_vm),
	KUNIT_CASE(pmode_adapter_mac_change),
	KUNIT_CASE(pmode_adapter_exposure),
	KUNIT_CASE(pmode_adapter_follows_port),
	KUNIT_CASE(pmode_adapter_races),
	{}
};

static struct kunit_suite pmode_adapter_suite = {
	.name = "pmode_adapter",
	.init = adapter_init,
	.exit = adapter_exit,
	.test_cases = pmode_adapter_cases,
};

kunit_test_suite(pmode_adapter_suite);
