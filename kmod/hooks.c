// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: the two netfilter hooks an adapter places on its port, and
 * the dry run (PMODE_CMD_ADAPTER_CHECK) that judges a frame as they would.
 *
 * A hook's private pointer is its adapter: a frame costs no lookup. Hooks
 * run under RCU, in softirq or with BH disabled; a genuine frame's path
 * stores nothing, a dropped or promiscuous frame's writes per-CPU counters,
 * and nothing else but what is rate-limited or bounded (see "Stores" above
 * pmode_tx_hook()).
 */
#include "hooks.h"
#include "adapter.h"
#include "learn.h"
#include "netlink.h"
#include "verdict.h"

#include <linux/if_vlan.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>

static bool log_violations;
module_param(log_violations, bool, 0644);
MODULE_PARM_DESC(log_violations,
		 "Log forged frames to the kernel log, rate-limited (default off)");

/* Before anything else on the port: a forged frame never gets further. */
#define PMODE_HOOK_PRIORITY	(INT_MIN + 1)

static const char *const reason_names[__PMODE_DROP_MAX] = {
	[PMODE_DROP_INVALID_SRC] = "invalid source MAC",
	[PMODE_DROP_FORGED_SRC] = "forged source MAC",
	[PMODE_DROP_FORGED_ARP] = "forged ARP sender MAC",
	[PMODE_DROP_FORGED_ND] = "forged ND link-layer address",
	[PMODE_DROP_FOREIGN_DST] = "unicast to another MAC",
	[PMODE_DROP_MALFORMED] = "malformed frame",
	[PMODE_DROP_FORGED_DHCP] = "forged DHCP client MAC",
	[PMODE_DROP_QUARANTINED] = "quarantined",
};

/*
 * One more frame for counter @stat, on this CPU's copy, and one more
 * violation of the VM's if @violation: the hooks take no lock and share no
 * cache line. pmode_stats_read() sums the copies.
 */
static inline void stats_add(struct pmode_adapter *ad, unsigned int stat,
			     bool violation)
{
	struct pmode_pcpu_stats *s = this_cpu_ptr(ad->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->cnt[stat]);
	if (violation)
		u64_stats_inc(&s->violations);
	u64_stats_update_end(&s->syncp);
}

/* The violations counted so far, on every CPU: a sum, as of no instant. */
static u64 violations_read(const struct pmode_adapter *ad)
{
	unsigned int cpu, start;
	u64 sum = 0, v;

	for_each_possible_cpu(cpu) {
		const struct pmode_pcpu_stats *s = per_cpu_ptr(ad->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->violations);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum += v;
	}
	return sum;
}

/*
 * A VM's violation, counted already (stats_add()): reported to listeners at
 * most once a second per adapter, with the number of violations held back
 * since the last report and the first bytes of the frame. A flood of
 * forged frames so writes no shared cache line but once a second: the
 * number held back is a sum of per-CPU counters, taken by the report, not a
 * shared counter every frame would bump.
 */
static void violation(struct pmode_adapter *ad, int reason, const u8 *mac,
		      const struct sk_buff *skb)
{
	unsigned long now = jiffies, last = READ_ONCE(ad->violation_at);
	u64 total, before;

	if ((last && time_before(now, last + HZ)) ||
	    cmpxchg(&ad->violation_at, last, now) != last)
		return;
	/*
	 * Once a second. Violations counted meanwhile on other CPUs are held
	 * back from this report or from the next, not from both (atomic64_xchg()
	 * hands each report's sum to the next); this one is not held back.
	 */
	total = violations_read(ad);
	before = atomic64_xchg(&ad->violations_reported, total);
	pmode_nl_notify_violation(ad, reason, mac, skb,
				  total > before ?
				  min_t(u64, total - before - 1, U32_MAX) : 0);
	if (!READ_ONCE(log_violations))
		return;
	/* VM ids are printable, checked at registration; escaped anyway. */
	if (mac)
		net_info_ratelimited("%s: VM %*pE: %s %pM dropped\n",
				     ad->dev->name, (int)strlen(ad->vm), ad->vm,
				     reason_names[reason], mac);
	else
		net_info_ratelimited("%s: VM %*pE: %s dropped\n",
				     ad->dev->name, (int)strlen(ad->vm), ad->vm,
				     reason_names[reason]);
}

