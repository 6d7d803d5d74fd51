// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl adapter check: the verdict an adapter's hooks would give
 * frames, asked of the kernel (PMODE_CMD_ADAPTER_CHECK), which judges them
 * with the functions its hooks use and changes nothing. Frames come from
 * the command line in hex, or from a pcap file (tcpdump -w), one request
 * each; one line per frame, and a summary by reason at the end.
 */
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include <linux/pmode.h>
#include "pmodectl.h"

#define MAX_FRAME	65535

static const char *const verdict_words[] = {
	[PMODE_VERDICT_PASS] = "pass",
	[PMODE_VERDICT_PASS_PROMISC] = "pass-promisc",
	[PMODE_VERDICT_DROP] = "drop",
};

struct check {
	const char *dev;
	bool to_vm, single;
	/* the last answer */
	int verdict, reason;
	bool has_mac;
	uint8_t mac[6];
	/* the summary */
	unsigned long frames, errors;
	unsigned long verdicts[PMODE_VERDICT_MAX + 1];
	unsigned long reasons[PMODE_DROP_MAX + 1];
};

static int on_verdict(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct check *c = arg;

	(void)cmd;
	if (!a[PMODE_A_VERDICT] || nla_get_u32(a[PMODE_A_VERDICT]) > PMODE_VERDICT_MAX)
		return -1;
	c->verdict = nla_get_u32(a[PMODE_A_VERDICT]);
	c->reason = -1;
	if (a[PMODE_A_DROP_REASON] && nla_get_u32(a[PMODE_A_DROP_REASON]) <= PMODE_DROP_MAX)
		c->reason = nla_get_u32(a[PMODE_A_DROP_REASON]);
	c->has_mac = a[PMODE_A_OFFENDING_MAC] != NULL;
	if (c->has_mac)
		memcpy(c->mac, nla_data(a[PMODE_A_OFFENDING_MAC]), 6);
	return 0;
}

/* Ask the kernel about one frame. Return: 0, or a negative errno. */
static int ask(struct check *c, const uint8_t *f, size_t len)
{
	struct nl_msg *msg = pmode_msg(PMODE_CMD_ADAPTER_CHECK, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, PMODE_A_IFNAME, c->dev) ||
	    nla_put(msg, PMODE_A_FRAME, len, f) ||
	    nla_put_u8(msg, PMODE_A_DIRECTION,
		       c->to_vm ? PMODE_DIR_TO_VM : PMODE_DIR_FROM_VM)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return pmode_send(msg, on_verdict, c);
}

/*
 * One frame's line, each field once: its number, the verdict, the drop
 * reason and the MAC judged ("-" in text, null in JSON, if none), and the
 * frame decoded; or, for a frame the kernel refused, its message.
 */
static void print_one(struct check *c, unsigned long no, const uint8_t *f,
		      size_t caplen, uint32_t len, const char *error)
{
	char mac[MAC_BUFSIZE];

	print_open(NULL, '{');
	print_uint(PRINT_ANY, "frame", "%5llu", no);
	print_string(PRINT_ANY, "verdict", "  %-12s", error ? "error" : verdict_words[c->verdict]);
	if (error) {
		print_string(PRINT_ANY, "error", "  %s", error);
	} else {
		if (c->reason >= 0)
			print_string(PRINT_ANY, "reason", "  %-11s", drop_words[c->reason]);
		else
			print_null(PRINT_ANY, "reason", "  %-11s");
		if (c->has_mac) {
			format_mac(c->mac, mac);
			print_string(PRINT_ANY, "mac", "  %-17s", mac);
		} else {
			print_null(PRINT_ANY, "mac", "  %-17s");
		}
	}
	print_frame("decoded", error ? "  [%s]\n" : "  %s\n", f, caplen, len);
	print_close('}');
	print_flush();
}

/*
 * One frame: asked, printed, counted. A refusal of the frame itself (too
 * short, too long) is that frame's line; any other stops the run.
 * Return: 0 to go on, -1 to stop.
 */
static int check_one(struct check *c, unsigned long no, const uint8_t *f,
		     size_t caplen, uint32_t len)
{
	int err = ask(c, f, caplen);

	c->frames++;
	if (!c->single && (err == -EINVAL || err == -EMSGSIZE)) {
		c->errors++;
		print_one(c, no, f, caplen, len, pmode_error());
		return 0;
	}
	if (err)
		return -1;
	c->verdicts[c->verdict]++;
	if (c->verdict == PMODE_VERDICT_DROP && c->reason >= 0)
		c->reasons[c->reason]++;
	print_one(c, no, f, caplen, len, NULL);
	return 0;
}

