/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the KUnit suites: a registered Ethernet device that swallows what it
 * is given to transmit. Its link kind is a tap's, the kind of port pmode
 * guards (a test may point it at another kind).
 */
#ifndef _PMODE_TEST_NETDEV_H
#define _PMODE_TEST_NETDEV_H

#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/rtnetlink.h>

static netdev_tx_t pmode_test_xmit(struct sk_buff *skb, struct net_device *dev)
{
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops pmode_test_netdev_ops = {
	.ndo_start_xmit = pmode_test_xmit,
};

static struct rtnl_link_ops pmode_test_link_ops __maybe_unused = {
	.kind = "tun",
};

static inline struct net_device *pmode_test_netdev_new(void)
{
	struct net_device *dev = alloc_etherdev(0);
	int err;

	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->netdev_ops = &pmode_test_netdev_ops;
	dev->rtnl_link_ops = &pmode_test_link_ops;
	eth_hw_addr_random(dev);
	err = register_netdev(dev);
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	return dev;
}

#endif /* _PMODE_TEST_NETDEV_H */
