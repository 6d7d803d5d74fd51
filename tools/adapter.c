// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl adapter add|del|set|allow|disallow|show, and save.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pmode.h>
#include "pmodectl.h"

const char *const reason_words[] = {
	[PMODE_REASON_REQUEST] = "request",
	[PMODE_REASON_PORT_DELETED] = "port-deleted",
	[PMODE_REASON_PORT_MOVED] = "port-moved",
	[PMODE_REASON_NETNS_EXIT] = "netns-exit",
	[PMODE_REASON_FEATURE_DISABLED] = "feature-disabled",
	[PMODE_REASON_NETWORK_CHANGED] = "network-changed",
};

const char *const drop_words[] = {
	[PMODE_DROP_INVALID_SRC] = "invalid-src",
	[PMODE_DROP_FORGED_SRC] = "forged-src",
	[PMODE_DROP_FORGED_ARP] = "forged-arp",
	[PMODE_DROP_FORGED_ND] = "forged-nd",
	[PMODE_DROP_FOREIGN_DST] = "foreign-dst",
	[PMODE_DROP_MALFORMED] = "malformed",
};

/*
 * The JSON key of counter @type of PMODE_A_STATS, or NULL. A drop counter
 * (PMODE_STATS_A_<X> counts PMODE_DROP_<X>) is named by its reason's word,
 * so that the two are spelled alike everywhere.
 */
static const char *stats_key(int type)
{
	if (type >= PMODE_STATS_A_INVALID_SRC && type <= PMODE_STATS_A_MALFORMED)
		return drop_words[type - PMODE_STATS_A_INVALID_SRC];
	if (type == PMODE_STATS_A_PROMISC_TX)
		return "promisc-tx";
	if (type == PMODE_STATS_A_PROMISC_RX)
		return "promisc-rx";
	return NULL;
}

/* Needs the next word as the value of @key. */
static int need(int i, int argc, const char *key)
{
	if (i + 1 < argc)
		return 0;
	usage_error("'%s' needs a value; see 'pmodectl adapter help'", key);
	return -1;
}

static int put_dev(struct nl_msg *msg, const char *dev)
{
	if (strlen(dev) >= IFNAMSIZ)
		return usage_error("invalid device name '%s'", dev);
	return nla_put_string(msg, PMODE_A_IFNAME, dev) ? EXIT_FAIL : 0;
}

static int put_mac(struct nl_msg *msg, int type, const char *s)
{
	uint8_t mac[ETH_ALEN];

	if (parse_mac(s, mac))
		return usage_error("invalid MAC address '%s'", s);
	return nla_put(msg, type, ETH_ALEN, mac) ? EXIT_FAIL : 0;
}

static int put_uid(struct nl_msg *msg, int type, const char *s)
{
	uint32_t uid;

	if (parse_uid(s, &uid))
		return usage_error("unknown user '%s'", s);
	return nla_put_u32(msg, type, uid) ? EXIT_FAIL : 0;
}

static int send_simple(struct nl_msg *msg)
{
	return pmode_send(msg, NULL, NULL) ? pmode_fail() : EXIT_OK;
}

enum kw_type { KW_DEV, KW_STR, KW_MAC, KW_U32, KW_UID, KW_ONOFF };

/* A "keyword VALUE" argument and the attribute it becomes. */
struct keyword {
	const char *name;
	int attr;
	enum kw_type type;
	bool seen;
};

#define KW(n, a, t) { .name = (n), .attr = (a), .type = (t) }
#define MAX_KEYWORDS 8

static int put_value(struct nl_msg *msg, const struct keyword *k, const char *v)
{
	uint32_t u;
	bool on;

	switch (k->type) {
	case KW_DEV:
		return put_dev(msg, v);
	case KW_STR:
		return nla_put_string(msg, k->attr, v) ? EXIT_FAIL : 0;
	case KW_MAC:
		return put_mac(msg, k->attr, v);
	case KW_UID:
		return put_uid(msg, k->attr, v);
	case KW_U32:
		if (parse_u32(v, &u))
			return usage_error("invalid %s '%s'", k->name, v);
		return nla_put_u32(msg, k->attr, u) ? EXIT_FAIL : 0;
	case KW_ONOFF:
		if (parse_onoff(v, &on))
			return usage_error("%s is 'on' or 'off', not '%s'", k->name, v);
		return nla_put_u8(msg, k->attr, on) ? EXIT_FAIL : 0;
	}
	return EXIT_FAIL;
}

