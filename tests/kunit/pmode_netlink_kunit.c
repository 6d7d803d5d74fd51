// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pmode's netlink family, driven as a client would drive
 * it: messages built byte by byte, sent on a netlink socket of the test's
 * own, replies and extended acks read back. Covers the policies (wrong
 * types, lengths, unknown and unsupported attributes, truncated headers),
 * the handlers' refusals and their messages, a request from a socket
 * without CAP_NET_ADMIN, and a full register/toggle/dump/remove session.
 *
 * Suite pmode_faults makes each allocation of a request's processing fail
 * in turn (the task's fail-nth, with failslab told to fail sleeping
 * allocations too), and checks that the request then either took effect
 * whole or not at all, and that the error reached the client. Whether the
 * failures leaked is for pmode_leak_kunit.c, which runs last.
 */
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/etherdevice.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "adapter.h"
#include "perm.h"
#include "pmode_test_netdev.h"

#define NL_BUF	8192

struct nl_client {
	struct socket *sock;
	struct file *file;
	u16 family;
	u32 seq;
	u8 *buf;		/* the last datagram received */
	int len;
	u8 *reply;		/* the last request's answers, acks excepted */
	int reply_len;
	int err;		/* the last request's errno, negative */
	char msg[128];		/* and its extended-ack message */
};

static int nl_send(struct nl_client *c, const void *data, int len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct kvec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr m = { .msg_name = &sa, .msg_namelen = sizeof(sa) };

	return kernel_sendmsg(c->sock, &m, &iov, 1, len);
}

/* The next reply datagram, which the kernel queued while handling the send. */
static int nl_recv(struct nl_client *c)
{
	struct kvec iov = { .iov_base = c->buf, .iov_len = NL_BUF };
	struct msghdr m = {};

	c->len = kernel_recvmsg(c->sock, &m, &iov, 1, NL_BUF, MSG_DONTWAIT);
	return c->len;
}

/* Read acks and errors from the reply in c->buf. */
static void nl_read_ack(struct nl_client *c, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	const struct nlattr *a;
	int off = sizeof(*e);

	c->err = e->error;
	c->msg[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += nlmsg_len(&e->msg);
	a = nla_find((const void *)e + off, nlmsg_len(nlh) - off,
		     NLMSGERR_ATTR_MSG);
	if (a)
		nla_strscpy(c->msg, a, sizeof(c->msg));
}

/*
 * Send @req (its length and sequence number are filled in) and read the
 * answer: the reply messages are left in c->reply, the errno of the ack or
 * NLMSG_DONE in c->err. Returns the number of reply messages.
 */
static int nl_call(struct kunit *test, struct nl_client *c, struct sk_buff *req)
{
	struct nlmsghdr *nlh = nlmsg_hdr(req);
	int msgs = 0, done = 0;

	nlh->nlmsg_len = req->len;
	nlh->nlmsg_seq = ++c->seq;
	c->err = 1;
	c->reply_len = 0;
	KUNIT_ASSERT_EQ(test, nl_send(c, req->data, req->len), (int)req->len);
	kfree_skb(req);
	while (!done && nl_recv(c) > 0) {
		int rem = c->len;

		for (nlh = (struct nlmsghdr *)c->buf; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				if (nlh->nlmsg_type == NLMSG_ERROR)
					nl_read_ack(c, nlh);
				else
					c->err = *(int *)nlmsg_data(nlh);
				done = 1;
				break;
			}
			msgs++;
			if (c->reply_len + nlh->nlmsg_len <= NL_BUF) {
				memcpy(c->reply + c->reply_len, nlh, nlh->nlmsg_len);
				c->reply_len += NLMSG_ALIGN(nlh->nlmsg_len);
			}
		}
	}
	KUNIT_EXPECT_TRUE_MSG(test, done, "no ack or NLMSG_DONE came back");
	return msgs;
}

/* A request to the family; attributes are appended by the caller. */
static struct sk_buff *req_new_size(struct kunit *test, struct nl_client *c,
				    u8 cmd, u16 flags, size_t size)
{
	struct sk_buff *skb = nlmsg_new(size, GFP_KERNEL);
	struct genlmsghdr *g;
	struct nlmsghdr *nlh;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	nlh = nlmsg_put(skb, 0, 0, c->family, GENL_HDRLEN,
			NLM_F_REQUEST | flags);
	KUNIT_ASSERT_NOT_NULL(test, nlh);
	g = nlmsg_data(nlh);
	g->cmd = cmd;
	g->version = PMODE_GENL_VERSION;
	g->reserved = 0;
	return skb;
}

static struct sk_buff *req_new(struct kunit *test, struct nl_client *c,
			       u8 cmd, u16 flags)
{
	return req_new_size(test, c, cmd, flags, NLMSG_GOODSIZE);
}

