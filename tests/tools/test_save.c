// SPDX-License-Identifier: GPL-2.0
/*
 * Property test of 'pmodectl save' and 'pmodectl -b': for random states of
 * a fake kernel, save then restore into an empty one gives the same state.
 * And the shape of 'pmodectl -j -s adapter show' of each state, and the
 * NETWORK and MASTER columns of its text.
 *
 * The tool runs for real (the dispatcher, the batch reader, the command
 * handlers, save); only nl.c is replaced, by a fake kernel that keeps the
 * state in a struct and judges requests by the rules of kmod/netlink.c
 * (VM ids of 1 to 63 bytes without control characters, unicast MACs, at
 * most 16 distinct allowed MACs, promisc only with the gate on and a grant,
 * one per VM per network). The VM tier checks the same against the module.
 *
 *   test_save [STATES [SEED]]     default 1000 states, seed from the clock
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net/if.h>
#include <linux/pmode.h>
#include "pmodectl.h"

#define NPORTS 8
#define MAX_GRANTS 5000

struct fake_adapter {
	bool registered, has_net, has_owner, promisc;
	char vm[PMODE_VM_ID_MAXLEN + 1];
	char manager[PMODE_MANAGER_MAXLEN + 1];
	uint8_t mac[6];
	uint32_t net, owner;
	uint8_t allowed[PMODE_MAX_ALLOWED][6];
	int n_allowed;
};

struct fake_kernel {
	bool gate;
	bool tear;			/* every dump is torn once */
	uint32_t grants[MAX_GRANTS];	/* ascending, as the kernel dumps them */
	int n_grants;
	int n_ports;
	char port[NPORTS][IFNAMSIZ];	/* the ports that exist */
	uint32_t master[NPORTS];	/* their bridge's ifindex, or 0 */
	struct fake_adapter ad[NPORTS];
	bool guarded[NPORTS];		/* a guarded network's device */
};

static struct fake_kernel k;

/* The netlink layer of pmodectl.h, on the fake kernel. */

int enter_netns(const char *name)
{
	(void)name;
	return -1;
}

void pmode_close(void)
{
}

static int monitor_events(reply_fn fn, void *arg);

/* The events of monitor_events(), then an error that ends the monitor. */
int pmode_monitor(reply_fn fn, void *arg)
{
	monitor_events(fn, arg);
	pmode_errorf(0, "no more events in the fake kernel");
	return -EIO;
}

static bool granted(uint32_t uid)
{
	int i;

	for (i = 0; i < k.n_grants; i++)
		if (k.grants[i] == uid)
			return true;
	return false;
}

static int grant_add(uint32_t uid)
{
	int i;

	if (uid == UINT32_MAX)
		return pmode_errorf(-EINVAL, "uid %u is not a user", uid);
	if (granted(uid))
		return pmode_errorf(-EEXIST, "uid %u holds the grant already", uid);
	if (k.n_grants == MAX_GRANTS)
		return pmode_errorf(-ENOMEM, "the fake kernel holds %d grants at most", MAX_GRANTS);
	for (i = k.n_grants; i > 0 && k.grants[i - 1] > uid; i--)
		k.grants[i] = k.grants[i - 1];
	k.grants[i] = uid;
	k.n_grants++;
	return 0;
}

static int grant_del(uint32_t uid)
{
	int i;

	for (i = 0; i < k.n_grants && k.grants[i] != uid; i++)
		;
	if (i == k.n_grants)
		return pmode_errorf(-ENOENT, "uid %u holds no grant", uid);
	memmove(&k.grants[i], &k.grants[i + 1], (k.n_grants - i - 1) * sizeof(k.grants[0]));
	k.n_grants--;
	return 0;
}

static int find_port(struct nlattr **a)
{
	int i;

	if (!a[PMODE_A_IFNAME])
		return pmode_errorf(-EINVAL, "no device given");
	for (i = 0; i < k.n_ports; i++)
		if (!strcmp(k.port[i], nla_get_string(a[PMODE_A_IFNAME])))
			return i;
	return pmode_errorf(-ENODEV, "no device %s", nla_get_string(a[PMODE_A_IFNAME]));
}

static int mac_check(struct nlattr *attr)
{
	static const uint8_t zero[6];
	const uint8_t *m = nla_data(attr);

	if (nla_len(attr) != 6 || (m[0] & 1) || !memcmp(m, zero, 6))
		return pmode_errorf(-EINVAL, "not a unicast MAC");
	return 0;
}