/*
 * Turn "keyword VALUE..." arguments into attributes of @msg. Keywords may
 * be abbreviated; each one seen is marked in @kw (ended by a NULL name).
 * Return: 0, or the exit status of a usage error.
 */
static int put_keywords(struct nl_msg *msg, int argc, char **argv,
			struct keyword *kw)
{
	const char *names[MAX_KEYWORDS + 1];
	int i, j, err;

	for (j = 0; kw[j].name; j++)
		names[j] = kw[j].name;
	names[j] = NULL;
	for (i = 0; i < argc; i += 2) {
		j = match_word(argv[i], names);
		if (j < 0)
			return usage_error("%s argument '%s'; see 'pmodectl adapter help'",
					   j == -2 ? "ambiguous" : "unknown", argv[i]);
		if (need(i, argc, argv[i]))
			return EXIT_USAGE;
		err = put_value(msg, &kw[j], argv[i + 1]);
		if (err)
			return err;
		kw[j].seen = true;
	}
	return 0;
}

/* Parse into a new message of @cmd and send it. */
static int keyword_request(uint8_t cmd, int argc, char **argv, struct keyword *kw,
			   int (*check)(const struct keyword *kw, int argc))
{
	struct nl_msg *msg = pmode_msg(cmd, 0);
	int err;

	if (!msg)
		return pmode_fail();
	err = put_keywords(msg, argc, argv, kw) ?: check(kw, argc);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return send_simple(msg);
}

static int check_add(const struct keyword *kw, int argc)
{
	(void)argc;
	if (!kw[0].seen || !kw[1].seen)
		return usage_error("'adapter add' needs 'dev IFNAME' and 'vm VMID'");
	return 0;
}

static int do_add(int argc, char **argv)
{
	struct keyword kw[] = {
		KW("dev", PMODE_A_IFNAME, KW_DEV), KW("vm", PMODE_A_VM, KW_STR),
		KW("mac", PMODE_A_MAC, KW_MAC), KW("network", PMODE_A_NETWORK, KW_U32),
		KW("owner", PMODE_A_OWNER, KW_UID), { .name = NULL },
	};

	return keyword_request(PMODE_CMD_ADAPTER_NEW, argc, argv, kw, check_add);
}
COMMAND(adapter, "add", "dev IFNAME vm VMID [mac LLADDR] [network NETID] [owner UID]",
	"Register the VM adapter whose host-side port is IFNAME.", do_add);

static int do_del(int argc, char **argv)
{
	struct nl_msg *msg;
	int err;

	if (argc != 2 || !matches(argv[0], "dev"))
		return usage_error("usage: pmodectl adapter del dev IFNAME");
	msg = pmode_msg(PMODE_CMD_ADAPTER_DEL, 0);
	if (!msg)
		return pmode_fail();
	err = put_dev(msg, argv[1]);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return send_simple(msg);
}
COMMAND(adapter, "del", "dev IFNAME", "Unregister the adapter on IFNAME.", do_del);

static int check_set(const struct keyword *kw, int argc)
{
	if (!kw[0].seen)
		return usage_error("'adapter set' needs 'dev IFNAME'");
	if (argc == 2)
		return usage_error("nothing to set: give promisc or mac");
	return 0;
}

static int do_set(int argc, char **argv)
{
	struct keyword kw[] = {
		KW("dev", PMODE_A_IFNAME, KW_DEV),
		KW("promisc", PMODE_A_PROMISC, KW_ONOFF),
		KW("as", PMODE_A_AS_UID, KW_UID), KW("mac", PMODE_A_MAC, KW_MAC),
		{ .name = NULL },
	};

	return keyword_request(PMODE_CMD_ADAPTER_SET, argc, argv, kw, check_set);
}
COMMAND(adapter, "set", "dev IFNAME [promisc on|off] [as UID] [mac LLADDR]",
	"Change an adapter: its promiscuous mode (as a granted user), or its MAC.",
	do_set);