static int nl_open(struct kunit *test, struct nl_client *c)
{
	int one = 1, err;

	c->buf = kunit_kzalloc(test, NL_BUF, GFP_KERNEL);
	c->reply = kunit_kzalloc(test, NL_BUF, GFP_KERNEL);
	if (!c->buf || !c->reply)
		return -ENOMEM;
	err = sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW,
			       NETLINK_GENERIC, &c->sock);
	if (err)
		return err;
	/* netlink_capable() judges the credentials of the socket's file. */
	c->file = sock_alloc_file(c->sock, 0, NULL);
	if (IS_ERR(c->file)) {
		err = PTR_ERR(c->file);
		c->file = NULL;
		return err;
	}
	c->sock->ops->setsockopt(c->sock, SOL_NETLINK, NETLINK_EXT_ACK,
				 KERNEL_SOCKPTR(&one), sizeof(one));
	c->sock->ops->setsockopt(c->sock, SOL_NETLINK, NETLINK_CAP_ACK,
				 KERNEL_SOCKPTR(&one), sizeof(one));
	return 0;
}

static void nl_close(struct nl_client *c)
{
	if (c->file)
		fput(c->file);		/* releases the socket too */
	else if (c->sock)
		sock_release(c->sock);
}

/* The family's id, asked of the generic netlink controller. */
static void nl_resolve(struct kunit *test, struct nl_client *c)
{
	struct sk_buff *req;
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlmsghdr *nlh = (struct nlmsghdr *)c->reply;

	c->family = GENL_ID_CTRL;
	req = req_new(test, c, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(req)))->version = 1;
	KUNIT_ASSERT_EQ(test, nla_put_string(req, CTRL_ATTR_FAMILY_NAME,
					     PMODE_GENL_NAME), 0);
	KUNIT_ASSERT_EQ(test, nl_call(test, c, req), 1);
	KUNIT_ASSERT_EQ(test, nlmsg_parse_deprecated(nlh, GENL_HDRLEN, tb,
						     CTRL_ATTR_MAX, NULL, NULL), 0);
	KUNIT_ASSERT_NOT_NULL(test, tb[CTRL_ATTR_FAMILY_ID]);
	c->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
}

struct nl_fixture {
	struct nl_client c;
	struct net_device *dev;
};

static int nl_init(struct kunit *test)
{
	struct nl_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	struct net_device *dev;
	int err;

	if (!fx)
		return -ENOMEM;
	test->priv = fx;
	err = nl_open(test, &fx->c);
	if (err)
		return err;
	dev = pmode_test_netdev_new();
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	fx->dev = dev;
	return 0;
}

static void nl_exit(struct kunit *test)
{
	struct nl_fixture *fx = test->priv;

	nl_close(&fx->c);
	if (fx->dev) {
		unregister_netdev(fx->dev);
		free_netdev(fx->dev);
	}
	rtnl_lock();
	pmode_gate_set(false);
	rtnl_unlock();
}

static const u8 nl_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0c, 0x01 };
static const u8 nl_mcast[ETH_ALEN] = { 0x01, 0, 0x5e, 0, 0, 0x01 };

enum req_kind {
	R_NO_VM, R_BOTH_PORTS, R_NO_PORT, R_VM_TOO_LONG, R_MAC_SHORT, R_MAC_MCAST,
	R_UNKNOWN_ATTR, R_UNSUPPORTED_ATTR, R_VM_NOT_STRING, R_PROMISC_2,
	R_NO_SUCH_DEV, R_FEATURE_MISSING, R_VM_NEWLINE, R_VM_DEL,
	R_CHECK_NO_FRAME, R_CHECK_SHORT, R_CHECK_LONG, R_CHECK_DIR_2,
	R_CHECK_NO_ADAPTER, R_CHECK_VM,
};