static int adapter_new(struct nlattr **a)
{
	struct fake_adapter *ad;
	const char *c;
	int i = find_port(a);

	if (i < 0)
		return i;
	ad = &k.ad[i];
	if (ad->registered)
		return pmode_errorf(-EEXIST, "%s already has an adapter", k.port[i]);
	if (!a[PMODE_A_VM] || !a[PMODE_A_MAC])
		return pmode_errorf(-EINVAL, "a VM id and a MAC are needed");
	c = nla_get_string(a[PMODE_A_VM]);
	if (!*c || strlen(c) > PMODE_VM_ID_MAXLEN)
		return pmode_errorf(-EINVAL, "a VM id is 1 to %d bytes long", PMODE_VM_ID_MAXLEN);
	for (; *c; c++)
		if ((uint8_t)*c < 0x20 || *c == 0x7f)
			return pmode_errorf(-EINVAL, "a VM id may not contain control characters");
	if (mac_check(a[PMODE_A_MAC]))
		return -EINVAL;
	if (a[PMODE_A_OWNER] && nla_get_u32(a[PMODE_A_OWNER]) == UINT32_MAX)
		return pmode_errorf(-EINVAL, "not a user");
	memset(ad, 0, sizeof(*ad));
	ad->registered = true;
	strcpy(ad->vm, nla_get_string(a[PMODE_A_VM]));
	memcpy(ad->mac, nla_data(a[PMODE_A_MAC]), 6);
	if ((ad->has_net = a[PMODE_A_NETWORK]))
		ad->net = nla_get_u32(a[PMODE_A_NETWORK]);
	if ((ad->has_owner = a[PMODE_A_OWNER]))
		ad->owner = nla_get_u32(a[PMODE_A_OWNER]);
	if (a[PMODE_A_MANAGER])
		snprintf(ad->manager, sizeof(ad->manager), "%s",
			 nla_get_string(a[PMODE_A_MANAGER]));
	return 0;
}

static bool owns(const struct fake_adapter *ad, const uint8_t *mac)
{
	int i;

	for (i = 0; i < ad->n_allowed; i++)
		if (!memcmp(ad->allowed[i], mac, 6))
			return true;
	return !memcmp(ad->mac, mac, 6);
}

/* The MAC changes of a set request, on a copy, as edit_macs() does. */
static int edit_macs(struct fake_adapter *ad, struct nlattr **a)
{
	int i;

	if (a[PMODE_A_ALLOW_DEL]) {
		for (i = 0; i < ad->n_allowed; i++)
			if (!memcmp(ad->allowed[i], nla_data(a[PMODE_A_ALLOW_DEL]), 6))
				break;
		if (i == ad->n_allowed)
			return pmode_errorf(-ENOENT, "not an allowed MAC of this adapter");
		memmove(ad->allowed[i], ad->allowed[i + 1], (ad->n_allowed - i - 1) * 6);
		ad->n_allowed--;
	}
	if (a[PMODE_A_MAC]) {
		if (mac_check(a[PMODE_A_MAC]))
			return -EINVAL;
		memcpy(ad->mac, nla_data(a[PMODE_A_MAC]), 6);
	}
	if (a[PMODE_A_ALLOW_ADD]) {
		if (mac_check(a[PMODE_A_ALLOW_ADD]))
			return -EINVAL;
		if (owns(ad, nla_data(a[PMODE_A_ALLOW_ADD])))
			return pmode_errorf(-EEXIST, "already this adapter's MAC or allowed");
		if (ad->n_allowed == PMODE_MAX_ALLOWED)
			return pmode_errorf(-ENOSPC, "an adapter has at most %d allowed MACs",
				      PMODE_MAX_ALLOWED);
		memcpy(ad->allowed[ad->n_allowed++], nla_data(a[PMODE_A_ALLOW_ADD]), 6);
	}
	return 0;
}

/* The network of adapter @i, as pmode_adapter_network() has it: 0 for none. */
static uint64_t network(int i)
{
	if (k.ad[i].has_net)
		return (1ull << 32) | k.ad[i].net;
	return k.master[i] ? (2ull << 32) | k.master[i] : 0;
}

/* Another adapter of adapter @n's VM with promisc on in its network? */
static bool promisc_taken(int n)
{
	int i;

	if (!network(n))
		return false;	/* no network: the rule does not apply */
	for (i = 0; i < k.n_ports; i++)
		if (i != n && k.ad[i].registered && k.ad[i].promisc &&
		    network(i) == network(n) && !strcmp(k.ad[i].vm, k.ad[n].vm))
			return true;
	return false;
}

static int adapter_set(struct nlattr **a)
{
	struct fake_adapter copy;
	int err, i = find_port(a);

	if (i < 0)
		return i;
	if (!k.ad[i].registered)
		return pmode_errorf(-ENOENT, "%s has no adapter", k.port[i]);
	copy = k.ad[i];
	err = edit_macs(&copy, a);
	if (err)
		return err;
	if (a[PMODE_A_PROMISC] && nla_get_u8(a[PMODE_A_PROMISC])) {
		uint32_t as = a[PMODE_A_AS_UID] ? nla_get_u32(a[PMODE_A_AS_UID]) : 0;

		if (!k.gate)
			return pmode_errorf(-EPERM, "promiscuous mode is not enabled on this host");
		if (!granted(as))
			return pmode_errorf(-EACCES, "uid %u lacks the promisc grant", as);
		if (promisc_taken(i))
			return pmode_errorf(-EBUSY, "VM already has promisc on in this network");
	}
	if (a[PMODE_A_PROMISC])
		copy.promisc = nla_get_u8(a[PMODE_A_PROMISC]);
	k.ad[i] = copy;
	return 0;
}

