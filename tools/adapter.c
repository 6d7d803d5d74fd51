// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl adapter add|del|set|allow|disallow|show, and save.
 */
#include <errno.h>
#include <net/if.h>
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
	[PMODE_REASON_EXPOSURE_CHANGED] = "exposure-changed",
	[PMODE_REASON_REGISTERED] = "registered",
	[PMODE_REASON_UNREGISTERED] = "unregistered",
	[PMODE_REASON_PROMISC_REFUSED] = "promisc-refused",
};

const char *const exposure_words[] = {
	[PMODE_EXPOSURE_XDP_GENERIC] = "xdp-generic",
	[PMODE_EXPOSURE_XDP_NATIVE] = "xdp-native",
	[PMODE_EXPOSURE_TC_INGRESS] = "tc-ingress",
	[PMODE_EXPOSURE_TC_EGRESS] = "tc-egress",
	[PMODE_EXPOSURE_PACKET_TAP] = "packet-tap",
};

/* What each exposure is, and what removes it (%s: the port). */
static const struct {
	const char *what, *remove;
} exposure_help[] = {
	[PMODE_EXPOSURE_XDP_GENERIC] = {
		"an XDP program (generic mode) runs before pmode's ingress check",
		"ip link set dev %s xdpgeneric off",
	},
	[PMODE_EXPOSURE_XDP_NATIVE] = {
		"an XDP program (driver or offload) runs before pmode's ingress check",
		"ip link set dev %s xdpdrv off (offloaded: xdpoffload off)",
	},
	[PMODE_EXPOSURE_TC_INGRESS] = {
		"tc filters or tcx programs on ingress run before pmode's ingress check:"
		" a redirect or mirror bypasses it",
		"tc filter del dev %s ingress (tcx programs: see bpftool net)",
	},
	[PMODE_EXPOSURE_TC_EGRESS] = {
		"tc filters or tcx programs on egress run after pmode's egress check:"
		" pedit, skbmod or a redirect may undo it",
		"tc filter del dev %s egress (tcx programs: see bpftool net)",
	},
	[PMODE_EXPOSURE_PACKET_TAP] = {
		"a packet socket bound to the port reads what the VM sends before pmode"
		" judges it (a userspace switch forwards it)",
		"stop the process holding it on %s (ss -0 -p names it)",
	},
};