static const struct nl_bad_case {
	const char *desc;
	u8 cmd;
	enum req_kind kind;
	int err;
	const char *msg;	/* a part of the extack message, or NULL */
} nl_bad_cases[] = {
	{ "new without a VM id", PMODE_CMD_ADAPTER_NEW, R_NO_VM, -EINVAL, "'vm'" },
	{ "new naming the port twice", PMODE_CMD_ADAPTER_NEW, R_BOTH_PORTS, -EBADR,
	  NULL },
	{ "new naming no port", PMODE_CMD_ADAPTER_NEW, R_NO_PORT, -EBADR, NULL },
	{ "new with a 64-byte VM id", PMODE_CMD_ADAPTER_NEW, R_VM_TOO_LONG, -EINVAL, "63" },
	{ "new with a 5-byte MAC", PMODE_CMD_ADAPTER_NEW, R_MAC_SHORT, -ERANGE, NULL },
	{ "new with a multicast MAC", PMODE_CMD_ADAPTER_NEW, R_MAC_MCAST, -EINVAL, "multicast" },
	{ "new with attribute 99", PMODE_CMD_ADAPTER_NEW, R_UNKNOWN_ATTR, -EINVAL, NULL },
	{ "new with promisc", PMODE_CMD_ADAPTER_NEW, R_UNSUPPORTED_ATTR, -EINVAL, NULL },
	{ "new with a VM id lacking its NUL", PMODE_CMD_ADAPTER_NEW, R_VM_NOT_STRING,
	  -EINVAL, NULL },
	{ "set with promisc 2", PMODE_CMD_ADAPTER_SET, R_PROMISC_2, -ERANGE, NULL },
	{ "del of a device that does not exist", PMODE_CMD_ADAPTER_DEL, R_NO_SUCH_DEV,
	  -ENODEV, "nosuch0" },
	{ "feature set without the flag", PMODE_CMD_FEATURE_SET, R_FEATURE_MISSING,
	  -EINVAL, "enable" },
	/* VM ids reach the kernel log and saved batch files. */
	{ "new with a newline in the VM id", PMODE_CMD_ADAPTER_NEW, R_VM_NEWLINE,
	  -EINVAL, "control characters (byte 0x0a at 3)" },
	{ "new with DEL in the VM id", PMODE_CMD_ADAPTER_NEW, R_VM_DEL,
	  -EINVAL, "byte 0x7f" },
	/* The dry run: bounded, strict, and says what to give instead. */
	{ "check without a frame", PMODE_CMD_ADAPTER_CHECK, R_CHECK_NO_FRAME,
	  -EINVAL, "give the frame" },
	{ "check of a 13-byte frame", PMODE_CMD_ADAPTER_CHECK, R_CHECK_SHORT,
	  -EINVAL, "a 13-byte frame has no Ethernet header: give at least 14" },
	{ "check of a frame over the limit", PMODE_CMD_ADAPTER_CHECK,
	  R_CHECK_LONG, -EMSGSIZE, "give its first 9216" },
	{ "check with direction 2", PMODE_CMD_ADAPTER_CHECK, R_CHECK_DIR_2,
	  -ERANGE, NULL },
	{ "check on a port without adapter", PMODE_CMD_ADAPTER_CHECK,
	  R_CHECK_NO_ADAPTER, -ENOENT, "has no adapter" },
	{ "check with a VM id", PMODE_CMD_ADAPTER_CHECK, R_CHECK_VM, -EINVAL,
	  NULL },
};

static void bad_desc(const struct nl_bad_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nl_bad, nl_bad_cases, bad_desc);

static void pmode_netlink_refusals(struct kunit *test)
{
	const struct nl_bad_case *bc = test->param_value;
	struct nl_fixture *fx = test->priv;
	struct nl_client *c = &fx->c;
	const char *name = fx->dev->name;
	static u8 frame[PMODE_CHECK_MAX_FRAME + 1];
	char vm[65];
	struct sk_buff *req;
	int err = 0;

	nl_resolve(test, c);
	req = req_new_size(test, c, bc->cmd, NLM_F_ACK, 2 * PAGE_SIZE +
			   PMODE_CHECK_MAX_FRAME);
	switch (bc->kind) {
	case R_NO_VM:
		err = nla_put_string(req, PMODE_A_IFNAME, name);
		break;
	case R_BOTH_PORTS:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_u32(req, PMODE_A_IFINDEX, fx->dev->ifindex) ?:
		      nla_put_string(req, PMODE_A_VM, "v");
		break;
	case R_NO_PORT:
		err = nla_put_string(req, PMODE_A_VM, "v");
		break;
	case R_VM_TOO_LONG:
		memset(vm, 'v', 64);
		vm[64] = 0;
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_string(req, PMODE_A_VM, vm);
		break;
	case R_MAC_SHORT:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_string(req, PMODE_A_VM, "v") ?:
		      nla_put(req, PMODE_A_MAC, 5, nl_mac);
		break;
	case R_MAC_MCAST:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_string(req, PMODE_A_VM, "v") ?:
		      nla_put(req, PMODE_A_MAC, ETH_ALEN, nl_mcast);
		break;
	case R_UNKNOWN_ATTR:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_u32(req, 99, 1);
		break;
	case R_UNSUPPORTED_ATTR:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_string(req, PMODE_A_VM, "v") ?:
		      nla_put_u8(req, PMODE_A_PROMISC, 1);
		break;
	case R_VM_NOT_STRING:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put(req, PMODE_A_VM, 4, "vmid");
		break;
	case R_PROMISC_2:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_u8(req, PMODE_A_PROMISC, 2);
		break;
	case R_NO_SUCH_DEV:
		err = nla_put_string(req, PMODE_A_IFNAME, "nosuch0");
		break;
	case R_FEATURE_MISSING:
	case R_CHECK_NO_FRAME:
		break;
	case R_CHECK_SHORT:
	case R_CHECK_LONG:
	case R_CHECK_NO_ADAPTER:
		memset(frame, 0xff, sizeof(frame));
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put(req, PMODE_A_FRAME,
			      bc->kind == R_CHECK_SHORT ? ETH_HLEN - 1 :
			      bc->kind == R_CHECK_LONG ? sizeof(frame) : 60,
			      frame);
		break;
	case R_CHECK_DIR_2:
	case R_CHECK_VM:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put(req, PMODE_A_FRAME, 60, frame) ?:
		      (bc->kind == R_CHECK_VM ?
		       nla_put_string(req, PMODE_A_VM, "v") :
		       nla_put_u8(req, PMODE_A_DIRECTION, 2));
		break;
	case R_VM_NEWLINE:
	case R_VM_DEL:
		err = nla_put_string(req, PMODE_A_IFNAME, name) ?:
		      nla_put_string(req, PMODE_A_VM, bc->kind == R_VM_NEWLINE ?
				     "web\npmode: forged line" : "web\x7f");
		break;
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, bc->err);
	if (bc->msg)
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(c->msg, bc->msg),
					  "message '%s' lacks '%s'", c->msg, bc->msg);
	/* No refusal leaves an adapter behind. */
	rtnl_lock();
	KUNIT_EXPECT_NULL(test, pmode_adapter_find(pmode_net(&init_net), fx->dev));
	rtnl_unlock();
}

