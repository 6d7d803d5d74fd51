// SPDX-License-Identifier: GPL-2.0
/*
 * A frame's headers in words, for violation events and dry runs: its
 * addresses, its VLAN tags, its EtherType and, for ARP and IPv6 neighbour
 * discovery, the fields pmode judges (the ARP sender hardware address, the
 * ND link-layer address options). One pass reads the frame into a struct
 * frame_view; the text and JSON printers only print that, so the two
 * cannot say different things.
 *
 * Nothing here trusts the frame: every read is bounded by what was
 * captured, and a frame that ends early is said to be truncated.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <string.h>

#include "pmodectl.h"

#define MAX_TAGS	8
#define MAX_LLADDRS	4

enum l3 { L3_NONE, L3_ARP, L3_IPV4, L3_IPV6 };

struct frame_view {
	uint32_t len, caplen;
	bool truncated;
	uint8_t dst[6], src[6];
	int ntags;
	struct { uint16_t tpid, vid; uint8_t pcp; } tags[MAX_TAGS];
	bool more_tags;
	uint16_t ethertype;
	bool snap;		/* 802.3 length and RFC 1042 SNAP header */
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
	while (is_vlan(v->ethertype)) {
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
	}
	if (v->ethertype < 0x600) {
		static const uint8_t rfc1042[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

		h = take(&c, 8);
		if (!h || memcmp(h, rfc1042, 6))
			return;
		v->snap = true;
		v->ethertype = be16(h + 6);
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

/* Text accumulated into a caller's buffer, cut short rather than overrun. */
struct out {
	char *buf;
	size_t size, used;
};

static void say(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->used >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->size - o->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += n;
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

static void say_arp(struct out *o, const struct frame_view *v)
{
	char sha[18], a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!v->arp_addrs) {
		if (v->arp_hln && v->arp_hln != 6)
			say(o, ", ARP with %u-byte hardware addresses", v->arp_hln);
		else
			say(o, ", ARP");
		return;
	}
	format_mac(v->sha, sha);
	if (v->arp_op == 1)
		say(o, ", ARP request who-has %s tell %s (sender %s)",
		    ip4(v->tpa, a), ip4(v->spa, b), sha);
	else if (v->arp_op == 2)
		say(o, ", ARP reply %s is-at %s", ip4(v->spa, a), sha);
	else
		say(o, ", ARP op %u sender %s %s", v->arp_op, ip4(v->spa, a), sha);
	if (v->arp_hrd != 1)
		say(o, " (hardware type %u)", v->arp_hrd);
}

static void say_ipv6(struct out *o, const struct frame_view *v)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], mac[18];
	const char *name = icmp6_name(v->icmp6_type);
	int i;

	say(o, ", IPv6 %s > %s", ip6(v->ip6_src, a), ip6(v->ip6_dst, b));
	if (v->frag)
		say(o, ", fragment offset %u", v->frag_off);
	if (v->frag && v->frag_off)
		return;
	if (v->icmp6_type < 0) {
		say(o, ", next header %u", v->ip6_proto);
		return;
	}
	if (name)
		say(o, ", ICMPv6 %s", name);
	else
		say(o, ", ICMPv6 type %d", v->icmp6_type);
	if (v->has_target)
		say(o, " %s %s", v->icmp6_type == 137 ? "to" : "target",
		    ip6(v->target, a));
	for (i = 0; i < v->nll; i++) {
		format_mac(v->ll[i].mac, mac);
		say(o, ", %s lladdr %s%s", v->ll[i].type == 1 ? "source" : "target",
		    mac, v->ll[i].type == 2 && v->icmp6_type == 137 ?
		    " (another node's, not judged)" : "");
	}
}

/**
 * decode_frame - a frame's headers in words, on one line
 * @f: the frame's first @caplen bytes
 * @caplen: how many of its bytes are at hand
 * @len: its whole length
 * @buf: receives the text, cut to @size
 */
void decode_frame(const uint8_t *f, size_t caplen, uint32_t len, char *buf,
		  size_t size)
{
	struct out o = { .buf = buf, .size = size };
	struct frame_view v;
	char d[18], s[18];
	const char *name;
	int i;

	buf[0] = 0;
	read_frame(f, caplen, len, &v);
	if (caplen < 14) {
		say(&o, "%zu bytes, not even an Ethernet header", caplen);
		return;
	}
	format_mac(v.src, s);
	format_mac(v.dst, d);
	say(&o, "%s > %s", s, d);
	for (i = 0; i < v.ntags; i++) {
		say(&o, ", %s vid %u", tag_name(v.tags[i].tpid), v.tags[i].vid);
		if (v.tags[i].pcp)
			say(&o, " pcp %u", v.tags[i].pcp);
	}
	if (v.more_tags)
		say(&o, ", more tags");
	if (v.snap)
		say(&o, ", 802.3 SNAP");
	switch (v.l3) {
	case L3_ARP:
		say_arp(&o, &v);
		break;
	case L3_IPV4:
		say(&o, ", IPv4 %s > %s, protocol %u", ip4(v.ip4_src, s),
		    ip4(v.ip4_dst, d), v.ip4_proto);
		break;
	case L3_IPV6:
		say_ipv6(&o, &v);
		break;
	default:
		name = ethertype_name(v.ethertype);
		if (v.ethertype < 0x600 && !v.snap)
			say(&o, ", 802.3 length %u", v.ethertype);
		else if (name)
			say(&o, ", %s", name);
		else
			say(&o, ", ethertype 0x%04x", v.ethertype);
	}
	say(&o, ", length %u", len);
	if (caplen < len)
		say(&o, " (%zu shown)", caplen);
}

