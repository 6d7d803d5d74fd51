// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl network guard|unguard|show: guarded networks, whose unregistered
 * VM ports are quarantined (nothing passes) until an adapter is registered.
 */
#include <stdlib.h>
#include <string.h>

#include <linux/pmode.h>
#include "pmodectl.h"

struct quarantined {
	char ifname[IFNAMSIZ], guard[IFNAMSIZ];
	uint32_t ifindex, guard_ifindex;
	uint64_t dropped;
};

struct guarded {
	char ifname[IFNAMSIZ];
	uint32_t ifindex;
};

/* What the two dumps said; grown as replies come. */
struct network_state {
	struct guarded *g;
	size_t n_g;
	struct quarantined *q;
	size_t n_q;
};

static void *grow(void *p, size_t n, size_t size)
{
	return (n & (n - 1)) ? p : realloc(p, (n ? 2 * n : 8) * size);
}

static void read_name(struct nlattr *a, char *to)
{
	snprintf(to, IFNAMSIZ, "%s", a ? nla_get_string(a) : "");
}

static int take_guard(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct network_state *s = arg;
	struct guarded *g;

	(void)cmd;
	if (!a) {		/* the dump is taken again */
		s->n_g = 0;
		return 0;
	}
	g = grow(s->g, s->n_g, sizeof(*g));
	if (!g)
		return -1;
	s->g = g;
	g = &s->g[s->n_g++];
	read_name(a[PMODE_A_IFNAME], g->ifname);
	g->ifindex = a[PMODE_A_IFINDEX] ? nla_get_u32(a[PMODE_A_IFINDEX]) : 0;
	return 0;
}

/* A quarantined port, from a dump's reply or an event. */
static void read_quarantined(struct nlattr **a, struct quarantined *q)
{
	struct nlattr *nest;
	int rem;

	memset(q, 0, sizeof(*q));
	read_name(a[PMODE_A_IFNAME], q->ifname);
	read_name(a[PMODE_A_GUARD_NAME], q->guard);
	q->ifindex = a[PMODE_A_IFINDEX] ? nla_get_u32(a[PMODE_A_IFINDEX]) : 0;
	q->guard_ifindex = a[PMODE_A_GUARD] ? nla_get_u32(a[PMODE_A_GUARD]) : 0;
	if (a[PMODE_A_STATS])
		nla_for_each_nested(nest, a[PMODE_A_STATS], rem)
			if (nla_type(nest) == PMODE_STATS_A_QUARANTINED && nla_len(nest) == 8)
				q->dropped = nla_get_u64(nest);
}

static int take_quarantined(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct network_state *s = arg;
	struct quarantined *q;

	(void)cmd;
	if (!a) {
		s->n_q = 0;
		return 0;
	}
	q = grow(s->q, s->n_q, sizeof(*q));
	if (!q)
		return -1;
	s->q = q;
	read_quarantined(a, &s->q[s->n_q++]);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct quarantined *)a)->ifname,
		      ((const struct quarantined *)b)->ifname);
}

/* One quarantined port's fields: cells of show's rows, or an event's words. */
static void print_quarantined(const struct quarantined *q, bool row)
{
	print_string(PRINT_ANY, "ifname", row ? "%s\t" : " dev %s", q->ifname);
	print_uint(PRINT_JSON, "ifindex", NULL, q->ifindex);
	if (!row) {
		if (*q->guard)
			print_string(PRINT_ANY, "network", " network %s", q->guard);
		else
			print_null(PRINT_ANY, "network", " network %s");
	}
	print_open("stats", '{');
	print_uint(PRINT_ANY, drop_words[PMODE_DROP_QUARANTINED],
		   row ? "%llu\n" : " dropped %llu", q->dropped);
	print_close('}');
}

/*
 * The guarded networks (only @only, if given) and their quarantined ports:
 * a row per port ("-" for a network with none); in JSON, an object per
 * network with an array of its ports.
 */
static void print_networks(struct network_state *s, const char *only)
{
	size_t i, k;
	int n;

	qsort(s->q, s->n_q, sizeof(*s->q), by_name);
	print_head("NETWORK\tPORT\tDROPPED\n");
	for (i = 0; i < s->n_g; i++) {
		const struct guarded *g = &s->g[i];

		if (only && strcmp(only, g->ifname))
			continue;
		print_open(NULL, '{');
		print_string(PRINT_ANY, "ifname", "%s\t", g->ifname);
		print_uint(PRINT_JSON, "ifindex", NULL, g->ifindex);
		print_open("quarantined", '[');
		n = 0;
		for (k = 0; k < s->n_q; k++) {
			if (s->q[k].guard_ifindex != g->ifindex)
				continue;
			if (n++)
				print_string(PRINT_TEXT, NULL, "%s\t", g->ifname);
			print_open(NULL, '{');
			print_quarantined(&s->q[k], true);
			print_close('}');
		}
		if (!n)
			print_string(PRINT_TEXT, NULL, "%s", "-\t-\n");
		print_close(']');
		print_close('}');
	}
}