/* A reply message of @cmd, filled by the caller, handed to @fn. */
static int reply(struct nl_msg *m, uint8_t cmd, reply_fn fn, void *arg)
{
	struct nlattr *attrs[PMODE_A_MAX + 1];
	uint8_t got;
	int err = 0;

	if (pmode_parse(nlmsg_hdr(m), attrs, &got) < 0 || got != cmd)
		err = pmode_errorf(-EPROTO, "the fake kernel built a bad reply");
	else if (fn && fn(attrs, cmd, arg) < 0)
		err = pmode_errorf(-EINVAL, "the reply callback failed");
	nlmsg_free(m);
	return err;
}

static int put_adapter(struct nl_msg *m, int i)
{
	const struct fake_adapter *ad = &k.ad[i];
	struct nlattr *nest;
	int j;

	if (nla_put_u32(m, PMODE_A_IFINDEX, i + 1) ||
	    nla_put_string(m, PMODE_A_IFNAME, k.port[i]) ||
	    nla_put_string(m, PMODE_A_VM, ad->vm) ||
	    nla_put(m, PMODE_A_MAC, 6, ad->mac) ||
	    (ad->has_net && nla_put_u32(m, PMODE_A_NETWORK, ad->net)) ||
	    (k.master[i] && nla_put_u32(m, PMODE_A_MASTER, k.master[i])) ||
	    (ad->has_owner && nla_put_u32(m, PMODE_A_OWNER, ad->owner)) ||
	    (ad->manager[0] && nla_put_string(m, PMODE_A_MANAGER, ad->manager)) ||
	    nla_put_u8(m, PMODE_A_PROMISC, ad->promisc))
		return -1;
	nest = nla_nest_start(m, PMODE_A_ALLOWED);
	if (!nest)
		return -1;
	for (j = 0; j < ad->n_allowed; j++)
		if (nla_put(m, PMODE_MACLIST_A_MAC, 6, ad->allowed[j]))
			return -1;
	nla_nest_end(m, nest);
	return 0;
}

