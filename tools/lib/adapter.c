// SPDX-License-Identifier: GPL-2.0
/*
 * An adapter as the kernel reports it (a dump's reply, an event), read
 * into a struct adapter: for pmodectl's save and the libvirt hook's
 * comparison of what is with what should be.
 */
#include <string.h>

#include "libpmode.h"

/* The counters of PMODE_A_STATS an adapter has (a quarantined port's is not one). */
static bool stats_known(int type)
{
	return (type >= PMODE_STATS_A_INVALID_SRC && type <= PMODE_STATS_A_MALFORMED) ||
	       type == PMODE_STATS_A_PROMISC_TX || type == PMODE_STATS_A_PROMISC_RX ||
	       type == PMODE_STATS_A_FORGED_DHCP;
}

/* An adapter's reply, read into @r. */
void adapter_read(struct nlattr **a, struct adapter *r)
{
	struct nlattr *nest;
	int rem;

	memset(r, 0, sizeof(*r));
	if (a[PMODE_A_IFNAME])
		snprintf(r->ifname, sizeof(r->ifname), "%s", nla_get_string(a[PMODE_A_IFNAME]));
	if (a[PMODE_A_IFINDEX])
		r->ifindex = nla_get_u32(a[PMODE_A_IFINDEX]);
	if (a[PMODE_A_VM])
		snprintf(r->vm, sizeof(r->vm), "%s", nla_get_string(a[PMODE_A_VM]));
	if (a[PMODE_A_MAC])
		format_mac(nla_data(a[PMODE_A_MAC]), r->mac);
	if (a[PMODE_A_MASTER])
		r->master = nla_get_u32(a[PMODE_A_MASTER]);
	if (a[PMODE_A_NETWORK]) {
		r->has_net_id = true;
		r->net_id = nla_get_u32(a[PMODE_A_NETWORK]);
	}
	if (a[PMODE_A_OWNER]) {
		r->has_owner = true;
		r->owner_uid = nla_get_u32(a[PMODE_A_OWNER]);
	}
	if (a[PMODE_A_MANAGER])
		snprintf(r->manager, sizeof(r->manager), "%s", nla_get_string(a[PMODE_A_MANAGER]));
	r->promisc = a[PMODE_A_PROMISC] && nla_get_u8(a[PMODE_A_PROMISC]);
	if (a[PMODE_A_ALLOWED])
		nla_for_each_nested(nest, a[PMODE_A_ALLOWED], rem)
			if (nla_type(nest) == PMODE_MACLIST_A_MAC && nla_len(nest) >= ETH_ALEN &&
			    r->n_allowed < PMODE_MAX_ALLOWED)
				memcpy(r->allowed_macs[r->n_allowed++], nla_data(nest), ETH_ALEN);
	if (a[PMODE_A_STATS])
		nla_for_each_nested(nest, a[PMODE_A_STATS], rem)
			if (nla_type(nest) <= PMODE_STATS_A_MAX &&
			    stats_known(nla_type(nest)) && nla_len(nest) == 8)
				r->stats[nla_type(nest)] = nla_get_u64(nest);
}
