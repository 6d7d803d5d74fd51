// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl feature show|enable|disable: the host-wide gate.
 */
#include <linux/pmode.h>
#include "pmodectl.h"

static int print_feature(struct nlattr **a, uint8_t cmd, void *arg)
{
	bool on = a[PMODE_A_FEATURE] && nla_get_u8(a[PMODE_A_FEATURE]);
	struct json j;

	(void)cmd;
	(void)arg;
	if (!opts.json) {
		printf("promiscuous mode feature: %s\n", on ? "enabled" : "disabled");
		return 0;
	}
	json_init(&j, stdout, opts.pretty);
	json_begin(&j, '{');
	json_key(&j, "enabled");
	json_bool(&j, on);
	json_end(&j, '}');
	json_done(&j);
	return 0;
}

static int do_show(int argc, char **argv)
{
	struct nl_msg *msg;

	(void)argv;
	if (argc)
		return usage_error("usage: pmodectl feature show");
	msg = pmode_msg(PMODE_CMD_FEATURE_GET, 0);
	if (!msg || pmode_send(msg, print_feature, NULL))
		return pmode_fail();
	return EXIT_OK;
}
COMMAND(feature, "show", "", "Whether promiscuous mode is enabled on this host.",
	do_show);

static int set(int argc, bool on)
{
	struct nl_msg *msg;

	if (argc)
		return usage_error("usage: pmodectl feature enable|disable");
	msg = pmode_msg(PMODE_CMD_FEATURE_SET, 0);
	if (!msg)
		return pmode_fail();
	if (nla_put_u8(msg, PMODE_A_FEATURE, on) || pmode_send(msg, NULL, NULL))
		return pmode_fail();
	return EXIT_OK;
}

static int do_enable(int argc, char **argv)
{
	(void)argv;
	return set(argc, true);
}
COMMAND(feature, "enable", "", "Enable promiscuous mode on this host (administrator).",
	do_enable);

static int do_disable(int argc, char **argv)
{
	(void)argv;
	return set(argc, false);
}
COMMAND(feature, "disable", "",
	"Disable it; every adapter's promiscuous mode is turned off.", do_disable);
