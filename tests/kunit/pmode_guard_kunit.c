// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for guarded networks' state machine, on registered net
 * devices: a port joins and leaves a bridge (the kernel's own, built in:
 * br_add_if() and br_del_if(), as the ioctls and rtnetlink call them), gets an
 * adapter and loses it, while the network is guarded and unguarded, in
 * every order of those six events. After each step the port must be in
 * quarantine exactly when it is a VM port, on the network, the network is
 * guarded and the port has no adapter. A port of another kind (an uplink)
 * never is.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "adapter.h"
#include "guard.h"
#include "pmode_test_netdev.h"
#include "../bridge/br_private.h"

#define BRIDGE_NAME	"pmodekbr0"

/* What the guard knows a veth by: its link kind. */
static struct rtnl_link_ops fake_veth_ops = {
	.kind = "veth",
};

enum { EV_JOIN, EV_LEAVE, EV_REG, EV_UNREG, EV_GUARD, EV_UNGUARD, NEV };

static const char *const ev_names[NEV] = {
	"join", "leave", "register", "unregister", "guard", "unguard",
};

struct guard_fixture {
	struct net_device *net, *port;
	struct pmode_adapter *ad;
	bool vm, joined, guarded;
};

static int guard_init(struct kunit *test)
{
	struct guard_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	int err;

	if (!fx)
		return -ENOMEM;
	rtnl_lock();
	err = br_add_bridge(&init_net, BRIDGE_NAME);
	if (!err)
		fx->net = __dev_get_by_name(&init_net, BRIDGE_NAME);
	rtnl_unlock();
	test->priv = fx;
	return err;
}

static struct net_device *new_port(struct kunit *test, bool vm)
{
	struct net_device *dev = alloc_etherdev(0);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->netdev_ops = &pmode_test_netdev_ops;
	if (vm)
		dev->rtnl_link_ops = &fake_veth_ops;
	eth_hw_addr_random(dev);
	KUNIT_ASSERT_EQ(test, register_netdev(dev), 0);
	return dev;
}

static void free_port(struct net_device *dev)
{
	unregister_netdev(dev);
	free_netdev(dev);
}

static void guard_exit(struct kunit *test)
{
	struct guard_fixture *fx = test->priv;

	if (fx->port)
		free_port(fx->port);
	if (fx->net) {
		rtnl_lock();
		br_del_bridge(&init_net, BRIDGE_NAME);
		rtnl_unlock();
	}
	rcu_barrier();
}

static const u8 mac_q[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0b, 0x01 };

/* Apply event @ev if it makes sense in the state; return whether it did. */
static bool apply(struct kunit *test, struct guard_fixture *fx, int ev)
{
	struct pmode_adapter_params p = {
		.vm = "vm-q", .mac = mac_q, .owner = INVALID_UID,
	};
	int err = 0;

	rtnl_lock();
	switch (ev) {
	case EV_JOIN:
		if (fx->joined)
			goto skip;
		err = br_add_if(netdev_priv(fx->net), fx->port, NULL);
		fx->joined = !err;
		break;
	case EV_LEAVE:
		if (!fx->joined)
			goto skip;
		err = br_del_if(netdev_priv(fx->net), fx->port);
		fx->joined = false;
		break;
	case EV_REG:
		if (fx->ad)
			goto skip;
		fx->ad = pmode_adapter_create(fx->port, &p, NULL);
		if (IS_ERR(fx->ad)) {
			err = PTR_ERR(fx->ad);
			fx->ad = NULL;
			/* An uplink is no VM's port: it gets no adapter. */
			if (!fx->vm && err == -EOPNOTSUPP)
				goto skip;
			break;
		}
		/* As the request does (netlink.c). */
		pmode_guard_adapter_added(fx->port);
		break;
	case EV_UNREG:
		if (!fx->ad)
			goto skip;
		err = pmode_guard_adapter_removing(fx->port, NULL);
		if (!err) {
			pmode_adapter_destroy(fx->ad, PMODE_REASON_REQUEST);
			fx->ad = NULL;
		}
		break;
	case EV_GUARD:
		if (fx->guarded)
			goto skip;
		err = pmode_guard_add(fx->net, NULL);
		fx->guarded = !err;
		break;
	case EV_UNGUARD:
		if (!fx->guarded)
			goto skip;
		err = pmode_guard_remove(fx->net, NULL);
		fx->guarded = false;
		break;
	}
	rtnl_unlock();
	KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s failed", ev_names[ev]);
	return true;
skip:
	rtnl_unlock();
	return false;
}

