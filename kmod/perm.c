// SPDX-License-Identifier: GPL-2.0
/*
 * The feature gate, the grants, and who may turn promisc on or off: see
 * pmode_perm_promisc() and docs/netlink.md (PMODE_CMD_ADAPTER_SET).
 */
#include "perm.h"
#include "compat.h"

#include <linux/cred.h>
#include <linux/rtnetlink.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

/* Host-wide, written under RTNL; read with READ_ONCE() elsewhere. */
static bool pmode_gate;

/*
 * Host-wide set of granted uids (kuid values as indices), empty at load:
 * nobody, root included, may turn promisc on until granted. Written under
 * RTNL so that a change and its notification are ordered with every other
 * change; the xarray's own lock and RCU make lookups safe without it.
 */
static DEFINE_XARRAY(pmode_grants);

bool pmode_gate_enabled(void)
{
	return READ_ONCE(pmode_gate);
}

void pmode_gate_set(bool enabled)
{
	ASSERT_RTNL();
	WRITE_ONCE(pmode_gate, enabled);
}

bool pmode_grant_test(kuid_t uid)
{
	return uid_valid(uid) && xa_load(&pmode_grants, __kuid_val(uid));
}

/* Return: 0, -EEXIST if @uid holds a grant already, -ENOMEM. */
int pmode_grant_add(kuid_t uid)
{
	int err;

	ASSERT_RTNL();
	err = xa_insert(&pmode_grants, __kuid_val(uid), xa_mk_value(1),
			GFP_KERNEL);
	return err == -EBUSY ? -EEXIST : err;
}

/* Return: 0, or -ENOENT if @uid holds no grant. */
int pmode_grant_del(kuid_t uid)
{
	ASSERT_RTNL();
	return xa_erase(&pmode_grants, __kuid_val(uid)) ? 0 : -ENOENT;
}

/*
 * Iterate the grants in uid order: start with *@index = 0; each call stores
 * the next grant in *@uid and returns 0, or returns -ENOENT at the end.
 */
int pmode_grant_next(unsigned long *index, kuid_t *uid)
{
	if (!xa_find(&pmode_grants, index, ULONG_MAX, XA_PRESENT))
		return -ENOENT;
	*uid = KUIDT_INIT((uid_t)*index);
	(*index)++;
	return 0;
}

void pmode_perm_uninit(void)
{
	xa_destroy(&pmode_grants);
}

static uid_t show_uid(kuid_t uid)
{
	return from_kuid_munged(current_user_ns(), uid);
}

/**
 * pmode_perm_promisc - may this request turn promisc on or off?
 * @req: the caller, the adapter and the acting user
 * @granted: tells whether a uid holds a grant
 * @extack: receives the reason of a refusal
 *
 * The conditions are checked in the order a person would fix them: the
 * feature must exist on the host, the caller must be entitled to the
 * adapter, and the acting user must hold a grant. Turning promisc off only
 * takes away what an adapter may do: anyone entitled to the adapter may,
 * with the feature disabled or the grant revoked.
 *
 * Return: 0 if allowed; -EPERM or -EACCES with a message otherwise.
 */
int pmode_perm_promisc(const struct pmode_perm_request *req,
		       bool (*granted)(kuid_t uid),
		       struct netlink_ext_ack *extack)
{
	kuid_t acting = req->has_as ? req->as : req->caller;

	if (req->on && !req->gate) {
		NL_SET_ERR_MSG(extack,
			       "promiscuous mode is not enabled on this host; an administrator enables it with 'pmodectl feature enable'");
		return -EPERM;
	}
	if (req->has_as && !req->admin && !uid_eq(req->as, req->caller)) {
		NL_SET_ERR_MSG_ATTR(extack, req->as_attr,
				    "only a caller with CAP_NET_ADMIN may act for another user");
		return -EPERM;
	}
	if (!req->admin && !uid_eq(req->owner, req->caller)) {
		if (!uid_valid(req->owner))
			PMODE_SET_ERR_MSG_FMT(extack, NULL,
					      "adapter %s has no owner; only CAP_NET_ADMIN may change it",
					      req->ifname);
		else
			PMODE_SET_ERR_MSG_FMT(extack, NULL,
					      "adapter %s belongs to uid %u, not to uid %u",
					      req->ifname, show_uid(req->owner),
					      show_uid(req->caller));
		return -EACCES;
	}
	if (req->on && !granted(acting)) {
		PMODE_SET_ERR_MSG_FMT(extack, req->has_as ? req->as_attr : NULL,
				      "uid %u lacks the promisc grant ('pmodectl user grant %u')",
				      show_uid(acting), show_uid(acting));
		return -EACCES;
	}
	return 0;
}
