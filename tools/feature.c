// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl feature show|enable|disable: the host-wide gate.
 */
#include <linux/pmode.h>
#include "pmodectl.h"

static int print_feature(struct nlattr **a, uint8_t cmd, void *arg)
{
	(void)cmd;
	(void)arg;
	print_open(NULL, '{');
	print_bool(PRINT_ANY, "enabled", "promiscuous mode feature: %s\n",
		   a[PMODE_A_FEATURE] && nla_get_u8(a[PMODE_A_FEATURE]));
	print_close('}');
	return 0;
}
COMMAND(feature, "show", "", PMODE_CMD_FEATURE_GET, CMD_DEFAULT, PORT_NONE, NULL,
	print_feature, "Whether promiscuous mode is enabled on this host.");

static int put_feature(struct nl_msg *msg, int argc, bool on)
{
	if (argc)
		return HANDLER_USAGE;
	return nla_put_u8(msg, PMODE_A_FEATURE, on) ? EXIT_FAIL : 0;
}

static int do_enable(struct nl_msg *msg, int argc, char **argv)
{
	(void)argv;
	return put_feature(msg, argc, true);
}
COMMAND(feature, "enable", "", PMODE_CMD_FEATURE_SET, 0, PORT_NONE, do_enable, NULL,
	"Enable promiscuous mode on this host (administrator).");

static int do_disable(struct nl_msg *msg, int argc, char **argv)
{
	(void)argv;
	return put_feature(msg, argc, false);
}
COMMAND(feature, "disable", "", PMODE_CMD_FEATURE_SET, 0, PORT_NONE, do_disable, NULL,
	"Disable it; every adapter's promiscuous mode is turned off.");
