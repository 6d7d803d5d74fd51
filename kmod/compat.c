// SPDX-License-Identifier: GPL-2.0
/*
 * Compatibility with kernels older than the newest pmode builds for.
 */
#include "compat.h"

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>

#ifndef NL_SET_ERR_MSG_FMT

#define PMODE_ERRMSG_LEN	128

/*
 * Formatted extack messages for kernels without NL_SET_ERR_MSG_FMT (added
 * in 6.2, "netlink: add support for formatted extack messages").
 *
 * netlink_ack() reads the message after the request handler has returned,
 * so it cannot live on the handler's stack; a buffer shared between
 * requests could be rewritten by another while netlink_ack() reads it,
 * showing one requester another's text, or growing past the length the
 * ack was sized for. So each message gets a buffer of its own, freed by
 * task work when the requesting task next returns to user space: netlink
 * handles a request, and acks it, in the sending task, before its
 * sendmsg() or recvmsg() (a dump) returns. A kernel thread's task work
 * runs when it exits.
 *
 * Messages are set under RCU and under RTNL, so the buffer is allocated
 * without sleeping; should that fail, or the task be exiting, the request
 * still fails with its error, with a message that says less.
 */
struct pmode_errmsg {
	struct callback_head work;
	char text[PMODE_ERRMSG_LEN];
};

static void pmode_errmsg_free(struct callback_head *work)
{
	kfree(container_of(work, struct pmode_errmsg, work));
}

void pmode_compat_err_fmt(struct netlink_ext_ack *extack,
			  const struct nlattr *attr, const char *fmt, ...)
{
	struct pmode_errmsg *m;
	va_list args;

	if (!extack)
		return;
	NL_SET_BAD_ATTR(extack, attr);
	m = kmalloc(sizeof(*m), GFP_NOWAIT | __GFP_NOWARN);
	if (!m)
		goto fallback;
	init_task_work(&m->work, pmode_errmsg_free);
	if (task_work_add(current, &m->work, TWA_RESUME)) {
		kfree(m);
		goto fallback;
	}
	va_start(args, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, args);
	va_end(args);
	extack->_msg = m->text;
	return;

fallback:
	extack->_msg = "request refused; its detailed reason could not be formatted";
}

#endif /* !NL_SET_ERR_MSG_FMT */
