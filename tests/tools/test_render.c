// SPDX-License-Identifier: GPL-2.0
/*
 * What 'pmodectl monitor' and 'pmodectl adapter check' print, in text and
 * JSON, for a fixed corpus of synthetic events and frames: the corpus on
 * standard output, for test_render.sh to compare with render.expected and
 * to check (every JSON value parses; text and JSON say the same).
 *
 * The tool runs for real (the dispatcher, monitor.c, check.c, decode.c,
 * print.c); only nl.c is replaced, by a fake kernel that sends events of
 * every kind, with and without their optional attributes (and a few
 * without the ones the kernel always sends, or with values out of range),
 * and answers each 'adapter check' with a verdict. Frames are ARP, IPv4,
 * IPv6 (neighbour discovery with its options, extension headers,
 * fragments), 802.3 with and without SNAP, in VLAN tags or not, and cut
 * short. Everything comes from a fixed seed: the same corpus every run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <linux/pmode.h>
#include "pmodectl.h"


/* The netlink layer of pmodectl.h, faked. */

int enter_netns(const char *name)
{
	(void)name;
	return -1;
}

void pmode_close(void)
{
}

/* Random, from a seed each run sets: the text and JSON runs see the same. */

static uint64_t rng;

static void seed(uint64_t s)
{
	rng = s * 2654435761u + 1;
}

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (uint32_t)((rng >> 11) % n) : (uint32_t)(rng >> 32);
}

static void random_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = rnd(256);
}

static void random_mac(uint8_t *m)
{
	random_bytes(m, 6);
	if (rnd(4))
		m[0] &= 0xfe;
}

static void random_string(char *s, int max, const char *bytes)
{
	static const char *const pieces[] = { "\"", "\\", " ", "é", "日本", "'", "#" };
	int len = 1 + rnd(max), n = 0;
	const char *p;

	while (n < len) {
		p = rnd(4) ? (char[]){ bytes[rnd(strlen(bytes))], 0 } : pieces[rnd(7)];
		if (n + (int)strlen(p) > len)
			break;
		memcpy(s + n, p, strlen(p));
		n += strlen(p);
	}
	if (!n)
		s[n++] = 'x';
	s[n] = 0;
}

static uint32_t random_uid(void)
{
	static const uint32_t some[] = { 0, 1, 1000, 65534, 4294967294u };

	return rnd(2) ? some[rnd(5)] : rnd(0);
}

/* Frames. */

#define MAX_FRAME 400
/*
 * The drop reasons there were when render.expected was written: the random
 * states it pins draw from them (77 stands for one pmodectl does not know).
 */
#define PINNED_DROP_REASONS (PMODE_DROP_MALFORMED + 1)

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
	return 2;
}

/* An IPv6 address: link-local, multicast, with zeros to compress, or none. */
static void random_ip6(uint8_t *a)
{
	random_bytes(a, 16);
	switch (rnd(4)) {
	case 0:
		memset(a, 0, 16);
		a[0] = 0xfe;
		a[1] = 0x80;
		a[15] = rnd(256);
		break;
	case 1:
		memset(a, 0, 16);
		a[0] = 0xff;
		a[1] = 0x02;
		a[15] = 1 + rnd(2);
		break;
	case 2:
		memset(a + 4, 0, 8);
		break;
	}
}

static size_t arp(uint8_t *p)
{
	size_t n = 0;
	uint8_t hln = rnd(8) ? 6 : (uint8_t[]){ 0, 8, 20 }[rnd(3)];

	n += put16(p + n, rnd(6) ? 1 : rnd(0x10000));
	n += put16(p + n, 0x0800);
	p[n++] = hln;
	p[n++] = rnd(10) ? 4 : 16;
	n += put16(p + n, rnd(5) ? 1 + rnd(2) : rnd(0x10000));
	random_mac(p + n);
	random_bytes(p + n + 6, 4);
	if (rnd(2))
		memset(p + n + 10, 0, 6);
	else
		random_mac(p + n + 10);
	random_bytes(p + n + 16, 4);
	return n + 20 + rnd(3) * 9;
}