/* Bytes that are no request at all: answered with an error, nothing else. */
static void pmode_netlink_truncated(struct kunit *test)
{
	struct nl_fixture *fx = test->priv;
	struct nl_client *c = &fx->c;
	struct {
		struct nlmsghdr nlh;
		u8 genl[2];	/* half a genlmsghdr */
	} __packed m = {
		.nlh = { .nlmsg_len = sizeof(m), .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			 .nlmsg_seq = 77 },
		.genl = { PMODE_CMD_ADAPTER_GET, PMODE_GENL_VERSION },
	};

	nl_resolve(test, c);
	m.nlh.nlmsg_type = c->family;
	KUNIT_ASSERT_EQ(test, nl_send(c, &m, sizeof(m)), (int)sizeof(m));
	KUNIT_ASSERT_GT(test, nl_recv(c), 0);
	KUNIT_ASSERT_EQ(test, ((struct nlmsghdr *)c->buf)->nlmsg_type, NLMSG_ERROR);
	nl_read_ack(c, (struct nlmsghdr *)c->buf);
	KUNIT_EXPECT_EQ(test, c->err, -EINVAL);
}

static struct sk_buff *port_req(struct kunit *test, struct nl_fixture *fx, u8 cmd,
				u16 flags)
{
	struct sk_buff *req = req_new(test, &fx->c, cmd, flags);

	KUNIT_ASSERT_EQ(test, nla_put_u32(req, PMODE_A_IFINDEX, fx->dev->ifindex), 0);
	return req;
}

/*
 * A task without CAP_NET_ADMIN may look, not change. (A request sent to an
 * explicit address is judged by the sender's capabilities at send time,
 * a connected socket's by those of its opener too: both are dropped here.)
 */
static void pmode_netlink_unprivileged(struct kunit *test)
{
	static const u8 other_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0d, 0x0e };
	struct nl_fixture *fx = test->priv;
	struct pmode_adapter *ad;
	struct nl_client u = {};
	const struct cred *old;
	struct sk_buff *req;
	struct cred *cred;

	/* An adapter for the task to try its hand on. */
	nl_resolve(test, &fx->c);
	req = port_req(test, fx, PMODE_CMD_ADAPTER_NEW, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_VM, "vm-root"), 0);
	KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_MAC, ETH_ALEN, nl_mac), 0);
	nl_call(test, &fx->c, req);
	KUNIT_ASSERT_EQ_MSG(test, fx->c.err, 0, "%s", fx->c.msg);

	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_clear(cred->cap_effective);
	cap_clear(cred->cap_permitted);
	old = override_creds(cred);
	KUNIT_EXPECT_EQ(test, nl_open(test, &u), 0);
	nl_resolve(test, &u);
	req = req_new(test, &u, PMODE_CMD_ADAPTER_NEW, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_IFNAME, fx->dev->name), 0);
	KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_VM, "v"), 0);
	KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_MAC, ETH_ALEN, nl_mac), 0);
	nl_call(test, &u, req);
	KUNIT_EXPECT_EQ(test, u.err, -EPERM);
	KUNIT_EXPECT_NOT_NULL(test, strstr(u.msg, "CAP_NET_ADMIN"));

	req = req_new(test, &u, PMODE_CMD_FEATURE_SET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u8(req, PMODE_A_FEATURE, 1), 0);
	nl_call(test, &u, req);
	KUNIT_EXPECT_EQ(test, u.err, -EPERM);
	KUNIT_EXPECT_FALSE(test, pmode_gate_enabled());

	req = req_new(test, &u, PMODE_CMD_FEATURE_GET, NLM_F_ACK);
	KUNIT_EXPECT_EQ(test, nl_call(test, &u, req), 1);
	KUNIT_EXPECT_EQ(test, u.err, 0);

	/* Nor may it remove an adapter, change its MAC, or grant. */
	req = port_req(test, fx, PMODE_CMD_ADAPTER_DEL, NLM_F_ACK);
	nl_call(test, &u, req);
	KUNIT_EXPECT_EQ(test, u.err, -EPERM);
	req = port_req(test, fx, PMODE_CMD_ADAPTER_SET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_MAC, ETH_ALEN, other_mac), 0);
	nl_call(test, &u, req);
	KUNIT_EXPECT_EQ(test, u.err, -EPERM);
	KUNIT_EXPECT_NOT_NULL(test, strstr(u.msg, "CAP_NET_ADMIN"));
	req = req_new(test, &u, PMODE_CMD_GRANT_NEW, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u32(req, PMODE_A_UID, 0), 0);
	nl_call(test, &u, req);
	KUNIT_EXPECT_EQ(test, u.err, -EPERM);
	KUNIT_EXPECT_FALSE(test, pmode_grant_test(GLOBAL_ROOT_UID));
	revert_creds(old);
	put_cred(cred);
	nl_close(&u);

	rtnl_lock();
	ad = pmode_adapter_find(pmode_net(&init_net), fx->dev);
	KUNIT_EXPECT_TRUE(test, ad &&
			  ether_addr_equal(pmode_cfg_rtnl(ad)->mac, nl_mac));
	rtnl_unlock();
	req = port_req(test, fx, PMODE_CMD_ADAPTER_DEL, NLM_F_ACK);
	nl_call(test, &fx->c, req);
	KUNIT_EXPECT_EQ(test, fx->c.err, 0);
}