/* The MAC a verdict was given for: a pointer, and room it may point into. */
struct offender {
	const u8 *mac;
	u8 buf[ETH_ALEN] __aligned(2);
};

/*
 * Frames the inline checks did not pass: judged in full.
 *
 * A pass must rest on bytes the frame owns. Those in its page fragments may
 * still be the sender's to write: a packet socket's transmit ring maps them
 * into its user's memory, zero-copy transmission leaves them in a VM's, and
 * veth hands them on as they are. Read there now and by a receiver later,
 * they could say one thing to pmode and another to the receiver's ARP or
 * ND. So judged bytes past the linear data are pulled into it, a copy no
 * one else writes, and the frame is judged again on the copy.
 */
static noinline int judge_tx(const struct pmode_adapter *ad,
			     const struct pmode_cfg *cfg,
			     struct sk_buff *skb, struct offender *o)
{
	bool promisc = READ_ONCE(ad->promisc);
	int verdict, reach;

	verdict = pmode_judge_tx(skb, cfg, promisc, &o->mac, o->buf, &reach);
	if (verdict != PMODE_PASS || reach <= (int)skb_headlen(skb))
		return verdict;
	if (!pskb_may_pull(skb, reach))
		return PMODE_DROP_MALFORMED;
	verdict = pmode_judge_tx(skb, cfg, promisc, &o->mac, o->buf, &reach);
	/* Judged on what changed under the first look: reaching further. */
	if (verdict == PMODE_PASS && reach > (int)skb_headlen(skb))
		return PMODE_DROP_MALFORMED;
	return verdict;
}

static noinline int judge_rx(struct pmode_adapter *ad,
			     const struct pmode_cfg *cfg,
			     const struct sk_buff *skb, struct offender *o)
{
	int verdict;

	verdict = pmode_judge_rx(skb, cfg, READ_ONCE(ad->promisc), &ad->learn);
	/* A delivery is judged by its destination: that is the MAC in question. */
	o->mac = NULL;
	if (verdict != PMODE_PASS && verdict != PMODE_DROP_MALFORMED)
		o->mac = skb_header_pointer(skb, skb_mac_offset(skb), ETH_ALEN,
					    o->buf);
	return verdict;
}

/*
 * The verdict on a frame the inline check did not pass: the full
 * judgement. The hooks act on it and the dry run (pmode_hooks_check())
 * reports it, both after the same inline check, so the two cannot
 * disagree. Nothing here has an effect but on the frame's layout
 * (judge_tx()); acting is the caller's.
 * Under RCU. @o->mac is set unless the verdict is %PMODE_PASS.
 */
static __always_inline int frame_judge(struct pmode_adapter *ad,
				       const struct pmode_cfg *cfg,
				       struct sk_buff *skb, bool from_vm,
				       struct offender *o)
{
	if (from_vm)
		return judge_tx(ad, cfg, skb, o);
	return judge_rx(ad, cfg, skb, o);
}

/* The inline check: does it pass the frame? */
static __always_inline bool frame_fast(const struct pmode_cfg *cfg,
				       const struct sk_buff *skb, bool from_vm)
{
	if (from_vm)
		return pmode_tx_fast(skb, cfg->mac);
	return pmode_rx_fast(skb, cfg->mac);
}

/* What the VM transmits and the hook does not simply accept. */
static noinline unsigned int tx_act(struct pmode_adapter *ad,
				    struct sk_buff *skb, int verdict,
				    const u8 *offender)
{
	if (verdict == PMODE_PASS_PROMISC) {
		stats_add(ad, PMODE_STAT_PROMISC_TX, false);
		pmode_learn_note(&ad->learn, offender);
		return NF_ACCEPT;
	}
	stats_add(ad, verdict, true);
	violation(ad, verdict, offender, skb);
	return NF_DROP;
}

static noinline unsigned int rx_act(struct pmode_adapter *ad, int verdict)
{
	if (verdict == PMODE_PASS_PROMISC) {
		stats_add(ad, PMODE_STAT_PROMISC_RX, false);
		return NF_ACCEPT;
	}
	/* Not the VM's doing: counted, never reported as a violation. */
	stats_add(ad, verdict, false);
	return NF_DROP;
}

