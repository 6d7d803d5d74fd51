// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to and from the kernel, apart from the socket that carries
 * them (nl.c): a request to fill in, a reply's attributes as the kernel
 * may send them, and the words of the last failure (each program prints
 * them its own way). The tools tier links this file with a fake kernel in
 * place of nl.c.
 */
#include <errno.h>
#include <stdarg.h>

#include <netlink/genl/genl.h>

#include <linux/pmode.h>
#include "libpmode.h"

static char errmsg[1024];

static struct nla_policy reply_policy[PMODE_A_MAX + 1] = {
	[PMODE_A_IFINDEX] = { .type = NLA_U32 },
	[PMODE_A_IFNAME] = { .type = NLA_STRING },
	[PMODE_A_VM] = { .type = NLA_STRING },
	[PMODE_A_MAC] = { .minlen = ETH_ALEN },
	[PMODE_A_NETWORK] = { .type = NLA_U32 },
	[PMODE_A_MASTER] = { .type = NLA_U32 },
	[PMODE_A_OWNER] = { .type = NLA_U32 },
	[PMODE_A_PROMISC] = { .type = NLA_U8 },
	[PMODE_A_ALLOWED] = { .type = NLA_NESTED },
	[PMODE_A_LEARNED] = { .type = NLA_NESTED },
	[PMODE_A_STATS] = { .type = NLA_NESTED },
	[PMODE_A_FEATURE] = { .type = NLA_U8 },
	[PMODE_A_UID] = { .type = NLA_U32 },
	[PMODE_A_REASON] = { .type = NLA_U32 },
	[PMODE_A_DROP_REASON] = { .type = NLA_U32 },
	[PMODE_A_OFFENDING_MAC] = { .minlen = ETH_ALEN },
	[PMODE_A_SUPPRESSED] = { .type = NLA_U32 },
	[PMODE_A_FRAME] = { .type = NLA_UNSPEC },
	[PMODE_A_FRAME_LENGTH] = { .type = NLA_U32 },
	[PMODE_A_DIRECTION] = { .type = NLA_U8 },
	[PMODE_A_VERDICT] = { .type = NLA_U32 },
	[PMODE_A_BY_UID] = { .type = NLA_U32 },
	[PMODE_A_AS_UID] = { .type = NLA_U32 },
	[PMODE_A_MANAGER] = { .type = NLA_STRING },
};

/*
 * Say why something failed, for pmode_error() and pmode_fail().
 * Return: @err, for the caller to return.
 */
int pmode_errorf(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err;
}

/* The message of the last failure, for the caller to print. */
const char *pmode_error(void)
{
	return errmsg;
}

/*
 * A request to fill in. The family's id is only looked up when it is sent,
 * so that a usage error is reported as one even without the module.
 */
struct nl_msg *pmode_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0,
				 flags, cmd, PMODE_GENL_VERSION)) {
		nlmsg_free(msg);
		pmode_errorf(-ENOMEM, "out of memory");
		return NULL;
	}
	return msg;
}

int pmode_parse(struct nlmsghdr *nlh, struct nlattr **attrs, uint8_t *cmd)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);

	*cmd = gh->cmd;
	return genlmsg_parse(nlh, 0, attrs, PMODE_A_MAX, reply_policy);
}
