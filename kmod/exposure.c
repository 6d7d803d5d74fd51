// SPDX-License-Identifier: GPL-2.0
/*
 * Exposure: what is attached to an adapter's port that runs where its
 * netfilter hooks cannot judge (enum pmode_exposure), read from the port's
 * net_device, and the watch that reports when that changes.
 *
 * Where each runs, in net/core/dev.c of 6.1 and 6.12: on receive,
 * __netif_receive_skb_core() runs generic XDP, then the packet taps
 * (ptype_all), then tc ingress (sch_handle_ingress()), and only then
 * nf_ingress(); native XDP runs in the driver, before all of it. On
 * transmit, __dev_queue_xmit() runs nf_hook_egress() first, then tc egress
 * (sch_handle_egress()).
 *
 * Nothing tells a module of tc or XDP changes (no notifier), so the
 * adapters of a namespace are looked at every exposure_interval seconds by
 * a delayed work, under RCU: a few pointer loads per adapter, nothing on
 * the data path. RTNL is taken only when an adapter's exposure changed,
 * to record it and send the event. Replies and dumps read it afresh.
 */
#include "exposure.h"
#include "adapter.h"
#include "compat.h"
#include "netlink.h"

#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/workqueue.h>

static unsigned int exposure_interval = 5;
module_param(exposure_interval, uint, 0644);
MODULE_PARM_DESC(exposure_interval,
		 "Seconds between looks for tc and XDP on adapters' ports (1-3600, default 5)");

static unsigned long interval(void)
{
	return clamp_t(unsigned long, READ_ONCE(exposure_interval), 1, 3600) * HZ;
}

/*
 * Whether an XDP program is attached in @mode. xdp_state is written under
 * RTNL; read without it, only whether it is NULL matters.
 */
static bool xdp_attached(const struct net_device *dev, enum bpf_xdp_mode mode)
{
	return READ_ONCE(dev->xdp_state[mode].prog) ||
	       READ_ONCE(dev->xdp_state[mode].link);
}

/**
 * pmode_exposure - what bypasses an adapter's hooks now
 * @ad: the adapter, under RCU or RTNL
 *
 * Return: bits 1 << enum pmode_exposure.
 */
u32 pmode_exposure(const struct pmode_adapter *ad)
{
	struct net_device *dev = ad->dev;
	u32 e = 0;

	rcu_read_lock();
	if (xdp_attached(dev, XDP_MODE_SKB))
		e |= BIT(PMODE_EXPOSURE_XDP_GENERIC);
	if (xdp_attached(dev, XDP_MODE_DRV) || xdp_attached(dev, XDP_MODE_HW))
		e |= BIT(PMODE_EXPOSURE_XDP_NATIVE);
	if (pmode_tc_attached(dev, true))
		e |= BIT(PMODE_EXPOSURE_TC_INGRESS);
	if (pmode_tc_attached(dev, false))
		e |= BIT(PMODE_EXPOSURE_TC_EGRESS);
	/* Taps on transmit run after the egress hook: only receive's count. */
	if (!ad->vm_above && !list_empty(&dev->ptype_all))
		e |= BIT(PMODE_EXPOSURE_PACKET_TAP);
	rcu_read_unlock();
	return e;
}

/* Under RTNL: record what changed and report it. */
static void report_changes(struct pmode_net *pn)
{
	struct pmode_adapter *ad;
	unsigned int bkt;
	u32 e;

	ASSERT_RTNL();
	hash_for_each(pn->by_ifindex, bkt, ad, index_node) {
		e = pmode_exposure(ad);
		if (e == ad->exposure)
			continue;
		WRITE_ONCE(ad->exposure, e);
		pmode_nl_notify_adapter(ad, PMODE_CMD_ADAPTER_SET,
					PMODE_REASON_EXPOSURE_CHANGED);
	}
}

static void exposure_work(struct work_struct *work)
{
	struct pmode_net *pn = container_of(to_delayed_work(work),
					    struct pmode_net, exposure_work);
	struct pmode_adapter *ad;
	bool changed = false;
	unsigned int bkt;

	rcu_read_lock();
	hash_for_each_rcu(pn->by_ifindex, bkt, ad, index_node)
		if (pmode_exposure(ad) != READ_ONCE(ad->exposure)) {
			changed = true;
			break;
		}
	rcu_read_unlock();

	if (changed) {
		rtnl_lock();
		report_changes(pn);
		rtnl_unlock();
	}
	/*
	 * Once the last adapter is gone it stops; pmode_exposure_watch()
	 * starts it again with the next one, so a stale count costs one look.
	 */
	if (READ_ONCE(pn->count))
		queue_delayed_work(system_power_efficient_wq, &pn->exposure_work,
				   interval());
}

void pmode_exposure_init(struct pmode_net *pn)
{
	INIT_DELAYED_WORK(&pn->exposure_work, exposure_work);
}

/* Under RTNL, when an adapter was added: the watch runs while any is left. */
void pmode_exposure_watch(struct pmode_net *pn)
{
	ASSERT_RTNL();
	queue_delayed_work(system_power_efficient_wq, &pn->exposure_work,
			   interval());
}

/* Without RTNL, once the namespace has no adapter left and gets none. */
void pmode_exposure_stop(struct pmode_net *pn)
{
	cancel_delayed_work_sync(&pn->exposure_work);
}
