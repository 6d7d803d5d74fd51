// SPDX-License-Identifier: GPL-2.0
/*
 * A frame's headers in words, for violation events and dry runs: its
 * addresses, its VLAN tags, its EtherType and, for ARP and IPv6 neighbour
 * discovery, the fields pmode judges (the ARP sender hardware address, the
 * ND link-layer address options). One pass reads the frame into a struct
 * frame_view; print_fields() prints each of its fields once, through
 * print.c, for text and JSON alike, and the JSON carries the text too.
 *
 * Nothing here trusts the frame: every read is bounded by what was
 * captured, and a frame that ends early is said to be truncated.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "pmodectl.h"

#define MAX_TAGS	8
#define MAX_LLADDRS	4
#define TEXT_MAX	511	/* bytes of a frame's text */

enum l3 { L3_NONE, L3_ARP, L3_IPV4, L3_IPV6 };

struct frame_view {
	uint32_t len, caplen;
	bool truncated;
	uint8_t dst[6], src[6];
	int ntags;
	struct { uint16_t tpid, vid; uint8_t pcp; } tags[MAX_TAGS];
	bool more_tags;
	uint16_t ethertype;
	bool snap;		/* 802.3 length and an RFC 1042 or 802.1H SNAP header */
	enum l3 l3;
	/* ARP */
	uint16_t arp_hrd, arp_op;
	uint8_t arp_hln, arp_pln;
	bool arp_addrs;		/* sender and target addresses read */
	uint8_t sha[6], spa[4], tha[6], tpa[4];
	/* IPv4 */
	uint8_t ip4_src[4], ip4_dst[4], ip4_proto;
	/* IPv6 */
	uint8_t ip6_src[16], ip6_dst[16], ip6_proto;
	bool frag;
	uint16_t frag_off;
	int icmp6_type;		/* -1: none read */
	bool has_target;
	uint8_t target[16];
	int nll;
	struct { uint8_t type, mac[6]; } ll[MAX_LLADDRS];
};

struct cursor {
	const uint8_t *p;
	size_t len, off;
};

static const uint8_t *take(struct cursor *c, size_t n)
{
	const uint8_t *at;

	if (c->len - c->off < n || c->off > c->len)
		return NULL;
	at = c->p + c->off;
	c->off += n;
	return at;
}

static uint16_t be16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static bool is_vlan(uint16_t tpid)
{
	return tpid == 0x8100 || tpid == 0x88a8 || tpid == 0x9100;
}

static void read_arp(struct cursor *c, struct frame_view *v)
{
	const uint8_t *h = take(c, 8), *a;

	if (!h)
		return;
	v->arp_hrd = be16(h);
	v->arp_hln = h[4];
	v->arp_pln = h[5];
	v->arp_op = be16(h + 6);
	if (v->arp_hln != 6 || v->arp_pln != 4)
		return;
	a = take(c, 20);
	if (!a)
		return;
	memcpy(v->sha, a, 6);
	memcpy(v->spa, a + 6, 4);
	memcpy(v->tha, a + 10, 6);
	memcpy(v->tpa, a + 16, 4);
	v->arp_addrs = true;
}

/* The ND message's fixed part, after the ICMPv6 header; -1 if not ND. */
static int nd_fixed(int type)
{
	switch (type) {
	case 133: return 4;		/* router solicitation */
	case 134: return 12;		/* router advertisement */
	case 135: case 136: return 20;	/* neighbour solicitation, advertisement */
	case 137: return 36;		/* redirect */
	default: return -1;
	}
}

static void read_nd(struct cursor *c, struct frame_view *v, size_t end)
{
	int fixed = nd_fixed(v->icmp6_type);
	const uint8_t *f, *o;

	if (fixed < 0)
		return;
	f = take(c, fixed);
	if (!f)
		return;
	if (v->icmp6_type >= 135) {
		v->has_target = true;
		memcpy(v->target, f + 4, 16);
	}
	while (c->off + 2 <= end && v->nll < MAX_LLADDRS) {
		o = take(c, 2);
		if (!o)
			return;
		if (!o[1])
			return;		/* a zero length would never end */
		if (o[0] == 1 || o[0] == 2) {
			const uint8_t *mac = take(c, 6);

			if (!mac)
				return;
			v->ll[v->nll].type = o[0];
			memcpy(v->ll[v->nll++].mac, mac, 6);
			c->off += o[1] * 8 - 8;
		} else {
			c->off += o[1] * 8 - 2;
		}
	}
}

