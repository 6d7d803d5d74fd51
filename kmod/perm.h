/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who may change the promisc flag: the host-wide feature gate, the grants,
 * and the decision that combines them with the caller and the adapter.
 */
#ifndef _PMODE_PERM_H
#define _PMODE_PERM_H

#include <linux/netlink.h>
#include <linux/uidgid.h>

/* Everything the decision depends on, gathered by the caller. */
struct pmode_perm_request {
	bool on;		/* turning promisc on, not off */
	bool gate;		/* the feature gate is enabled */
	bool admin;		/* CAP_NET_ADMIN over the port's namespace */
	kuid_t caller;		/* the requesting process's uid */
	bool has_as;		/* the request names an acting user */
	kuid_t as;
	kuid_t owner;		/* the adapter's owner, INVALID_UID if none */
	const char *ifname;	/* the adapter's port, for messages */
	const struct nlattr *as_attr;	/* for extack */
};

int pmode_perm_promisc(const struct pmode_perm_request *req,
		       bool (*granted)(kuid_t uid),
		       struct netlink_ext_ack *extack);

bool pmode_gate_enabled(void);
void pmode_gate_set(bool enabled);
bool pmode_grant_test(kuid_t uid);
int pmode_grant_add(kuid_t uid);
int pmode_grant_del(kuid_t uid);
int pmode_grant_next(unsigned long *index, kuid_t *uid);
void pmode_perm_uninit(void);

#endif /* _PMODE_PERM_H */