static size_t ipv4(uint8_t *p)
{
	random_bytes(p, 20);
	p[0] = 0x45;
	p[9] = (uint8_t[]){ 1, 6, 17, 112 }[rnd(4)];
	return 20 + rnd(30);
}

/* ICMPv6, neighbour discovery mostly, with link-layer address options. */
static size_t icmp6(uint8_t *p, uint8_t *end)
{
	static const int types[] = { 128, 129, 133, 134, 135, 136, 137, 1, 200 };
	static const int fixed[] = { 4, 4, 4, 12, 20, 20, 36, 4, 4 };
	int t = rnd(9), i, nopt;
	size_t n = 4 + fixed[t];

	random_bytes(p, n);
	p[0] = types[t];
	p[1] = 0;
	if (t >= 4 && t <= 6)
		random_ip6(p + 8);
	nopt = rnd(4) ? rnd(3) : 5;
	for (i = 0; i < nopt && p + n + 24 < end; i++) {
		uint8_t type = rnd(4) ? 1 + rnd(2) : (uint8_t[]){ 3, 5, 14 }[rnd(3)];
		uint8_t len = type <= 2 ? 1 : 1 + rnd(2);

		if (rnd(30) == 0)
			len = 0;	/* would never end */
		p[n] = type;
		p[n + 1] = len;
		random_bytes(p + n + 2, 6);
		if (type <= 2 && rnd(3) == 0)
			random_mac(p + n + 2);
		n += len ? len * 8 : 8;
		if (len == 2)
			random_bytes(p + n - 8, 8);
	}
	return n;
}

static size_t ipv6(uint8_t *p, uint8_t *end)
{
	static const uint8_t ext[] = { 0, 43, 60, 51, 44 };
	uint8_t *next = p + 6;
	size_t n = 40, payload;
	int i, nx = rnd(3) ? 0 : 1 + rnd(3);

	random_bytes(p, 40);
	p[0] = 0x60;
	random_ip6(p + 8);
	random_ip6(p + 24);
	for (i = 0; i < nx; i++) {
		uint8_t h = ext[rnd(5)];

		*next = h;
		next = p + n;
		random_bytes(p + n, 8);
		p[n + 1] = 0;			/* 8 bytes (AH: (0 + 2) * 4) */
		if (h == 44) {
			put16(p + n + 2, rnd(2) ? 0 : (1 + rnd(100)) * 8 | rnd(2));
			p[n + 1] = 0;
		}
		n += 8;
	}
	*next = rnd(4) ? 58 : (uint8_t[]){ 6, 17, 59 }[rnd(3)];
	if (*next == 58)
		n += icmp6(p + n, end);
	else
		n += rnd(20);
	payload = n - 40;
	if (rnd(10) == 0)
		payload += rnd(2) ? 100 : -(size_t)rnd(payload + 1);
	put16(p + 4, payload);
	return n;
}

/*
 * A random frame in @f: its whole length; *@caplen the bytes at hand (all
 * of them, or fewer: cut short).
 */
static size_t random_frame(uint8_t *f, size_t *caplen)
{
	static const uint16_t tpids[] = { 0x8100, 0x88a8, 0x9100 };
	static const uint16_t others[] = { 0x8035, 0x88cc, 0x88b5, 0x0600, 0x1234, 0xffff };
	uint8_t *end = f + MAX_FRAME - 40;
	size_t n = 12;
	int i, ntags = rnd(3) ? rnd(2) : rnd(4) ? rnd(4) : 7 + rnd(4), kind = rnd(9);

	memset(f, 0, MAX_FRAME);	/* what no header fills: padding */
	random_mac(f);
	if (rnd(3) == 0)
		memset(f, 0xff, 6);
	random_mac(f + 6);
	for (i = 0; i < ntags; i++) {
		n += put16(f + n, tpids[rnd(3)]);
		n += put16(f + n, rnd(2) ? rnd(0x1000) : rnd(0x10000));
	}
	if (kind == 7 || (kind == 8 && rnd(2))) {	/* 802.3 */
		n += put16(f + n, 40 + rnd(1400));
		if (kind == 8) {			/* and SNAP */
			memcpy(f + n, "\xaa\xaa\x03\x00\x00\x00", 6);
			if (rnd(5) == 0)
				f[n + 5] = 1;
			n += 6;
			kind = rnd(7);
		} else {
			random_bytes(f + n, 20);
			n += 20;
			kind = -1;
		}
	}
	switch (kind) {
	case 0: case 1:
		n += put16(f + n, 0x0806);
		n += arp(f + n);
		break;
	case 2:
		n += put16(f + n, 0x0800);
		n += ipv4(f + n);
		break;
	case 3: case 4: case 5:
		n += put16(f + n, 0x86dd);
		n += ipv6(f + n, end);
		break;
	case 6: case 8:
		n += put16(f + n, others[rnd(6)]);
		random_bytes(f + n, 46);
		n += rnd(46);
		break;
	}
	*caplen = n;
	if (rnd(6) == 0)
		*caplen = rnd(n + 1);
	else if (rnd(8) == 0)
		*caplen = n - rnd(n - 14 + 1);
	return n;
}