static int dump(uint8_t cmd, reply_fn fn, void *arg)
{
	struct nl_msg *m;
	int i, err;

	for (i = 0; i < (cmd == PMODE_CMD_FEATURE_GET ? 1 :
			 cmd == PMODE_CMD_GRANT_GET ? k.n_grants : k.n_ports); i++) {
		if (cmd == PMODE_CMD_ADAPTER_GET && !k.ad[i].registered)
			continue;
		if (cmd == PMODE_CMD_GUARD_GET && !k.guarded[i])
			continue;
		m = pmode_msg(cmd, 0);
		if (!m)
			return pmode_errorf(-ENOMEM, "out of memory");
		if (cmd == PMODE_CMD_FEATURE_GET)
			err = nla_put_u8(m, PMODE_A_FEATURE, k.gate);
		else if (cmd == PMODE_CMD_GRANT_GET)
			err = nla_put_u32(m, PMODE_A_UID, k.grants[i]);
		else if (cmd == PMODE_CMD_GUARD_GET)
			err = nla_put_string(m, PMODE_A_IFNAME, k.port[i]) ||
			      nla_put_u32(m, PMODE_A_IFINDEX, 1 + i);
		else
			err = put_adapter(m, i);
		if (err) {
			nlmsg_free(m);
			return pmode_errorf(-EMSGSIZE, "the reply does not fit");
		}
		err = reply(m, cmd, fn, arg);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A get, or a dump. A torn dump (k.tear) is taken twice, as nl.c takes a
 * dump flagged NLM_F_DUMP_INTR again: the replies of the first, then a
 * call with no attributes, then the second's.
 */
static int get(uint8_t cmd, reply_fn fn, void *arg)
{
	int err = 0;

	if (k.tear && cmd != PMODE_CMD_FEATURE_GET) {
		err = dump(cmd, fn, arg);
		if (!err && fn && fn(NULL, cmd, arg) < 0)
			err = pmode_errorf(-EINVAL, "the reply callback failed");
	}
	return err ?: dump(cmd, fn, arg);
}

static int handle(uint8_t cmd, struct nlattr **a, reply_fn fn, void *arg)
{
	int i;

	switch (cmd) {
	case PMODE_CMD_ADAPTER_NEW:
		return adapter_new(a);
	case PMODE_CMD_ADAPTER_DEL:
		i = find_port(a);
		if (i >= 0 && !k.ad[i].registered)
			i = pmode_errorf(-ENOENT, "%s has no adapter", k.port[i]);
		if (i >= 0)
			k.ad[i].registered = false;
		return i < 0 ? i : 0;
	case PMODE_CMD_ADAPTER_SET:
		return adapter_set(a);
	case PMODE_CMD_FEATURE_SET:
		if (!a[PMODE_A_FEATURE])
			return pmode_errorf(-EINVAL, "no feature attribute");
		k.gate = nla_get_u8(a[PMODE_A_FEATURE]);
		for (i = 0; !k.gate && i < k.n_ports; i++)
			k.ad[i].promisc = false;
		return 0;
	case PMODE_CMD_GRANT_NEW:
	case PMODE_CMD_GRANT_DEL:
		if (!a[PMODE_A_UID])
			return pmode_errorf(-EINVAL, "no uid attribute");
		return cmd == PMODE_CMD_GRANT_NEW ? grant_add(nla_get_u32(a[PMODE_A_UID])) :
						    grant_del(nla_get_u32(a[PMODE_A_UID]));
	case PMODE_CMD_GUARD_NEW:
	case PMODE_CMD_GUARD_DEL:
		i = find_port(a);
		if (i >= 0 && k.guarded[i] == (cmd == PMODE_CMD_GUARD_NEW))
			i = pmode_errorf(-EEXIST, "%s: already so", k.port[i]);
		if (i >= 0)
			k.guarded[i] = cmd == PMODE_CMD_GUARD_NEW;
		return i < 0 ? i : 0;
	case PMODE_CMD_QUARANTINE_GET:
		return 0;
	case PMODE_CMD_ADAPTER_GET:
	case PMODE_CMD_FEATURE_GET:
	case PMODE_CMD_GRANT_GET:
	case PMODE_CMD_GUARD_GET:
		return get(cmd, fn, arg);
	}
	return pmode_errorf(-EOPNOTSUPP, "unknown command %u", cmd);
}

int pmode_send(struct nl_msg *msg, reply_fn fn, void *arg)
{
	struct nlattr *attrs[PMODE_A_MAX + 1];
	uint8_t cmd;
	int err;

	if (pmode_parse(nlmsg_hdr(msg), attrs, &cmd) < 0)
		err = pmode_errorf(-EINVAL, "malformed request");
	else
		err = handle(cmd, attrs, fn, arg);
	nlmsg_free(msg);
	return err;
}

/* An adapter event, a violation, a grant and the gate, of adapter 0. */
static int monitor_events(reply_fn fn, void *arg)
{
	static const uint8_t forged[6] = { 2, 0, 0, 0, 0, 0x99 };
	struct nl_msg *m;
	int err = 0;

	m = pmode_msg(PMODE_CMD_ADAPTER_NEW, 0);
	if (!m || put_adapter(m, 0) || nla_put_u32(m, PMODE_A_REASON, PMODE_REASON_REQUEST) ||
	    nla_put_u32(m, PMODE_A_BY_UID, 0))
		return -1;
	err = err ?: reply(m, PMODE_CMD_ADAPTER_NEW, fn, arg);
	m = pmode_msg(PMODE_CMD_VIOLATION, 0);
	if (!m || nla_put_string(m, PMODE_A_IFNAME, k.port[0]) ||
	    nla_put_string(m, PMODE_A_VM, k.ad[0].vm) ||
	    nla_put_u32(m, PMODE_A_DROP_REASON, PMODE_DROP_FORGED_SRC) ||
	    nla_put(m, PMODE_A_OFFENDING_MAC, 6, forged) || nla_put_u32(m, PMODE_A_SUPPRESSED, 3))
		return -1;
	err = err ?: reply(m, PMODE_CMD_VIOLATION, fn, arg);
	m = pmode_msg(PMODE_CMD_GRANT_NEW, 0);
	if (!m || nla_put_u32(m, PMODE_A_UID, 1000) || nla_put_u32(m, PMODE_A_BY_UID, 0) ||
	    nla_put_u32(m, PMODE_A_AS_UID, 1000))
		return -1;
	err = err ?: reply(m, PMODE_CMD_GRANT_NEW, fn, arg);
	m = pmode_msg(PMODE_CMD_FEATURE_SET, 0);
	if (!m || nla_put_u8(m, PMODE_A_FEATURE, 1))
		return -1;
	return err ?: reply(m, PMODE_CMD_FEATURE_SET, fn, arg);
}

/* Random states. */

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)((rng >> 11) % n) : (uint32_t)(rng >> 32);
}

/* Bytes a batch file could get wrong, and UTF-8. */
static const char *const nasty[] = {
	"\"", "\\", "'", "#", " ", "\\\"", "\"\\", "é", "日本", "\xe2\x80\x8b",
	"$x", ";", "\\n", "  ", "-",
};

/* A random string of @min to @max bytes, none of which @ok refuses. */
static void random_string(char *s, int min, int max, bool (*ok)(uint8_t c))
{
	int len = min + rnd(max - min + 1), n = 0;

	while (n < len) {
		const char *w = nasty[rnd(sizeof(nasty) / sizeof(nasty[0]))];
		char c;

		switch (rnd(3)) {
		case 0:		/* a nasty piece, if it fits */
			if (n + (int)strlen(w) > len)
				continue;
			while (*w && ok((uint8_t)*w))
				s[n++] = *w++;
			continue;
		case 1:
			c = "abcdefxyz0123456789-_."[rnd(22)];
			break;
		default:
			c = (char)(1 + rnd(255));
			break;
		}
		if (ok((uint8_t)c))
			s[n++] = c;
	}
	s[n] = 0;
}

/* The bytes a VM id may hold: vm_id_check(). */
static bool vm_byte(uint8_t c)
{
	return c >= 0x20 && c != 0x7f;
}

/* The bytes an interface name may hold: dev_valid_name(), its isspace(). */
static bool ifname_byte(uint8_t c)
{
	return c && c != '/' && c != ':' && c != ' ' && (c < '\t' || c > '\r') &&
	       c != 0xa0;
}

