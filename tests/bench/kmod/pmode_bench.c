// SPDX-License-Identifier: GPL-2.0
/*
 * pmode_bench: the benchmark's in-kernel instruments. Not part of the
 * product; built and loaded only by tests/bench.
 *
 *   echo DEV > /sys/module/pmode_bench/parameters/null_hooks
 *	put a netdev ingress and an egress hook that accept everything on
 *	DEV (at pmode's priority): the floor of any netfilter-hook method.
 *	"-" takes them all off again.
 *   echo "DEV SRC DST ITERS" > /sys/module/pmode_bench/parameters/run
 *	time DEV's registered ingress hooks, ITERS times, on a 60-byte IPv4
 *	frame from SRC to DST as it arrives on DEV, then its egress hooks on
 *	the same frame as it leaves DEV; read the guest nanoseconds per
 *	frame of each, and the verdicts, from .../parameters/result.
 *
 * Under QEMU's -icount shift=0 a guest nanosecond is one instruction, so
 * the figures count instructions and repeat exactly.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#define BENCH_MAX_NULL	8

static char result[128];
module_param_string(result, result, sizeof(result), 0444);
MODULE_PARM_DESC(result, "Last run: ingress_ns egress_ns ingress_verdict egress_verdict");

/* The null hooks; changed only under the RTNL. */
static struct nf_hook_ops null_ops[BENCH_MAX_NULL][2];
static struct net_device *null_dev[BENCH_MAX_NULL];

static unsigned int null_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static void null_clear(void)
{
	int i;

	for (i = 0; i < BENCH_MAX_NULL; i++) {
		if (!null_dev[i])
			continue;
		nf_unregister_net_hooks(dev_net(null_dev[i]), null_ops[i], 2);
		dev_put(null_dev[i]);
		null_dev[i] = NULL;
	}
}

static int null_set(const char *val, const struct kernel_param *kp)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	int i, err;

	if (sscanf(val, "%15s", name) != 1)
		return -EINVAL;
	rtnl_lock();
	if (!strcmp(name, "-")) {
		null_clear();
		rtnl_unlock();
		return 0;
	}
	for (i = 0; i < BENCH_MAX_NULL && null_dev[i]; i++)
		;
	err = -ENOSPC;
	if (i == BENCH_MAX_NULL)
		goto out;
	err = -ENODEV;
	dev = dev_get_by_name(current->nsproxy->net_ns, name);
	if (!dev)
		goto out;
	null_ops[i][0] = (struct nf_hook_ops) {
		.hook = null_hook,
		.dev = dev,
		.pf = NFPROTO_NETDEV,
		.hooknum = NF_NETDEV_INGRESS,
		.priority = INT_MIN + 1,
	};
	null_ops[i][1] = null_ops[i][0];
	null_ops[i][1].hooknum = NF_NETDEV_EGRESS;
	err = nf_register_net_hooks(dev_net(dev), null_ops[i], 2);
	if (err)
		dev_put(dev);
	else
		null_dev[i] = dev;
out:
	rtnl_unlock();
	return err;
}

static const struct kernel_param_ops null_param_ops = {
	.set = null_set,
};
module_param_cb(null_hooks, &null_param_ops, NULL, 0200);
MODULE_PARM_DESC(null_hooks, "DEV: accept-all hooks on DEV; '-': remove them");

/* The hooks of @list run @iters times on @skb; guest ns per run. */
static u64 time_hooks(struct sk_buff *skb, struct net_device *dev, u8 hook,
		      struct nf_hook_entries __rcu **list, u32 iters,
		      int *verdict)
{
	const struct nf_hook_entries *e;
	struct nf_hook_state state;
	u64 start, loop;
	u32 i;
	int ret = 1;

	nf_hook_state_init(&state, hook, NFPROTO_NETDEV,
			   hook == NF_NETDEV_INGRESS ? dev : NULL,
			   hook == NF_NETDEV_EGRESS ? dev : NULL,
			   NULL, dev_net(dev), NULL);
	local_bh_disable();
	rcu_read_lock();
	/* The loop alone, taken off the figure below. */
	start = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		skb_get(skb);
		kfree_skb(skb);
	}
	loop = ktime_get_ns() - start;

	e = rcu_dereference(*list);
	start = ktime_get_ns();
	for (i = 0; e && i < iters; i++) {
		skb_get(skb);
		ret = nf_hook_slow(skb, &state, e, 0);
		if (ret == 1)
			kfree_skb(skb);
	}
	start = ktime_get_ns() - start;
	rcu_read_unlock();
	local_bh_enable();
	*verdict = ret == 1 ? NF_ACCEPT : NF_DROP;
	return e && start > loop ? div_u64(start - loop, iters) : 0;
}

static int run_set(const char *val, const struct kernel_param *kp)
{
	char name[IFNAMSIZ], src_s[18], dst_s[18];
	u8 src[ETH_ALEN], dst[ETH_ALEN];
	struct net_device *dev;
	int vin = -1, vout = -1;
	u64 in_ns = 0, out_ns = 0;
	struct sk_buff *skb;
	struct iphdr *iph;
	struct ethhdr *eth;
	u32 iters;

	if (sscanf(val, "%15s %17s %17s %u", name, src_s, dst_s, &iters) != 4 ||
	    !mac_pton(src_s, src) || !mac_pton(dst_s, dst) || !iters)
		return -EINVAL;
	dev = dev_get_by_name(current->nsproxy->net_ns, name);
	if (!dev)
		return -ENODEV;
	skb = alloc_skb(NET_SKB_PAD + 60, GFP_KERNEL);
	if (!skb) {
		dev_put(dev);
		return -ENOMEM;
	}
	skb_reserve(skb, NET_SKB_PAD);
	eth = skb_put_zero(skb, 60);
	ether_addr_copy(eth->h_dest, dst);
	ether_addr_copy(eth->h_source, src);
	eth->h_proto = htons(ETH_P_IP);
	iph = (struct iphdr *)(eth + 1);
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->tot_len = htons(46);
	iph->saddr = htonl(0x0a000001);
	iph->daddr = htonl(0x0a000002);

	/* As it arrives: data past the Ethernet header. */
	skb->protocol = eth_type_trans(skb, dev);
	in_ns = time_hooks(skb, dev, NF_NETDEV_INGRESS, &dev->nf_hooks_ingress,
			   iters, &vin);
	/* As it leaves: data at the Ethernet header. */
	skb_push(skb, ETH_HLEN);
	skb->dev = dev;
	out_ns = time_hooks(skb, dev, NF_NETDEV_EGRESS, &dev->nf_hooks_egress,
			    iters, &vout);
	kfree_skb(skb);
	dev_put(dev);
	snprintf(result, sizeof(result), "%llu %llu %s %s\n", in_ns, out_ns,
		 vin == NF_ACCEPT ? "accept" : "drop",
		 vout == NF_ACCEPT ? "accept" : "drop");
	return 0;
}

static const struct kernel_param_ops run_param_ops = {
	.set = run_set,
};
module_param_cb(run, &run_param_ops, NULL, 0200);
MODULE_PARM_DESC(run, "DEV SRC DST ITERS: time DEV's hooks on a frame");

static int __init pmode_bench_init(void)
{
	return 0;
}

static void __exit pmode_bench_exit(void)
{
	rtnl_lock();
	null_clear();
	rtnl_unlock();
}

module_init(pmode_bench_init);
module_exit(pmode_bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmode benchmark instruments (tests only)");