static void read_ipv6(struct cursor *c, struct frame_view *v)
{
	const uint8_t *h = take(c, 40), *x;
	size_t end;
	int depth;

	if (!h)
		return;
	memcpy(v->ip6_src, h + 8, 16);
	memcpy(v->ip6_dst, h + 24, 16);
	v->ip6_proto = h[6];
	end = c->off + be16(h + 4);
	if (end > c->len)
		end = c->len;
	for (depth = 0; depth < 16; depth++) {
		switch (v->ip6_proto) {
		case 0: case 43: case 60: case 51:	/* hop, routing, dest, AH */
			x = take(c, 2);
			if (!x)
				return;
			c->off += (v->ip6_proto == 51 ? (x[1] + 2) * 4 :
				   (x[1] + 1) * 8) - 2;
			v->ip6_proto = x[0];
			continue;
		case 44:				/* fragment */
			x = take(c, 8);
			if (!x)
				return;
			v->frag = true;
			v->frag_off = be16(x + 2) & ~7;
			v->ip6_proto = x[0];
			if (v->frag_off)
				return;
			continue;
		}
		break;
	}
	if (v->ip6_proto != 58)
		return;
	x = take(c, 4);
	if (!x)
		return;
	v->icmp6_type = x[0];
	read_nd(c, v, end);
}

static void read_frame(const uint8_t *f, size_t caplen, uint32_t len,
		       struct frame_view *v)
{
	struct cursor c = { .p = f, .len = caplen };
	const uint8_t *h;

	memset(v, 0, sizeof(*v));
	v->len = len;
	v->caplen = caplen;
	v->icmp6_type = -1;
	h = take(&c, 14);
	if (!h)
		return;
	memcpy(v->dst, h, 6);
	memcpy(v->src, h + 6, 6);
	v->ethertype = be16(h + 12);
	/* VLAN tags and SNAP headers, in any order, as the module walks them. */
	for (;;) {
		if (is_vlan(v->ethertype)) {
			h = take(&c, 4);
			if (!h)
				return;
			if (v->ntags == MAX_TAGS) {
				v->more_tags = true;
			} else {
				v->tags[v->ntags].tpid = v->ethertype;
				v->tags[v->ntags].vid = be16(h) & 0xfff;
				v->tags[v->ntags++].pcp = h[0] >> 5;
			}
			v->ethertype = be16(h + 2);
		} else if (v->ethertype < 0x600) {
			/* RFC 1042 (OUI 00-00-00) or 802.1H (00-00-F8) SNAP */
			static const uint8_t llc_snap[5] = { 0xaa, 0xaa, 0x03, 0, 0 };

			h = take(&c, 8);
			if (!h || memcmp(h, llc_snap, 5) || (h[5] && h[5] != 0xf8))
				return;
			v->snap = true;
			v->ethertype = be16(h + 6);
		} else {
			break;
		}
	}
	switch (v->ethertype) {
	case 0x0806:
		v->l3 = L3_ARP;
		read_arp(&c, v);
		break;
	case 0x0800:
		h = take(&c, 20);
		if (!h)
			return;
		v->l3 = L3_IPV4;
		v->ip4_proto = h[9];
		memcpy(v->ip4_src, h + 12, 4);
		memcpy(v->ip4_dst, h + 16, 4);
		break;
	case 0x86dd:
		v->l3 = L3_IPV6;
		read_ipv6(&c, v);
		break;
	}
}

static const char *tag_name(uint16_t tpid)
{
	return tpid == 0x8100 ? "802.1Q" : tpid == 0x88a8 ? "802.1ad" : "QinQ";
}

static const char *ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x86dd: return "IPv6";
	case 0x8035: return "RARP";
	case 0x88cc: return "LLDP";
	default: return NULL;
	}
}

static const char *icmp6_name(int type)
{
	switch (type) {
	case 128: return "echo-request";
	case 129: return "echo-reply";
	case 133: return "router-solicitation";
	case 134: return "router-advertisement";
	case 135: return "neighbor-solicitation";
	case 136: return "neighbor-advertisement";
	case 137: return "redirect";
	default: return NULL;
	}
}

static const char *arp_op_name(uint16_t op)
{
	return op == 1 ? "request" : op == 2 ? "reply" : NULL;
}

static const char *ip4(const uint8_t *a, char *buf)
{
	return inet_ntop(AF_INET, a, buf, INET_ADDRSTRLEN);
}