static int allow_common(int argc, char **argv, int type, const char *verb)
{
	struct nl_msg *msg;
	int err;

	if (argc != 3 || !matches(argv[0], "dev"))
		return usage_error("usage: pmodectl adapter %s dev IFNAME LLADDR", verb);
	msg = pmode_msg(PMODE_CMD_ADAPTER_SET, 0);
	if (!msg)
		return pmode_fail();
	err = put_dev(msg, argv[1]) ?: put_mac(msg, type, argv[2]);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return send_simple(msg);
}

static int do_allow(int argc, char **argv)
{
	return allow_common(argc, argv, PMODE_A_ALLOW_ADD, "allow");
}
COMMAND(adapter, "allow", "dev IFNAME LLADDR",
	"Let the adapter also use LLADDR (at most 16 extra MACs).", do_allow);

static int do_disallow(int argc, char **argv)
{
	return allow_common(argc, argv, PMODE_A_ALLOW_DEL, "disallow");
}
COMMAND(adapter, "disallow", "dev IFNAME LLADDR",
	"Withdraw an allowed extra MAC.", do_disallow);

/* One adapter, as show prints it. */
struct row {
	char ifname[IFNAMSIZ], vm[PMODE_VM_ID_MAXLEN + 1], mac[MAC_BUFSIZE];
	char network[32], owner[16], allowed[PMODE_MAX_ALLOWED * MAC_BUFSIZE + 1];
	bool promisc;
	uint64_t stats[PMODE_STATS_A_MAX + 1];
	uint32_t ifindex, net_id, owner_uid, master;
	bool has_net_id, has_owner;
	uint8_t allowed_macs[PMODE_MAX_ALLOWED][ETH_ALEN];
	int n_allowed;
	struct row *next;
};

static void read_row(struct nlattr **a, struct row *r)
{
	struct nlattr *nest;
	char name[IFNAMSIZ];
	int rem;

	memset(r, 0, sizeof(*r));
	if (a[PMODE_A_IFNAME])
		snprintf(r->ifname, sizeof(r->ifname), "%s", nla_get_string(a[PMODE_A_IFNAME]));
	if (a[PMODE_A_IFINDEX])
		r->ifindex = nla_get_u32(a[PMODE_A_IFINDEX]);
	if (a[PMODE_A_VM])
		snprintf(r->vm, sizeof(r->vm), "%s", nla_get_string(a[PMODE_A_VM]));
	if (a[PMODE_A_MAC])
		format_mac(nla_data(a[PMODE_A_MAC]), r->mac);
	strcpy(r->network, "-");
	if (a[PMODE_A_MASTER])
		r->master = nla_get_u32(a[PMODE_A_MASTER]);
	if (a[PMODE_A_NETWORK]) {
		r->has_net_id = true;
		r->net_id = nla_get_u32(a[PMODE_A_NETWORK]);
		snprintf(r->network, sizeof(r->network), "%u", r->net_id);
	} else if (r->master) {
		if (!if_indextoname(r->master, name))
			snprintf(name, sizeof(name), "if%u", r->master);
		snprintf(r->network, sizeof(r->network), "%s", name);
	}
	strcpy(r->owner, "-");
	if (a[PMODE_A_OWNER]) {
		r->has_owner = true;
		r->owner_uid = nla_get_u32(a[PMODE_A_OWNER]);
		snprintf(r->owner, sizeof(r->owner), "%u", r->owner_uid);
	}
	r->promisc = a[PMODE_A_PROMISC] && nla_get_u8(a[PMODE_A_PROMISC]);
	strcpy(r->allowed, "-");
	if (a[PMODE_A_ALLOWED]) {
		char *p = r->allowed;

		nla_for_each_nested(nest, a[PMODE_A_ALLOWED], rem) {
			if (nla_type(nest) != PMODE_MACLIST_A_MAC || nla_len(nest) < ETH_ALEN ||
			    r->n_allowed == PMODE_MAX_ALLOWED)
				continue;
			memcpy(r->allowed_macs[r->n_allowed++], nla_data(nest), ETH_ALEN);
			if (p != r->allowed)
				*p++ = ',';
			format_mac(nla_data(nest), p);
			p += MAC_STRLEN;
		}
	}
	if (a[PMODE_A_STATS])
		nla_for_each_nested(nest, a[PMODE_A_STATS], rem)
			if (nla_type(nest) <= PMODE_STATS_A_MAX &&
			    stats_key(nla_type(nest)) && nla_len(nest) == 8)
				r->stats[nla_type(nest)] = nla_get_u64(nest);
}