const char *const drop_words[] = {
	[PMODE_DROP_INVALID_SRC] = "invalid-src",
	[PMODE_DROP_FORGED_SRC] = "forged-src",
	[PMODE_DROP_FORGED_ARP] = "forged-arp",
	[PMODE_DROP_FORGED_ND] = "forged-nd",
	[PMODE_DROP_FOREIGN_DST] = "foreign-dst",
	[PMODE_DROP_MALFORMED] = "malformed",
	[PMODE_DROP_FORGED_DHCP] = "forged-dhcp",
	[PMODE_DROP_QUARANTINED] = "quarantined",
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
	if (type == PMODE_STATS_A_FORGED_DHCP)
		return drop_words[PMODE_DROP_FORGED_DHCP];
	/* A quarantined port's counter (network.c): an adapter has none. */
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

enum kw_type { KW_STR, KW_MAC, KW_U32, KW_UID, KW_ONOFF };

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

static int do_add(struct nl_msg *msg, int argc, char **argv)
{
	struct keyword kw[] = {
		KW("vm", PMODE_A_VM, KW_STR), KW("mac", PMODE_A_MAC, KW_MAC),
		KW("network", PMODE_A_NETWORK, KW_U32), KW("owner", PMODE_A_OWNER, KW_UID),
		KW("manager", PMODE_A_MANAGER, KW_STR), { .name = NULL },
	};

	return put_keywords(msg, argc, argv, kw) ?:
	       kw[0].seen ? 0 : usage_error("'adapter add' needs 'dev IFNAME' and 'vm VMID'");
}
COMMAND(adapter, "add", "dev IFNAME vm VMID [mac LLADDR] [network NETID] [owner UID] [manager NAME]",
	PMODE_CMD_ADAPTER_NEW, 0, PORT_DEV, do_add, NULL,
	"Register the VM adapter whose host-side port is IFNAME.");

COMMAND(adapter, "del", "dev IFNAME", PMODE_CMD_ADAPTER_DEL, 0, PORT_DEV, NULL,
	NULL, "Unregister the adapter on IFNAME.");

static int do_set(struct nl_msg *msg, int argc, char **argv)
{
	struct keyword kw[] = {
		KW("promisc", PMODE_A_PROMISC, KW_ONOFF), KW("as", PMODE_A_AS_UID, KW_UID),
		KW("mac", PMODE_A_MAC, KW_MAC), { .name = NULL },
	};

	return put_keywords(msg, argc, argv, kw) ?:
	       argc ? 0 : usage_error("nothing to set: give promisc or mac");
}
COMMAND(adapter, "set", "dev IFNAME [promisc on|off] [as UID] [mac LLADDR]",
	PMODE_CMD_ADAPTER_SET, 0, PORT_DEV, do_set, NULL,
	"Change an adapter: its promiscuous mode (as a granted user), or its MAC.");

static int do_allow(struct nl_msg *msg, int argc, char **argv)
{
	return argc == 1 ? put_mac(msg, PMODE_A_ALLOW_ADD, argv[0]) : HANDLER_USAGE;
}
COMMAND(adapter, "allow", "dev IFNAME LLADDR", PMODE_CMD_ADAPTER_SET, 0, PORT_DEV,
	do_allow, NULL, "Let the adapter also use LLADDR (at most 16 extra MACs).");

static int do_disallow(struct nl_msg *msg, int argc, char **argv)
{
	return argc == 1 ? put_mac(msg, PMODE_A_ALLOW_DEL, argv[0]) : HANDLER_USAGE;
}
COMMAND(adapter, "disallow", "dev IFNAME LLADDR", PMODE_CMD_ADAPTER_SET, 0, PORT_DEV,
	do_disallow, NULL, "Withdraw an allowed extra MAC.");

/*
 * The text of an adapter's fields, a format each (NULL: JSON only): a row
 * of show's table, whose cells end in tabs, or the words of monitor's
 * events, "dev tap0 vm 3f2a mac 52:54:00:12:34:56 promisc off reason
 * request".
 */
struct adapter_fmt {
	const char *ifname, *vm, *mac, *number, *cell, *promisc, *reason;
	const char *allowed, *learned;		/* what ends the lists' cells */
	const char *unsent_name, *unsent_mac;	/* for what the kernel did not send */
};

static const struct adapter_fmt adapter_fmts[] = {
	[ADAPTER_ROW] = {
		.ifname = "%s\t", .vm = "%s\t", .mac = "%s\t", .number = "%llu\t",
		.cell = "%s\t", .promisc = "%s\t", .allowed = "\t", .learned = "\n",
		.unsent_name = "", .unsent_mac = "",
	},
	[ADAPTER_WORDS] = {
		.ifname = " dev %s", .vm = " vm %s", .mac = " mac %s", .promisc = " promisc %s",
		.reason = " reason %s", .unsent_name = "?", .unsent_mac = "-",
	},
};

/*
 * A list of MACs: an array in JSON; in text, if @end, a cell "a,b" or "-"
 * ended by @end.
 */
static void print_macs(struct nlattr *list, const char *key, const char *end)
{
	enum print_type t = end ? PRINT_ANY : PRINT_JSON;
	char mac[MAC_BUFSIZE];
	struct nlattr *nest;
	int n = 0, rem;

	print_open(key, '[');
	if (list)
		nla_for_each_nested(nest, list, rem) {
			if (nla_type(nest) != PMODE_MACLIST_A_MAC || nla_len(nest) < ETH_ALEN)
				continue;
			format_mac(nla_data(nest), mac);
			print_string(t, NULL, n++ ? ",%s" : "%s", mac);
		}
	if (end)
		print_string(PRINT_TEXT, NULL, n ? "%s" : "-%s", end);
	print_close(']');
}

/*
 * What bypasses the adapter's hooks, if the kernel said: an array of words
 * in JSON; in text, monitor's words "exposure tc-ingress,tc-egress", or a
 * line each after show's row, saying what it is and what removes it.
 */
static void print_exposure(struct nlattr *attr, enum adapter_text how, const char *ifname)
{
	uint32_t e = attr ? nla_get_u32(attr) : 0;
	char word[16], remove[128];
	int i, n = 0;

	if (!attr)
		return;
	print_open("exposure", '[');
	for (i = 0; i < 32; i++) {
		if (!(e & 1U << i))
			continue;
		if (i <= PMODE_EXPOSURE_MAX)
			snprintf(word, sizeof(word), "%s", exposure_words[i]);
		else
			snprintf(word, sizeof(word), "bit-%d", i);
		print_string(PRINT_JSON, NULL, NULL, word);
		if (how == ADAPTER_WORDS) {
			print_string(PRINT_TEXT, NULL, n++ ? ",%s" : " exposure %s", word);
			continue;
		}
		print_string(PRINT_TEXT, NULL, "    exposed: %s: ", word);
		if (i > PMODE_EXPOSURE_MAX) {
			print_string(PRINT_TEXT, NULL, "%s\n", "unknown to this pmodectl");
			continue;
		}
		snprintf(remove, sizeof(remove), exposure_help[i].remove, ifname);
		print_string(PRINT_TEXT, NULL, "%s; ", exposure_help[i].what);
		print_string(PRINT_TEXT, NULL, "remove: %s\n", remove);
	}
	print_close(']');
}

/*
 * One adapter, each field once: an object in JSON (@key names it in the
 * object around it, if any); in text, as @how says, a row of show's
 * table, and its counters, with @stats, on a line of their own after it,
 * or the words of a monitor's event about it.
 */
void adapter_print(struct nlattr **a, const char *key, enum adapter_text how, bool stats)
{
	const struct adapter_fmt *f = &adapter_fmts[how];
	uint32_t reason = a[PMODE_A_REASON] ? nla_get_u32(a[PMODE_A_REASON]) : (uint32_t)-1;
	char name[IFNAMSIZ], fmt[32];
	struct adapter r;
	int i;

	adapter_read(a, &r);
	print_open(key, '{');
	print_string_as(PRINT_ANY, "ifname", f->ifname, r.ifname,
			a[PMODE_A_IFNAME] ? r.ifname : f->unsent_name);
	print_uint(PRINT_JSON, "ifindex", NULL, r.ifindex);
	print_string_as(PRINT_ANY, "vm", f->vm, r.vm, a[PMODE_A_VM] ? r.vm : f->unsent_name);
	print_string_as(PRINT_ANY, "mac", f->mac, r.mac, a[PMODE_A_MAC] ? r.mac : f->unsent_mac);
	/* The explicit network id; a bridge's name is the master's. */
	if (r.has_net_id)
		print_uint(PRINT_ANY, "network", f->number, r.net_id);
	else
		print_null(PRINT_ANY, "network", f->cell);
	if (r.master && !if_indextoname(r.master, name))
		snprintf(name, sizeof(name), "if%u", r.master);
	if (r.master)
		print_string(PRINT_ANY, "master", f->cell, name);
	else
		print_null(PRINT_ANY, "master", f->cell);
	if (r.has_owner)
		print_uint(PRINT_ANY, "owner", f->number, r.owner_uid);
	else
		print_null(PRINT_ANY, "owner", f->cell);
	if (a[PMODE_A_MANAGER])
		print_string(PRINT_JSON, "manager", NULL, r.manager);
	else
		print_null(PRINT_JSON, "manager", NULL);
	print_bool(PRINT_ANY, "promisc", f->promisc, r.promisc);
	print_macs(a[PMODE_A_ALLOWED], "allowed", f->allowed);
	print_macs(a[PMODE_A_LEARNED], "learned", f->learned);
	/* What registers it again itself: a line of its own in show's table. */
	if (a[PMODE_A_MANAGER])
		print_string(PRINT_TEXT, NULL,
			     how == ADAPTER_WORDS ? " manager %s" : "    manager: %s\n",
			     r.manager);
	print_exposure(a[PMODE_A_EXPOSURE], how, r.ifname);
	if (stats) {
		print_string(PRINT_TEXT, NULL, "%s", "    stats:");
		print_open("stats", '{');
		for (i = 0; i <= PMODE_STATS_A_MAX; i++) {
			if (!stats_key(i))
				continue;
			snprintf(fmt, sizeof(fmt), " %s %%llu", stats_key(i));
			print_uint(PRINT_ANY, stats_key(i), fmt, r.stats[i]);
		}
		print_close('}');
		print_string(PRINT_TEXT, NULL, "%s", "\n");
	}
	/* An event's reason; in its words, "unknown" when not one we know. */
	if (reason <= PMODE_REASON_MAX)
		print_string(PRINT_ANY, "reason", f->reason, reason_words[reason]);
	else
		print_string(PRINT_TEXT, NULL, f->reason, "unknown");
	print_close('}');
}

static int show_one(struct nlattr **attrs, uint8_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	adapter_print(attrs, NULL, ADAPTER_ROW, opts.stats);
	return 0;
}

static int do_show(struct nl_msg *msg, int argc, char **argv)
{
	struct keyword kw[] = { KW("vm", PMODE_A_VM, KW_STR), { .name = NULL } };

	print_head("DEV\tVM\tMAC\tNETWORK\tMASTER\tOWNER\tPROMISC\tALLOWED\tLEARNED\n");
	return put_keywords(msg, argc, argv, kw);
}
COMMAND(adapter, "show", "[dev IFNAME] [vm VMID]", PMODE_CMD_ADAPTER_GET,
	CMD_DUMP | CMD_DEFAULT, PORT_DEV_OPT, do_show, show_one,
	"List adapters (with -s, their drop counters), and what bypasses their checks.");

struct audit {
	int exposed;
	bool unreported;	/* an adapter without PMODE_A_EXPOSURE */
};

static int audit_one(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct audit *au = arg;

	(void)cmd;
	if (!a) {		/* the dump is taken again */
		memset(au, 0, sizeof(*au));
		print_restart();
		return 0;
	}
	if (!a[PMODE_A_EXPOSURE]) {
		au->unreported = true;
		return 0;
	}
	if (!nla_get_u32(a[PMODE_A_EXPOSURE]))
		return 0;
	au->exposed++;
	adapter_print(a, NULL, ADAPTER_ROW, false);
	return 0;
}

/* pmodectl adapter audit: the adapters something bypasses; status 1 if any. */
static int do_audit(struct nl_msg *unused, int argc, char **argv)
{
	struct audit au = { 0 };
	struct nl_msg *msg;

	(void)unused;
	(void)argv;
	if (argc)
		return HANDLER_USAGE;
	msg = pmode_msg(PMODE_CMD_ADAPTER_GET, NLM_F_DUMP);
	if (!msg)
		return pmode_fail();
	print_start(true, opts.pretty);
	print_head("DEV\tVM\tMAC\tNETWORK\tMASTER\tOWNER\tPROMISC\tALLOWED\tLEARNED\n");
	if (pmode_send(msg, audit_one, &au)) {
		print_drop();
		return pmode_fail();
	}
	/* Nothing exposed: nothing printed in text, not even the heading. */
	if (!au.exposed && !opts.json)
		print_drop();
	else
		print_end();
	if (au.unreported) {
		fprintf(stderr, "pmodectl: the pmode module does not report what bypasses its checks;"
			" it is older than pmodectl\n");
		return EXIT_FAIL;
	}
	if (au.exposed) {
		fprintf(stderr, "pmodectl: %d adapter%s exposed: something attached to %s port"
			" bypasses pmode's checks\n", au.exposed, au.exposed == 1 ? "" : "s",
			au.exposed == 1 ? "its" : "their");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
COMMAND(adapter, "audit", "", 0, 0, PORT_NONE, do_audit, NULL,
	"List the adapters whose port has something attached that bypasses pmode's\n"
	"      checks (XDP, tc filters, packet taps), with what removes it; exit status 1\n"
	"      if there is any.");
/* One VM id a line: for scripts, and bash completion. */
static int print_vm(struct nlattr **a, uint8_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	if (a[PMODE_A_VM])
		print_string(PRINT_ANY, NULL, "%s\n", nla_get_string(a[PMODE_A_VM]));
	return 0;
}
COMMAND(adapter, "vms", "", PMODE_CMD_ADAPTER_GET, CMD_DUMP, PORT_NONE, NULL, print_vm,
	"Print the VM id of each adapter, one a line (for scripts and completion).");
COMMAND(adapter, "check", "dev IFNAME [rx|tx] frame HEX | pcap FILE", 0, 0, PORT_NONE,
	adapter_check, NULL,
	"Dry run: the verdict the adapter would give frames the VM transmits (tx,\n"
	"      the default) or receives (rx), given in hex or read from a pcap file.");