/*
 * A frame whose text is longer than any buffer of 512 bytes: eight tags
 * and more, SNAP, an IPv6 redirect after a fragment header, four target
 * link-layer address options, long addresses.
 */
static size_t long_frame(uint8_t *f)
{
	size_t n = 12, ip;
	int i;

	memset(f, 0x22, 12);
	for (i = 0; i < 10; i++) {
		n += put16(f + n, 0x88a8);
		n += put16(f + n, 0xefff);
	}
	n += put16(f + n, 200);
	memcpy(f + n, "\xaa\xaa\x03\x00\x00\x00\x86\xdd", 8);
	n += 8;
	ip = n;
	f[n] = 0x60;
	memset(f + n + 1, 0, 5);
	f[n + 6] = 44;
	f[n + 7] = 255;
	memset(f + n + 8, 0x2f, 32);
	n += 40;
	memset(f + n, 0, 8);
	f[n] = 58;
	n += 8;
	memset(f + n, 0, 40);
	f[n] = 137;
	memset(f + n + 8, 0x3e, 16);
	memset(f + n + 24, 0x4d, 16);
	n += 40;
	for (i = 0; i < 4; i++) {
		f[n] = 2;
		f[n + 1] = 1;
		memset(f + n + 2, 0x5c, 6);
		n += 8;
	}
	put16(f + ip + 4, n - ip - 40);
	return n;
}

/* Monitor: events. */

static int n_events, long_event;

static void put_maclist(struct nl_msg *m, int type, int max)
{
	struct nlattr *nest = nla_nest_start(m, type);
	uint8_t mac[6];
	int i, n = rnd(max + 1);

	for (i = 0; i < n; i++) {
		random_mac(mac);
		nla_put(m, PMODE_MACLIST_A_MAC, 6, mac);
	}
	nla_nest_end(m, nest);
}

/* A random event, and (if @odd) one lacking what the kernel always sends. */
static struct nl_msg *random_event(bool odd)
{
	static const uint8_t cmds[] = {
		PMODE_CMD_ADAPTER_NEW, PMODE_CMD_ADAPTER_SET, PMODE_CMD_ADAPTER_DEL,
		PMODE_CMD_FEATURE_SET, PMODE_CMD_GRANT_NEW, PMODE_CMD_GRANT_DEL,
		PMODE_CMD_VIOLATION, PMODE_CMD_VIOLATION, PMODE_CMD_VIOLATION,
	};
	uint8_t cmd = cmds[rnd(sizeof(cmds))], mac[6], f[MAX_FRAME];
	int lack = odd ? (int)rnd(6) : -1;	/* the attribute left out, or its value wrong */
	char name[IFNAMSIZ], vm[PMODE_VM_ID_MAXLEN + 1];
	struct nl_msg *m;
	size_t len, caplen;