/* One adapter as a JSON object; also used by monitor. */
int adapter_print_json(struct json *j, struct nlattr **a, bool stats)
{
	struct nlattr *nest;
	struct row r;
	char buf[MAC_BUFSIZE];
	int i, rem;

	read_row(a, &r);
	json_begin(j, '{');
	json_key(j, "ifname");
	json_str(j, r.ifname);
	json_key(j, "ifindex");
	json_u64(j, r.ifindex);
	json_key(j, "vm");
	json_str(j, r.vm);
	json_key(j, "mac");
	json_str(j, r.mac);
	json_key(j, "network");		/* the explicit id; the bridge is "master" */
	if (r.has_net_id)
		json_u64(j, r.net_id);
	else
		json_null(j);
	json_key(j, "master");
	if (r.master) {
		char name[IFNAMSIZ];

		json_str(j, if_indextoname(r.master, name) ? name : "");
	} else {
		json_null(j);
	}
	json_key(j, "owner");
	if (r.has_owner)
		json_u64(j, r.owner_uid);
	else
		json_null(j);
	json_key(j, "promisc");
	json_bool(j, r.promisc);
	json_key(j, "allowed");
	json_begin(j, '[');
	for (i = 0; i < r.n_allowed; i++) {
		format_mac(r.allowed_macs[i], buf);
		json_str(j, buf);
	}
	json_end(j, ']');
	json_key(j, "learned");
	json_begin(j, '[');
	if (a[PMODE_A_LEARNED])
		nla_for_each_nested(nest, a[PMODE_A_LEARNED], rem) {
			if (nla_type(nest) != PMODE_MACLIST_A_MAC || nla_len(nest) < ETH_ALEN)
				continue;
			format_mac(nla_data(nest), buf);
			json_str(j, buf);
		}
	json_end(j, ']');
	if (stats) {
		json_key(j, "stats");
		json_begin(j, '{');
		for (i = 0; i <= PMODE_STATS_A_MAX; i++) {
			if (!stats_key(i))
				continue;
			json_key(j, stats_key(i));
			json_u64(j, r.stats[i]);
		}
		json_end(j, '}');
	}
	if (a[PMODE_A_REASON] && nla_get_u32(a[PMODE_A_REASON]) <= PMODE_REASON_MAX) {
		json_key(j, "reason");
		json_str(j, reason_words[nla_get_u32(a[PMODE_A_REASON])]);
	}
	json_end(j, '}');
	return 0;
}

struct show {
	struct json j;
	struct row *rows, **tail;
};

static int show_one(struct nlattr **attrs, uint8_t cmd, void *arg)
{
	struct show *s = arg;
	struct row *r;

	(void)cmd;
	if (opts.json)
		return adapter_print_json(&s->j, attrs, opts.stats);
	r = malloc(sizeof(*r));
	if (!r)
		return -1;
	read_row(attrs, r);
	*s->tail = r;
	s->tail = &r->next;
	return 0;
}

/* The columns of show, the last (ALLOWED) unpadded. */
enum { COL_DEV, COL_VM, COL_MAC, COL_NETWORK, COL_OWNER, COL_PROMISC, COL_ALLOWED, NCOLS };

static void print_line(const int *w, const char *const *col)
{
	int i;

	for (i = 0; i < COL_ALLOWED; i++)
		printf("%-*s  ", w[i], col[i]);
	printf("%s\n", col[COL_ALLOWED]);
}