/* Register, refuse a second, toggle with the gate, dump, remove. */
static void pmode_netlink_session(struct kunit *test)
{
	struct nl_fixture *fx = test->priv;
	struct nl_client *c = &fx->c;
	struct nlattr *tb[PMODE_A_MAX + 1];
	struct pmode_adapter *ad;
	struct sk_buff *req;

	nl_resolve(test, c);
	req = port_req(test, fx, PMODE_CMD_ADAPTER_NEW, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_VM, "vm-nl"), 0);
	KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_MAC, ETH_ALEN, nl_mac), 0);
	nl_call(test, c, req);
	KUNIT_ASSERT_EQ_MSG(test, c->err, 0, "%s", c->msg);

	req = port_req(test, fx, PMODE_CMD_ADAPTER_NEW, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_VM, "vm-nl"), 0);
	KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_MAC, ETH_ALEN, nl_mac), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, -EEXIST);
	KUNIT_EXPECT_NOT_NULL(test, strstr(c->msg, "already has an adapter"));

	/* The doit reply describes what was registered. */
	req = port_req(test, fx, PMODE_CMD_ADAPTER_GET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nl_call(test, c, req), 1);
	KUNIT_ASSERT_EQ(test, nlmsg_parse_deprecated((struct nlmsghdr *)c->reply,
						     GENL_HDRLEN, tb, PMODE_A_MAX,
						     NULL, NULL), 0);
	KUNIT_ASSERT_NOT_NULL(test, tb[PMODE_A_VM]);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(tb[PMODE_A_VM]), "vm-nl");
	KUNIT_ASSERT_NOT_NULL(test, tb[PMODE_A_MAC]);
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(nla_data(tb[PMODE_A_MAC]), nl_mac));
	KUNIT_ASSERT_NOT_NULL(test, tb[PMODE_A_PROMISC]);
	KUNIT_EXPECT_EQ(test, nla_get_u8(tb[PMODE_A_PROMISC]), 0);
	KUNIT_EXPECT_NOT_NULL(test, tb[PMODE_A_STATS]);

	/* Promisc needs the gate, then a grant. */
	req = port_req(test, fx, PMODE_CMD_ADAPTER_SET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u8(req, PMODE_A_PROMISC, 1), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, -EPERM);
	KUNIT_EXPECT_NOT_NULL(test, strstr(c->msg, "not enabled"));

	req = req_new(test, c, PMODE_CMD_FEATURE_SET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u8(req, PMODE_A_FEATURE, 1), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, 0);
	req = req_new(test, c, PMODE_CMD_GRANT_NEW, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u32(req, PMODE_A_UID, 0), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, 0);
	req = port_req(test, fx, PMODE_CMD_ADAPTER_SET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u8(req, PMODE_A_PROMISC, 1), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ_MSG(test, c->err, 0, "%s", c->msg);
	rtnl_lock();
	ad = pmode_adapter_find(pmode_net(&init_net), fx->dev);
	KUNIT_EXPECT_TRUE(test, ad && ad->promisc);
	rtnl_unlock();

	/* Disabling the gate turns the flag off. */
	req = req_new(test, c, PMODE_CMD_FEATURE_SET, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u8(req, PMODE_A_FEATURE, 0), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, 0);
	rtnl_lock();
	ad = pmode_adapter_find(pmode_net(&init_net), fx->dev);
	KUNIT_EXPECT_TRUE(test, ad && !ad->promisc);
	rtnl_unlock();

	/* A dump filtered by VM id holds exactly this adapter. */
	req = req_new(test, c, PMODE_CMD_ADAPTER_GET, NLM_F_DUMP);
	KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_VM, "vm-nl"), 0);
	KUNIT_EXPECT_EQ(test, nl_call(test, c, req), 1);
	KUNIT_EXPECT_EQ(test, c->err, 0);

	req = port_req(test, fx, PMODE_CMD_ADAPTER_DEL, NLM_F_ACK);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, 0);
	req = port_req(test, fx, PMODE_CMD_ADAPTER_DEL, NLM_F_ACK);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, -ENOENT);
	req = req_new(test, c, PMODE_CMD_GRANT_DEL, NLM_F_ACK);
	KUNIT_ASSERT_EQ(test, nla_put_u32(req, PMODE_A_UID, 0), 0);
	nl_call(test, c, req);
	KUNIT_EXPECT_EQ(test, c->err, 0);
}