static void json_mac(struct json *j, const char *key, const uint8_t *mac)
{
	char buf[18];

	format_mac(mac, buf);
	json_key(j, key);
	json_str(j, buf);
}

static void json_ip(struct json *j, const char *key, int af, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	json_key(j, key);
	json_str(j, inet_ntop(af, a, buf, sizeof(buf)));
}

static void json_arp(struct json *j, const struct frame_view *v)
{
	const char *op = arp_op_name(v->arp_op);

	json_key(j, "arp");
	json_begin(j, '{');
	json_key(j, "hardware_type");
	json_u64(j, v->arp_hrd);
	json_key(j, "hardware_len");
	json_u64(j, v->arp_hln);
	json_key(j, "op");
	if (op)
		json_str(j, op);
	else
		json_u64(j, v->arp_op);
	if (v->arp_addrs) {
		json_mac(j, "sender_mac", v->sha);
		json_ip(j, "sender_ip", AF_INET, v->spa);
		json_mac(j, "target_mac", v->tha);
		json_ip(j, "target_ip", AF_INET, v->tpa);
	}
	json_end(j, '}');
}

static void json_ipv6(struct json *j, const struct frame_view *v)
{
	const char *name = icmp6_name(v->icmp6_type);
	int i;

	json_key(j, "ipv6");
	json_begin(j, '{');
	json_ip(j, "src", AF_INET6, v->ip6_src);
	json_ip(j, "dst", AF_INET6, v->ip6_dst);
	json_key(j, "next_header");
	json_u64(j, v->ip6_proto);
	if (v->frag) {
		json_key(j, "fragment_offset");
		json_u64(j, v->frag_off);
	}
	if (v->icmp6_type >= 0) {
		json_key(j, "icmp6");
		if (name)
			json_str(j, name);
		else
			json_u64(j, v->icmp6_type);
	}
	if (v->has_target)
		json_ip(j, "target", AF_INET6, v->target);
	if (v->nll) {
		json_key(j, "lladdrs");
		json_begin(j, '[');
		for (i = 0; i < v->nll; i++) {
			json_begin(j, '{');
			json_key(j, "option");
			json_str(j, v->ll[i].type == 1 ? "source" : "target");
			json_mac(j, "mac", v->ll[i].mac);
			json_end(j, '}');
		}
		json_end(j, ']');
	}
	json_end(j, '}');
}

/**
 * decode_frame_json - a frame as a JSON object: its bytes in hex, its
 * length, and what decode_frame() says of it, field by field and as text
 */
void decode_frame_json(struct json *j, const uint8_t *f, size_t caplen,
		       uint32_t len)
{
	char hex[2 * 256 + 1], text[512];
	struct frame_view v;
	size_t i, n = caplen < 256 ? caplen : 256;
	char ethertype[8];

	read_frame(f, caplen, len, &v);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", f[i]);
	hex[2 * n] = 0;
	json_begin(j, '{');
	json_key(j, "len");
	json_u64(j, len);
	json_key(j, "hex");
	json_str(j, hex);
	if (caplen >= 14) {
		json_mac(j, "dst", v.dst);
		json_mac(j, "src", v.src);
		json_key(j, "vlans");
		json_begin(j, '[');
		for (i = 0; i < (size_t)v.ntags; i++) {
			json_begin(j, '{');
			json_key(j, "tpid");
			json_str(j, tag_name(v.tags[i].tpid));
			json_key(j, "vid");
			json_u64(j, v.tags[i].vid);
			json_key(j, "pcp");
			json_u64(j, v.tags[i].pcp);
			json_end(j, '}');
		}
		json_end(j, ']');
		snprintf(ethertype, sizeof(ethertype), "0x%04x", v.ethertype);
		json_key(j, "ethertype");
		json_str(j, ethertype);
	}
	if (v.l3 == L3_ARP)
		json_arp(j, &v);
	else if (v.l3 == L3_IPV6)
		json_ipv6(j, &v);
	decode_frame(f, caplen, len, text, sizeof(text));
	json_key(j, "summary");
	json_str(j, text);
	json_end(j, '}');
}
