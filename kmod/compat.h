/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels pmode builds for, in one place.
 */
#ifndef _PMODE_COMPAT_H
#define _PMODE_COMPAT_H

#include <linux/netlink.h>
#include <linux/version.h>
#include <net/genetlink.h>

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

#endif /* _PMODE_COMPAT_H */