/* The count of frames by verdict, and of drops by reason. */
static void print_summary(struct check *c)
{
	char fmt[32];
	int i;

	print_open("summary", '{');
	print_uint(PRINT_ANY, "frames", c->frames == 1 ? "%llu frame: " : "%llu frames: ",
		   c->frames);
	print_uint(PRINT_ANY, "pass", "%llu pass, ", c->verdicts[PMODE_VERDICT_PASS]);
	print_uint(PRINT_ANY, "pass-promisc", "%llu pass only because promisc is on, ",
		   c->verdicts[PMODE_VERDICT_PASS_PROMISC]);
	print_uint(PRINT_ANY, "drop", "%llu drop", c->verdicts[PMODE_VERDICT_DROP]);
	print_uint(c->errors ? PRINT_ANY : PRINT_JSON, "errors", ", %llu not checked", c->errors);
	print_string(PRINT_TEXT, NULL, "%s", "\n");
	print_open("dropped", '{');
	for (i = 0; i <= PMODE_DROP_MAX; i++) {
		snprintf(fmt, sizeof(fmt), "  %-11s  %%llu\n", drop_words[i]);
		print_uint(c->reasons[i] ? PRINT_ANY : PRINT_JSON, drop_words[i], fmt,
			   c->reasons[i]);
	}
	print_close('}');
	print_close('}');
}

/* "02:00:00..." or "020000..." or with spaces: bytes. Return: the count or -1. */
static long parse_hex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int hi = -1, v;

	for (; *s; s++) {
		if (isspace((unsigned char)*s) || *s == ':' || *s == '-' || *s == '.')
			continue;
		if (!isxdigit((unsigned char)*s))
			return -1;
		v = isdigit((unsigned char)*s) ? *s - '0' : (tolower(*s) - 'a' + 10);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == max)
			return -1;
		out[n++] = hi << 4 | v;
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

static int check_pcap(struct check *c, const char *file)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long no = 0;
	pcap_t *p;
	int rc, status = EXIT_OK;

	p = pcap_open_offline(file, errbuf);
	if (!p) {
		fprintf(stderr, "pmodectl: cannot read '%s': %s\n", file, errbuf);
		return EXIT_FAIL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		fprintf(stderr, "pmodectl: '%s' holds %s frames, not Ethernet\n", file,
			pcap_datalink_val_to_name(pcap_datalink(p)) ?: "unknown");
		pcap_close(p);
		return EXIT_FAIL;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		if (check_one(c, ++no, data, h->caplen, h->len)) {
			status = pmode_fail();
			break;
		}
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pmodectl: '%s', after frame %lu: %s\n", file, no,
			pcap_geterr(p));
		status = EXIT_FAIL;
	}
	pcap_close(p);
	return status;
}

/* The command's entry is in adapter.c, after 'show', where help lists it. */
int adapter_check(struct nl_msg *unused, int argc, char **argv)
{
	struct check c = { .reason = -1 };
	const char *hex = NULL, *pcap = NULL;
	static uint8_t f[MAX_FRAME];
	long len = 0;
	int i, status;

	(void)unused;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "rx") || !strcmp(argv[i], "tx")) {
			c.to_vm = argv[i][0] == 'r';
			continue;
		}
		if (i + 1 == argc)
			return usage_error("'%s' needs a value; see 'pmodectl adapter help'",
					   argv[i]);
		if (matches(argv[i], "dev"))
			c.dev = argv[++i];
		else if (matches(argv[i], "frame"))
			hex = argv[++i];
		else if (matches(argv[i], "pcap"))
			pcap = argv[++i];
		else
			return usage_error("unknown argument '%s'; see 'pmodectl adapter help'",
					   argv[i]);
	}
	if (!c.dev || !hex == !pcap)
		return HANDLER_USAGE;
	if (strlen(c.dev) >= IFNAMSIZ)
		return usage_error("invalid device name '%s'", c.dev);
	if (hex) {
		len = parse_hex(hex, f, sizeof(f));
		if (len < 0)
			return usage_error("'%s' is not a frame in hex (two digits a byte)", hex);
	}
	print_start(false, opts.pretty);
	print_open(NULL, '{');
	print_string(PRINT_JSON, "ifname", NULL, c.dev);
	print_string(PRINT_JSON, "direction", NULL, c.to_vm ? "rx" : "tx");
	print_open("frames", '[');
	c.single = hex != NULL;
	if (hex)
		status = check_one(&c, 1, f, len, len) ? pmode_fail() : EXIT_OK;
	else
		status = check_pcap(&c, pcap);
	print_close(']');
	if (status == EXIT_OK || c.frames > 1)
		print_summary(&c);
	print_close('}');
	print_end();
	return status != EXIT_OK ? status : c.errors ? EXIT_FAIL : EXIT_OK;
}