/*
 * The hooks run under RCU, in softirq context or with BH disabled. They take
 * no lock (but pmode_learn_note()'s on a new MAC) and stay small: the common
 * frame costs a pointer load and a few compares (see tests/bench for the
 * figures).
 *
 * Stores. With several CPUs passing frames through one port, a store to a
 * cache line another CPU also writes, or reads on every frame, moves that
 * line between them on every frame. So here is every store the hooks make
 * to memory other than their own stack and the skb they were handed (which
 * is this CPU's while the hook runs; judge_tx()'s pskb_may_pull() writes
 * only that skb and a copy of its data):
 *
 * Pass path, genuine frames (PMODE_PASS; pmode_tx_fast(), pmode_rx_fast(),
 * and for the frames they leave, tx_slow(), rx_slow(), judge_tx(),
 * judge_rx(), pmode_judge_tx(), pmode_judge_rx() and what they call in
 * verdict.c): none, but on the stack of the out-of-line part. They read
 * @ad->cfg, @ad->promisc (written under RTNL only) and the frame;
 * pmode_learn_lookup() reads the learned table.
 *
 * Promiscuous pass (PMODE_PASS_PROMISC), tx_act() and rx_act():
 *  - stats_add(): this CPU's struct pmode_pcpu_stats (per-CPU memory, no
 *    other CPU writes it; u64_stats_update_begin() is a no-op on 64-bit
 *    and writes this CPU's own seqcount on 32-bit);
 *  - pmode_learn_note(), a known MAC: its entry's @seen, at most once a
 *    jiffy (only when it differs from jiffies), on the entry's own line
 *    (a slab object of its own): rate-limited, not per frame;
 *  - pmode_learn_note(), a MAC not seen before: the table's lock, @count
 *    and a bucket, once per new MAC, bounded by PMODE_MAX_LEARNED per
 *    ageing period; when the table is full, nothing (the lockless check
 *    refuses before the lock) but for a sweep at most once a second.
 *
 * Forged-frame flood (a drop, tx_act()):
 *  - stats_add(): this CPU's counters, the reason's and @violations;
 *  - violation(): reads @ad->violation_at (a line of its own, away from
 *    @ad->cfg) and returns, but at most once a second per adapter, when
 *    one CPU wins the cmpxchg() on @ad->violation_at, swaps the sum into
 *    @ad->violations_reported (the same line), and sends the event (an
 *    skb of its own, netlink's multicast).
 *
 * Deliveries dropped (rx_act()): stats_add() on this CPU's counters only.
 * The dry run (pmode_hooks_check()) stores nothing but into its own skb.
 */
/*
 * Frames the inline check did not pass, out of line: the hooks themselves
 * keep no frame on the stack (struct offender's buffer would bring the
 * stack protector's canary, and its zeroing, to every frame).
 */
static noinline unsigned int tx_slow(struct pmode_adapter *ad,
				     const struct pmode_cfg *cfg,
				     struct sk_buff *skb)
{
	struct offender o;
	int verdict;

	verdict = frame_judge(ad, cfg, skb, true, &o);
	if (likely(verdict == PMODE_PASS))
		return NF_ACCEPT;
	return tx_act(ad, skb, verdict, o.mac);
}

static noinline unsigned int rx_slow(struct pmode_adapter *ad,
				     const struct pmode_cfg *cfg,
				     struct sk_buff *skb)
{
	struct offender o;
	int verdict;

	verdict = frame_judge(ad, cfg, skb, false, &o);
	if (likely(verdict == PMODE_PASS))
		return NF_ACCEPT;
	return rx_act(ad, verdict);
}

static unsigned int pmode_tx_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct pmode_adapter *ad = priv;
	const struct pmode_cfg *cfg = rcu_dereference(ad->cfg);

	if (likely(frame_fast(cfg, skb, true)))
		return NF_ACCEPT;
	return tx_slow(ad, cfg, skb);
}

static unsigned int pmode_rx_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct pmode_adapter *ad = priv;
	const struct pmode_cfg *cfg = rcu_dereference(ad->cfg);

	if (likely(frame_fast(cfg, skb, false)))
		return NF_ACCEPT;
	return rx_slow(ad, cfg, skb);
}

/**
 * pmode_hooks_frame - a frame given as bytes, in an skb of its own
 * @data: the frame from its destination MAC on, VLAN tags in it, no FCS
 * @len: its length, which the caller has bounded
 *
 * The skb is charged to the caller's memory cgroup, and laid out as on
 * egress (the data at the MAC header) until pmode_hooks_check() lays it
 * out as the hook that would judge it sees it.
 *
 * Return: the skb, or NULL without memory.
 */
