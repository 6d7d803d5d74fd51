// SPDX-License-Identifier: GPL-2.0
/*
 * pmode_hold: an instrument of the VM tests, never loaded anywhere else.
 *
 * It holds one frame received by one device for a while, in the netfilter
 * ingress hooks of that device: after __netif_receive_skb_core() has read
 * which hooks to run, before it reads the device's rx_handler (a bridge's,
 * OVS's). On a real CPU that window lasts a few instructions, or as long
 * as an interrupt, a preempted vCPU or a preempted softirq thread keep the
 * CPU away; held open here, it shows whether a frame that entered a port
 * before the port joined a network can leave through that network. The
 * device needs a netdev ingress hook of its own (an nftables chain) for
 * nf_hook_slow() to run at all.
 *
 * Parameters, in /sys/module/pmode_hold/parameters/:
 *   ifindex  the device
 *   proto    the EtherType of the frame to hold (default 0x88b5, the
 *            tests' own frames: not a neighbour solicitation that happens
 *            to come first)
 *   ms       how long to hold (default 3000)
 *   armed    write 1 to hold the next frame; it turns 0 on that frame
 *   holding  1 while the frame is held
 */
#include <linux/delay.h>
#include <linux/if_ether.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>

static int ifindex;
module_param(ifindex, int, 0644);
MODULE_PARM_DESC(ifindex, "the device whose received frame is held");

static ushort proto = ETH_P_802_EX1;
module_param(proto, ushort, 0644);
MODULE_PARM_DESC(proto, "the EtherType of the frame to hold");

static unsigned int ms = 3000;
module_param(ms, uint, 0644);
MODULE_PARM_DESC(ms, "how long, in milliseconds");

static int armed;
module_param(armed, int, 0644);
MODULE_PARM_DESC(armed, "1: hold the next frame (then 0)");

static int holding;
module_param(holding, int, 0444);
MODULE_PARM_DESC(holding, "1 while a frame is held");

/* nf_hook_slow(skb, state, entries, index), entered with RCU held. */
static int hold(struct kprobe *p, struct pt_regs *regs)
{
	struct sk_buff *skb = (void *)regs_get_kernel_argument(regs, 0);
	struct nf_hook_state *state = (void *)regs_get_kernel_argument(regs, 1);

	if (state->pf != NFPROTO_NETDEV || state->hook != NF_NETDEV_INGRESS ||
	    !skb->dev || skb->dev->ifindex != READ_ONCE(ifindex) ||
	    skb->protocol != htons(READ_ONCE(proto)))
		return 0;
	if (cmpxchg(&armed, 1, 0) != 1)
		return 0;
	WRITE_ONCE(holding, 1);
	mdelay(READ_ONCE(ms));
	WRITE_ONCE(holding, 0);
	return 0;
}

static struct kprobe hold_probe = {
	.symbol_name = "nf_hook_slow",
	.pre_handler = hold,
};

static int __init pmode_hold_init(void)
{
	return register_kprobe(&hold_probe);
}

static void __exit pmode_hold_exit(void)
{
	unregister_kprobe(&hold_probe);
}

module_init(pmode_hold_init);
module_exit(pmode_hold_exit);
MODULE_DESCRIPTION("pmode's VM tests: hold a received frame in a device's ingress hooks");
MODULE_LICENSE("GPL");
