// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl monitor: one line per event of the notify group, in text or
 * JSON, each field printed once for both.
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
	case PMODE_CMD_VIOLATION:
	case PMODE_CMD_VIOLATION_FRAME: return "violation";
	case PMODE_CMD_GUARD_NEW: return "guard-new";
	case PMODE_CMD_GUARD_DEL: return "guard-del";
	case PMODE_CMD_QUARANTINE_NEW: return "quarantine-new";
	case PMODE_CMD_QUARANTINE_DEL: return "quarantine-del";
	default: return "unknown";
	}
}

static const char *word(const char *const *words, int max, struct nlattr *a)
{
	uint32_t v = a ? nla_get_u32(a) : (uint32_t)-1;

	return v <= (uint32_t)max ? words[v] : "unknown";
}

/* A string attribute, or @unsent when the kernel did not send it. */
static const char *string(struct nlattr *a, const char *unsent)
{
	return a ? nla_get_string(a) : unsent;
}

/* The whole frame's length; the bytes at hand when the kernel said none. */
static uint32_t frame_len(struct nlattr **a)
{
	return a[PMODE_A_FRAME_LENGTH] ? nla_get_u32(a[PMODE_A_FRAME_LENGTH]) :
	       (uint32_t)nla_len(a[PMODE_A_FRAME]);
}

/*
 * A violation: its port and VM ("?" in text, "" in JSON, if the kernel did
 * not say), reason, the MAC judged and the frame, if the kernel sent it
 * (only to CAP_NET_ADMIN, see pmode_monitor(); null in JSON otherwise).
 */
static void print_violation(struct nlattr **a)
{
	char mac[MAC_BUFSIZE];

	print_string_as(PRINT_ANY, "ifname", " dev %s", string(a[PMODE_A_IFNAME], ""),
			string(a[PMODE_A_IFNAME], "?"));
	print_string_as(PRINT_ANY, "vm", " vm %s", string(a[PMODE_A_VM], ""),
			string(a[PMODE_A_VM], "?"));
	print_string(PRINT_ANY, "reason", " reason %s",
		     word(drop_words, PMODE_DROP_MAX, a[PMODE_A_DROP_REASON]));
	if (a[PMODE_A_OFFENDING_MAC]) {
		format_mac(nla_data(a[PMODE_A_OFFENDING_MAC]), mac);
		print_string(PRINT_ANY, "mac", " mac %s", mac);
	} else {
		print_null(PRINT_ANY, "mac", " mac %s");
	}
	print_uint(PRINT_ANY, "suppressed", " suppressed %llu",
		   a[PMODE_A_SUPPRESSED] ? nla_get_u32(a[PMODE_A_SUPPRESSED]) : 0);
	if (a[PMODE_A_FRAME])
		print_frame("frame", " frame %s", nla_data(a[PMODE_A_FRAME]),
			    nla_len(a[PMODE_A_FRAME]), frame_len(a));
	else
		print_null(PRINT_JSON, "frame", NULL);
}

/*
 * Who made a change, and for whom an agent made it: as_uid is null for no
 * one, and only beside by_uid, which the kernel always sends with it.
 */
static void print_who(struct nlattr **a)
{
	if (a[PMODE_A_BY_UID])
		print_uint(PRINT_ANY, "by_uid", " by uid %llu", nla_get_u32(a[PMODE_A_BY_UID]));
	if (a[PMODE_A_AS_UID])
		print_uint(a[PMODE_A_BY_UID] ? PRINT_ANY : PRINT_TEXT, "as_uid", " as uid %llu",
			   nla_get_u32(a[PMODE_A_AS_UID]));
	else if (a[PMODE_A_BY_UID])
		print_null(PRINT_JSON, "as_uid", NULL);
}

/* One event, each field once: a line of words, or an object on a line. */
static int on_event(struct nlattr **a, uint8_t cmd, void *arg)
{
	bool on = a[PMODE_A_FEATURE] && nla_get_u8(a[PMODE_A_FEATURE]);

	(void)arg;
	print_start(false, false);	/* one event a line, even with -p */
	print_open(NULL, '{');
	print_string(PRINT_ANY, "event", "%s", event_name(cmd));
	switch (cmd) {
	case PMODE_CMD_ADAPTER_NEW:
	case PMODE_CMD_ADAPTER_SET:
	case PMODE_CMD_ADAPTER_DEL:
		adapter_print(a, "adapter", ADAPTER_WORDS, false);
		break;
	case PMODE_CMD_FEATURE_SET:
		print_bool_as(a[PMODE_A_FEATURE] ? PRINT_ANY : PRINT_TEXT, "enabled", " %s", on,
			      on ? "enabled" : "disabled");
		break;
	case PMODE_CMD_GRANT_NEW:
	case PMODE_CMD_GRANT_DEL:
		if (a[PMODE_A_UID])
			print_uint(PRINT_ANY, "uid", " uid %llu", nla_get_u32(a[PMODE_A_UID]));
		break;
	case PMODE_CMD_VIOLATION:
	case PMODE_CMD_VIOLATION_FRAME:
		print_violation(a);
		break;
	case PMODE_CMD_GUARD_NEW:
	case PMODE_CMD_GUARD_DEL:
	case PMODE_CMD_QUARANTINE_NEW:
	case PMODE_CMD_QUARANTINE_DEL:
		network_event_print(a, cmd);
		print_string(PRINT_ANY, "reason", " reason %s",
			     word(reason_words, PMODE_REASON_MAX, a[PMODE_A_REASON]));
		break;
	}
	print_who(a);
	print_string(PRINT_TEXT, NULL, "%s", "\n");
	print_close('}');
	print_end();
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