struct sk_buff *pmode_hooks_frame(const u8 *data, unsigned int len)
{
	struct sk_buff *skb = alloc_skb(NET_SKB_PAD + len, GFP_KERNEL_ACCOUNT);

	if (!skb)
		return NULL;
	skb_reserve(skb, NET_SKB_PAD);
	skb_put_data(skb, data, len);
	skb_reset_mac_header(skb);
	skb_reset_network_header(skb);
	return skb;
}

/*
 * Lay a frame out as the ingress hook sees it: as eth_type_trans() leaves
 * it, the data after the Ethernet header, and with an outer VLAN tag moved
 * out of the data, as __netif_receive_skb_core() does before the hook. A
 * tag too short to move stays in the data (the stack would drop the frame
 * before the hook; judged as it stands, it is malformed or harmless).
 * skb_vlan_untag() allocates nothing for an skb nobody else holds.
 * Return: the skb, or NULL if it was freed.
 */
static struct sk_buff *ingress_layout(struct sk_buff *skb)
{
	skb->protocol = eth_hdr(skb)->h_proto;
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	if (eth_type_vlan(skb->protocol) && skb->len >= VLAN_HLEN + 2)
		skb = skb_vlan_untag(skb);
	return skb;
}

/**
 * pmode_hooks_check - the verdict the hooks would give a frame, with no effect
 * @ad: the adapter, under RCU
 * @skbp: the frame from pmode_hooks_frame(); may be replaced, or freed and
 *	set to NULL (then the result is -ENOMEM)
 * @from_vm: judge it as the VM's transmission, else as a delivery to it
 * @offender: receives the MAC the verdict was given for, if any
 * @has_offender: set to whether it did
 *
 * Calls what the hooks call, frame_fast() then frame_judge(), on the frame
 * laid out as the hook of that direction sees it; counts nothing, learns
 * nothing, reports nothing.
 *
 * Return: the verdict (a drop reason, %PMODE_PASS or %PMODE_PASS_PROMISC),
 * or -ENOMEM.
 */
int pmode_hooks_check(struct pmode_adapter *ad, struct sk_buff **skbp,
		      bool from_vm, u8 *offender, bool *has_offender)
{
	struct offender o = { .mac = NULL };
	const struct pmode_cfg *cfg;
	int verdict;

	*has_offender = false;
	/* Which hook judges it: see pmode_hooks_register(). */
	if (from_vm != ad->vm_above) {
		*skbp = ingress_layout(*skbp);
		if (!*skbp)
			return -ENOMEM;
	}
	cfg = rcu_dereference(ad->cfg);
	if (frame_fast(cfg, *skbp, from_vm))
		return PMODE_PASS;
	verdict = frame_judge(ad, cfg, *skbp, from_vm, &o);
	if (verdict != PMODE_PASS && o.mac) {
		memcpy(offender, o.mac, ETH_ALEN);
		*has_offender = true;
	}
	return verdict;
}

/*
 * For a port whose VM sits above it (a macvtap: what the VM sends is
 * the port's transmit, what it receives arrives at the port), the two
 * hooks trade places.
 */
int pmode_hooks_register(struct pmode_adapter *ad)
{
	struct nf_hook_ops *ops = ad->hook_ops;

	ops[0] = (struct nf_hook_ops) {
		.hook = pmode_tx_hook,
		.priv = ad,
		.dev = ad->dev,
		.pf = NFPROTO_NETDEV,
		.hooknum = ad->vm_above ? NF_NETDEV_EGRESS : NF_NETDEV_INGRESS,
		.priority = PMODE_HOOK_PRIORITY,
	};
	ops[1] = ops[0];
	ops[1].hook = pmode_rx_hook;
	ops[1].hooknum = ad->vm_above ? NF_NETDEV_INGRESS : NF_NETDEV_EGRESS;
	return nf_register_net_hooks(dev_net(ad->dev), ops,
				     ARRAY_SIZE(ad->hook_ops));
}

/* The hooks may still run on other CPUs until a grace period has passed. */
void pmode_hooks_unregister(struct pmode_adapter *ad)
{
	nf_unregister_net_hooks(dev_net(ad->dev), ad->hook_ops,
				ARRAY_SIZE(ad->hook_ops));
}
