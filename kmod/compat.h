/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels pmode builds for, in one place.
 */
#ifndef _PMODE_COMPAT_H
#define _PMODE_COMPAT_H

#include <linux/netlink.h>

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

#endif /* _PMODE_COMPAT_H */