static const char *ip6(const uint8_t *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/*
 * The EtherType, in hex in JSON; in text its name ("ARP", after which the
 * ARP fields follow), else in hex, or an 802.3 frame's length.
 */
static void print_ethertype(const struct frame_view *v)
{
	const char *name = ethertype_name(v->ethertype);
	char hex[8], length[8];

	snprintf(hex, sizeof(hex), "0x%04x", v->ethertype);
	snprintf(length, sizeof(length), "%u", v->ethertype);
	if (v->ethertype < 0x600 && !v->snap)
		print_string_as(PRINT_ANY, "ethertype", ", 802.3 length %s", hex, length);
	else if (name)
		print_string_as(PRINT_ANY, "ethertype", ", %s", hex, name);
	else
		print_string(PRINT_ANY, "ethertype", ", ethertype %s", hex);
}

/*
 * ARP: in text, as tcpdump says it ("request who-has TPA tell SPA", "reply
 * SPA is-at SHA", "op N sender SPA SHA"), the sender's hardware address
 * being what pmode judges; an odd address size, a hardware type but
 * Ethernet's. Without the addresses, the text only says an odd size.
 */
static void print_arp(const struct frame_view *v)
{
	/* The words of a request, a reply, another op: TPA, SPA, SHA. */
	static const char *const said[3][3] = {
		{ " who-has %s", " tell %s", " (sender %s)" },
		{ NULL, " %s", " is-at %s" },
		{ NULL, " sender %s", " %s" },
	};
	const char *const *w = said[v->arp_op == 1 ? 0 : v->arp_op == 2 ? 1 : 2];
	enum print_type t = v->arp_addrs ? PRINT_ANY : PRINT_JSON;
	const char *op = arp_op_name(v->arp_op);
	char mac[MAC_BUFSIZE], ip[INET_ADDRSTRLEN];

	print_open("arp", '{');
	print_uint(v->arp_hln && v->arp_hln != 6 ? PRINT_ANY : PRINT_JSON, "hardware_len",
		   " with %llu-byte hardware addresses", v->arp_hln);
	if (op)
		print_string(t, "op", " %s", op);
	else
		print_uint(t, "op", " op %llu", v->arp_op);
	if (v->arp_addrs) {
		print_string(PRINT_ANY, "target_ip", w[0], ip4(v->tpa, ip));
		print_string(PRINT_ANY, "sender_ip", w[1], ip4(v->spa, ip));
		format_mac(v->sha, mac);
		print_string(PRINT_ANY, "sender_mac", w[2], mac);
		format_mac(v->tha, mac);
		print_string(PRINT_JSON, "target_mac", NULL, mac);
	}
	print_uint(v->arp_addrs && v->arp_hrd != 1 ? PRINT_ANY : PRINT_JSON, "hardware_type",
		   " (hardware type %llu)", v->arp_hrd);
	print_close('}');
}

/*
 * IPv6: its addresses; a fragment's offset (a later fragment ends there);
 * the next header, or ICMPv6's type and, for neighbour discovery, its
 * target and link-layer address options (a redirect's target option
 * names another node: pmode only asks that it be unicast).
 */
static void print_ipv6(const struct frame_view *v)
{
	const char *name = icmp6_name(v->icmp6_type);
	bool later = v->frag && v->frag_off;
	char ip[INET6_ADDRSTRLEN], mac[MAC_BUFSIZE];
	int i;

	print_open("ipv6", '{');
	print_string(PRINT_ANY, "src", " %s", ip6(v->ip6_src, ip));
	print_string(PRINT_ANY, "dst", " > %s", ip6(v->ip6_dst, ip));
	if (v->frag)
		print_uint(PRINT_ANY, "fragment_offset", ", fragment offset %llu", v->frag_off);
	print_uint(v->icmp6_type < 0 && !later ? PRINT_ANY : PRINT_JSON, "next_header",
		   ", next header %llu", v->ip6_proto);
	if (name)
		print_string(PRINT_ANY, "icmp6", ", ICMPv6 %s", name);
	else if (v->icmp6_type >= 0)
		print_uint(PRINT_ANY, "icmp6", ", ICMPv6 type %llu", v->icmp6_type);
	if (v->has_target)
		print_string(PRINT_ANY, "target", v->icmp6_type == 137 ? " to %s" : " target %s",
			     ip6(v->target, ip));
	if (v->nll)
		print_open("lladdrs", '[');
	for (i = 0; i < v->nll; i++) {
		print_open(NULL, '{');
		print_string(PRINT_ANY, "option", ", %s lladdr",
			     v->ll[i].type == 1 ? "source" : "target");
		format_mac(v->ll[i].mac, mac);
		print_string(PRINT_ANY, "mac", " %s", mac);
		if (v->ll[i].type == 2 && v->icmp6_type == 137)
			print_string(PRINT_TEXT, NULL, "%s", " (another node's, not judged)");
		print_close('}');
	}
	if (v->nll)
		print_close(']');
	print_close('}');
}

/* IPv4: its addresses and protocol, in text only. */
static void print_ipv4(const struct frame_view *v)
{
	char ip[INET_ADDRSTRLEN];

	print_string(PRINT_TEXT, NULL, " %s", ip4(v->ip4_src, ip));
	print_string(PRINT_TEXT, NULL, " > %s", ip4(v->ip4_dst, ip));
	print_uint(PRINT_TEXT, NULL, ", protocol %llu", v->ip4_proto);
}

/* The Ethernet header's fields and what follows it. */
static void print_headers(const struct frame_view *v)
{
	char mac[MAC_BUFSIZE];
	int i;

	format_mac(v->src, mac);
	print_string(PRINT_ANY, "src", "%s", mac);
	format_mac(v->dst, mac);
	print_string(PRINT_ANY, "dst", " > %s", mac);
	print_open("vlans", '[');
	for (i = 0; i < v->ntags; i++) {
		print_open(NULL, '{');
		print_string(PRINT_ANY, "tpid", ", %s", tag_name(v->tags[i].tpid));
		print_uint(PRINT_ANY, "vid", " vid %llu", v->tags[i].vid);
		print_uint(v->tags[i].pcp ? PRINT_ANY : PRINT_JSON, "pcp", " pcp %llu",
			   v->tags[i].pcp);
		print_close('}');
	}
	print_close(']');
	if (v->more_tags)
		print_string(PRINT_TEXT, NULL, "%s", ", more tags");
	if (v->snap)
		print_string(PRINT_TEXT, NULL, "%s", ", 802.3 SNAP");
	print_ethertype(v);
	if (v->l3 == L3_ARP)
		print_arp(v);
	else if (v->l3 == L3_IPV4)
		print_ipv4(v);
	else if (v->l3 == L3_IPV6)
		print_ipv6(v);
}

/*
 * A frame's fields, each once: in text, on one line, "SRC > DST, TAGS,
 * ETHERTYPE and what follows, length LEN (CAPLEN shown)", or what is at
 * hand of a frame shorter than an Ethernet header.
 */
static void print_fields(const void *arg)
{
	const struct frame_view *v = arg;
	bool eth = v->caplen >= ETH_HLEN;

	if (eth)
		print_headers(v);
	else
		print_uint(PRINT_TEXT, NULL, "%llu bytes, not even an Ethernet header", v->caplen);
	print_uint(eth ? PRINT_ANY : PRINT_JSON, "len", ", length %llu", v->len);
	if (eth && v->caplen < v->len)
		print_uint(PRINT_TEXT, NULL, " (%llu shown)", v->caplen);
}

/**
 * print_frame - a frame's headers in words
 * @key: the JSON key of its object: its bytes in hex (the first 256),
 *	its fields, and its text as "summary"
 * @fmt: the format of its text, on one line, in text
 * @f: the frame's first @caplen bytes
 * @caplen: how many of its bytes are at hand
 * @len: its whole length
 *
 * The text is cut to TEXT_MAX bytes, as when it was decoded into a
 * buffer of 512: a frame of many tags and options says more.
 */
void print_frame(const char *key, const char *fmt, const uint8_t *f, size_t caplen,
		 uint32_t len)
{
	char hex[2 * 256 + 1], *text;
	size_t i, n = caplen < 256 ? caplen : 256;
	struct frame_view v;

	read_frame(f, caplen, len, &v);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", f[i]);
	hex[2 * n] = 0;
	print_open(key, '{');
	print_string(PRINT_JSON, "hex", NULL, hex);
	text = print_text_of(print_fields, &v);
	if (text && strlen(text) > TEXT_MAX)
		text[TEXT_MAX] = 0;
	print_string(PRINT_ANY, "summary", fmt, text ?: "");
	free(text);
	print_close('}');
}