static bool quarantined(struct net_device *dev)
{
	bool q;

	rtnl_lock();
	q = pmode_guard_quarantined(dev);
	rtnl_unlock();
	return q;
}

/* The next permutation of @a in lexicographic order; false after the last. */
static bool next_permutation(int *a, int n)
{
	int i = n - 2, j = n - 1, t;

	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	while (a[j] <= a[i])
		j--;
	t = a[i], a[i] = a[j], a[j] = t;
	for (i++, j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return true;
}

/*
 * Every order of the six events, from a fresh state each: after each
 * event the quarantine must be what the state says. Then everything is
 * undone, in the order a teardown would, and no quarantine may be left.
 */
static void run_orders(struct kunit *test, bool vm)
{
	struct guard_fixture *fx = test->priv;
	int order[NEV] = { 0, 1, 2, 3, 4, 5 };
	int i, n = 0, bad = 0;
	bool want, got;

	fx->vm = vm;
	fx->port = new_port(test, vm);
	do {
		char trail[128] = "";

		for (i = 0; i < NEV; i++) {
			if (apply(test, fx, order[i]))
				strlcat(trail, ev_names[order[i]], sizeof(trail));
			else
				strlcat(trail, "(skip)", sizeof(trail));
			strlcat(trail, " ", sizeof(trail));
			want = vm && fx->joined && fx->guarded && !fx->ad;
			got = quarantined(fx->port);
			if (got != want && bad++ < 5)
				KUNIT_FAIL(test, "after %s: quarantined %d, wanted %d",
					   trail, got, want);
		}
		/* Back to the start. */
		apply(test, fx, EV_UNREG);
		apply(test, fx, EV_LEAVE);
		apply(test, fx, EV_UNGUARD);
		KUNIT_EXPECT_FALSE(test, quarantined(fx->port));
		n++;
	} while (next_permutation(order, NEV));
	KUNIT_EXPECT_EQ(test, n, 720);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

static void pmode_guard_every_order_vm_port(struct kunit *test)
{
	run_orders(test, true);
}

static void pmode_guard_every_order_uplink(struct kunit *test)
{
	run_orders(test, false);
}

/* Deleting a quarantined port, or the guarded bridge, leaves nothing. */
static void pmode_guard_deletion(struct kunit *test)
{
	struct guard_fixture *fx = test->priv;
	struct net_device *other;

	fx->port = new_port(test, true);
	apply(test, fx, EV_GUARD);
	apply(test, fx, EV_JOIN);
	KUNIT_EXPECT_TRUE(test, quarantined(fx->port));
	free_port(fx->port);
	fx->port = NULL;
	fx->joined = false;

	/* Another VM port on the bridge; then the bridge goes. */
	other = new_port(test, true);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, br_add_if(netdev_priv(fx->net), other, NULL), 0);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, quarantined(other));
	rtnl_lock();
	br_del_bridge(&init_net, BRIDGE_NAME);
	rtnl_unlock();
	fx->net = NULL;
	KUNIT_EXPECT_FALSE(test, quarantined(other));
	/* A new bridge of the same name is not guarded. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, br_add_bridge(&init_net, BRIDGE_NAME), 0);
	fx->net = __dev_get_by_name(&init_net, BRIDGE_NAME);
	KUNIT_EXPECT_EQ(test, br_add_if(netdev_priv(fx->net), other, NULL), 0);
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, quarantined(other));
	free_port(other);
}

/* Refusals: twice, not guarded, a VM port as the network. */
static void pmode_guard_refusals(struct kunit *test)
{
	struct guard_fixture *fx = test->priv;

	fx->port = new_port(test, true);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, pmode_guard_remove(fx->net, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, pmode_guard_add(fx->net, NULL), 0);
	KUNIT_EXPECT_EQ(test, pmode_guard_add(fx->net, NULL), -EEXIST);
	KUNIT_EXPECT_EQ(test, pmode_guard_remove(fx->net, NULL), 0);
	rtnl_unlock();
}

static struct kunit_case pmode_guard_cases[] = {
	KUNIT_CASE(pmode_guard_every_order_vm_port),
	KUNIT_CASE(pmode_guard_every_order_uplink),
	KUNIT_CASE(pmode_guard_deletion),
	KUNIT_CASE(pmode_guard_refusals),
	{}
};

static struct kunit_suite pmode_guard_suite = {
	.name = "pmode_guard",
	.init = guard_init,
	.exit = guard_exit,
	.test_cases = pmode_guard_cases,
};

kunit_test_suite(pmode_guard_suite);