static struct kunit_case pmode_netlink_cases[] = {
	KUNIT_CASE_PARAM(pmode_netlink_refusals, nl_bad_gen_params),
	KUNIT_CASE(pmode_netlink_truncated),
	KUNIT_CASE(pmode_netlink_unprivileged),
	KUNIT_CASE(pmode_netlink_session),
	{}
};

static struct kunit_suite pmode_netlink_suite = {
	.name = "pmode_netlink",
	.init = nl_init,
	.exit = nl_exit,
	.test_cases = pmode_netlink_cases,
};

kunit_test_suite(pmode_netlink_suite);

/* debugfs, mounted for the suite's own use: failslab and kmemleak knobs. */
static struct vfsmount *dbg_mount(void)
{
	struct file_system_type *fs = get_fs_type("debugfs");
	struct vfsmount *mnt;

	if (!fs)
		return ERR_PTR(-ENODEV);
	mnt = kern_mount(fs);
	put_filesystem(fs);
	return mnt;
}

/*
 * A debugfs value file's variable: the file's inode holds its address.
 * (Kernel code cannot write to these files: they have no write_iter.)
 */
static void *dbg_var(struct kunit *test, const char *path)
{
	struct vfsmount *mnt = dbg_mount();
	struct file *f;
	void *var;

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(mnt), "no debugfs");
	f = file_open_root_mnt(mnt, path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		kern_unmount(mnt);
		KUNIT_FAIL(test, "cannot open %s: %ld", path, PTR_ERR(f));
		return NULL;
	}
	var = file_inode(f)->i_private;
	fput(f);
	kern_unmount(mnt);
	return var;
}

static int faults_init(struct kunit *test)
{
	bool *ignore_gfp_wait = dbg_var(test, "failslab/ignore-gfp-wait");
	unsigned long *verbose = dbg_var(test, "failslab/verbose");

	/* Fail sleeping (GFP_KERNEL) allocations too, and quietly. */
	if (!ignore_gfp_wait || !verbose)
		return -ENOENT;
	WRITE_ONCE(*ignore_gfp_wait, false);
	WRITE_ONCE(*verbose, 0);
	return nl_init(test);
}

static void faults_exit(struct kunit *test)
{
	bool *ignore_gfp_wait = dbg_var(test, "failslab/ignore-gfp-wait");

	if (ignore_gfp_wait)
		WRITE_ONCE(*ignore_gfp_wait, true);
	nl_exit(test);
}

enum fault_op { F_NEW, F_ALLOW, F_GRANT, F_PROMISC, F_DEL, __F_MAX };

static const char *const fault_names[__F_MAX] = {
	"adapter new", "allow a MAC", "grant", "promisc on", "adapter del",
};

/* A request of @op, built before any allocation is made to fail. */
static struct sk_buff *fault_build(struct kunit *test, struct nl_fixture *fx,
				   int op)
{
	static const u8 extra[ETH_ALEN] = { 0x02, 0, 0, 0, 0x0c, 0x0e };
	struct nl_client *c = &fx->c;
	struct sk_buff *req;

	switch (op) {
	case F_NEW:
		req = port_req(test, fx, PMODE_CMD_ADAPTER_NEW, NLM_F_ACK);
		KUNIT_ASSERT_EQ(test, nla_put_string(req, PMODE_A_VM, "vm-f"), 0);
		KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_MAC, ETH_ALEN, nl_mac), 0);
		break;
	case F_ALLOW:
		req = port_req(test, fx, PMODE_CMD_ADAPTER_SET, NLM_F_ACK);
		KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_ALLOW_ADD, ETH_ALEN, extra), 0);
		break;
	case F_GRANT:
		req = req_new(test, c, PMODE_CMD_GRANT_NEW, NLM_F_ACK);
		KUNIT_ASSERT_EQ(test, nla_put_u32(req, PMODE_A_UID, 0), 0);
		break;
	case F_PROMISC:
		req = port_req(test, fx, PMODE_CMD_ADAPTER_SET, NLM_F_ACK);
		KUNIT_ASSERT_EQ(test, nla_put_u8(req, PMODE_A_PROMISC, 1), 0);
		break;
	default:
		req = port_req(test, fx, PMODE_CMD_ADAPTER_DEL, NLM_F_ACK);
		break;
	}
	return req;
}

