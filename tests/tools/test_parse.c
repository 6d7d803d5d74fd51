// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of pmodectl's parsers and JSON writer. TAP output.
 */
#include <stdlib.h>
#include <string.h>

#include "pmodectl.h"

struct options opts;
static int n, failed;

#define CHECK(cond, ...) do {						\
	n++;								\
	if (cond) {							\
		printf("ok %d - tools: ", n);				\
	} else {							\
		printf("not ok %d - tools: ", n);			\
		failed++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static void test_mac(void)
{
	static const struct { const char *in; int ok; uint8_t out[6]; } t[] = {
		{ "02:00:00:00:00:0a", 1, { 2, 0, 0, 0, 0, 0x0a } },
		{ "AA-BB-cc-dd-ee-FF", 1, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "ff:ff:ff:ff:ff:ff", 1, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "02:00:00:00:00", 0, { 0 } },
		{ "02:00:00:00:00:0a:0b", 0, { 0 } },
		{ "02:00:00:00:00:0", 0, { 0 } },
		{ "zz:00:00:00:00:00", 0, { 0 } },
		{ "0200.0000.000a", 0, { 0 } },
		{ "", 0, { 0 } },
		{ "02:00:00:00:00:0a ", 0, { 0 } },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t mac[6] = { 0 };
		int rc = parse_mac(t[i].in, mac);

		CHECK(t[i].ok ? !rc && !memcmp(mac, t[i].out, 6) : rc != 0,
		      "parse_mac('%s') %s", t[i].in, t[i].ok ? "parses" : "is refused");
	}
	{
		char buf[18];
		uint8_t m[6] = { 0x02, 0, 0x5e, 0x10, 0xab, 0xff };

		format_mac(m, buf);
		CHECK(!strcmp(buf, "02:00:5e:10:ab:ff"), "format_mac -> '%s'", buf);
	}
}

static void test_numbers(void)
{
	uint32_t v;
	bool on;

	CHECK(!parse_u32("4294967295", &v) && v == 4294967295u, "u32 max parses");
	CHECK(parse_u32("4294967296", &v) != 0, "u32 overflow is refused");
	CHECK(parse_u32("-1", &v) != 0, "negative is refused");
	CHECK(parse_u32("12x", &v) != 0, "trailing garbage is refused");
	CHECK(!parse_u32("0x10", &v) && v == 16, "hex parses");
	CHECK(!parse_uid("1000", &v) && v == 1000, "numeric uid parses");
	CHECK(!parse_uid("root", &v) && v == 0, "user name 'root' is uid 0");
	CHECK(parse_uid("no-such-user-pmode", &v) != 0, "unknown user name is refused");
	CHECK(!parse_onoff("on", &on) && on, "'on' parses");
	CHECK(!parse_onoff("off", &on) && !on, "'off' parses");
	CHECK(parse_onoff("yes", &on) != 0, "'yes' is refused");
	CHECK(matches("ad", "adapter") && !matches("adapterx", "adapter") &&
	      !matches("", "adapter"), "abbreviations match as ip's do");
}

static void test_match_word(void)
{
	static const char *const words[] = { "add", "allow", "as", "asking", "del", NULL };
	static const struct { const char *arg; int want; } t[] = {
		{ "add", 0 }, { "ad", 0 }, { "allow", 1 }, { "al", 1 }, { "del", 4 },
		{ "d", 4 }, { "as", 2 }, { "ask", 3 }, { "a", -2 }, { "x", -1 },
		{ "", -1 }, { "adds", -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(match_word(t[i].arg, words) == t[i].want, "match_word('%s') is %d",
		      t[i].arg, t[i].want);
}

static void test_split(void)
{
	static const struct { const char *in; int argc; const char *words[4]; } t[] = {
		{ "adapter add dev veth0", 4, { "adapter", "add", "dev", "veth0" } },
		{ "  user   grant 1000  # comment", 3, { "user", "grant", "1000" } },
		{ "adapter add vm \"a b\"", 4, { "adapter", "add", "vm", "a b" } },
		{ "vm 'x\"y' z", 3, { "vm", "x\"y", "z" } },
		{ "a\\ b c", 2, { "a b", "c" } },
		{ "# only a comment", 0, { 0 } },
		{ "", 0, { 0 } },
		{ "vm \"unterminated", -1, { 0 } },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char line[128], *argv[8];
		int argc, j, same;

		snprintf(line, sizeof(line), "%s", t[i].in);
		argc = split_line(line, argv, 8);
		same = argc == t[i].argc;
		for (j = 0; same && j < argc; j++)
			same = !strcmp(argv[j], t[i].words[j]);
		CHECK(same, "split_line('%s') -> %d words", t[i].in, t[i].argc);
	}
	{
		char line[] = "a b c d e";
		char *argv[3];

		CHECK(split_line(line, argv, 3) == -1, "split_line refuses too many words");
	}
}

/* put_word() writes what split_line() reads back, and only quotes if needed. */
static void test_word(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "vm-42", "vm-42" },
		{ "3f2a-b0c1:x.y", "3f2a-b0c1:x.y" },
		{ "a b", "\"a b\"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "back\\slash\\", "\"back\\\\slash\\\\\"" },
		{ "#1", "\"#1\"" },
		{ "a#1", "\"a#1\"" },
		{ "it's", "\"it's\"" },
		{ "\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"" },
		{ "", "\"\"" },
		{ "tab\there", "\"tab\there\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *buf = NULL, *argv[4];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int rc = put_word(t[i].in, f), argc;

		fputs(" next\n", f);
		fclose(f);
		CHECK(!rc && !strncmp(buf, t[i].out, strlen(t[i].out)) &&
		      buf[strlen(t[i].out)] == ' ', "put_word('%s') writes %s", t[i].in, t[i].out);
		argc = split_line(buf, argv, 4);
		CHECK(argc == 2 && !strcmp(argv[0], t[i].in) && !strcmp(argv[1], "next"),
		      "split_line reads put_word('%s') back", t[i].in);
		free(buf);
	}
	CHECK(put_word("new\nline", stdout) == -1, "put_word refuses a newline");
}

static void test_json(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *f;

	f = open_memstream(&buf, &len);
	json_init(&j, f, false);
	json_begin(&j, '[');
	json_begin(&j, '{');
	json_key(&j, "ifname");
	json_str(&j, "veth\"0\\");
	json_key(&j, "promisc");
	json_bool(&j, true);
	json_key(&j, "owner");
	json_null(&j);
	json_key(&j, "allowed");
	json_begin(&j, '[');
	json_end(&j, ']');
	json_key(&j, "n");
	json_u64(&j, 18446744073709551615ull);
	json_end(&j, '}');
	json_begin(&j, '{');
	json_end(&j, '}');
	json_end(&j, ']');
	json_done(&j);
	fclose(f);
	CHECK(!strcmp(buf, "[{\"ifname\":\"veth\\\"0\\\\\",\"promisc\":true,\"owner\":null,"
		      "\"allowed\":[],\"n\":18446744073709551615},{}]\n"),
	      "compact JSON is exact: %s", buf);
	free(buf);

	f = open_memstream(&buf, &len);
	json_init(&j, f, true);
	json_begin(&j, '[');
	json_begin(&j, '{');
	json_key(&j, "a");
	json_u64(&j, 1);
	json_end(&j, '}');
	json_end(&j, ']');
	json_done(&j);
	fclose(f);
	CHECK(!strcmp(buf, "[\n  {\n    \"a\": 1\n  }\n]\n"), "pretty JSON is indented");
	free(buf);

	f = open_memstream(&buf, &len);
	json_init(&j, f, false);
	json_begin(&j, '[');
	json_end(&j, ']');
	json_done(&j);
	fclose(f);
	CHECK(!strcmp(buf, "[]\n"), "an empty list is []");
	free(buf);

	f = open_memstream(&buf, &len);
	json_init(&j, f, false);
	json_str(&j, "\x01\n");
	fclose(f);
	CHECK(!strcmp(buf, "\"\\u0001\\u000a\""), "control characters are escaped");
	free(buf);
}

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;
	unsigned int b;

	for (; s[0] && s[1]; s += 2) {
		if (*s == ' ') {
			s--;
			continue;
		}
		sscanf(s, "%2x", &b);
		out[n++] = b;
	}
	return n;
}

struct frame {
	const uint8_t *f;
	size_t caplen;
	uint32_t len;
};

static void print_one(const void *arg)
{
	const struct frame *fr = arg;

	print_frame(NULL, "%s", fr->f, fr->caplen, fr->len);
}

/* The text of a frame, as print_frame() prints it, in @out (@size bytes). */
static void decode_frame(const uint8_t *f, size_t caplen, uint32_t len, char *out,
			 size_t size)
{
	struct frame fr = { .f = f, .caplen = caplen, .len = len };
	char *text = print_text_of(print_one, &fr);

	snprintf(out, size, "%s", text ?: "");
	free(text);
}

/* The decoder says what the fields it reads say, and survives any input. */
static void test_decode(void)
{
	static const struct { const char *hex, *want; } t[] = {
		/* ARP reply in 802.1Q vid 10, sender 02:ba:00:00:00:01 */
		{ "ffffffffffff 02000000000a 8100000a 0806 0001080006040002"
		  "02ba00000001 0a000001 000000000000 0a000002",
		  "02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, 802.1Q vid 10, "
		  "ARP reply 10.0.0.1 is-at 02:ba:00:00:00:01, length 46" },
		/* ARP request, 802.1ad vid 5 pcp 3 over 802.1Q vid 7 */
		{ "ffffffffffff 02000000000a 88a86005 81000007 0806"
		  "0001080006040001 02000000000a 0a000001 000000000000 0a000002",
		  "02:00:00:00:00:0a > ff:ff:ff:ff:ff:ff, 802.1ad vid 5 pcp 3, "
		  "802.1Q vid 7, ARP request who-has 10.0.0.2 tell 10.0.0.1 "
		  "(sender 02:00:00:00:00:0a), length 50" },
		/* NA for fe80::1, target lladdr 02:00:00:00:00:99 */
		{ "333300000001 02000000000a 86dd 6000000000203aff"
		  "fe800000000000000000000000000001 ff020000000000000000000000000001"
		  "88000000 20000000 fe800000000000000000000000000001"
		  "0201020000000099",
		  "02:00:00:00:00:0a > 33:33:00:00:00:01, IPv6 fe80::1 > ff02::1, "
		  "ICMPv6 neighbor-advertisement target fe80::1, "
		  "target lladdr 02:00:00:00:00:99, length 86" },
		{ "02000000000b 020000000099 0800 45000014000000004011000"
		  "00a0000010a000002",
		  "02:00:00:00:00:99 > 02:00:00:00:00:0b, IPv4 10.0.0.1 > "
		  "10.0.0.2, protocol 17, length 34" },
		{ "02000000000b 020000000099 88b5 00", "02:00:00:00:00:99 > "
		  "02:00:00:00:00:0b, ethertype 0x88b5, length 15" },
		{ "02000000000b0200", "8 bytes, not even an Ethernet header" },
	};
	uint8_t f[256], r[96];
	char out[512];
	size_t i, len, cut;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = unhex(t[i].hex, f);
		decode_frame(f, len, len, out, sizeof(out));
		CHECK(!strcmp(out, t[i].want), "decode %zu: '%s'", i, out);
	}
	/* Every cut of every frame, and noise: bounded reads, a line. */
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		len = unhex(t[i].hex, f);
		for (cut = 0; cut <= len; cut++)
			decode_frame(f, cut, len, out, sizeof(out));
	}
	srand(1);
	for (i = 0; i < 100000; i++) {
		for (cut = 0; cut < sizeof(r); cut++)
			r[cut] = rand();
		r[12] = (uint8_t[]){ 0x08, 0x86, 0x81, 0x88 }[i % 4];
		r[13] = (uint8_t[]){ 0x06, 0xdd, 0x00, 0xa8 }[i % 4];
		len = rand() % sizeof(r);
		decode_frame(r, len, 1500, out, 16 + i % 200);
		/* And in JSON, the text and the fields at once. */
		opts.json = true;
		print_start(false, false);
		print_frame("frame", NULL, r, len, 1500);
		print_drop();
		opts.json = false;
	}
	CHECK(1, "decode: any cut of any frame, and 100000 noisy ones, decoded (text, JSON)");
}

int main(void)
{
	test_mac();
	test_numbers();
	test_match_word();
	test_split();
	test_word();
	test_json();
	test_decode();
	return failed ? 1 : 0;
}