static void random_mac(uint8_t *m)
{
	int i;

	for (i = 0; i < 6; i++)
		m[i] = rnd(256);
	m[0] &= 0xfe;
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]))
		m[5] = 1;
}

static uint32_t random_uid(void)
{
	static const uint32_t some[] = { 0, 1, 1000, 65534, 4294967294u };

	return rnd(2) ? some[rnd(5)] : rnd(0) % UINT32_MAX;
}

static bool new_port_name(const char *name, int n)
{
	int i;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < n; i++)
		if (!strcmp(k.port[i], name))
			return false;
	return true;
}

static void random_adapter(struct fake_adapter *ad, int i)
{
	uint8_t mac[6];

	ad->registered = true;
	if (i && rnd(3) == 0 && k.ad[i - 1].registered)
		strcpy(ad->vm, k.ad[i - 1].vm);	/* one VM, several adapters */
	else
		random_string(ad->vm, 1, PMODE_VM_ID_MAXLEN, vm_byte);
	random_mac(ad->mac);
	if ((ad->has_net = rnd(2)))
		ad->net = rnd(2) ? rnd(3) : rnd(0);
	if ((ad->has_owner = rnd(2)))
		ad->owner = random_uid();
	while (ad->n_allowed < (int)rnd(PMODE_MAX_ALLOWED + 1)) {
		random_mac(mac);
		if (!owns(ad, mac))
			memcpy(ad->allowed[ad->n_allowed++], mac, 6);
	}
	/* 'set mac' to an allowed MAC: the kernel takes it. */
	if (ad->n_allowed && rnd(5) == 0)
		memcpy(ad->mac, ad->allowed[rnd(ad->n_allowed)], 6);
}

static void random_state(struct fake_kernel *s)
{
	int i, n;

	memset(&k, 0, sizeof(k));
	k.n_ports = rnd(NPORTS + 1);
	for (i = 0; i < k.n_ports; i++)
		do
			random_string(k.port[i], 1, IFNAMSIZ - 1, ifname_byte);
		while (!new_port_name(k.port[i], i));
	for (i = 0; i < k.n_ports; i++) {
		k.master[i] = rnd(2) ? 1000 + rnd(2) : 0;	/* two bridges */
		k.guarded[i] = rnd(4) == 0;
	}
	k.gate = rnd(2);
	k.tear = rnd(3) == 0;
	n = rnd(100) == 0 ? MAX_GRANTS : (int)rnd(5);
	for (i = 0; i < n; i++)
		grant_add(n == MAX_GRANTS ? (uint32_t)i * 7 : random_uid());
	for (i = 0; i < k.n_ports; i++) {
		if (rnd(4))
			random_adapter(&k.ad[i], i);
		/* Promisc, by the rules; grants may be revoked since. */
		if (k.ad[i].registered && k.gate && rnd(2) && !promisc_taken(i))
			k.ad[i].promisc = true;
	}
	*s = k;
}

/* Where @a and @b differ, as words for a person; "" if they do not. */
static const char *differ(const struct fake_kernel *a, const struct fake_kernel *b)
{
	static char why[128];
	int i;

	if (a->gate != b->gate)
		return "the feature gate";
	if (a->n_grants != b->n_grants ||
	    memcmp(a->grants, b->grants, a->n_grants * sizeof(a->grants[0])))
		return "the grants";
	if (memcmp(a->guarded, b->guarded, sizeof(a->guarded)))
		return "the guarded networks";
	for (i = 0; i < a->n_ports; i++) {
		const struct fake_adapter *x = &a->ad[i], *y = &b->ad[i];
		const char *what = NULL;

		if (x->registered != y->registered)
			what = "registration";
		else if (!x->registered)
			continue;
		else if (strcmp(x->vm, y->vm))
			what = "VM id";
		else if (memcmp(x->mac, y->mac, 6))
			what = "MAC";
		else if (x->has_net != y->has_net || x->net != y->net)
			what = "network";
		else if (x->has_owner != y->has_owner || x->owner != y->owner)
			what = "owner";
		else if (x->n_allowed != y->n_allowed ||
			 memcmp(x->allowed, y->allowed, x->n_allowed * 6))
			what = "allowed MACs";
		else if (x->promisc != y->promisc)
			what = "promisc";
		if (what) {
			snprintf(why, sizeof(why), "the %s of adapter %d", what, i);
			return why;
		}
	}
	return "";
}

/* Standard output to @out and standard error to @err, or (NULL) back. */
static void redirect(FILE *out, FILE *err)
{
	static int fd1 = -1, fd2 = -1;

	fflush(stdout);
	fflush(stderr);
	if (out) {
		fd1 = dup(1);
		fd2 = dup(2);
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
	} else {
		dup2(fd1, 1);
		dup2(fd2, 2);
		close(fd1);
		close(fd2);
	}
}