/* Send @req; the errno of its answer, or 1 if none came. */
static int fault_send(struct nl_fixture *fx, struct sk_buff *req)
{
	struct nl_client *c = &fx->c;
	struct nlmsghdr *nlh;
	int err = 1, rem;

	nlh = nlmsg_hdr(req);
	nlh->nlmsg_len = req->len;
	nlh->nlmsg_seq = ++c->seq;
	rem = nl_send(c, req->data, req->len);
	kfree_skb(req);
	if (rem < 0)
		return rem;		/* the request itself could not be built */
	while (nl_recv(c) > 0) {
		rem = c->len;
		for (nlh = (struct nlmsghdr *)c->buf; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem))
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				nl_read_ack(c, nlh);
				err = c->err;
			}
	}
	return err;
}

static int fault_request(struct kunit *test, struct nl_fixture *fx, int op)
{
	return fault_send(fx, fault_build(test, fx, op));
}

/* What a request of @op has changed, read under RTNL: true if applied. */
static bool fault_applied(struct kunit *test, struct nl_fixture *fx, int op)
{
	struct pmode_adapter *ad;
	bool applied = false;

	rtnl_lock();
	ad = pmode_adapter_find(pmode_net(&init_net), fx->dev);
	switch (op) {
	case F_NEW:
		applied = ad;
		/* An adapter is registered with its hooks, or not at all. */
		KUNIT_EXPECT_EQ(test, !!rtnl_dereference(fx->dev->nf_hooks_ingress),
				!!ad);
		KUNIT_EXPECT_EQ(test, !!rtnl_dereference(fx->dev->nf_hooks_egress),
				!!ad);
		break;
	case F_ALLOW:
		applied = ad && pmode_cfg_rtnl(ad)->n_allowed == 1;
		KUNIT_EXPECT_TRUE(test, ad && pmode_cfg_rtnl(ad)->n_allowed <= 1);
		break;
	case F_GRANT:
		applied = pmode_grant_test(GLOBAL_ROOT_UID);
		break;
	case F_PROMISC:
		applied = ad && ad->promisc;
		break;
	default:
		applied = !ad;
		KUNIT_EXPECT_EQ(test, !!rtnl_dereference(fx->dev->nf_hooks_ingress),
				!!ad);
		break;
	}
	rtnl_unlock();
	return applied;
}

/* Put things back as they were before a request of @op. */
static void fault_undo(struct kunit *test, struct nl_fixture *fx, int op)
{
	struct pmode_adapter *ad;
	struct pmode_cfg *cfg;

	rtnl_lock();
	ad = pmode_adapter_find(pmode_net(&init_net), fx->dev);
	switch (op) {
	case F_NEW:
		if (ad)
			pmode_adapter_destroy(ad, PMODE_REASON_REQUEST);
		break;
	case F_ALLOW:
		cfg = ad ? pmode_cfg_dup(ad) : NULL;
		KUNIT_ASSERT_NOT_NULL(test, cfg);
		cfg->n_allowed = 0;
		pmode_adapter_publish(ad, cfg);
		break;
	case F_GRANT:
		pmode_grant_del(GLOBAL_ROOT_UID);
		break;
	case F_PROMISC:
		if (ad)
			pmode_adapter_set_promisc(ad, false);
		break;
	default:
		break;
	}
	rtnl_unlock();
}

/* For the adapter deletion to be tried, something to delete. */
static void fault_prepare(struct kunit *test, struct nl_fixture *fx, int op)
{
	if (op == F_DEL)
		KUNIT_ASSERT_EQ(test, fault_request(test, fx, F_NEW), 0);
}

