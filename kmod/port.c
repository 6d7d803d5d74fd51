// SPDX-License-Identifier: GPL-2.0
/*
 * Following ports: an adapter goes with its port's deletion or namespace
 * move; a master change that would break one-per-VM-per-network is refused.
 */
#include "port.h"
#include "adapter.h"
#include "compat.h"
#include "netlink.h"

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/net_namespace.h>

enum pmode_reason pmode_port_unregister_reason(const struct net_device *dev)
{
	if (!check_net(dev_net(dev)))
		return PMODE_REASON_NETNS_EXIT;
	/* A device changing namespace is unregistered while still registered. */
	if (dev->reg_state == NETREG_REGISTERED)
		return PMODE_REASON_PORT_MOVED;
	return PMODE_REASON_PORT_DELETED;
}

/* Is @dev still listed in its namespace? Not while it is deleted or moved. */
bool pmode_port_listed(struct net_device *dev)
{
	return dev->reg_state == NETREG_REGISTERED &&
	       __dev_get_by_index(dev_net(dev), dev->ifindex) == dev;
}

/*
 * Refuse to link a promiscuous port where its VM already holds promisc, or
 * to Open vSwitch without a network id (pmode_adapter_network_too_wide()).
 */
static int pre_change_upper(struct pmode_adapter *ad,
			    struct netdev_notifier_changeupper_info *info)
{
	const struct pmode_adapter *holder;
	struct pmode_network network;

	if (!info->master || !info->linking || !ad->promisc)
		return 0;
	if (pmode_adapter_network_too_wide(ad, info->upper_dev)) {
		PMODE_SET_ERR_MSG_FMT(netdev_notifier_info_to_extack(&info->info),
				      NULL,
				      "pmode: %s has promisc on and no network id, which OVS needs",
				      ad->dev->name);
		return -EOPNOTSUPP;
	}
	pmode_adapter_network(ad, info->upper_dev->ifindex, &network);
	holder = pmode_adapter_promisc_holder(ad, &network);
	if (!holder)
		return 0;
	PMODE_SET_ERR_MSG_FMT(netdev_notifier_info_to_extack(&info->info), NULL,
			      "pmode: VM %.16s has promisc on in that network, on %s",
			      ad->vm, holder->dev->name);
	return -EBUSY;
}

/*
 * The master changed. A conflict can only arise here if the move could not
 * be refused; then the moved adapter gives up promisc, and says so.
 */
static void change_upper(struct pmode_adapter *ad,
			 struct netdev_notifier_changeupper_info *info)
{
	struct pmode_network network;
	int master;

	if (!info->master)
		return;
	master = pmode_port_network(ad->dev,
				    info->linking ? info->upper_dev : NULL);
	if (master == ad->master_ifindex)
		return;
	WRITE_ONCE(ad->master_ifindex, master);
	pmode_net_changed(ad->pn);
	/*
	 * A port being deleted, or moved to another namespace, leaves its
	 * bridge after it was unlisted: say only the removal that follows.
	 */
	if (!pmode_port_listed(ad->dev))
		return;
	pmode_adapter_network(ad, master, &network);
	if (ad->promisc &&
	    (pmode_adapter_promisc_holder(ad, &network) ||
	     pmode_adapter_network_too_wide(ad, info->linking ?
					    info->upper_dev : NULL)))
		pmode_adapter_set_promisc(ad, false);
	pmode_nl_notify_adapter(ad, PMODE_CMD_ADAPTER_SET,
				PMODE_REASON_NETWORK_CHANGED);
}

static int pmode_port_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct pmode_adapter *ad;

	switch (event) {
	case NETDEV_UNREGISTER:
	case NETDEV_PRECHANGEUPPER:
	case NETDEV_CHANGEUPPER:
		break;
	default:
		return NOTIFY_DONE;
	}
	ad = pmode_adapter_find(pmode_net(dev_net(dev)), dev);
	if (!ad)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UNREGISTER:
		pmode_adapter_destroy(ad, pmode_port_unregister_reason(dev));
		break;
	case NETDEV_PRECHANGEUPPER:
		return notifier_from_errno(pre_change_upper(ad, ptr));
	case NETDEV_CHANGEUPPER:
		change_upper(ad, ptr);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pmode_port_notifier = {
	.notifier_call = pmode_port_event,
};

int pmode_port_init(void)
{
	return register_netdevice_notifier(&pmode_port_notifier);
}

void pmode_port_uninit(void)
{
	unregister_netdevice_notifier(&pmode_port_notifier);
}
