/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An adapter's configuration: what the data path reads to judge a frame.
 */
#ifndef _PMODE_CFG_H
#define _PMODE_CFG_H

#include <linux/etherdevice.h>
#include <linux/types.h>
#include <uapi/linux/pmode.h>

/*
 * A configuration is never changed once published: a change builds a copy,
 * publishes it with rcu_replace_pointer() under RTNL and frees the old one
 * after a grace period (pmode_adapter_publish()). The hooks read it with
 * rcu_dereference(), and need no lock.
 */
struct pmode_cfg {
	struct rcu_head rcu;
	u8 n_allowed;
	u8 mac[ETH_ALEN] __aligned(2);
	u8 allowed[PMODE_MAX_ALLOWED][ETH_ALEN] __aligned(2);
};

/* Is @mac the adapter's own or allowed? On the data path: at most 17 compares. */
static inline bool pmode_cfg_owns(const struct pmode_cfg *cfg, const u8 *mac)
{
	unsigned int i;

	if (ether_addr_equal(cfg->mac, mac))
		return true;
	for (i = 0; i < cfg->n_allowed; i++)
		if (ether_addr_equal(cfg->allowed[i], mac))
			return true;
	return false;
}

#endif /* _PMODE_CFG_H */