static void print_file(FILE *f, const char *title)
{
	bool bol = true;
	int c;

	printf("# %s (control bytes as \\xHH):\n", title);
	rewind(f);
	while ((c = fgetc(f)) != EOF) {
		if (bol)
			printf("#   ");
		bol = c == '\n';
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* Save @s, restore it into an empty kernel. Return: 0 if they agree. */
static int round_trip(const struct fake_kernel *s, int state, bool verbose)
{
	char path[] = "/tmp/pmode-test-save.XXXXXX";
	FILE *batch, *err = tmpfile();
	int fd = mkstemp(path), rc, bad;
	const char *why;

	batch = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (!batch || !err) {
		printf("# cannot make temporary files\n");
		return -1;
	}
	k = *s;
	redirect(batch, err);
	rc = run_command(1, (char *[]){ "save", NULL });
	redirect(NULL, NULL);
	memset(k.ad, 0, sizeof(k.ad));
	memset(k.guarded, 0, sizeof(k.guarded));
	k.gate = false;
	k.n_grants = 0;
	if (!rc) {
		redirect(err, err);
		rc = run_batch(path);
		redirect(NULL, NULL);
	}
	why = differ(s, &k);
	bad = rc || *why;
	if (bad && verbose) {
		printf("# state %d: %s%s%s\n", state, rc ? "save or -b failed" : "",
		       rc && *why ? "; " : "", *why ? why : "");
		print_file(batch, "the saved file");
		print_file(err, "pmodectl said");
	}
	fclose(batch);
	fclose(err);
	unlink(path);
	return bad;
}

/*
 * 'pmodectl -j -s adapter show' of the state in the fake kernel: one
 * "network" per adapter, a number exactly when it has an explicit id; the
 * counters named as the drop reasons. Return: 0 if so.
 */
static int check_json(void)
{
	static const char stats[] = "\"stats\":{\"invalid-src\":0,\"forged-src\":0,"
		"\"forged-arp\":0,\"forged-nd\":0,\"foreign-dst\":0,\"malformed\":0,"
		"\"promisc-tx\":0,\"promisc-rx\":0,\"forged-dhcp\":0}";
	FILE *out = tmpfile(), *err = tmpfile();
	int i, rc, numbers = 0, nulls = 0, want = 0, nets = 0, n = 0;
	char *buf = NULL, *p;
	size_t cap = 0;

	if (!out || !err)
		return -1;
	opts.json = opts.stats = true;
	redirect(out, err);
	rc = run_command(2, (char *[]){ "adapter", "show", NULL });
	redirect(NULL, NULL);
	opts.json = opts.stats = false;
	rewind(out);
	if (rc || getdelim(&buf, &cap, 0, out) < 0)
		rc = -1;
	for (p = buf; !rc && (p = strstr(p, "\"network\":")); p++) {
		p += strlen("\"network\":");
		numbers += *p >= '0' && *p <= '9';
		nulls += !strncmp(p, "null", 4);
	}
	for (p = buf; !rc && (p = strstr(p, stats)); p++)
		n++;
	for (i = 0; i < k.n_ports; i++) {
		want += k.ad[i].registered;
		nets += k.ad[i].registered && k.ad[i].has_net;
	}
	rc = rc || numbers != nets || nulls != want - nets || n != want ? -1 : 0;
	free(buf);
	fclose(out);
	fclose(err);
	return rc;
}

/*
 * Run @line with the options @o (a string of j, p, s) on the known state,
 * and compare what it prints with @want. Return: 0 if the same.
 */
static int printed(const char *o, const char *line, const char *want)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char buf[4096], words[128], *argv[16];
	int argc;
	size_t n;

	if (!out || !err)
		return -1;
	snprintf(words, sizeof(words), "%s", line);
	argc = split_line(words, argv, 16);
	opts.json = strchr(o, 'j');
	opts.pretty = strchr(o, 'p');
	opts.stats = strchr(o, 's');
	redirect(out, err);
	run_command(argc, argv);
	redirect(NULL, NULL);
	opts.json = opts.pretty = opts.stats = false;
	rewind(out);
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = 0;
	fclose(out);
	fclose(err);
	if (!strcmp(buf, want))
		return 0;
	printf("# pmodectl %s%s%s%s printed:\n%s# not:\n%s", *o ? "-" : "", o, *o ? " " : "",
	       line, buf, want);
	return -1;
}

/*
 * What the commands print, exactly, for a known state: 'adapter show',
 * 'feature show' and 'user show' in JSON (as the tool printed them before
 * the print layer: the test passes on 7f7dd4a) and in text; and
 * 'pmodectl monitor' of the events of monitor_events(), in text and in
 * JSON, one object a line even with -p (an adapter event's by_uid and
 * as_uid after its adapter since monitor prints each field once, in the
 * text's order). Return: how many differ.
 */
static int check_known(void)
{
	static const char adapter[] =
		"{\"ifname\":\"tap0\",\"ifindex\":1,\"vm\":\"vm \\\"1\\\"\","
		"\"mac\":\"02:00:00:00:00:01\",\"network\":7,\"master\":null,\"owner\":1000,"
		"\"manager\":null,\"promisc\":true,\"allowed\":[\"02:00:00:00:00:02\"],\"learned\":[]";
	static const char stats[] = ",\"stats\":{\"invalid-src\":0,\"forged-src\":0,"
		"\"forged-arp\":0,\"forged-nd\":0,\"foreign-dst\":0,\"malformed\":0,"
		"\"promisc-tx\":0,\"promisc-rx\":0,\"forged-dhcp\":0}";
	struct fake_kernel saved = k;
	char want[2048];
	int bad = 0;

	memset(&k, 0, sizeof(k));
	k.n_ports = 2;
	strcpy(k.port[0], "tap0");
	strcpy(k.port[1], "tap1");
	k.ad[0] = (struct fake_adapter){
		.registered = true, .vm = "vm \"1\"", .mac = { 2, 0, 0, 0, 0, 1 },
		.has_net = true, .net = 7, .has_owner = true, .owner = 1000, .promisc = true,
		.allowed = { { 2, 0, 0, 0, 0, 2 } }, .n_allowed = 1,
	};
	grant_add(0);
	grant_add(1000);
	snprintf(want, sizeof(want), "[%s%s}]\n", adapter, stats);
	bad += !!printed("js", "adapter show", want);
	bad += !!printed("", "adapter show",
			 "DEV   VM      MAC                NETWORK  MASTER  OWNER  PROMISC"
			 "  ALLOWED            LEARNED\n"
			 "tap0  vm \"1\"  02:00:00:00:00:01  7        -       1000   on     "
			 "  02:00:00:00:00:02  -\n");
	bad += !!printed("s", "adapter show dev tap0",
			 "DEV   VM      MAC                NETWORK  MASTER  OWNER  PROMISC"
			 "  ALLOWED            LEARNED\n"
			 "tap0  vm \"1\"  02:00:00:00:00:01  7        -       1000   on     "
			 "  02:00:00:00:00:02  -\n"
			 "    stats: invalid-src 0 forged-src 0 forged-arp 0 forged-nd 0"
			 " foreign-dst 0 malformed 0 promisc-tx 0 promisc-rx 0 forged-dhcp 0\n");
	bad += !!printed("jp", "adapter show",
			 "[\n  {\n    \"ifname\": \"tap0\",\n    \"ifindex\": 1,\n"
			 "    \"vm\": \"vm \\\"1\\\"\",\n    \"mac\": \"02:00:00:00:00:01\",\n"
			 "    \"network\": 7,\n    \"master\": null,\n    \"owner\": 1000,\n"
			 "    \"manager\": null,\n    \"promisc\": true,\n    \"allowed\": [\n"
			 "      \"02:00:00:00:00:02\"\n    ],\n    \"learned\": []\n  }\n]\n");
	bad += !!printed("j", "feature show", "{\"enabled\":false}\n");
	bad += !!printed("j", "user show", "[0,1000]\n");
	bad += !!printed("", "user show", "0\n1000\n");
	snprintf(want, sizeof(want),
		 "{\"event\":\"adapter-new\",\"adapter\":%s,\"reason\":\"request\"},"
		 "\"by_uid\":0,\"as_uid\":null}\n"
		 "{\"event\":\"violation\",\"ifname\":\"tap0\",\"vm\":\"vm \\\"1\\\"\","
		 "\"reason\":\"forged-src\",\"mac\":\"02:00:00:00:00:99\",\"suppressed\":3,\"frame\":null}\n"
		 "{\"event\":\"grant-new\",\"uid\":1000,\"by_uid\":0,\"as_uid\":1000}\n"
		 "{\"event\":\"feature\",\"enabled\":true}\n", adapter);
	bad += !!printed("jp", "monitor", want);
	bad += !!printed("", "monitor",
			 "adapter-new dev tap0 vm vm \"1\" mac 02:00:00:00:00:01 promisc on"
			 " reason request by uid 0\n"
			 "violation dev tap0 vm vm \"1\" reason forged-src mac 02:00:00:00:00:99"
			 " suppressed 3\n"
			 "grant-new uid 1000 by uid 0 as uid 1000\n"
			 "feature enabled\n");
	/*
	 * A managed adapter: shown with its manager, left out of save (its
	 * promisc too), the unmanaged one saved whole.
	 */
	k.ad[1] = (struct fake_adapter){
		.registered = true, .vm = "vm2", .mac = { 2, 0, 0, 0, 0, 3 },
		.manager = "libvirt", .promisc = true,
	};
	bad += !!printed("", "adapter show",
			 "DEV   VM      MAC                NETWORK  MASTER  OWNER  PROMISC"
			 "  ALLOWED            LEARNED\n"
			 "tap0  vm \"1\"  02:00:00:00:00:01  7        -       1000   on     "
			 "  02:00:00:00:00:02  -\n"
			 "tap1  vm2     02:00:00:00:00:03  -        -       -      on     "
			 "  -                  -\n"
			 "    manager: libvirt\n");
	snprintf(want, sizeof(want), "[%s},{\"ifname\":\"tap1\",\"ifindex\":2,\"vm\":\"vm2\","
			 "\"mac\":\"02:00:00:00:00:03\",\"network\":null,\"master\":null,"
			 "\"owner\":null,\"manager\":\"libvirt\",\"promisc\":true,"
			 "\"allowed\":[],\"learned\":[]}]\n", adapter);
	bad += !!printed("j", "adapter show", want);
	bad += !!printed("", "save",
			 "# pmode configuration; restore with 'pmodectl -b FILE'\n"
			 "feature disable\n"
			 "user grant 0\n"
			 "user grant 1000\n"
			 "adapter add dev tap0 vm \"vm \\\"1\\\"\" mac 02:00:00:00:00:01 network 7 owner 1000\n"
			 "adapter allow dev tap0 02:00:00:00:00:02\n"
			 "# tap1: registered by libvirt, which does it again\n"
			 "adapter set dev tap0 promisc on as 1000\n");
	k = saved;
	return bad;
}

/* The cell of @line under @head of the heading line @h, trailing blanks cut. */
static void cell(const char *h, const char *line, const char *head, char *out, size_t size)
{
	const char *start = strstr(h, head), *end;
	size_t n;

	*out = 0;
	if (!start || (size_t)(start - h) > strlen(line))
		return;
	end = strchr(start, ' ');
	while (end && *end == ' ')
		end++;
	line += start - h;
	n = end && *end ? (size_t)(end - start) : strlen(line);
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\n'))
		n--;
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), line);
}

