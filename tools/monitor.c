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

static void print_who_json(struct json *j, struct nlattr **a)
{
	if (!a[PMODE_A_BY_UID])
		return;
	json_key(j, "by_uid");
	json_u64(j, nla_get_u32(a[PMODE_A_BY_UID]));
	json_key(j, "as_uid");
	if (a[PMODE_A_AS_UID])
		json_u64(j, nla_get_u32(a[PMODE_A_AS_UID]));
	else
		json_null(j);
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
	struct json j;
	char mac[MAC_BUFSIZE];

	json_init(&j, stdout, false);
	if (cmd <= PMODE_CMD_ADAPTER_SET && cmd >= PMODE_CMD_ADAPTER_NEW) {
		/* The adapter object, with the event's name in front. */
		json_begin(&j, '{');
		json_key(&j, "event");
		json_str(&j, event_name(cmd));
		print_who_json(&j, a);
		json_key(&j, "adapter");
		adapter_print_json(&j, a, false);
		json_end(&j, '}');
		json_done(&j);
		return;
	}
	json_begin(&j, '{');
	json_key(&j, "event");
	json_str(&j, event_name(cmd));
	if (a[PMODE_A_FEATURE]) {
		json_key(&j, "enabled");
		json_bool(&j, nla_get_u8(a[PMODE_A_FEATURE]));
	}
	if (a[PMODE_A_UID]) {
		json_key(&j, "uid");
		json_u64(&j, nla_get_u32(a[PMODE_A_UID]));
	}
	print_who_json(&j, a);
	if (cmd == PMODE_CMD_VIOLATION) {
		json_key(&j, "ifname");
		json_str(&j, a[PMODE_A_IFNAME] ? nla_get_string(a[PMODE_A_IFNAME]) : "");
		json_key(&j, "vm");
		json_str(&j, a[PMODE_A_VM] ? nla_get_string(a[PMODE_A_VM]) : "");
		json_key(&j, "reason");
		json_str(&j, word(drop_words, PMODE_DROP_MAX, a[PMODE_A_DROP_REASON]));
		json_key(&j, "mac");
		if (a[PMODE_A_OFFENDING_MAC]) {
			format_mac(nla_data(a[PMODE_A_OFFENDING_MAC]), mac);
			json_str(&j, mac);
		} else {
			json_null(&j);
		}
		json_key(&j, "suppressed");
		json_u64(&j, a[PMODE_A_SUPPRESSED] ? nla_get_u32(a[PMODE_A_SUPPRESSED]) : 0);
		if (a[PMODE_A_FRAME]) {
			json_key(&j, "frame");
			decode_frame_json(&j, nla_data(a[PMODE_A_FRAME]),
					  nla_len(a[PMODE_A_FRAME]), frame_len(a));
		}
	}
	json_end(&j, '}');
	json_done(&j);
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
COMMAND(monitor, "", "", 0, 0, PORT_NONE, do_monitor, NULL, NULL,
	"Print every change and violation until interrupted.");
