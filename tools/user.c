// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl user grant|revoke|show: who may change promiscuous mode.
 */
#include <string.h>

#include <linux/pmode.h>
#include "pmodectl.h"

static int change(int argc, char **argv, uint8_t cmd, const char *verb)
{
	struct nl_msg *msg;
	uint32_t uid;

	if (argc != 1)
		return usage_error("usage: pmodectl user %s UID", verb);
	if (parse_uid(argv[0], &uid))
		return usage_error("unknown user '%s'", argv[0]);
	msg = pmode_msg(cmd, 0);
	if (!msg)
		return pmode_fail();
	if (nla_put_u32(msg, PMODE_A_UID, uid) || pmode_send(msg, NULL, NULL))
		return pmode_fail();
	return EXIT_OK;
}

static int do_grant(int argc, char **argv)
{
	return change(argc, argv, PMODE_CMD_GRANT_NEW, "grant");
}
COMMAND(user, "grant", "UID", "Allow user UID to turn promiscuous mode on.",
	do_grant);

static int do_revoke(int argc, char **argv)
{
	return change(argc, argv, PMODE_CMD_GRANT_DEL, "revoke");
}
COMMAND(user, "revoke", "UID",
	"Withdraw the grant; flags already set stay as they are.", do_revoke);

struct grants {
	struct json j;
	int n;
};

static int print_grant(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct grants *g = arg;

	(void)cmd;
	if (!a[PMODE_A_UID])
		return 0;
	g->n++;
	if (opts.json)
		json_u64(&g->j, nla_get_u32(a[PMODE_A_UID]));
	else
		printf("%u\n", nla_get_u32(a[PMODE_A_UID]));
	return 0;
}

static int do_show(int argc, char **argv)
{
	struct grants g = { .n = 0 };
	struct nl_msg *msg;

	(void)argv;
	if (argc)
		return usage_error("usage: pmodectl user show");
	json_init(&g.j, stdout, opts.pretty);
	msg = pmode_msg(PMODE_CMD_GRANT_GET, NLM_F_DUMP);
	if (!msg)
		return pmode_fail();
	if (opts.json)
		json_begin(&g.j, '[');
	if (pmode_send(msg, print_grant, &g))
		return pmode_fail();
	if (opts.json) {
		json_end(&g.j, ']');
		json_done(&g.j);
	}
	return EXIT_OK;
}
COMMAND(user, "show", "", "List the uids holding the grant.", do_show);
