// SPDX-License-Identifier: GPL-2.0
/*
 * Compatibility with kernels older than the newest pmode builds for.
 */
#include "compat.h"

#include <linux/atomic.h>
#include <linux/kernel.h>

#ifndef NL_SET_ERR_MSG_FMT

#define PMODE_ERRMSG_SLOTS	64
#define PMODE_ERRMSG_LEN	128

/*
 * Formatted extack messages for kernels without NL_SET_ERR_MSG_FMT.
 *
 * netlink_ack() copies the message after the request handler has returned,
 * so it cannot live on the handler's stack. Each message takes the next
 * slot of a static ring. The slots are never freed while the module is
 * loaded, and unloading waits for every request in flight (genetlink's
 * family unregistration takes the lock that request processing holds), so a
 * slot is always valid memory. The last byte of a slot is never written
 * (vsnprintf() stops one byte short of it), so it stays NUL and a slot
 * always holds a terminated string. A slot is reused only after
 * PMODE_ERRMSG_SLOTS further errors; should that many race one request, its
 * message could show another's text: wrong words, never a fault.
 */
static char pmode_errmsg[PMODE_ERRMSG_SLOTS][PMODE_ERRMSG_LEN];
static atomic_t pmode_errmsg_next = ATOMIC_INIT(0);

void pmode_compat_err_fmt(struct netlink_ext_ack *extack,
			  const struct nlattr *attr, const char *fmt, ...)
{
	unsigned int slot;
	va_list args;

	if (!extack)
		return;
	slot = (unsigned int)atomic_inc_return(&pmode_errmsg_next) %
	       PMODE_ERRMSG_SLOTS;
	va_start(args, fmt);
	vsnprintf(pmode_errmsg[slot], PMODE_ERRMSG_LEN - 1, fmt, args);
	va_end(args);
	extack->_msg = pmode_errmsg[slot];
	NL_SET_BAD_ATTR(extack, attr);
}

#endif /* !NL_SET_ERR_MSG_FMT */