/*
 * 'pmodectl adapter show' of the state in the fake kernel, in text: under
 * NETWORK the explicit id or "-", under MASTER the bridge or "-", as the
 * JSON has them. Return: 0 if so.
 */
static int check_text(void)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char *head = NULL, *line = NULL, got[64], want[64], name[IFNAMSIZ];
	size_t hcap = 0, cap = 0;
	int i, rc;

	if (!out || !err)
		return -1;
	redirect(out, err);
	rc = run_command(2, (char *[]){ "adapter", "show", NULL });
	redirect(NULL, NULL);
	rewind(out);
	if (rc || getline(&head, &hcap, out) < 0 || !strstr(head, " MASTER "))
		rc = -1;
	for (i = 0; !rc && i < k.n_ports; i++) {
		if (!k.ad[i].registered)
			continue;
		if (getline(&line, &cap, out) < 0) {
			rc = -1;
			break;
		}
		cell(head, line, "NETWORK", got, sizeof(got));
		snprintf(want, sizeof(want), k.ad[i].has_net ? "%u" : "-", k.ad[i].net);
		rc = strcmp(got, want) ? -1 : 0;
		cell(head, line, "MASTER", got, sizeof(got));
		if (!k.master[i])
			strcpy(want, "-");
		else if (!if_indextoname(k.master[i], name))
			snprintf(want, sizeof(want), "if%u", k.master[i]);
		else
			snprintf(want, sizeof(want), "%s", name);
		rc = rc || strcmp(got, want) ? -1 : 0;
	}
	free(head);
	free(line);
	fclose(out);
	fclose(err);
	return rc;
}

