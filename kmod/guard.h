/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guarded networks: a bridge, or the lower device of macvtaps, whose
 * unregistered VM ports are quarantined (nothing passes) until registered.
 */
#ifndef _PMODE_GUARD_H
#define _PMODE_GUARD_H

#include <linux/types.h>

struct genl_info;
struct net_device;
struct netlink_callback;
struct netlink_ext_ack;
struct sk_buff;

int pmode_guard_init(void);
void pmode_guard_uninit(void);

/* The adapter requests' part in a quarantine: see guard.c. Under RTNL. */
void pmode_guard_adapter_added(struct net_device *dev);
int pmode_guard_adapter_removing(struct net_device *dev,
				 struct netlink_ext_ack *extack);
bool pmode_guard_quarantined(const struct net_device *dev);
int pmode_guard_add(struct net_device *dev, struct netlink_ext_ack *extack);
int pmode_guard_remove(struct net_device *dev, struct netlink_ext_ack *extack);

int pmode_guard_nl_new(struct sk_buff *skb, struct genl_info *info);
int pmode_guard_nl_del(struct sk_buff *skb, struct genl_info *info);
int pmode_guard_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);
int pmode_quarantine_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _PMODE_GUARD_H */