static void pmode_faults_each_allocation(struct kunit *test)
{
	struct nl_fixture *fx = test->priv;
	int op, nth, injected = 0;

	nl_resolve(test, &fx->c);
	/* The gate on: promisc then only needs the grant, set up below. */
	rtnl_lock();
	pmode_gate_set(true);
	rtnl_unlock();
	for (op = 0; op < __F_MAX; op++) {
		/* The state each request starts from. */
		if (op == F_ALLOW || op == F_PROMISC)
			KUNIT_ASSERT_EQ(test, fault_request(test, fx, F_NEW), 0);
		if (op == F_PROMISC)
			KUNIT_ASSERT_EQ(test, fault_request(test, fx, F_GRANT), 0);
		for (nth = 1; nth < 200; nth++) {
			struct sk_buff *req;
			unsigned int left;
			bool applied;
			int err;

			fault_prepare(test, fx, op);
			req = fault_build(test, fx, op);
			WRITE_ONCE(current->fail_nth, nth);
			err = fault_send(fx, req);
			left = READ_ONCE(current->fail_nth);
			WRITE_ONCE(current->fail_nth, 0);
			applied = fault_applied(test, fx, op);
			if (left) {
				/* Fewer than nth allocations: it ran clean. */
				KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s: %s",
						    fault_names[op], fx->c.msg);
				KUNIT_EXPECT_TRUE(test, applied);
				if (applied)
					fault_undo(test, fx, op);
				break;
			}
			injected++;
			/*
			 * A failure is either absorbed (a notification not
			 * sent, the answer lost) or refused whole. Refused
			 * and applied at once is the bug looked for.
			 */
			KUNIT_EXPECT_FALSE_MSG(test, err < 0 && applied,
					       "%s, allocation %d failed: error %d but applied",
					       fault_names[op], nth, err);
			KUNIT_EXPECT_FALSE_MSG(test, !err && !applied,
					       "%s, allocation %d failed: success but not applied",
					       fault_names[op], nth);
			if (applied)
				fault_undo(test, fx, op);
			else if (op == F_DEL)
				fault_undo(test, fx, F_NEW);
		}
		KUNIT_EXPECT_LT_MSG(test, nth, 200, "%s never ran clean", fault_names[op]);
		if (op == F_ALLOW || op == F_PROMISC)
			fault_undo(test, fx, F_NEW);
		if (op == F_PROMISC)
			fault_undo(test, fx, F_GRANT);
		kunit_info(test, "%s: %d allocations, each failed once\n",
			   fault_names[op], nth - 1);
	}
	KUNIT_EXPECT_GT(test, injected, 5);
}

/*
 * The dry run with each of its allocations failing in turn (the request's
 * skb, the frame's, the reply's): an answer or an error, and never a
 * trace on the adapter. Leaks are for pmode_leak_kunit.c.
 */
static void pmode_faults_check(struct kunit *test)
{
	static const u8 frame[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* broadcast */
		0x02, 0, 0, 0, 0x0c, 0x99,		/* a forged source */
		0x81, 0x00, 0x00, 0x0a, 0x88, 0xb5,	/* 802.1Q vid 10 */
	};
	struct nl_fixture *fx = test->priv;
	u64 before[PMODE_NSTATS], after[PMODE_NSTATS];
	struct pmode_adapter *ad;
	int nth, injected = 0;

	nl_resolve(test, &fx->c);
	KUNIT_ASSERT_EQ(test, fault_request(test, fx, F_NEW), 0);
	rtnl_lock();
	ad = pmode_adapter_find(pmode_net(&init_net), fx->dev);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_NULL(test, ad);
	pmode_stats_read(ad, before);
	for (nth = 1; nth < 100; nth++) {
		struct sk_buff *req;
		unsigned int left;
		int err;

		req = port_req(test, fx, PMODE_CMD_ADAPTER_CHECK, NLM_F_ACK);
		KUNIT_ASSERT_EQ(test, nla_put(req, PMODE_A_FRAME, sizeof(frame),
					      frame), 0);
		WRITE_ONCE(current->fail_nth, nth);
		err = fault_send(fx, req);
		left = READ_ONCE(current->fail_nth);
		WRITE_ONCE(current->fail_nth, 0);
		if (left) {
			KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s", fx->c.msg);
			break;
		}
		injected++;
		/*
		 * Answered, refused for want of memory (ENOBUFS: netlink's
		 * own buffers), or the answer lost.
		 */
		KUNIT_EXPECT_TRUE_MSG(test, err == 0 || err == 1 || err == -ENOMEM ||
				      err == -ENOBUFS,
				      "allocation %d failed: error %d", nth, err);
	}
	KUNIT_EXPECT_LT(test, nth, 100);
	KUNIT_EXPECT_GT(test, injected, 1);
	pmode_stats_read(ad, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);
	fault_undo(test, fx, F_NEW);
	kunit_info(test, "adapter check: %d allocations, each failed once\n",
		   nth - 1);
}

static struct kunit_case pmode_faults_cases[] = {
	KUNIT_CASE(pmode_faults_each_allocation),
	KUNIT_CASE(pmode_faults_check),
	{}
};

static struct kunit_suite pmode_faults_suite = {
	.name = "pmode_faults",
	.init = faults_init,
	.exit = faults_exit,
	.test_cases = pmode_faults_cases,
};

kunit_test_suite(pmode_faults_suite);