static void print_rows(struct row *rows)
{
	static const char *const head[NCOLS] = {
		"DEV", "VM", "MAC", "NETWORK", "OWNER", "PROMISC", "ALLOWED",
	};
	int w[NCOLS];
	struct row *r;
	int i;

	for (i = 0; i < NCOLS; i++)
		w[i] = strlen(head[i]);
	w[COL_MAC] = MAC_STRLEN;
	for (r = rows; r; r = r->next) {
		const char *col[NCOLS] = { r->ifname, r->vm, r->mac, r->network, r->owner };

		for (i = 0; i < COL_PROMISC; i++)
			if ((int)strlen(col[i]) > w[i])
				w[i] = strlen(col[i]);
	}
	print_line(w, head);
	for (r = rows; r; r = r->next) {
		print_line(w, (const char *[NCOLS]){ r->ifname, r->vm, r->mac, r->network,
						     r->owner, r->promisc ? "on" : "off",
						     r->allowed });
		if (!opts.stats)
			continue;
		printf("    dropped:");
		for (i = PMODE_STATS_A_INVALID_SRC; i <= PMODE_STATS_A_MALFORMED; i++)
			printf(" %s %llu", drop_words[i - PMODE_STATS_A_INVALID_SRC],
			       (unsigned long long)r->stats[i]);
		printf("\n    promisc: tx %llu rx %llu\n",
		       (unsigned long long)r->stats[PMODE_STATS_A_PROMISC_TX],
		       (unsigned long long)r->stats[PMODE_STATS_A_PROMISC_RX]);
	}
}

static int do_show(int argc, char **argv)
{
	struct nl_msg *msg = pmode_msg(PMODE_CMD_ADAPTER_GET, NLM_F_DUMP);
	struct keyword kw[] = {
		KW("dev", PMODE_A_IFNAME, KW_DEV), KW("vm", PMODE_A_VM, KW_STR),
		{ .name = NULL },
	};
	struct show s = { .rows = NULL };
	struct row *r;
	int err;

	if (!msg)
		return pmode_fail();
	err = put_keywords(msg, argc, argv, kw);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	s.tail = &s.rows;
	json_init(&s.j, stdout, opts.pretty);
	if (opts.json)
		json_begin(&s.j, '[');
	err = pmode_send(msg, show_one, &s);
	if (err)
		return pmode_fail();
	if (opts.json) {
		json_end(&s.j, ']');
		json_done(&s.j);
	} else {
		print_rows(s.rows);
	}
	while ((r = s.rows)) {
		s.rows = r->next;
		free(r);
	}
	return EXIT_OK;
}
COMMAND(adapter, "show", "[dev IFNAME] [vm VMID]",
	"List adapters (with -s, their drop counters).", do_show);
COMMAND(adapter, "check", "dev IFNAME [rx|tx] frame HEX | pcap FILE",
	"Dry run: the verdict the adapter would give frames the VM transmits (tx,\n"
	"      the default) or receives (rx), given in hex or read from a pcap file.",
	adapter_check);

/*
 * save: the whole configuration as a batch file that 'pmodectl -b' reads
 * back into the same state. Every string goes through put_word(), the
 * quoting split_line() reads.
 */
struct saved {
	bool feature;
	uint32_t *grants;
	size_t n_grants, cap;
	struct row *rows, **tail;
};

static int save_feature(struct nlattr **a, uint8_t cmd, void *arg)
{
	(void)cmd;
	if (a[PMODE_A_FEATURE])
		((struct saved *)arg)->feature = nla_get_u8(a[PMODE_A_FEATURE]);
	return 0;
}

static int save_grant(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct saved *s = arg;

	(void)cmd;
	if (!a[PMODE_A_UID])
		return 0;
	if (s->n_grants == s->cap) {
		uint32_t *g = realloc(s->grants, (s->cap * 2 + 64) * sizeof(*g));

		if (!g)
			return -1;
		s->grants = g;
		s->cap = s->cap * 2 + 64;
	}
	s->grants[s->n_grants++] = nla_get_u32(a[PMODE_A_UID]);
	return 0;
}

static int save_adapter(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct saved *s = arg;
	struct row *r = malloc(sizeof(*r));

	(void)cmd;
	if (!r)
		return -1;
	read_row(a, r);
	*s->tail = r;
	s->tail = &r->next;
	return 0;
}

static bool is_allowed(const struct row *r, const uint8_t *mac)
{
	int i;

	for (i = 0; i < r->n_allowed; i++)
		if (!memcmp(r->allowed_macs[i], mac, ETH_ALEN))
			return true;
	return false;
}

/* "adapter VERB dev IFNAME" with no end of line. */
static int save_dev(const struct row *r, const char *verb)
{
	printf("adapter %s dev ", verb);
	return put_word(r->ifname, stdout);
}

