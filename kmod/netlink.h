/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "pmode": requests and notifications.
 */
#ifndef _PMODE_NETLINK_H
#define _PMODE_NETLINK_H

#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/pmode.h>

struct net;
struct pmode_adapter;
struct sk_buff;
struct user_namespace;

int pmode_nl_init(void);
void pmode_nl_uninit(void);

void pmode_nl_notify_adapter(struct pmode_adapter *ad, u8 cmd,
			     enum pmode_reason why);
void pmode_nl_notify_adapter_as(struct pmode_adapter *ad, u8 cmd,
				enum pmode_reason why, kuid_t as);
void pmode_nl_notify_violation(struct pmode_adapter *ad, int reason,
			       const u8 *mac, const struct sk_buff *frame,
			       u32 suppressed);

void *pmode_nl_put_hdr(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		       u8 cmd);
int pmode_nl_put_who(struct sk_buff *skb, struct user_namespace *ns);
bool pmode_nl_listening(struct net *net);
void pmode_nl_multicast(struct net *net, struct sk_buff *skb);

#endif /* _PMODE_NETLINK_H */