/* Take both dumps into @s. Return: 0, or an exit status. */
static int take_networks(struct network_state *s)
{
	struct nl_msg *msg = pmode_msg(PMODE_CMD_GUARD_GET, NLM_F_DUMP);

	if (!msg || pmode_send(msg, take_guard, s))
		return pmode_fail();
	msg = pmode_msg(PMODE_CMD_QUARANTINE_GET, NLM_F_DUMP);
	if (!msg || pmode_send(msg, take_quarantined, s))
		return pmode_fail();
	return 0;
}

/* "[dev IFNAME]": the device, or NULL. Return: 0, or HANDLER_USAGE. */
static int dev_arg(int argc, char **argv, const char **dev)
{
	*dev = NULL;
	if (!argc)
		return 0;
	if (argc != 2 || !matches(argv[0], "dev"))
		return HANDLER_USAGE;
	if (strlen(argv[1]) >= IFNAMSIZ)
		return usage_error("invalid device name '%s'", argv[1]);
	*dev = argv[1];
	return 0;
}

/* Show the networks (@only: one), after a change to it if @cmd. */
static int show(uint8_t cmd, const char *only)
{
	struct network_state s = { 0 };
	struct nl_msg *msg;
	int rc = 0;

	if (cmd) {
		msg = pmode_msg(cmd, 0);
		if (!msg || nla_put_string(msg, PMODE_A_IFNAME, only)) {
			nlmsg_free(msg);
			return pmode_fail();
		}
		if (pmode_send(msg, NULL, NULL))
			return pmode_fail();
		/* Unguarded: nothing left to show. */
		if (cmd == PMODE_CMD_GUARD_DEL)
			return EXIT_OK;
	}
	print_start(true, opts.pretty);
	rc = take_networks(&s);
	if (!rc) {
		print_networks(&s, only);
		print_end();
	} else {
		print_drop();
	}
	free(s.g);
	free(s.q);
	return rc;
}

static int do_guard(struct nl_msg *unused, int argc, char **argv)
{
	const char *dev;

	(void)unused;
	if (dev_arg(argc, argv, &dev) || !dev)
		return HANDLER_USAGE;
	return show(PMODE_CMD_GUARD_NEW, dev);
}
COMMAND(network, "guard", "dev IFNAME", 0, 0, PORT_NONE, do_guard, NULL,
	"Guard the network of bridge (or macvtap lower device) IFNAME: its VM\n"
	"      ports (tap, veth, macvtap) without an adapter carry nothing until\n"
	"      registered. Lists the ports it quarantined.");

static int do_unguard(struct nl_msg *unused, int argc, char **argv)
{
	const char *dev;

	(void)unused;
	if (dev_arg(argc, argv, &dev) || !dev)
		return HANDLER_USAGE;
	return show(PMODE_CMD_GUARD_DEL, dev);
}
COMMAND(network, "unguard", "dev IFNAME", 0, 0, PORT_NONE, do_unguard, NULL,
	"Stop guarding IFNAME; its quarantined ports are released.");

static int do_show(struct nl_msg *unused, int argc, char **argv)
{
	const char *dev;

	(void)unused;
	if (dev_arg(argc, argv, &dev))
		return HANDLER_USAGE;
	return show(0, dev);
}
COMMAND(network, "show", "[dev IFNAME]", 0, CMD_DEFAULT, PORT_NONE, do_show, NULL,
	"List guarded networks and their quarantined ports, with what each dropped.");

/* monitor.c: an event about a guard or a quarantine, in words. */
void network_event_print(struct nlattr **a, uint8_t cmd)
{
	struct quarantined q;
	char name[IFNAMSIZ];

	if (cmd == PMODE_CMD_GUARD_NEW || cmd == PMODE_CMD_GUARD_DEL) {
		read_name(a[PMODE_A_IFNAME], name);
		print_string(PRINT_ANY, "network", " network %s", name);
		return;
	}
	read_quarantined(a, &q);
	print_quarantined(&q, false);
}

/*
 * save.c: the guarded networks, into @names (to free), each name's end
 * a NUL. Return: how many, or -1 with pmode_error() set.
 */
int network_guarded(char (**names)[IFNAMSIZ])
{
	struct network_state s = { 0 };
	struct nl_msg *msg = pmode_msg(PMODE_CMD_GUARD_GET, NLM_F_DUMP);
	size_t i;

	*names = NULL;
	if (!msg || pmode_send(msg, take_guard, &s)) {
		free(s.g);
		return -1;
	}
	*names = calloc(s.n_g + 1, IFNAMSIZ);
	if (!*names) {
		free(s.g);
		return pmode_errorf(-1, "out of memory");
	}
	for (i = 0; i < s.n_g; i++)
		memcpy((*names)[i], s.g[i].ifname, IFNAMSIZ);
	free(s.g);
	return s.n_g;
}
