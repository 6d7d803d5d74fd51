// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl user grant|revoke|show: who may change promiscuous mode.
 */
#include <linux/pmode.h>
#include "pmodectl.h"

static int put_user(struct nl_msg *msg, int argc, char **argv)
{
	uint32_t uid;

	if (argc != 1)
		return HANDLER_USAGE;
	if (parse_uid(argv[0], &uid))
		return usage_error("unknown user '%s'", argv[0]);
	return nla_put_u32(msg, PMODE_A_UID, uid) ? EXIT_FAIL : 0;
}
COMMAND(user, "grant", "UID", PMODE_CMD_GRANT_NEW, 0, PORT_NONE, put_user, NULL,
	"Allow user UID to turn promiscuous mode on.");
COMMAND(user, "revoke", "UID", PMODE_CMD_GRANT_DEL, 0, PORT_NONE, put_user, NULL,
	"Withdraw the grant; flags already set stay as they are.");

static int print_grant(struct nlattr **a, uint8_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	if (a[PMODE_A_UID])
		print_uint(PRINT_ANY, NULL, "%llu\n", nla_get_u32(a[PMODE_A_UID]));
	return 0;
}
COMMAND(user, "show", "", PMODE_CMD_GRANT_GET, CMD_DUMP | CMD_DEFAULT, PORT_NONE,
	NULL, print_grant, "List the uids holding the grant.");
