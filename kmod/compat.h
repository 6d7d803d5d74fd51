/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels pmode builds for, in one place.
 */
#ifndef _PMODE_COMPAT_H
#define _PMODE_COMPAT_H

#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/version.h>
#include <net/genetlink.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#include <net/tcx.h>
#endif

/*
 * get_unaligned() and friends. Linux 6.12 moved asm/unaligned.h to
 * linux/unaligned.h (commit 5f60d5f6bbc1 "move asm/unaligned.h to
 * linux/unaligned.h"), in 6.12-rc1; 6.1.y has only the former. (Not
 * __has_include(): sparse 0.6.4, Debian 12's, cannot parse it.)
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * PMODE_SET_ERR_MSG_FMT - a formatted extended-ack message, and the attribute
 * it concerns.
 *
 * Linux 6.2 added NL_SET_ERR_MSG_FMT, which formats into a buffer inside the
 * extack. Before it, an extack message must outlive the request handler, so
 * pmode_compat_err_fmt() formats into a buffer of the request's own; see
 * compat.c.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define PMODE_SET_ERR_MSG_FMT(extack, attr, fmt, ...) do {		\
	struct netlink_ext_ack *__pmode_extack = (extack);		\
									\
	NL_SET_ERR_MSG_FMT(__pmode_extack, fmt, ##__VA_ARGS__);		\
	NL_SET_BAD_ATTR(__pmode_extack, attr);				\
} while (0)
#else
__printf(3, 4)
void pmode_compat_err_fmt(struct netlink_ext_ack *extack,
			  const struct nlattr *attr, const char *fmt, ...);
#define PMODE_SET_ERR_MSG_FMT(extack, attr, fmt, ...) \
	pmode_compat_err_fmt(extack, attr, fmt, ##__VA_ARGS__)
#endif

/*
 * pmode_dump_attrs - the parsed attributes of the request a dump answers.
 *
 * Linux 6.6 put a struct genl_info into struct genl_dumpit_info, reached
 * with genl_info_dump(), and took the attrs member out of the latter
 * (commits 9272af109fe6 "genetlink: add struct genl_info to struct
 * genl_dumpit_info" and 7288dd2fd488 "genetlink: use attrs from struct
 * genl_info"); neither is in 6.1.y.
 */
static inline struct nlattr **pmode_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * pmode_tc_attached - whether tc classifies what crosses @dev one way
 * @dev: the device, under RCU
 * @ingress: on receive, else on transmit
 *
 * An ingress or clsact qdisc publishes its chain 0 (the only one a frame
 * enters by) in a mini_Qdisc pointer, NULL while it has no filter
 * (mini_qdisc_pair_swap()). Up to 6.5 the pointers are the net_device's
 * miniq_ingress and miniq_egress; Linux 6.6 moved them into the tcx entry
 * that also holds tcx BPF programs (commit e420bed02507 "bpf: Add fd-based
 * tcx multi-prog infra with link support"), dev->tcx_ingress and
 * dev->tcx_egress, which exist while a clsact qdisc or a program does.
 */
static inline bool pmode_tc_attached(struct net_device *dev, bool ingress)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#ifdef CONFIG_NET_XGRESS
	struct bpf_mprog_entry *e;

	if (ingress)
		e = rcu_dereference(dev->tcx_ingress);
	else
		e = rcu_dereference(dev->tcx_egress);
	return e && (bpf_mprog_total(e) || rcu_access_pointer(tcx_entry(e)->miniq));
#else
	return false;
#endif
#else
#ifdef CONFIG_NET_CLS_ACT
	if (ingress)
		return rcu_access_pointer(dev->miniq_ingress);
	return rcu_access_pointer(dev->miniq_egress);
#else
	return false;
#endif
#endif
}

#endif /* _PMODE_COMPAT_H */
