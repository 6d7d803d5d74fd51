// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pmode's adapter table on real, registered net devices:
 * creation and its refusals, one-per-VM-per-network, configuration
 * updates, and the adapter following its port's unregistration.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "adapter.h"

static netdev_tx_t test_xmit(struct sk_buff *skb, struct net_device *dev)
{
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops test_ops = {
	.ndo_start_xmit = test_xmit,
};

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
		struct net_device *dev = alloc_etherdev(0);

		if (!dev)
			return -ENOMEM;
		dev->netdev_ops = &test_ops;
		eth_hw_addr_random(dev);
		if (register_netdev(dev)) {
			free_netdev(dev);
			return -ENODEV;
		}
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

static struct kunit_case pmode_adapter_cases[] = {
	KUNIT_CASE(pmode_adapter_create_refusals),
	KUNIT_CASE(pmode_adapter_one_per_vm),
	KUNIT_CASE(pmode_adapter_mac_change),
	KUNIT_CASE(pmode_adapter_follows_port),
	{}
};

static struct kunit_suite pmode_adapter_suite = {
	.name = "pmode_adapter",
	.init = adapter_init,
	.exit = adapter_exit,
	.test_cases = pmode_adapter_cases,
};

kunit_test_suite(pmode_adapter_suite);