/* 'pmodectl adapter vms': each adapter's VM id, a line each. Return: 0 if so. */
static int check_vms(void)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char *line = NULL;
	size_t cap = 0;
	int i, rc;

	if (!out || !err)
		return -1;
	redirect(out, err);
	rc = run_command(2, (char *[]){ "adapter", "vms", NULL });
	redirect(NULL, NULL);
	rewind(out);
	for (i = 0; !rc && i < k.n_ports; i++) {
		if (!k.ad[i].registered)
			continue;
		if (getline(&line, &cap, out) < 0)
			rc = -1;
		else
			rc = strcmp(strtok(line, "\n") ?: "", k.ad[i].vm) ? -1 : 0;
	}
	if (!rc && getline(&line, &cap, out) >= 0)
		rc = -1;
	free(line);
	fclose(out);
	fclose(err);
	return rc;
}

int main(int argc, char **argv)
{
	int states = argc > 1 ? atoi(argv[1]) : 1000, i, failed = 0, json_bad = 0;
	int text_bad = 0, vms_bad = 0;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)time(NULL);
	static struct fake_kernel s;

	rng = seed * 2654435761u + 1;
	printf("# %d random states, seed %llu (test_save %d %llu repeats it)\n", states,
	       (unsigned long long)seed, states, (unsigned long long)seed);
	for (i = 0; i < states; i++) {
		random_state(&s);
		json_bad += !!check_json();
		text_bad += !!check_text();
		vms_bad += !!check_vms();
		failed += !!round_trip(&s, i, failed < 3);
	}
	i = check_known();
	printf("%sok 205 - tools: what adapter show, feature show, user show and monitor "
	       "print, in text and JSON, for a known state (%d differ)\n", i ? "not " : "", i);
	printf("%sok 201 - tools: save then -b restores %d random states exactly (%d differ)\n",
	       failed ? "not " : "", states, failed);
	printf("%sok 202 - tools: -j -s adapter show of them: \"network\" a number or null, "
	       "the counters named as the drop reasons (%d wrong)\n",
	       json_bad ? "not " : "", json_bad);
	printf("%sok 203 - tools: adapter show of them in text: NETWORK the id or -, "
	       "MASTER the bridge or - (%d wrong)\n", text_bad ? "not " : "", text_bad);
	printf("%sok 204 - tools: adapter vms of them: each adapter's VM id, a line each "
	       "(%d wrong)\n", vms_bad ? "not " : "", vms_bad);
	return failed || json_bad || text_bad || vms_bad ? 1 : 0;
}
