// SPDX-License-Identifier: GPL-2.0
/*
 * pmode_bench: the benchmark's in-kernel instruments. Not part of the
 * product; built and loaded only by tests/bench.
 *
 *   echo DEV > /sys/module/pmode_bench/parameters/null_hooks
 *	put a netdev ingress and an egress hook that accept everything on
 *	DEV (at pmode's priority): the floor of any netfilter-hook method.
 *	"-" takes them all off again.
 *   echo "DEV SRC DST ITERS [KIND]" > /sys/module/pmode_bench/parameters/run
 *	time DEV's registered ingress hooks, ITERS times, on a frame of KIND
 *	from SRC to DST as it arrives on DEV, then its egress hooks on the
 *	same frame as it leaves DEV; read the guest nanoseconds per frame of
 *	each, and the verdicts, from .../parameters/result. KIND (default
 *	ip4): ip4 (UDP over IPv4, 60 bytes), ip6 (UDP over IPv6, no
 *	extension headers), vlan4 and vlan6 (the same in an 802.1Q tag),
 *	qinq4 and qinq6 (in an 802.1ad tag and an 802.1Q one), ns and na
 *	(IPv6 neighbour solicitation with a source link-layer option SRC,
 *	advertisement with a target link-layer option SRC), nsx (a
 *	solicitation whose option names DST: forged).
 *
 *	On ingress the frame is laid out as __netif_receive_skb_core() hands
 *	it to the hook: data after the Ethernet header, the outer VLAN tag
 *	moved out of the data (skb_vlan_untag()); on egress the data is at
 *	the Ethernet header, the tag still out, as the bridge forwards it.
 *
 * Under QEMU's -icount shift=0 a guest nanosecond is one instruction, so
 * the figures count instructions and repeat exactly.
 */
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/ndisc.h>

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

#define BENCH_FRAME_MAX	128

/* Append @len bytes of @p at @f + *@at. */
static void put(u8 *f, unsigned int *at, const void *p, unsigned int len)
{
	memcpy(f + *at, p, len);
	*at += len;
}

static void put16(u8 *f, unsigned int *at, u16 v)
{
	__be16 b = htons(v);

	put(f, at, &b, sizeof(b));
}

/* An IPv6 header for @len bytes of payload of @nexthdr, fe80::a to ::b. */
static void put_ipv6(u8 *f, unsigned int *at, u8 nexthdr, u16 len, u8 hops)
{
	struct ipv6hdr ip6 = {
		.version = 6,
		.payload_len = htons(len),
		.nexthdr = nexthdr,
		.hop_limit = hops,
	};

	ip6.saddr.s6_addr[0] = 0xfe;
	ip6.saddr.s6_addr[1] = 0x80;
	ip6.saddr.s6_addr[15] = 0x0a;
	ip6.daddr = ip6.saddr;
	ip6.daddr.s6_addr[15] = 0x0b;
	put(f, at, &ip6, sizeof(ip6));
}

/*
 * The frame of @kind from @src to @dst as it is on the wire, tags in it
 * and no FCS, into @f: its length, or 0 for an unknown kind.
 */