/*
 * An adapter, its allowed MACs in their order. Its MAC may be one of them
 * (set after it was allowed), which 'allow' would refuse: it is then
 * registered with a spare MAC, set to its own after the allows.
 */
static int save_one(const struct row *r)
{
	uint8_t mac[ETH_ALEN], spare[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };
	bool own_allowed;
	char buf[MAC_BUFSIZE];
	int i;

	if (parse_mac(r->mac, mac))
		return -1;
	own_allowed = is_allowed(r, mac);
	while (is_allowed(r, spare))
		spare[ETH_ALEN - 1]++;
	format_mac(own_allowed ? spare : mac, buf);
	if (save_dev(r, "add") || fputs(" vm ", stdout) < 0 || put_word(r->vm, stdout))
		return -1;
	printf(" mac %s", buf);
	if (r->has_net_id)
		printf(" network %u", r->net_id);
	if (r->has_owner)
		printf(" owner %u", r->owner_uid);
	printf("\n");
	for (i = 0; i < r->n_allowed; i++) {
		format_mac(r->allowed_macs[i], buf);
		if (save_dev(r, "allow"))
			return -1;
		printf(" %s\n", buf);
	}
	if (own_allowed) {
		if (save_dev(r, "set"))
			return -1;
		printf(" mac %s\n", r->mac);
	}
	return 0;
}

/*
 * Promisc last, once every adapter exists, acting for a granted user: the
 * owner if it holds a grant, else the first grant. Grants revoked since
 * promisc was turned on may leave none: then uid 0 holds one meanwhile.
 */
static int save_promisc(const struct saved *s)
{
	const struct row *r;
	bool any = false;
	uint32_t as;
	size_t i;

	for (r = s->rows; r; r = r->next)
		any |= r->promisc;
	if (any && !s->n_grants)
		printf("user grant 0\n");
	for (r = s->rows; r; r = r->next) {
		if (!r->promisc)
			continue;
		as = s->n_grants ? s->grants[0] : 0;
		for (i = 0; i < s->n_grants; i++)
			if (r->has_owner && s->grants[i] == r->owner_uid)
				as = r->owner_uid;
		if (save_dev(r, "set"))
			return -1;
		printf(" promisc on as %u\n", as);
	}
	if (any && !s->n_grants)
		printf("user revoke 0\n");
	return 0;
}

static int save_print(const struct saved *s)
{
	const struct row *r;
	size_t i;

	printf("# pmode configuration; restore with 'pmodectl -b FILE'\n");
	printf("feature %s\n", s->feature ? "enable" : "disable");
	for (i = 0; i < s->n_grants; i++)
		printf("user grant %u\n", s->grants[i]);
	for (r = s->rows; r; r = r->next)
		if (save_one(r))
			return -1;
	return save_promisc(s);
}

static int do_save(int argc, char **argv)
{
	struct saved s = { .tail = &s.rows };
	struct nl_msg *msg;
	struct row *r;
	int rc = EXIT_OK;

	(void)argv;
	if (argc)
		return usage_error("usage: pmodectl save");
	msg = pmode_msg(PMODE_CMD_FEATURE_GET, 0);
	if (!msg || pmode_send(msg, save_feature, &s))
		rc = pmode_fail();
	msg = rc ? NULL : pmode_msg(PMODE_CMD_GRANT_GET, NLM_F_DUMP);
	if (!rc && (!msg || pmode_send(msg, save_grant, &s)))
		rc = pmode_fail();
	msg = rc ? NULL : pmode_msg(PMODE_CMD_ADAPTER_GET, NLM_F_DUMP);
	if (!rc && (!msg || pmode_send(msg, save_adapter, &s)))
		rc = pmode_fail();
	errno = 0;
	if (!rc && (save_print(&s) || fflush(stdout))) {
		fprintf(stderr, "pmodectl: cannot write the configuration: %s\n",
			errno ? strerror(errno) : "a name holds a newline");
		rc = EXIT_FAIL;
	}
	while ((r = s.rows)) {
		s.rows = r->next;
		free(r);
	}
	free(s.grants);
	return rc;
}
COMMAND(save, "", "", "Print a batch file that recreates the configuration.",
	do_save);