	if (odd && rnd(8) == 0)
		cmd = (uint8_t[]){ PMODE_CMD_ADAPTER_GET, PMODE_CMD_ADAPTER_CHECK, 99 }[rnd(3)];
	m = pmode_msg(cmd, 0);
	random_string(name, IFNAMSIZ - 1, "abcdefhtvw0123456789-_.");
	random_string(vm, PMODE_VM_ID_MAXLEN, "abcdefvm0123456789-_.:");
	switch (cmd) {
	case PMODE_CMD_ADAPTER_NEW:
	case PMODE_CMD_ADAPTER_SET:
	case PMODE_CMD_ADAPTER_DEL:
		nla_put_u32(m, PMODE_A_IFINDEX, 1 + rnd(5000));
		if (lack != 0)
			nla_put_string(m, PMODE_A_IFNAME, name);
		if (lack != 1)
			nla_put_string(m, PMODE_A_VM, vm);
		random_mac(mac);
		if (lack != 2)
			nla_put(m, PMODE_A_MAC, 6, mac);
		if (rnd(2))
			nla_put_u32(m, PMODE_A_NETWORK, rnd(2) ? rnd(5) : rnd(0));
		if (rnd(2))
			nla_put_u32(m, PMODE_A_MASTER, 900000 + rnd(3));
		if (rnd(2))
			nla_put_u32(m, PMODE_A_OWNER, random_uid());
		if (lack != 3)
			nla_put_u8(m, PMODE_A_PROMISC, rnd(2));
		put_maclist(m, PMODE_A_ALLOWED, rnd(3) ? 2 : PMODE_MAX_ALLOWED);
		if (rnd(2))
			put_maclist(m, PMODE_A_LEARNED, 3);
		if (!rnd(3))
			nla_put_string(m, PMODE_A_MANAGER, rnd(2) ? "libvirt" : "qemu");
		/* Absent from an older kernel's; a bit this pmodectl does not know. */
		if (rnd(2))
			nla_put_u32(m, PMODE_A_EXPOSURE,
				    rnd(3) ? 0 : rnd(1U << (PMODE_EXPOSURE_MAX + 2)));
		if (lack != 4)
			nla_put_u32(m, PMODE_A_REASON, lack == 5 ? PMODE_REASON_MAX + 1 + rnd(3) :
				    rnd(PMODE_REASON_MAX + 1));
		break;
	case PMODE_CMD_FEATURE_SET:
		if (lack < 0 || lack > 2)
			nla_put_u8(m, PMODE_A_FEATURE, rnd(2));
		break;
	case PMODE_CMD_GRANT_NEW:
	case PMODE_CMD_GRANT_DEL:
		if (lack < 0 || lack > 2)
			nla_put_u32(m, PMODE_A_UID, random_uid());
		break;
	case PMODE_CMD_VIOLATION:
		nla_put_u32(m, PMODE_A_IFINDEX, 1 + rnd(5000));
		if (lack != 0)
			nla_put_string(m, PMODE_A_IFNAME, name);
		if (lack != 1)
			nla_put_string(m, PMODE_A_VM, vm);
		if (lack != 2)
			nla_put_u32(m, PMODE_A_DROP_REASON, lack == 3 ? 77 :
				    rnd(PINNED_DROP_REASONS));
		random_mac(mac);
		if (rnd(4))
			nla_put(m, PMODE_A_OFFENDING_MAC, 6, mac);
		if (lack != 4)
			nla_put_u32(m, PMODE_A_SUPPRESSED, rnd(2) ? 0 : rnd(3) ? rnd(100) : rnd(0));
		if (rnd(8) == 0)
			break;			/* an older kernel's: no frame */
		len = random_frame(f, &caplen);
		if (long_event-- == 0) {
			len = long_frame(f);
			caplen = rnd(2) ? len : 128;
		} else if (caplen > PMODE_VIOLATION_FRAME_LEN) {
			caplen = PMODE_VIOLATION_FRAME_LEN;
		}
		nla_put(m, PMODE_A_FRAME, caplen, f);
		if (rnd(6))
			nla_put_u32(m, PMODE_A_FRAME_LENGTH, rnd(10) ? len : rnd(2) ? rnd(0) : 0);
		break;
	}
	if (cmd != PMODE_CMD_VIOLATION && (rnd(8) || lack == 5))
		nla_put_u32(m, PMODE_A_BY_UID, random_uid());
	if (cmd != PMODE_CMD_VIOLATION && (rnd(4) == 0 || lack == 5))
		nla_put_u32(m, PMODE_A_AS_UID, random_uid());
	return m;
}

