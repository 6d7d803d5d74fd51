// SPDX-License-Identifier: GPL-2.0
/*
 * The one path every request takes: send what pmode_msg() built (msg.c),
 * receive the replies into a callback, and turn an error into the
 * kernel's extended-ack message. The tools tier's fake kernels stand in
 * for this file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include <linux/pmode.h>
#include "libpmode.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

bool pmode_nl_debug;

static struct nl_sock *sk;
static int family = -1;

int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		pmode_errorf(0, "cannot enter network namespace '%s': %s", name,
			     strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static struct nl_sock *new_socket(void)
{
	struct nl_sock *s = nl_socket_alloc();
	int one = 1;

	if (!s)
		return NULL;
	if (genl_connect(s)) {
		nl_socket_free(s);
		return NULL;
	}
	setsockopt(nl_socket_get_fd(s), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(s), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	return s;
}

static int open_family(void)
{
	if (sk)
		return 0;
	sk = new_socket();
	if (!sk) {
		pmode_errorf(0, "cannot open a netlink socket");
		return -1;
	}
	family = genl_ctrl_resolve(sk, PMODE_GENL_NAME);
	if (family < 0) {
		pmode_errorf(0, "the pmode module is not loaded (modprobe pmode)");
		nl_socket_free(sk);
		sk = NULL;
		return -1;
	}
	return 0;
}

void pmode_close(void)
{
	if (sk)
		nl_socket_free(sk);
	sk = NULL;
}

struct exchange {
	reply_fn fn;
	void *arg;
	int err;
	bool done;
	bool frames;	/* monitor: joined "frames" too */
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;
	struct nlattr *attrs[PMODE_A_MAX + 1];
	uint8_t cmd;

	if (pmode_parse(nlmsg_hdr(msg), attrs, &cmd) < 0) {
		pmode_errorf(0, "malformed reply from the kernel");
		x->err = -EPROTO;
		return NL_STOP;
	}
	if (x->fn && x->fn(attrs, cmd, x->arg) < 0)
		x->err = -EINVAL;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct exchange *)arg)->done = true;
	return NL_STOP;
}

/* An error: keep the kernel's extended-ack message, if it sent one. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { 0 };
	struct exchange *x = arg;
	int len = NLMSG_HDRLEN + sizeof(*err);

	(void)nla;
	x->err = err->error;
	x->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		len += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && (int)nlh->nlmsg_len > len)
		nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + len),
			  nlh->nlmsg_len - len, NULL);
	if (tb[NLMSGERR_ATTR_MSG])
		pmode_errorf(0, "%s", (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	else
		pmode_errorf(0, "%s", strerror(-err->error));
	return NL_STOP;
}

/*
 * Send @msg (consumed) and feed each reply to @fn. A dump torn by a
 * concurrent change (NLM_F_DUMP_INTR) is taken again, up to three times.
 * Return: 0, or a negative errno with pmode_error() set.
 */
int pmode_send(struct nl_msg *msg, reply_fn fn, void *arg)
{
	struct nl_cb *cb = nl_cb_alloc(pmode_nl_debug ? NL_CB_DEBUG : NL_CB_DEFAULT);
	struct exchange x;
	int tries, err = 0;

	if (!cb || open_family()) {
		if (cb)
			nl_cb_put(cb);
		else
			pmode_errorf(0, "out of memory");
		nlmsg_free(msg);
		return -ENOENT;
	}
	nlmsg_hdr(msg)->nlmsg_type = family;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &x);

	for (tries = 0; tries < 3; tries++) {
		x = (struct exchange){ .fn = fn, .arg = arg };
		nlmsg_hdr(msg)->nlmsg_seq = NL_AUTO_SEQ;
		err = nl_send_auto(sk, msg);
		if (err < 0) {
			pmode_errorf(0, "cannot send: %s", nl_geterror(err));
			err = -EIO;
			break;
		}
		err = 0;
		while (!x.done && !err)
			err = nl_recvmsgs(sk, cb);
		if (err == -NLE_DUMP_INTR) {
			/*
			 * Drain what is left of this dump (libnl fed its
			 * replies to @fn all the same), tell @fn to forget
			 * them, and take it again.
			 */
			while (!x.done && nl_recvmsgs(sk, cb) == -NLE_DUMP_INTR)
				;
			if (fn)
				fn(NULL, 0, arg);
			continue;
		}
		if (err < 0 && !x.err) {
			pmode_errorf(0, "receiving: %s", nl_geterror(err));
			err = -EIO;
		} else {
			err = x.err;
		}
		break;
	}
	if (tries == 3) {
		pmode_errorf(0, "the adapter list kept changing during the dump; run the command again");
		err = -EINTR;
	}
	nl_cb_put(cb);
	nlmsg_free(msg);
	return err;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;
	struct nlattr *attrs[PMODE_A_MAX + 1];
	uint8_t cmd;

	if (pmode_parse(nlmsg_hdr(msg), attrs, &cmd) < 0)
		return NL_OK;
	/* With "frames", each violation comes twice: keep the one with bytes. */
	if (!(x->frames && cmd == PMODE_CMD_VIOLATION))
		x->fn(attrs, cmd, x->arg);
	return NL_OK;
}

/*
 * Receive the events of "notify" until interrupted, and those of "frames"
 * (violations with their frame's bytes) if the kernel lets us join it: it
 * takes CAP_NET_ADMIN, and a module older than the group has none. Anyone
 * else sees violations without the bytes; that is no error.
 */
int pmode_monitor(reply_fn fn, void *arg)
{
	struct exchange x = { .fn = fn, .arg = arg };
	struct nl_sock *m;
	int grp, frames, err;

	if (open_family())
		return -ENOENT;
	grp = genl_ctrl_resolve_grp(sk, PMODE_GENL_NAME, PMODE_MCGRP_NOTIFY);
	frames = genl_ctrl_resolve_grp(sk, PMODE_GENL_NAME, PMODE_MCGRP_FRAMES);
	m = new_socket();
	if (grp < 0 || !m || nl_socket_add_membership(m, grp)) {
		pmode_errorf(0, "cannot join the notify group");
		return -EIO;
	}
	x.frames = frames >= 0 && !nl_socket_add_membership(m, frames);
	nl_socket_disable_seq_check(m);
	nl_socket_modify_cb(m, NL_CB_VALID, NL_CB_CUSTOM, on_event, &x);
	for (;;) {
		err = nl_recvmsgs_default(m);
		if (err < 0 && err != -NLE_INTR && err != -NLE_AGAIN) {
			pmode_errorf(0, "receiving events: %s", nl_geterror(err));
			nl_socket_free(m);
			return -EIO;
		}
	}
}
