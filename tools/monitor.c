// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl monitor: one line per event of the notify group.
 */
#include <net/if.h>

#include <linux/pmode.h>
#include "pmodectl.h"

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case PMODE_CMD_ADAPTER_NEW: return "adapter-new";
	case PMODE_CMD_ADAPTER_SET: return "adapter-set";
	case PMODE_CMD_ADAPTER_DEL: return "adapter-del";
	case PMODE_CMD_FEATURE_SET: return "feature";
	case PMODE_CMD_GRANT_NEW: return "grant-new";
	case PMODE_CMD_GRANT_DEL: return "grant-del";
	case PMODE_CMD_VIOLATION: return "violation";
	default: return "unknown";
	}
}

static const char *word(const char *const *words, int max, struct nlattr *a)
{
	uint32_t v = a ? nla_get_u32(a) : (uint32_t)-1;

	return v <= (uint32_t)max ? words[v] : "unknown";
}

/* The whole frame's length; the bytes at hand when the kernel said none. */
static uint32_t frame_len(struct nlattr **a)
{
	return a[PMODE_A_FRAME_LENGTH] ? nla_get_u32(a[PMODE_A_FRAME_LENGTH]) :
	       (uint32_t)nla_len(a[PMODE_A_FRAME]);
}

/* Who made a change, and for whom, as the kernel says. */
static void print_who_text(struct nlattr **a)
{
	if (a[PMODE_A_BY_UID])
		printf(" by uid %u", nla_get_u32(a[PMODE_A_BY_UID]));
	if (a[PMODE_A_AS_UID])
		printf(" as uid %u", nla_get_u32(a[PMODE_A_AS_UID]));
}

static void print_who_json(struct nlattr **a)
{
	if (!a[PMODE_A_BY_UID])
		return;
	print_uint(PRINT_JSON, "by_uid", NULL, nla_get_u32(a[PMODE_A_BY_UID]));
	if (a[PMODE_A_AS_UID])
		print_uint(PRINT_JSON, "as_uid", NULL, nla_get_u32(a[PMODE_A_AS_UID]));
	else
		print_null(PRINT_JSON, "as_uid", NULL);
}

static void print_text(struct nlattr **a, uint8_t cmd)
{
	char mac[MAC_BUFSIZE] = "-";

	printf("%s", event_name(cmd));
	switch (cmd) {
	case PMODE_CMD_ADAPTER_NEW:
	case PMODE_CMD_ADAPTER_SET:
	case PMODE_CMD_ADAPTER_DEL:
		if (a[PMODE_A_MAC])
			format_mac(nla_data(a[PMODE_A_MAC]), mac);
		printf(" dev %s vm %s mac %s promisc %s reason %s",
		       a[PMODE_A_IFNAME] ? nla_get_string(a[PMODE_A_IFNAME]) : "?",
		       a[PMODE_A_VM] ? nla_get_string(a[PMODE_A_VM]) : "?", mac,
		       a[PMODE_A_PROMISC] && nla_get_u8(a[PMODE_A_PROMISC]) ? "on" : "off",
		       word(reason_words, PMODE_REASON_MAX, a[PMODE_A_REASON]));
		break;
	case PMODE_CMD_FEATURE_SET:
		printf(" %s", a[PMODE_A_FEATURE] && nla_get_u8(a[PMODE_A_FEATURE]) ?
		       "enabled" : "disabled");
		break;
	case PMODE_CMD_GRANT_NEW:
	case PMODE_CMD_GRANT_DEL:
		if (a[PMODE_A_UID])
			printf(" uid %u", nla_get_u32(a[PMODE_A_UID]));
		break;
	case PMODE_CMD_VIOLATION:
		if (a[PMODE_A_OFFENDING_MAC])
			format_mac(nla_data(a[PMODE_A_OFFENDING_MAC]), mac);
		printf(" dev %s vm %s reason %s mac %s suppressed %u",
		       a[PMODE_A_IFNAME] ? nla_get_string(a[PMODE_A_IFNAME]) : "?",
		       a[PMODE_A_VM] ? nla_get_string(a[PMODE_A_VM]) : "?",
		       word(drop_words, PMODE_DROP_MAX, a[PMODE_A_DROP_REASON]), mac,
		       a[PMODE_A_SUPPRESSED] ? nla_get_u32(a[PMODE_A_SUPPRESSED]) : 0);
		if (a[PMODE_A_FRAME]) {
			char text[512];

			decode_frame(nla_data(a[PMODE_A_FRAME]), nla_len(a[PMODE_A_FRAME]),
				     frame_len(a), text, sizeof(text));
			printf(" frame %s", text);
		}
		break;
	}
	print_who_text(a);
	printf("\n");
}

static void print_json(struct nlattr **a, uint8_t cmd)
{
	char mac[MAC_BUFSIZE];

	print_start(false, false);	/* one event a line, even with -p */
	print_open(NULL, '{');
	print_string(PRINT_JSON, "event", NULL, event_name(cmd));
	if (a[PMODE_A_FEATURE])
		print_bool(PRINT_JSON, "enabled", NULL, nla_get_u8(a[PMODE_A_FEATURE]));
	if (a[PMODE_A_UID])
		print_uint(PRINT_JSON, "uid", NULL, nla_get_u32(a[PMODE_A_UID]));
	print_who_json(a);
	/* An adapter's event carries the adapter object. */
	if (cmd <= PMODE_CMD_ADAPTER_SET && cmd >= PMODE_CMD_ADAPTER_NEW)
		adapter_print(a, "adapter", false);
	if (cmd == PMODE_CMD_VIOLATION) {
		print_string(PRINT_JSON, "ifname", NULL,
			     a[PMODE_A_IFNAME] ? nla_get_string(a[PMODE_A_IFNAME]) : "");
		print_string(PRINT_JSON, "vm", NULL,
			     a[PMODE_A_VM] ? nla_get_string(a[PMODE_A_VM]) : "");
		print_string(PRINT_JSON, "reason", NULL,
			     word(drop_words, PMODE_DROP_MAX, a[PMODE_A_DROP_REASON]));
		if (a[PMODE_A_OFFENDING_MAC]) {
			format_mac(nla_data(a[PMODE_A_OFFENDING_MAC]), mac);
			print_string(PRINT_JSON, "mac", NULL, mac);
		} else {
			print_null(PRINT_JSON, "mac", NULL);
		}
		print_uint(PRINT_JSON, "suppressed", NULL,
			   a[PMODE_A_SUPPRESSED] ? nla_get_u32(a[PMODE_A_SUPPRESSED]) : 0);
		if (a[PMODE_A_FRAME]) {
			json_key(print_json_writer(), "frame");
			decode_frame_json(print_json_writer(), nla_data(a[PMODE_A_FRAME]),
					  nla_len(a[PMODE_A_FRAME]), frame_len(a));
		}
	}
	print_close('}');
	print_end();
}

static int on_event(struct nlattr **a, uint8_t cmd, void *arg)
{
	(void)arg;
	if (opts.json)
		print_json(a, cmd);
	else
		print_text(a, cmd);
	fflush(stdout);
	return 0;
}

static int do_monitor(struct nl_msg *unused, int argc, char **argv)
{
	(void)unused;
	(void)argv;
	if (argc)
		return HANDLER_USAGE;
	pmode_monitor(on_event, NULL);
	fprintf(stderr, "pmodectl: %s\n", pmode_error());
	return EXIT_FAIL;
}
COMMAND(monitor, "", "", 0, 0, PORT_NONE, do_monitor, NULL,
	"Print every change and violation until interrupted.");