/* n_events events, every eighth odd; then an error that ends the monitor. */
int pmode_monitor(reply_fn fn, void *arg)
{
	struct nlattr *attrs[PMODE_A_MAX + 1];
	struct nl_msg *m;
	uint8_t cmd;
	int i;

	for (i = 0; i < n_events; i++) {
		m = random_event(i % 8 == 7);
		if (pmode_parse(nlmsg_hdr(m), attrs, &cmd) >= 0)
			fn(attrs, cmd, arg);
		else
			printf("# the fake kernel built a bad event\n");
		nlmsg_free(m);
	}
	return pmode_errorf(-EIO, "no more events in the fake kernel");
}

/* Check: verdicts. */

static int stop_at, asked;	/* the request the fake kernel fails, and the count */

int pmode_send(struct nl_msg *msg, reply_fn fn, void *arg)
{
	struct nlattr *a[PMODE_A_MAX + 1], *r[PMODE_A_MAX + 1];
	struct nl_msg *m;
	uint8_t cmd, mac[6];
	int err = 0, len, v;

	if (pmode_parse(nlmsg_hdr(msg), a, &cmd) < 0 || cmd != PMODE_CMD_ADAPTER_CHECK ||
	    !a[PMODE_A_FRAME] || !a[PMODE_A_IFNAME]) {
		nlmsg_free(msg);
		return pmode_errorf(-EOPNOTSUPP, "the fake kernel only checks frames");
	}
	len = nla_len(a[PMODE_A_FRAME]);
	nlmsg_free(msg);
	if (++asked == stop_at)
		return pmode_errorf(-ENODEV, "no adapter on the port any more");
	if (len < ETH_HLEN)
		return pmode_errorf(-EINVAL, "the frame is shorter than an Ethernet header (%d bytes)",
			      len);
	if (len > PMODE_CHECK_MAX_FRAME)
		return pmode_errorf(-EMSGSIZE, "the frame is longer than %d bytes",
			      PMODE_CHECK_MAX_FRAME);
	m = pmode_msg(cmd, 0);
	v = rnd(3);
	if (rnd(40))
		nla_put_u32(m, PMODE_A_VERDICT, rnd(40) ? v : PMODE_VERDICT_MAX + 1);
	if (v == PMODE_VERDICT_DROP)
		nla_put_u32(m, PMODE_A_DROP_REASON, rnd(30) ? rnd(PINNED_DROP_REASONS) : 77);
	random_mac(mac);
	if (v == PMODE_VERDICT_PASS_PROMISC || (v == PMODE_VERDICT_DROP && rnd(5)))
		nla_put(m, PMODE_A_OFFENDING_MAC, 6, mac);
	nla_put_u32(m, PMODE_A_FRAME_LENGTH, len);
	if (pmode_parse(nlmsg_hdr(m), r, &cmd) < 0)
		err = pmode_errorf(-EPROTO, "the fake kernel built a bad reply");
	else if (fn(r, cmd, arg) < 0)
		err = -EINVAL;		/* as nl.c: the message is the last one */
	nlmsg_free(m);
	return err;
}

/* Runs. */

static void print_stream(FILE *f, const char *prefix)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	rewind(f);
	while ((n = getline(&line, &cap, f)) > 0) {
		fputs(prefix, stdout);
		fwrite(line, 1, n, stdout);
		if (line[n - 1] != '\n')
			printf("\n%% no newline at the end\n");
	}
	free(line);
}

/*
 * Run 'pmodectl [-@o] WORDS' (@o: j, p) with its output on ours, after a
 * line "$ pmodectl ..." (@shown: the words shown, if not those run); then
 * its exit status, and what it said on standard error.
 */
