// SPDX-License-Identifier: GPL-2.0
/*
 * The data path. Each adapter places two netdev-family netfilter hooks on
 * its own port, and on no other device:
 *
 *   ingress: frames arriving at the port from the VM (what it transmits)
 *   egress:  frames leaving the port towards the VM (what it receives)
 *
 * or the other way round on a port the VM sits above (macvlan, macvtap).
 *
 * The hook's private pointer is the adapter, so a frame costs no lookup and
 * the cost does not depend on how many adapters exist. Devices without an
 * adapter carry no hook and pay nothing beyond the core's own check for one.
 * Hooks run under RCU in softirq context, or with BH disabled on egress;
 * they take no lock and write only per-CPU counters, except when a
 * promiscuous adapter transmits from a MAC it has not used before.
 */
#include "hooks.h"
#include "adapter.h"
#include "learn.h"
#include "netlink.h"
#include "verdict.h"

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
};

/*
 * A VM's violation: counted always; reported to listeners at most once a
 * second per adapter, with the number of reports held back since and the
 * first bytes of the frame.
 */
static void violation(struct pmode_adapter *ad, int reason, const u8 *mac,
		      const struct sk_buff *skb)
{
	unsigned long now = jiffies, last = READ_ONCE(ad->violation_at);

	if ((last && time_before(now, last + HZ)) ||
	    cmpxchg(&ad->violation_at, last, now) != last) {
		atomic_inc(&ad->violations_suppressed);
		return;
	}
	pmode_nl_notify_violation(ad, reason, mac, skb,
				  atomic_xchg(&ad->violations_suppressed, 0));
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

/* Frames the inline checks did not pass: judged in full. */
static noinline unsigned int pmode_tx_judge(struct pmode_adapter *ad,
					    const struct pmode_cfg *cfg,
					    struct sk_buff *skb)
{
	bool promisc = READ_ONCE(ad->promisc);
	const u8 *offender;
	u8 buf[ETH_ALEN] __aligned(2);
	int verdict;

	verdict = pmode_judge_tx(skb, cfg, promisc, &offender, buf);
	if (verdict == PMODE_PASS)
		return NF_ACCEPT;
	if (verdict == PMODE_PASS_PROMISC) {
		pmode_stats_add(ad, PMODE_STAT_PROMISC_TX);
		pmode_learn_note(&ad->learn, offender);
		return NF_ACCEPT;
	}
	pmode_stats_add(ad, verdict);
	violation(ad, verdict, offender, skb);
	return NF_DROP;
}

static noinline unsigned int pmode_rx_judge(struct pmode_adapter *ad,
					    const struct pmode_cfg *cfg,
					    struct sk_buff *skb)
{
	int verdict;

	verdict = pmode_judge_rx(skb, cfg, READ_ONCE(ad->promisc), &ad->learn);
	if (verdict == PMODE_PASS)
		return NF_ACCEPT;
	if (verdict == PMODE_PASS_PROMISC) {
		pmode_stats_add(ad, PMODE_STAT_PROMISC_RX);
		return NF_ACCEPT;
	}
	/* Not the VM's doing: counted, never reported as a violation. */
	pmode_stats_add(ad, verdict);
	return NF_DROP;
}

/*
 * The hooks themselves stay small: the common frame costs a pointer load
 * and two compares (see tests/bench for the figures).
 */
static unsigned int pmode_tx_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct pmode_adapter *ad = priv;
	const struct pmode_cfg *cfg = rcu_dereference(ad->cfg);

	if (likely(pmode_tx_fast(skb, cfg->mac)))
		return NF_ACCEPT;
	return pmode_tx_judge(ad, cfg, skb);
}

static unsigned int pmode_rx_hook(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct pmode_adapter *ad = priv;
	const struct pmode_cfg *cfg = rcu_dereference(ad->cfg);

	if (likely(pmode_rx_fast(skb, cfg->mac)))
		return NF_ACCEPT;
	return pmode_rx_judge(ad, cfg, skb);
}

/*
 * For a port whose VM sits above it (macvlan, macvtap: what the VM sends is
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