static unsigned int build_frame(u8 *f, const char *kind, const u8 *src,
				const u8 *dst)
{
	bool v6, nd, tag, qinq;
	unsigned int at = 0;

	nd = !strcmp(kind, "ns") || !strcmp(kind, "na") || !strcmp(kind, "nsx");
	qinq = !strncmp(kind, "qinq", 4);
	tag = qinq || !strncmp(kind, "vlan", 4);
	v6 = nd || !strcmp(kind, "ip6") || !strcmp(kind, "vlan6") ||
	     !strcmp(kind, "qinq6");
	if (!nd && !v6 && strcmp(kind, "ip4") && strcmp(kind, "vlan4") &&
	    strcmp(kind, "qinq4"))
		return 0;

	memset(f, 0, BENCH_FRAME_MAX);
	put(f, &at, dst, ETH_ALEN);
	put(f, &at, src, ETH_ALEN);
	if (qinq) {
		put16(f, &at, ETH_P_8021AD);
		put16(f, &at, 100);
	}
	if (tag) {
		put16(f, &at, ETH_P_8021Q);
		put16(f, &at, 10);
	}
	put16(f, &at, v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (!v6) {
		struct iphdr ip = {
			.version = 4,
			.ihl = 5,
			.ttl = 64,
			.protocol = IPPROTO_UDP,
			.tot_len = htons(46),
			.saddr = htonl(0x0a000001),
			.daddr = htonl(0x0a000002),
		};

		put(f, &at, &ip, sizeof(ip));
	} else if (!nd) {
		struct udphdr udp = {
			.source = htons(9),
			.dest = htons(9),
			.len = htons(18),
		};

		put_ipv6(f, &at, IPPROTO_UDP, 18, 64);
		put(f, &at, &udp, sizeof(udp));
		at += 10;
	} else {
		bool ns = kind[1] == 's';
		struct icmp6hdr icmp = {
			.icmp6_type = ns ? NDISC_NEIGHBOUR_SOLICITATION :
					   NDISC_NEIGHBOUR_ADVERTISEMENT,
		};
		struct in6_addr target = {};
		u8 opt[2] = { ns ? ND_OPT_SOURCE_LL_ADDR : ND_OPT_TARGET_LL_ADDR,
			      1 };

		if (!ns) {
			icmp.icmp6_solicited = 1;
			icmp.icmp6_override = 1;
		}
		target.s6_addr[0] = 0xfe;
		target.s6_addr[1] = 0x80;
		target.s6_addr[15] = ns ? 0x0b : 0x0a;
		put_ipv6(f, &at, IPPROTO_ICMPV6,
			 sizeof(icmp) + sizeof(target) + 8, 255);
		put(f, &at, &icmp, sizeof(icmp));
		put(f, &at, &target, sizeof(target));
		put(f, &at, opt, sizeof(opt));
		/* nsx: a forged option, naming the destination */
		put(f, &at, kind[2] == 'x' ? dst : src, ETH_ALEN);
	}
	/* The least Ethernet frame: 60 bytes, and any tags on top. */
	return max(at, 60U + (tag ? VLAN_HLEN : 0) + (qinq ? VLAN_HLEN : 0));
}

static int run_set(const char *val, const struct kernel_param *kp)
{
	char name[IFNAMSIZ], src_s[18], dst_s[18], kind[8] = "ip4";
	u8 src[ETH_ALEN], dst[ETH_ALEN], frame[BENCH_FRAME_MAX];
	struct net_device *dev;
	int vin = -1, vout = -1;
	u64 in_ns = 0, out_ns = 0;
	struct sk_buff *skb;
	unsigned int len;
	u32 iters;

	if (sscanf(val, "%15s %17s %17s %u %7s", name, src_s, dst_s, &iters,
		   kind) < 4 ||
	    !mac_pton(src_s, src) || !mac_pton(dst_s, dst) || !iters)
		return -EINVAL;
	len = build_frame(frame, kind, src, dst);
	if (!len)
		return -EINVAL;
	dev = dev_get_by_name(current->nsproxy->net_ns, name);
	if (!dev)
		return -ENODEV;
	skb = alloc_skb(NET_SKB_PAD + len, GFP_KERNEL);
	if (!skb) {
		dev_put(dev);
		return -ENOMEM;
	}
	skb_reserve(skb, NET_SKB_PAD);
	skb_put_data(skb, frame, len);

	/* As it arrives: data past the Ethernet header, the outer tag out. */
	skb->protocol = eth_type_trans(skb, dev);
	if (eth_type_vlan(skb->protocol)) {
		skb = skb_vlan_untag(skb);
		if (!skb) {
			dev_put(dev);
			return -ENOMEM;
		}
	}
	/* As __netif_receive_skb_core() leaves them for nftables. */
	skb_reset_network_header(skb);
	skb_reset_transport_header(skb);
	skb_reset_mac_len(skb);
	in_ns = time_hooks(skb, dev, NF_NETDEV_INGRESS, &dev->nf_hooks_ingress,
			   iters, &vin);
	/* As it leaves: data at the Ethernet header. */
	skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
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
MODULE_PARM_DESC(run, "DEV SRC DST ITERS [KIND]: time DEV's hooks on a frame");

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