static void run(const char *o, const char *shown, uint64_t s, const char *fmt, ...)
{
	FILE *out = tmpfile(), *err = tmpfile();
	char words[4096], *argv[16];
	int fd1, fd2, argc, rc;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	printf("$ pmodectl %s%s%s%s\n", *o ? "-" : "", o, *o ? " " : "", shown ?: words);
	argc = split_line(words, argv, 16);
	opts.json = strchr(o, 'j');
	opts.pretty = strchr(o, 'p');
	seed(s);
	asked = 0;
	pmode_errorf(0, "%s", "");	/* a new process's */
	fflush(stdout);
	fd1 = dup(1);
	fd2 = dup(2);
	dup2(fileno(out), 1);
	dup2(fileno(err), 2);
	rc = run_command(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(fd1, 1);
	dup2(fd2, 2);
	close(fd1);
	close(fd2);
	opts.json = opts.pretty = false;
	print_stream(out, "");
	printf("%% exit %d\n", rc);
	print_stream(err, "% stderr ");
	fclose(out);
	fclose(err);
}

static void hex(const uint8_t *f, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", f[i]);
	out[2 * n] = 0;
	if (!n)
		strcpy(out, "\"\"");
}

/* A pcap file of @n random frames (the seed @s), the long one among them. */
static int write_pcap(const char *path, uint64_t s, int n)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	struct pcap_pkthdr h = { .ts = { 1700000000, 0 } };
	pcap_dumper_t *d = p ? pcap_dump_open(p, path) : NULL;
	uint8_t f[MAX_FRAME];
	size_t len, caplen;
	int i;

	if (!d)
		return -1;
	seed(s);
	for (i = 0; i < n; i++) {
		len = random_frame(f, &caplen);
		if (i == n / 2)
			caplen = len = long_frame(f);
		h.caplen = caplen;
		h.len = len;
		h.ts.tv_usec = i;
		pcap_dump((u_char *)d, &h, f);
	}
	pcap_dump_close(d);
	pcap_close(p);
	return 0;
}

int main(void)
{
	char path[] = "/tmp/pmode-test-render.XXXXXX", arg[2 * MAX_FRAME + 1];
	uint8_t f[MAX_FRAME];
	size_t caplen;
	int fd = mkstemp(path), i;

	if (fd < 0 || write_pcap(path, 7, 120)) {
		fprintf(stderr, "test_render: cannot write a pcap file\n");
		return 1;
	}
	close(fd);
	printf("# The output of pmodectl monitor and adapter check for synthetic events\n"
	       "# and frames (tests/tools/test_render.c): what the tool printed, then\n"
	       "# %% exit STATUS and %% stderr LINES. Every field of each text line is\n"
	       "# in the JSON line of the same event or frame.\n");
	/* Monitor: 200 events; the same first 16 with -p, which it ignores. */
	n_events = 200;
	long_event = 40;
	run("", NULL, 1, "monitor");
	long_event = 40;
	run("j", NULL, 1, "monitor");
	n_events = 16;
	run("jp", NULL, 1, "monitor");
	/* Check: a pcap file of 120 frames, both ways; then one that stops. */
	run("", "adapter check dev t-w pcap FRAMES.pcap", 2, "adapter check dev t-w pcap %s",
	    path);
	run("j", "adapter check dev t-w pcap FRAMES.pcap", 2, "adapter check dev t-w pcap %s",
	    path);
	stop_at = 6;
	run("", "adapter check dev t-w rx pcap FRAMES.pcap", 3,
	    "adapter check dev t-w rx pcap %s", path);
	run("jp", "adapter check dev t-w rx pcap FRAMES.pcap", 3,
	    "adapter check dev t-w rx pcap %s", path);
	stop_at = 1;
	run("", "adapter check dev t-w pcap FRAMES.pcap", 3, "adapter check dev t-w pcap %s",
	    path);
	run("j", "adapter check dev t-w pcap FRAMES.pcap", 3, "adapter check dev t-w pcap %s",
	    path);
	stop_at = 0;
	unlink(path);
	/* Check: single frames from the command line, the long one first. */
	for (i = 0; i < 12; i++) {
		seed(100 + i);
		random_frame(f, &caplen);
		if (!i)
			caplen = long_frame(f);
		hex(f, i == 1 ? 10 : caplen, arg);
		run(i % 2 ? "j" : "", NULL, 200 + i, "adapter check dev veth0 %sframe %s",
		    i % 3 ? "" : "rx ", arg);
		run(i % 2 ? "" : i % 4 == 1 ? "jp" : "j", NULL, 200 + i,
		    "adapter check dev veth0 %sframe %s", i % 3 ? "" : "rx ", arg);
	}
	return 0;
}
