// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for pmode: frame verdicts on real sk_buffs, the learned-MAC
 * table, and the permission decision.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/prandom.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "adapter.h"
#include "compat.h"
#include "hooks.h"
#include "learn.h"
#include "perm.h"
#include "pmode_test_netdev.h"
#include "verdict.h"

static const u8 own[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0a };
static const u8 extra[ETH_ALEN] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x07 };
static const u8 other[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };
static const u8 forged[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x99 };
static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 0x01 };
static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 zero[ETH_ALEN];

enum payload_kind {
	P_NONE,		/* IPv4: UDP from port 1024 to 53, eight zeros */
	P_ARP,		/* ARP reply with sender hw address @lladdr */
	P_ARP_TRUNC,	/* ARP header without addresses */
	P_NA,		/* neighbour advertisement, target lladdr option */
	P_NS,		/* neighbour solicitation, source lladdr option */
	P_RS,		/* router solicitation, source lladdr option */
	P_ND_ZERO,	/* NA whose option has length zero */
	P_RUNT,		/* 10 bytes: not even an Ethernet header */
	P_ARP_HRD6,	/* ARP reply, hardware type 6 (IEEE 802) */
	P_ARP_HRD15,	/* ARP reply, hardware type 15 (frame relay) */
	P_ARP_HLN8,	/* ARP reply naming 8-byte hardware addresses */
	P_ARP_SNAP,	/* ARP reply in 802.3 with an RFC 1042 SNAP header */
	P_NA_FRAG,	/* NA in a first fragment (offset 0, M set) */
	P_NA_ATOMIC,	/* NA in an atomic fragment (offset 0, M clear) */
	P_FRAG_LATER,	/* a later fragment, @lladdr in its payload */
	P_NA_DSTOPT,	/* NA behind a destination options header */
	P_NA_DEEP,	/* NA behind 17 destination options headers */
	P_FRAG_TRUNC,	/* first fragment ending before its next header */
	P_ECHO_FRAG,	/* echo request in a first fragment */
	/*
	 * A first fragment whose payload length ends before the echo request
	 * that follows: padding to a receiver, whose ICMPv6 header comes from
	 * the next fragment.
	 */
	P_FRAG_PADDED,
	P_REDIRECT,	/* Redirect: own source lladdr, target lladdr @lladdr */
	P_REDIRECT_SRC,	/* Redirect: source lladdr @lladdr */
	P_DHCP,		/* DHCP request, client hardware address @lladdr */
	P_DHCP_RELAYED,	/* ...forwarded by a relay: giaddr set */
	P_DHCP_REPLY,	/* a BOOTREPLY (op 2) naming @lladdr */
	P_DHCP_HLEN16,	/* a request whose hlen says 16 */
	P_DHCP_FRAG,	/* a request in a first fragment (MF set) */
	P_DHCP_SHORT,	/* a request cut short of its client address */
	P_ZEROS,	/* an IPv4-typed payload of zeros: no IPv4 header */
};

struct frame_spec {
	const u8 *dst, *src, *lladdr;
	u16 tags[3];		/* TPIDs of in-frame tags, outer first */
	/*
	 * An 802.3 length and this LLC/SNAP header (six bytes, the EtherType
	 * after it is the payload's or the first of @snap_tags) after @tags.
	 */
	const u8 *snap;
	u16 snap_tags[4];	/* TPIDs of tags after the SNAP header */
	bool hwaccel;		/* a tag moved out of the data, as devices do */
	enum payload_kind kind;
	bool egress;		/* data at the MAC header, else after it */
};

static void put_be16(struct sk_buff *skb, u16 v)
{
	__be16 x = htons(v);

	skb_put_data(skb, &x, 2);
}

static void put_nd(struct sk_buff *skb, u8 type, u8 opt, u8 optlen,
		   const u8 *lladdr)
{
	struct ipv6hdr ip6 = { .version = 6, .nexthdr = IPPROTO_ICMPV6,
			       .hop_limit = 255 };
	struct icmp6hdr icmp = { .icmp6_type = type };
	int fixed = type == NDISC_ROUTER_SOLICITATION ? 0 : 16;
	u8 target[16] = { 0xfe, 0x80 };
	u8 o[8] = { opt, optlen };

	memcpy(o + 2, lladdr, ETH_ALEN);
	ip6.payload_len = htons(sizeof(icmp) + fixed + sizeof(o));
	skb_put_data(skb, &ip6, sizeof(ip6));
	skb_put_data(skb, &icmp, sizeof(icmp));
	skb_put_data(skb, target, fixed);
	skb_put_data(skb, o, sizeof(o));
}

/*
 * An IPv4 header without options, then UDP from port 68 (1024 for
 * P_NONE) to @dport, then @len bytes of @payload.
 */
static void put_udp4(struct sk_buff *skb, u16 dport, const void *payload,
		     unsigned int len, bool more_frags)
{
	struct iphdr ip = { .version = 4, .ihl = 5, .ttl = 64,
			    .protocol = IPPROTO_UDP };
	struct udphdr uh = { .source = htons(dport == 67 ? 68 : 1024),
			     .dest = htons(dport), .len = htons(8 + len) };

	ip.tot_len = htons(sizeof(ip) + sizeof(uh) + len);
	if (more_frags)
		ip.frag_off = htons(IP_MF);
	put_be16(skb, ETH_P_IP);
	skb_put_data(skb, &ip, sizeof(ip));
	skb_put_data(skb, &uh, sizeof(uh));
	skb_put_data(skb, payload, len);
}

/* A BOOTP/DHCP message of @kind (P_DHCP...) naming @chaddr. */
static void put_dhcp(struct sk_buff *skb, enum payload_kind kind,
		     const u8 *chaddr)
{
	u8 bp[240] = { 1, ARPHRD_ETHER, ETH_ALEN };

	memcpy(bp + 28, chaddr, ETH_ALEN);
	if (kind == P_DHCP_RELAYED) {
		bp[24] = 10;			/* giaddr 10.0.0.1 */
		bp[27] = 1;
	}
	if (kind == P_DHCP_REPLY)
		bp[0] = 2;
	if (kind == P_DHCP_HLEN16)
		bp[2] = 16;
	bp[236] = 0x63;				/* the DHCP magic cookie */
	bp[237] = 0x82;
	bp[238] = 0x53;
	bp[239] = 0x63;
	put_udp4(skb, 67, bp, kind == P_DHCP_SHORT ? 30 : sizeof(bp),
		 kind == P_DHCP_FRAG);
}

/* Extension headers, the last one followed by ICMPv6. */
static const u8 ext_frag_first[] = { IPPROTO_ICMPV6, 0, 0x00, 0x01, 0, 0, 0, 1 };
static const u8 ext_frag_atomic[] = { IPPROTO_ICMPV6, 0, 0x00, 0x00, 0, 0, 0, 1 };
static const u8 ext_frag_later[] = { IPPROTO_ICMPV6, 0, 0x00, 0x08, 0, 0, 0, 1 };
static const u8 ext_frag_dstopt[] = { NEXTHDR_DEST, 0, 0x00, 0x01, 0, 0, 0, 1 };
static const u8 ext_dstopt[] = { IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0 };

struct nd_opt {
	u8 type;
	const u8 *lladdr;
};

/*
 * An ICMPv6 message of @type with its fixed part zeroed and link-layer
 * options @opts, behind @nexts copies of the extension header @ext (whose
 * protocol is @nh), or behind none.
 */
static void put_icmp6(struct sk_buff *skb, u8 nh, const u8 *ext,
		      unsigned int nexts, u8 type, const struct nd_opt *opts,
		      unsigned int nopts)
{
	struct ipv6hdr ip6 = { .version = 6, .hop_limit = 255 };
	struct icmp6hdr icmp = { .icmp6_type = type };
	u8 fixed[32] = { 0xfe, 0x80 };
	int nfixed;
	unsigned int i;

	switch (type) {
	case NDISC_REDIRECT:
		nfixed = sizeof(struct rd_msg) - sizeof(icmp);
		break;
	case NDISC_ROUTER_ADVERTISEMENT:
		nfixed = sizeof(struct ra_msg) - sizeof(icmp);
		break;
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
		nfixed = sizeof(struct nd_msg) - sizeof(icmp);
		break;
	default:
		nfixed = 0;
	}
	ip6.nexthdr = nexts ? nh : IPPROTO_ICMPV6;
	ip6.payload_len = htons(nexts * 8 + sizeof(icmp) + nfixed + nopts * 8);
	skb_put_data(skb, &ip6, sizeof(ip6));
	for (i = 0; i < nexts; i++) {
		u8 hdr[8];

		memcpy(hdr, ext, sizeof(hdr));
		if (i + 1 < nexts)	/* another copy follows */
			hdr[0] = nh;
		skb_put_data(skb, hdr, sizeof(hdr));
	}
	skb_put_data(skb, &icmp, sizeof(icmp));
	skb_put_data(skb, fixed, nfixed);
	for (i = 0; i < nopts; i++) {
		u8 o[8] = { opts[i].type, 1 };

		memcpy(o + 2, opts[i].lladdr, ETH_ALEN);
		skb_put_data(skb, o, sizeof(o));
	}
}

static struct sk_buff *build(struct kunit *test, const struct frame_spec *f)
{
	const u8 *lladdr = f->lladdr ?: f->src;
	struct sk_buff *skb = alloc_skb(512, GFP_KERNEL);
	struct arphdr ah = { .ar_hrd = htons(ARPHRD_ETHER),
			     .ar_pro = htons(ETH_P_IP), .ar_hln = ETH_ALEN,
			     .ar_pln = 4, .ar_op = htons(ARPOP_REPLY) };
	u8 zeros[28] = { 0 };
	unsigned int i, len_at = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, skb);
	skb_reserve(skb, 64);
	if (f->kind == P_RUNT) {
		skb_put_data(skb, zeros, 10);
		skb_reset_mac_header(skb);
		return skb;
	}
	skb_put_data(skb, f->dst, ETH_ALEN);
	skb_put_data(skb, f->src, ETH_ALEN);
	for (i = 0; i < ARRAY_SIZE(f->tags) && f->tags[i]; i++) {
		put_be16(skb, f->tags[i]);
		put_be16(skb, 10 + i);
	}
	if (f->snap) {
		len_at = skb->len;
		put_be16(skb, 0);	/* the 802.3 length, set below */
		skb_put_data(skb, f->snap, 6);
		for (i = 0; i < ARRAY_SIZE(f->snap_tags) && f->snap_tags[i]; i++) {
			put_be16(skb, f->snap_tags[i]);
			put_be16(skb, 20 + i);
		}
	}
	switch (f->kind) {
	case P_ARP:
	case P_ARP_TRUNC:
		put_be16(skb, ETH_P_ARP);
		skb_put_data(skb, &ah, sizeof(ah));
		if (f->kind == P_ARP) {
			skb_put_data(skb, lladdr, ETH_ALEN);
			skb_put_data(skb, zeros, 14);
		}
		break;
	case P_NA:
		put_be16(skb, ETH_P_IPV6);
		put_nd(skb, NDISC_NEIGHBOUR_ADVERTISEMENT, ND_OPT_TARGET_LL_ADDR,
		       1, lladdr);
		break;
	case P_NS:
		put_be16(skb, ETH_P_IPV6);
		put_nd(skb, NDISC_NEIGHBOUR_SOLICITATION, ND_OPT_SOURCE_LL_ADDR,
		       1, lladdr);
		break;
	case P_RS:
		put_be16(skb, ETH_P_IPV6);
		put_nd(skb, NDISC_ROUTER_SOLICITATION, ND_OPT_SOURCE_LL_ADDR,
		       1, lladdr);
		break;
	case P_ND_ZERO:
		put_be16(skb, ETH_P_IPV6);
		put_nd(skb, NDISC_NEIGHBOUR_ADVERTISEMENT, ND_OPT_TARGET_LL_ADDR,
		       0, lladdr);
		break;
	case P_ARP_HRD6:
	case P_ARP_HRD15:
	case P_ARP_HLN8:
	case P_ARP_SNAP:
		if (f->kind == P_ARP_SNAP) {
			static const u8 snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0,
						   0x08, 0x06 };

			put_be16(skb, 8 + sizeof(ah) + 20);	/* 802.3 length */
			skb_put_data(skb, snap, sizeof(snap));
		} else {
			put_be16(skb, ETH_P_ARP);
		}
		if (f->kind == P_ARP_HRD6)
			ah.ar_hrd = htons(ARPHRD_IEEE802);
		if (f->kind == P_ARP_HRD15)
			ah.ar_hrd = htons(15);
		if (f->kind == P_ARP_HLN8)
			ah.ar_hln = 8;
		skb_put_data(skb, &ah, sizeof(ah));
		skb_put_data(skb, lladdr, ETH_ALEN);
		skb_put_data(skb, zeros, 14);
		break;
	case P_NA_FRAG:
	case P_NA_ATOMIC:
	case P_NA_DSTOPT:
	case P_NA_DEEP: {
		struct nd_opt tll = { ND_OPT_TARGET_LL_ADDR, lladdr };
		const u8 *ext = f->kind == P_NA_FRAG ? ext_frag_first :
				f->kind == P_NA_ATOMIC ? ext_frag_atomic : ext_dstopt;
		u8 nh = f->kind == P_NA_FRAG || f->kind == P_NA_ATOMIC ?
			NEXTHDR_FRAGMENT : NEXTHDR_DEST;

		put_be16(skb, ETH_P_IPV6);
		put_icmp6(skb, nh, ext, f->kind == P_NA_DEEP ? 17 : 1,
			  NDISC_NEIGHBOUR_ADVERTISEMENT, &tll, 1);
		break;
	}
	case P_FRAG_LATER: {
		/* The payload of a later fragment: an option-like tail. */
		struct nd_opt tll = { ND_OPT_TARGET_LL_ADDR, lladdr };

		put_be16(skb, ETH_P_IPV6);
		put_icmp6(skb, NEXTHDR_FRAGMENT, ext_frag_later, 1,
			  ND_OPT_TARGET_LL_ADDR, &tll, 1);
		break;
	}
	case P_FRAG_TRUNC:
		put_be16(skb, ETH_P_IPV6);
		put_icmp6(skb, NEXTHDR_FRAGMENT, ext_frag_dstopt, 1, 0, NULL, 0);
		skb_trim(skb, skb->len - sizeof(struct icmp6hdr));
		break;
	case P_ECHO_FRAG:
	case P_FRAG_PADDED: {
		struct ipv6hdr *ip6;

		put_be16(skb, ETH_P_IPV6);
		ip6 = (struct ipv6hdr *)skb_tail_pointer(skb);
		put_icmp6(skb, NEXTHDR_FRAGMENT, ext_frag_first, 1,
			  ICMPV6_ECHO_REQUEST, NULL, 0);
		if (f->kind == P_FRAG_PADDED)
			ip6->payload_len = htons(sizeof(struct frag_hdr));
		break;
	}
	case P_REDIRECT:
	case P_REDIRECT_SRC: {
		struct nd_opt opts[] = {
			{ ND_OPT_SOURCE_LL_ADDR,
			  f->kind == P_REDIRECT ? f->src : lladdr },
			{ ND_OPT_TARGET_LL_ADDR,
			  f->kind == P_REDIRECT ? lladdr : f->src },
		};

		put_be16(skb, ETH_P_IPV6);
		put_icmp6(skb, 0, NULL, 0, NDISC_REDIRECT, opts,
			  ARRAY_SIZE(opts));
		break;
	}
	case P_DHCP:
	case P_DHCP_RELAYED:
	case P_DHCP_REPLY:
	case P_DHCP_HLEN16:
	case P_DHCP_FRAG:
	case P_DHCP_SHORT:
		put_dhcp(skb, f->kind, lladdr);
		break;
	case P_ZEROS:
		put_be16(skb, ETH_P_IP);
		skb_put_data(skb, zeros, sizeof(zeros));
		break;
	default:
		put_udp4(skb, 53, zeros, 8, false);
	}
	if (f->snap)
		*(__be16 *)(skb->data + len_at) = htons(skb->len - len_at - 2);
	skb_reset_mac_header(skb);
	if (f->hwaccel)
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), 7);
	if (!f->egress)
		skb_pull(skb, ETH_HLEN);	/* as eth_type_trans() leaves it */
	return skb;
}

static void cfg_init(struct pmode_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ether_addr_copy(cfg->mac, own);
	ether_addr_copy(cfg->allowed[0], extra);
	cfg->n_allowed = 1;
}

struct tx_case {
	const char *desc;
	struct frame_spec f;
	bool promisc;
	int want;
};

#define Q ETH_P_8021Q
#define AD ETH_P_8021AD

/* LLC/SNAP headers without their EtherType: what 802.11 stations unwrap... */
static const u8 rfc1042[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00 };
static const u8 btunnel[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0xf8 };	/* 802.1H */
/* ...and one no receiver unwraps (Cisco's OUI). */
static const u8 cisco_snap[6] = { 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c };

static const struct tx_case tx_cases[] = {
	{ "own source", { bcast, own }, false, PMODE_PASS },
	{ "allowed extra source", { bcast, extra }, false, PMODE_PASS },
	{ "forged source", { bcast, forged }, false, PMODE_DROP_FORGED_SRC },
	{ "forged source, promisc", { bcast, forged }, true, PMODE_PASS_PROMISC },
	{ "multicast source", { bcast, mcast }, false, PMODE_DROP_INVALID_SRC },
	{ "multicast source, promisc", { bcast, mcast }, true, PMODE_DROP_INVALID_SRC },
	{ "broadcast source, promisc", { bcast, bcast }, true, PMODE_DROP_INVALID_SRC },
	{ "zero source", { bcast, zero }, false, PMODE_DROP_INVALID_SRC },
	{ "own source, 802.1Q", { bcast, own, .tags = { Q } }, false, PMODE_PASS },
	{ "forged source, 802.1Q", { bcast, forged, .tags = { Q } }, false,
	  PMODE_DROP_FORGED_SRC },
	{ "forged source, 802.1ad+802.1Q", { bcast, forged, .tags = { AD, Q } },
	  false, PMODE_DROP_FORGED_SRC },
	{ "forged source, hw-accelerated tag", { bcast, forged, .hwaccel = true },
	  false, PMODE_DROP_FORGED_SRC },
	{ "genuine ARP", { bcast, own, .kind = P_ARP }, false, PMODE_PASS },
	{ "ARP, allowed sender", { bcast, own, extra, .kind = P_ARP }, false,
	  PMODE_PASS },
	{ "forged ARP sender", { bcast, own, forged, .kind = P_ARP }, false,
	  PMODE_DROP_FORGED_ARP },
	{ "forged ARP sender, 802.1ad+802.1Q",
	  { bcast, own, forged, .tags = { AD, Q }, .kind = P_ARP }, false,
	  PMODE_DROP_FORGED_ARP },
	{ "forged ARP sender, promisc", { bcast, own, forged, .kind = P_ARP },
	  true, PMODE_PASS },
	{ "truncated ARP", { bcast, own, .kind = P_ARP_TRUNC }, false,
	  PMODE_DROP_MALFORMED },
	{ "genuine NA", { bcast, own, .kind = P_NA }, false, PMODE_PASS },
	{ "forged NA target lladdr", { bcast, own, forged, .kind = P_NA }, false,
	  PMODE_DROP_FORGED_ND },
	{ "forged NA, 802.1Q", { bcast, own, forged, .tags = { Q }, .kind = P_NA },
	  false, PMODE_DROP_FORGED_ND },
	{ "forged NS source lladdr", { bcast, own, forged, .kind = P_NS }, false,
	  PMODE_DROP_FORGED_ND },
	{ "forged RS source lladdr", { bcast, own, forged, .kind = P_RS }, false,
	  PMODE_DROP_FORGED_ND },
	{ "genuine RS", { bcast, own, .kind = P_RS }, false, PMODE_PASS },
	{ "ND option of length zero", { bcast, own, .kind = P_ND_ZERO }, false,
	  PMODE_DROP_MALFORMED },
	{ "runt frame", { .kind = P_RUNT }, false, PMODE_DROP_MALFORMED },
	{ "own source, egress layout", { bcast, own, .egress = true }, false,
	  PMODE_PASS },
	{ "forged ARP, egress layout", { bcast, own, forged, .kind = P_ARP,
	  .egress = true }, false, PMODE_DROP_FORGED_ARP },
	/* Linux's arp_process() learns from hardware type 6 too. */
	{ "forged ARP sender, hardware type 6", { bcast, own, forged,
	  .kind = P_ARP_HRD6 }, false, PMODE_DROP_FORGED_ARP },
	{ "genuine ARP, hardware type 6", { bcast, own, .kind = P_ARP_HRD6 },
	  false, PMODE_PASS },
	{ "forged ARP sender, hardware type 15", { bcast, own, forged,
	  .kind = P_ARP_HRD15 }, false, PMODE_DROP_FORGED_ARP },
	{ "ARP with 8-byte hardware addresses", { bcast, own,
	  .kind = P_ARP_HLN8 }, false, PMODE_DROP_MALFORMED },
	{ "forged ARP sender, SNAP-encapsulated", { bcast, own, forged,
	  .kind = P_ARP_SNAP }, false, PMODE_DROP_FORGED_ARP },
	{ "genuine ARP, SNAP-encapsulated", { bcast, own, .kind = P_ARP_SNAP },
	  false, PMODE_PASS },
	{ "forged ARP sender, 802.1H SNAP", { bcast, own, forged,
	  .snap = btunnel, .kind = P_ARP }, false, PMODE_DROP_FORGED_ARP },
	{ "genuine ARP, 802.1H SNAP", { bcast, own, .snap = btunnel,
	  .kind = P_ARP }, false, PMODE_PASS },
	{ "forged ARP sender, RFC 1042 SNAP, 802.1Q", { bcast, own, forged,
	  .snap = rfc1042, .snap_tags = { Q }, .kind = P_ARP }, false,
	  PMODE_DROP_FORGED_ARP },
	{ "genuine ARP, RFC 1042 SNAP, 802.1Q", { bcast, own, .snap = rfc1042,
	  .snap_tags = { Q }, .kind = P_ARP }, false, PMODE_PASS },
	{ "forged ARP sender, 802.1H SNAP, 802.1ad+802.1Q", { bcast, own,
	  forged, .snap = btunnel, .snap_tags = { AD, Q }, .kind = P_ARP },
	  false, PMODE_DROP_FORGED_ARP },
	{ "forged ARP sender, 802.1Q, 802.1H SNAP, 802.1Q", { bcast, own,
	  forged, .tags = { Q }, .snap = btunnel, .snap_tags = { Q },
	  .kind = P_ARP }, false, PMODE_DROP_FORGED_ARP },
	{ "forged NA, 802.1H SNAP", { bcast, own, forged, .snap = btunnel,
	  .kind = P_NA }, false, PMODE_DROP_FORGED_ND },
	{ "genuine NA, 802.1H SNAP", { bcast, own, .snap = btunnel,
	  .kind = P_NA }, false, PMODE_PASS },
	{ "forged NS, RFC 1042 SNAP, 802.1Q", { bcast, own, forged,
	  .snap = rfc1042, .snap_tags = { Q }, .kind = P_NS }, false,
	  PMODE_DROP_FORGED_ND },
	{ "genuine NS, RFC 1042 SNAP, 802.1Q", { bcast, own, .snap = rfc1042,
	  .snap_tags = { Q }, .kind = P_NS }, false, PMODE_PASS },
	/* A SNAP header no receiver unwraps carries nothing judged. */
	{ "ARP behind a SNAP header of another OUI", { bcast, own, forged,
	  .snap = cisco_snap, .kind = P_ARP }, false, PMODE_PASS },
	/* The walk unwraps 8 headers (tags, SNAP, tags, SNAP), not 9. */
	{ "forged ARP behind 8 VLAN and SNAP headers", { bcast, own, forged,
	  .tags = { Q, Q, Q }, .snap = btunnel, .snap_tags = { Q, Q, Q },
	  .kind = P_ARP_SNAP }, false, PMODE_DROP_FORGED_ARP },
	{ "genuine ARP behind 8 VLAN and SNAP headers", { bcast, own,
	  .tags = { Q, Q, Q }, .snap = btunnel, .snap_tags = { Q, Q, Q },
	  .kind = P_ARP_SNAP }, false, PMODE_PASS },
	{ "ARP behind 9 VLAN and SNAP headers", { bcast, own,
	  .tags = { Q, Q, Q }, .snap = btunnel, .snap_tags = { Q, Q, Q, AD },
	  .kind = P_ARP_SNAP }, false, PMODE_DROP_MALFORMED },
	/* RFC 6980: ND in a fragment is dropped, whatever it says. */
	{ "forged NA in a first fragment", { bcast, own, forged,
	  .kind = P_NA_FRAG }, false, PMODE_DROP_MALFORMED },
	{ "genuine NA in a first fragment", { bcast, own, .kind = P_NA_FRAG },
	  false, PMODE_DROP_MALFORMED },
	{ "NA in an atomic fragment", { bcast, own, .kind = P_NA_ATOMIC },
	  false, PMODE_DROP_MALFORMED },
	{ "later fragment", { bcast, own, forged, .kind = P_FRAG_LATER },
	  false, PMODE_PASS },
	{ "first fragment short of its next header", { bcast, own,
	  .kind = P_FRAG_TRUNC }, false, PMODE_DROP_MALFORMED },
	{ "echo request in a first fragment", { bcast, own,
	  .kind = P_ECHO_FRAG }, false, PMODE_PASS },
	{ "first fragment ending before what looks like an echo request",
	  { bcast, own, .kind = P_FRAG_PADDED }, false, PMODE_DROP_MALFORMED },
	{ "forged NA behind destination options", { bcast, own, forged,
	  .kind = P_NA_DSTOPT }, false, PMODE_DROP_FORGED_ND },
	{ "genuine NA behind destination options", { bcast, own,
	  .kind = P_NA_DSTOPT }, false, PMODE_PASS },
	{ "NA behind 17 extension headers", { bcast, own, .kind = P_NA_DEEP },
	  false, PMODE_DROP_MALFORMED },
	/* A Redirect's target names the better next hop: another node. */
	{ "Redirect naming another node's MAC", { bcast, own, forged,
	  .kind = P_REDIRECT }, false, PMODE_PASS },
	{ "Redirect with a forged source lladdr", { bcast, own, forged,
	  .kind = P_REDIRECT_SRC }, false, PMODE_DROP_FORGED_ND },
	/* ...but never a group: the victim would flood its traffic to it. */
	{ "Redirect naming a multicast MAC", { bcast, own, mcast,
	  .kind = P_REDIRECT }, false, PMODE_DROP_FORGED_ND },
	{ "Redirect naming the broadcast MAC", { bcast, own, bcast,
	  .kind = P_REDIRECT }, false, PMODE_DROP_FORGED_ND },
	{ "Redirect naming MAC zero", { bcast, own, zero,
	  .kind = P_REDIRECT }, false, PMODE_DROP_FORGED_ND },
	{ "Redirect naming the broadcast MAC, promisc", { bcast, own, bcast,
	  .kind = P_REDIRECT }, true, PMODE_PASS },
	/* A DHCP server answers to chaddr, and dnsmasq writes it to ARP. */
	{ "genuine DHCP request", { bcast, own, .kind = P_DHCP }, false,
	  PMODE_PASS },
	{ "DHCP request, allowed client MAC", { bcast, own, extra,
	  .kind = P_DHCP }, false, PMODE_PASS },
	{ "forged DHCP client MAC", { bcast, own, forged, .kind = P_DHCP },
	  false, PMODE_DROP_FORGED_DHCP },
	{ "DHCP request naming the broadcast MAC", { bcast, own, bcast,
	  .kind = P_DHCP }, false, PMODE_DROP_FORGED_DHCP },
	{ "forged DHCP client MAC, 802.1Q", { bcast, own, forged,
	  .tags = { Q }, .kind = P_DHCP }, false, PMODE_DROP_FORGED_DHCP },
	{ "forged DHCP client MAC, 802.1H SNAP", { bcast, own, forged,
	  .snap = btunnel, .kind = P_DHCP }, false, PMODE_DROP_FORGED_DHCP },
	{ "forged DHCP client MAC, promisc", { bcast, own, forged,
	  .kind = P_DHCP }, true, PMODE_PASS },
	{ "DHCP request a relay forwards", { bcast, own, forged,
	  .kind = P_DHCP_RELAYED }, false, PMODE_PASS },
	{ "BOOTREPLY naming another MAC", { bcast, own, forged,
	  .kind = P_DHCP_REPLY }, false, PMODE_PASS },
	{ "DHCP request with a 16-byte hardware address", { bcast, own,
	  .kind = P_DHCP_HLEN16 }, false, PMODE_DROP_MALFORMED },
	{ "DHCP request in a first fragment", { bcast, own, .kind = P_DHCP_FRAG },
	  false, PMODE_DROP_MALFORMED },
	{ "DHCP request cut short of its client MAC", { bcast, own,
	  .kind = P_DHCP_SHORT }, false, PMODE_DROP_MALFORMED },
	{ "IPv4-typed zeros, no IPv4 header", { bcast, own, .kind = P_ZEROS },
	  false, PMODE_PASS },
};

static void tx_desc(const struct tx_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tx, tx_cases, tx_desc);

static void pmode_verdict_tx(struct kunit *test)
{
	const struct tx_case *c = test->param_value;
	struct pmode_cfg cfg;
	struct sk_buff *skb;
	/* Poisoned: the judgement must set it, to NULL if nothing else. */
	const u8 *offender = (const u8 *)POISON_POINTER_DELTA + 1;
	u8 buf[ETH_ALEN];
	int verdict, reach;

	cfg_init(&cfg);
	skb = build(test, &c->f);
	verdict = pmode_judge_tx(skb, &cfg, c->promisc, &offender, buf, &reach);
	KUNIT_EXPECT_EQ(test, verdict, c->want);
	if (verdict == PMODE_DROP_MALFORMED) {
		KUNIT_EXPECT_NULL(test, offender);
	} else if (pmode_verdict_drops(verdict)) {
		KUNIT_ASSERT_NOT_NULL(test, offender);
		KUNIT_EXPECT_FALSE(test, pmode_cfg_owns(&cfg, offender));
	}
	/* The hooks' inline check may only pass what the judgement passes. */
	if (pmode_tx_fast(skb, cfg.mac))
		KUNIT_EXPECT_EQ(test, verdict, PMODE_PASS);
	/* ... and it does pass the common frame: IPv4 from the own MAC. */
	if (c->f.src == own && c->f.kind == P_NONE && !c->f.tags[0] &&
	    !c->f.snap)
		KUNIT_EXPECT_TRUE(test, pmode_tx_fast(skb, cfg.mac));
	kfree_skb(skb);
}

/*
 * A frame asking the stack for a checksum (CHECKSUM_PARTIAL) has the two
 * bytes at @at (from its MAC header) overwritten after the hooks, with a
 * value its sender chose (the sum of what follows csum_start).
 */
static void ask_csum(struct sk_buff *skb, unsigned int at)
{
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_mac_header(skb) - skb->head + at;
	skb->csum_offset = 0;
}

/* Offsets from the MAC header, of frames build() makes. */
#define AT_NA_CSUM	(ETH_HLEN + 40 + 2)
#define AT_NA_TLLADDR	(ETH_HLEN + 40 + 24 + 2)
#define AT_IP6_NEXTHDR	(ETH_HLEN + 6)

struct csum_case {
	const char *desc;
	struct frame_spec f;
	unsigned int at;
	bool promisc;
	int want;
};

static const struct csum_case csum_cases[] = {
	{ "IPv4, into its EtherType", { bcast, own }, 12, false,
	  PMODE_DROP_MALFORMED },
	{ "IPv4, into its source MAC", { bcast, own }, 6, false,
	  PMODE_DROP_MALFORMED },
	{ "IPv4, TCP's checksum field", { bcast, own }, ETH_HLEN + 20 + 16,
	  false, PMODE_PASS },
	{ "IPv4, UDP's checksum field", { bcast, own }, ETH_HLEN + 20 + 6,
	  false, PMODE_PASS },
	{ "IPv4, 802.1Q, into the tag's EtherType", { bcast, own, .tags = { Q } },
	  16, false, PMODE_DROP_MALFORMED },
	{ "genuine NA, its ICMPv6 checksum field", { bcast, own, .kind = P_NA },
	  AT_NA_CSUM, false, PMODE_PASS },
	{ "genuine NA, into its ICMPv6 type", { bcast, own, .kind = P_NA },
	  AT_NA_CSUM - 2, false, PMODE_DROP_MALFORMED },
	{ "genuine NA, into its target lladdr", { bcast, own, .kind = P_NA },
	  AT_NA_TLLADDR, false, PMODE_DROP_MALFORMED },
	{ "genuine NA, into its hop limit", { bcast, own, .kind = P_NA },
	  AT_IP6_NEXTHDR, false, PMODE_DROP_MALFORMED },
	{ "later fragment, into the IPv6 next header", { bcast, own,
	  .kind = P_FRAG_LATER }, AT_IP6_NEXTHDR, false, PMODE_DROP_MALFORMED },
	{ "later fragment, past its fragment header", { bcast, own,
	  .kind = P_FRAG_LATER }, ETH_HLEN + 40 + 8, false, PMODE_PASS },
	{ "echo request, its ICMPv6 checksum field", { bcast, own,
	  .kind = P_ECHO_FRAG }, ETH_HLEN + 40 + 8 + 2, false, PMODE_PASS },
	{ "echo request, into its ICMPv6 type", { bcast, own,
	  .kind = P_ECHO_FRAG }, ETH_HLEN + 40 + 8, false, PMODE_DROP_MALFORMED },
	{ "genuine ARP, into its sender MAC", { bcast, own, .kind = P_ARP },
	  ETH_HLEN + 8, false, PMODE_DROP_MALFORMED },
	{ "genuine ARP, into its target IP", { bcast, own, .kind = P_ARP },
	  ETH_HLEN + 24, false, PMODE_DROP_MALFORMED },
	{ "genuine ARP, past it", { bcast, own, .kind = P_ARP }, ETH_HLEN + 28,
	  false, PMODE_PASS },
	{ "genuine ARP, promisc, into its sender MAC", { bcast, own,
	  .kind = P_ARP }, ETH_HLEN + 8, true, PMODE_PASS },
	/* Promisc allows any source, but a valid one: the header stays. */
	{ "forged source, promisc, into its source MAC", { bcast, forged }, 6,
	  true, PMODE_DROP_MALFORMED },
	{ "IPv4, egress layout, into its EtherType", { bcast, own,
	  .egress = true }, 12, false, PMODE_DROP_MALFORMED },
	{ "IPv4, egress layout, TCP's checksum", { bcast, own, .egress = true },
	  ETH_HLEN + 20 + 16, false, PMODE_PASS },
	/* A datagram made a DHCP request after the verdict, and back. */
	{ "UDP, into its destination port", { bcast, own }, ETH_HLEN + 22,
	  false, PMODE_DROP_MALFORMED },
	{ "IPv4, into its protocol", { bcast, own }, ETH_HLEN + 8, false,
	  PMODE_DROP_MALFORMED },
	{ "DHCP request, its UDP checksum field", { bcast, own,
	  .kind = P_DHCP }, ETH_HLEN + 20 + 6, false, PMODE_PASS },
	{ "DHCP request, into its client MAC", { bcast, own, .kind = P_DHCP },
	  ETH_HLEN + 28 + 28, false, PMODE_DROP_MALFORMED },
	{ "DHCP request, into its relay address", { bcast, own,
	  .kind = P_DHCP }, ETH_HLEN + 28 + 24, false, PMODE_DROP_MALFORMED },
	{ "DHCP request, past its client MAC", { bcast, own, .kind = P_DHCP },
	  ETH_HLEN + 28 + 34, false, PMODE_PASS },
};

static void csum_desc(const struct csum_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "checksum at %u: %s", c->at,
		 c->desc);
}

KUNIT_ARRAY_PARAM(csum, csum_cases, csum_desc);

static void pmode_verdict_csum(struct kunit *test)
{
	const struct csum_case *c = test->param_value;
	struct pmode_cfg cfg;
	struct sk_buff *skb;
	const u8 *offender;
	u8 buf[ETH_ALEN];
	int reach;

	cfg_init(&cfg);
	skb = build(test, &c->f);
	ask_csum(skb, c->at);
	KUNIT_EXPECT_EQ(test, pmode_judge_tx(skb, &cfg, c->promisc, &offender,
					     buf, &reach), c->want);
	/* The inline check passes only what the judgement passes. */
	if (pmode_tx_fast(skb, cfg.mac))
		KUNIT_EXPECT_EQ(test, c->want, PMODE_PASS);
	kfree_skb(skb);
}

/*
 * By effect, not by list: every genuine frame of the table, asking for a
 * checksum at every offset. Wherever pmode passes it, each of many values
 * the stack might write there must leave a frame pmode passes without the
 * request. The values: every pair of bytes of the MACs the table forges,
 * the EtherTypes and IPv6 header values an attacker would want, ND types
 * and options, and random ones.
 */
static void pmode_csum_sweep(struct kunit *test)
{
	static const u16 wanted[] = { ETH_P_ARP, ETH_P_IPV6, ETH_P_8021Q,
				      ETH_P_8021AD, ETH_P_IP, 0x3aff, 0x3a40,
				      0x8700, 0x8800, 0x8900, 0x8600, 0x0101,
				      0x0201, 0x0000, 0xffff, 0x0006 };
	static const u8 *const macs[] = { forged, mcast, bcast, zero, other };
	u16 values[ARRAY_SIZE(wanted) + ARRAY_SIZE(macs) * 5 + 16];
	unsigned int i, j, at, v, nv = 0, passed = 0, frames = 0;
	struct rnd_state rnd;
	struct pmode_cfg cfg;

	cfg_init(&cfg);
	for (i = 0; i < ARRAY_SIZE(wanted); i++)
		values[nv++] = wanted[i];
	for (i = 0; i < ARRAY_SIZE(macs); i++)
		for (j = 0; j + 1 < ETH_ALEN; j++)
			values[nv++] = macs[i][j] << 8 | macs[i][j + 1];
	prandom_seed_state(&rnd, 21);
	for (i = 0; i < 16; i++)
		values[nv++] = prandom_u32_state(&rnd);

	for (i = 0; i < ARRAY_SIZE(tx_cases); i++) {
		const struct tx_case *c = &tx_cases[i];
		unsigned int len;
		struct sk_buff *skb;

		if (c->promisc || c->want != PMODE_PASS)
			continue;
		frames++;
		skb = build(test, &c->f);
		len = skb_tail_pointer(skb) - skb_mac_header(skb);
		kfree_skb(skb);
		for (at = 0; at + 2 <= len; at++) {
			const u8 *offender;
			u8 buf[ETH_ALEN];
			int reach;

			skb = build(test, &c->f);
			ask_csum(skb, at);
			if (pmode_judge_tx(skb, &cfg, false, &offender, buf,
					   &reach) != PMODE_PASS) {
				kfree_skb(skb);
				continue;
			}
			passed++;
			skb->ip_summed = CHECKSUM_NONE;
			for (v = 0; v < nv; v++) {
				int verdict;

				put_unaligned_be16(values[v], skb_mac_header(skb) + at);
				verdict = pmode_judge_tx(skb, &cfg, false, &offender,
							 buf, &reach);
				KUNIT_EXPECT_EQ_MSG(test, verdict, PMODE_PASS,
						    "%s, %04x written at %u",
						    c->desc, values[v], at);
			}
			kfree_skb(skb);
		}
	}
	/* Not vacuous: every IPv4 frame passes its TCP checksum, and more. */
	KUNIT_EXPECT_GT(test, frames, 10U);
	KUNIT_EXPECT_GT(test, passed, frames);
}

/*
 * The frame as it was on the wire, built independently of
 * pmode_frame_copy(): the bytes from the MAC header, with a tag the stack
 * moved out put back after the addresses.
 */
static unsigned int wire_bytes(const struct sk_buff *skb, u8 *to)
{
	const u8 *mac = skb_mac_header(skb);
	unsigned int len = skb_tail_pointer(skb) - mac;

	/* A frame without a whole Ethernet header gets no tag back. */
	if (!skb_vlan_tag_present(skb) || len < ETH_HLEN) {
		memcpy(to, mac, len);
		return len;
	}
	memcpy(to, mac, 12);
	put_unaligned_be16(ntohs(skb->vlan_proto), to + 12);
	put_unaligned_be16(skb_vlan_tag_get(skb), to + 14);
	memcpy(to + 16, mac + 12, len - 12);
	return len + VLAN_HLEN;
}

/* A violation event's bytes are the frame as sent, however it is laid out. */
static void pmode_frame_bytes(struct kunit *test)
{
	static const unsigned int maxes[] = { 0, 5, 12, 13, 14, 15, 16, 17, 64,
					      PMODE_VIOLATION_FRAME_LEN, 512 };
	const struct tx_case *c = test->param_value;
	u8 *want = kunit_kzalloc(test, 600, GFP_KERNEL);
	u8 *got = kunit_kzalloc(test, 600, GFP_KERNEL);
	struct sk_buff *skb;
	unsigned int i, len, n;

	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, got);
	skb = build(test, &c->f);
	len = wire_bytes(skb, want);
	KUNIT_EXPECT_EQ(test, pmode_frame_len(skb), len);
	for (i = 0; i < ARRAY_SIZE(maxes); i++) {
		memset(got, 0xa5, 600);
		n = pmode_frame_copy(skb, got, maxes[i]);
		KUNIT_EXPECT_EQ_MSG(test, n, min(len, maxes[i]), "max %u", maxes[i]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(got, want, n), 0, "max %u",
				    maxes[i]);
		/* Not a byte past what it says it copied. */
		KUNIT_EXPECT_EQ_MSG(test, got[n], 0xa5, "max %u", maxes[i]);
	}
	kfree_skb(skb);
}

static void pmode_verdict_rx(struct kunit *test)
{
	static const u8 learned[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x55 };
	struct pmode_learn *learn = kunit_kzalloc(test, sizeof(*learn), GFP_KERNEL);
	const struct {
		const u8 *dst;
		bool promisc;
		int want;
	} cases[] = {
		{ own, false, PMODE_PASS },
		{ extra, false, PMODE_PASS },
		{ bcast, false, PMODE_PASS },
		{ mcast, false, PMODE_PASS },
		{ other, false, PMODE_DROP_FOREIGN_DST },
		{ other, true, PMODE_DROP_FOREIGN_DST },
		{ learned, true, PMODE_PASS_PROMISC },
		{ learned, false, PMODE_DROP_FOREIGN_DST },
	};
	struct pmode_cfg cfg;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, learn);
	cfg_init(&cfg);
	pmode_learn_init(learn);
	local_bh_disable();
	KUNIT_ASSERT_EQ(test, pmode_learn_note(learn, learned), 0);
	local_bh_enable();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct frame_spec f = { cases[i].dst, other, .egress = true };
		struct sk_buff *skb = build(test, &f);

		rcu_read_lock();
		KUNIT_EXPECT_EQ_MSG(test, pmode_judge_rx(skb, &cfg, cases[i].promisc,
							 learn),
				    cases[i].want, "case %u", i);
		rcu_read_unlock();
		/* The inline check passes own and group frames, no others. */
		KUNIT_EXPECT_EQ_MSG(test, pmode_rx_fast(skb, cfg.mac),
				    cases[i].dst == own || is_multicast_ether_addr(cases[i].dst),
				    "case %u", i);
		kfree_skb(skb);
	}
	{
		struct frame_spec f = { .kind = P_RUNT };
		struct sk_buff *skb = build(test, &f);

		KUNIT_EXPECT_EQ(test, pmode_judge_rx(skb, &cfg, false, learn),
				PMODE_DROP_MALFORMED);
		kfree_skb(skb);
	}
	pmode_learn_flush(learn);
	rcu_barrier();
}

static struct pmode_learn_entry *entry_of(struct pmode_learn *learn,
					  const u8 *mac)
{
	struct pmode_learn_entry *e;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(learn->buckets); i++)
		hlist_for_each_entry(e, &learn->buckets[i], node)
			if (ether_addr_equal(e->mac, mac))
				return e;
	return NULL;
}

static int count_one(const u8 *mac, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void pmode_learn_bounds(struct kunit *test)
{
	static const u8 third[ETH_ALEN] = { 0x02, 0x01, 0, 0, 0, 3 };
	static const u8 fourth[ETH_ALEN] = { 0x02, 0x01, 0, 0, 0, 4 };
	struct pmode_learn *learn = kunit_kzalloc(test, sizeof(*learn), GFP_KERNEL);
	u8 mac[ETH_ALEN] = { 0x02, 0x01, 0, 0, 0, 0 };
	struct pmode_learn_entry *e;
	int i, seen = 0;

	KUNIT_ASSERT_NOT_NULL(test, learn);
	pmode_learn_init(learn);
	local_bh_disable();
	for (i = 0; i < PMODE_MAX_LEARNED; i++) {
		mac[4] = i >> 8;
		mac[5] = i;
		KUNIT_ASSERT_EQ(test, pmode_learn_note(learn, mac), 0);
	}
	KUNIT_EXPECT_EQ(test, learn->count, (unsigned int)PMODE_MAX_LEARNED);
	/* Known again: no new entry. */
	KUNIT_EXPECT_EQ(test, pmode_learn_note(learn, mac), 0);
	mac[3] = 1;
	KUNIT_EXPECT_EQ(test, pmode_learn_note(learn, mac), -ENOSPC);
	local_bh_enable();

	rcu_read_lock();
	pmode_learn_walk(learn, count_one, &seen);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, seen, PMODE_MAX_LEARNED);

	/* One entry ages out: a lookup ignores it, and it makes room. */
	mac[3] = 0;
	mac[4] = 0;
	mac[5] = 3;
	e = entry_of(learn, mac);
	KUNIT_ASSERT_NOT_NULL(test, e);
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, pmode_learn_lookup(learn, mac));
	WRITE_ONCE(e->seen, jiffies - pmode_learn_ageing() - 1);
	KUNIT_EXPECT_FALSE(test, pmode_learn_lookup(learn, mac));
	rcu_read_unlock();
	/*
	 * A full table was swept a moment ago, by the refusal above: a new
	 * MAC does not make it sweep again within the second...
	 */
	mac[3] = 1;
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, pmode_learn_note(learn, mac), -ENOSPC);
	local_bh_enable();
	/* ...but the periodic sweep removes the expired entry... */
	pmode_learn_expire(learn);
	KUNIT_EXPECT_EQ(test, learn->count, (unsigned int)PMODE_MAX_LEARNED - 1);
	KUNIT_EXPECT_NULL(test, entry_of(learn, third));
	/* ...and makes room. */
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, pmode_learn_note(learn, mac), 0);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, learn->count, (unsigned int)PMODE_MAX_LEARNED);

	/* A second later, a full table sweeps once on insertion. */
	mac[3] = 2;
	e = entry_of(learn, fourth);
	KUNIT_ASSERT_NOT_NULL(test, e);
	WRITE_ONCE(e->seen, jiffies - pmode_learn_ageing() - 1);
	learn->swept = jiffies - HZ;
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, pmode_learn_note(learn, mac), 0);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, learn->count, (unsigned int)PMODE_MAX_LEARNED);

	pmode_learn_flush(learn);
	KUNIT_EXPECT_EQ(test, learn->count, 0U);
	rcu_read_lock();
	KUNIT_EXPECT_FALSE(test, pmode_learn_lookup(learn, mac));
	rcu_read_unlock();
	rcu_barrier();
}

/* The permission decision: gate x privilege x ownership x acting user x grant. */
static bool granted_1000(kuid_t uid)
{
	return uid_eq(uid, KUIDT_INIT(1000));
}

struct perm_case {
	const char *desc;
	bool gate, admin;
	uid_t caller;
	bool has_as;
	uid_t as;
	int owner;		/* -1: none */
	int want;
	bool off;		/* turning promisc off */
};

static const struct perm_case perm_cases[] = {
	{ "gate off, granted owner", false, false, 1000, false, 0, 1000, -EPERM },
	{ "gate off, admin", false, true, 0, true, 1000, -1, -EPERM },
	{ "granted owner", true, false, 1000, false, 0, 1000, 0 },
	{ "granted, not the owner", true, false, 1000, false, 0, 2000, -EACCES },
	{ "granted, adapter without owner", true, false, 1000, false, 0, -1, -EACCES },
	{ "ungranted owner", true, false, 2000, false, 0, 2000, -EACCES },
	{ "user acting for another", true, false, 1000, true, 2000, 1000, -EPERM },
	{ "user naming itself", true, false, 1000, true, 1000, 1000, 0 },
	{ "admin without grant", true, true, 0, false, 0, -1, -EACCES },
	{ "admin acting for granted", true, true, 0, true, 1000, -1, 0 },
	{ "admin acting for ungranted", true, true, 0, true, 2000, 1000, -EACCES },
	{ "granted admin, any adapter", true, true, 1000, false, 0, 2000, 0 },
	/* Off only takes away: no gate, no grant, only the adapter's right. */
	{ "off, gate off, ungranted owner", false, false, 2000, false, 0, 2000,
	  0, true },
	{ "off, gate off, admin", false, true, 0, false, 0, -1, 0, true },
	{ "off, not the owner", true, false, 2000, false, 0, 1000, -EACCES,
	  true },
	{ "off, adapter without owner", false, false, 2000, false, 0, -1,
	  -EACCES, true },
	{ "off, user acting for another", false, false, 2000, true, 1000, 2000,
	  -EPERM, true },
};

static void perm_desc(const struct perm_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(perm, perm_cases, perm_desc);

static void pmode_perm_decision(struct kunit *test)
{
	const struct perm_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct pmode_perm_request req = {
		.on = !c->off,
		.gate = c->gate,
		.admin = c->admin,
		.caller = KUIDT_INIT(c->caller),
		.has_as = c->has_as,
		.as = KUIDT_INIT(c->as),
		.owner = c->owner < 0 ? INVALID_UID : KUIDT_INIT(c->owner),
		.ifname = "tap0",
	};
	int err = pmode_perm_promisc(&req, granted_1000, &extack);

	KUNIT_EXPECT_EQ(test, err, c->want);
	/* Every refusal says why. */
	if (err)
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
}

/*
 * The dry run (PMODE_CMD_ADAPTER_CHECK) against the hooks, on a real
 * adapter: every frame is judged from its wire bytes by the dry run, then
 * run through the adapter's own hook function, whose verdict shows in the
 * counter it moves. The two must agree, and the dry run must leave no
 * trace: no counter, no learned MAC, no event.
 */
struct check_fixture {
	struct net_device *dev;
	struct pmode_adapter *ad;
	u8 *bytes;
};

#define CHECK_BUF	600

static int check_init(struct kunit *test)
{
	struct check_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	struct pmode_adapter_params p = { .vm = "vm-check", .mac = own,
					  .owner = INVALID_UID };
	struct pmode_cfg *cfg;
	int err = 0;

	if (!fx)
		return -ENOMEM;
	test->priv = fx;
	fx->bytes = kunit_kzalloc(test, CHECK_BUF, GFP_KERNEL);
	if (!fx->bytes)
		return -ENOMEM;
	fx->dev = pmode_test_netdev_new();
	if (IS_ERR(fx->dev)) {
		err = PTR_ERR(fx->dev);
		fx->dev = NULL;
		return err;
	}
	rtnl_lock();
	fx->ad = pmode_adapter_create(fx->dev, &p, NULL);
	if (IS_ERR(fx->ad)) {
		err = PTR_ERR(fx->ad);
	} else {
		cfg = pmode_cfg_dup(fx->ad);
		if (cfg) {
			ether_addr_copy(cfg->allowed[0], extra);
			cfg->n_allowed = 1;
			pmode_adapter_publish(fx->ad, cfg);
		} else {
			err = -ENOMEM;
		}
	}
	rtnl_unlock();
	return err;
}

/* The port's unregistration takes the adapter with it. */
static void check_exit(struct kunit *test)
{
	struct check_fixture *fx = test->priv;

	if (fx->dev) {
		unregister_netdev(fx->dev);
		free_netdev(fx->dev);
	}
	rcu_barrier();
}

static void set_promisc(struct check_fixture *fx, bool on)
{
	rtnl_lock();
	pmode_adapter_set_promisc(fx->ad, on);
	rtnl_unlock();
}

/* The hook's verdict, read from the counter it moved. */
static int hook_verdict(struct kunit *test, struct check_fixture *fx,
			struct sk_buff *skb, bool from_vm)
{
	const struct nf_hook_ops *ops = &fx->ad->hook_ops[from_vm ? 0 : 1];
	u64 before[PMODE_NSTATS], after[PMODE_NSTATS];
	struct nf_hook_state state;
	int verdict = PMODE_PASS, moved = 0;
	unsigned int ret, i;

	nf_hook_state_init(&state, ops->hooknum, NFPROTO_NETDEV, fx->dev, NULL,
			   NULL, dev_net(fx->dev), NULL);
	pmode_stats_read(fx->ad, before);
	local_bh_disable();
	rcu_read_lock();
	ret = ops->hook(ops->priv, skb, &state);
	rcu_read_unlock();
	local_bh_enable();
	pmode_stats_read(fx->ad, after);
	for (i = 0; i < PMODE_NSTATS; i++) {
		if (after[i] == before[i])
			continue;
		moved++;
		verdict = i < __PMODE_DROP_MAX ? i : PMODE_PASS_PROMISC;
	}
	KUNIT_EXPECT_LE(test, moved, 1);
	KUNIT_EXPECT_EQ(test, ret == NF_DROP, pmode_verdict_drops(verdict));
	return verdict;
}

/* The dry run's verdict on @len bytes, and proof that it had no effect. */
static int dry_verdict(struct kunit *test, struct check_fixture *fx,
		       unsigned int len, bool from_vm, u8 *mac, bool *has_mac)
{
	struct pmode_adapter *ad = fx->ad;
	u64 before[PMODE_NSTATS], after[PMODE_NSTATS];
	unsigned long reported = READ_ONCE(ad->violation_at);
	unsigned int learned = READ_ONCE(ad->learn.count);
	struct sk_buff *skb;
	int verdict;

	skb = pmode_hooks_frame(fx->bytes, len);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	pmode_stats_read(ad, before);
	rcu_read_lock();
	verdict = pmode_hooks_check(ad, &skb, from_vm, mac, has_mac);
	rcu_read_unlock();
	kfree_skb(skb);
	pmode_stats_read(ad, after);
	KUNIT_EXPECT_EQ(test, memcmp(before, after, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ad->learn.count), learned);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ad->violation_at), reported);
	return verdict;
}

/*
 * Judge @skb both ways, the dry run first (the hook may learn). Frames
 * shorter than an Ethernet header are refused by the request before any
 * dry run; the hooks call them malformed.
 */
static void agree(struct kunit *test, struct check_fixture *fx,
		  struct sk_buff *skb, bool from_vm, const char *what)
{
	unsigned int len = pmode_frame_copy(skb, fx->bytes, CHECK_BUF);
	int dry = -1, hook;
	u8 mac[ETH_ALEN];
	bool has_mac;

	if (len >= ETH_HLEN) {
		dry = dry_verdict(test, fx, len, from_vm, mac, &has_mac);
		if (from_vm && pmode_verdict_drops(dry) &&
		    dry != PMODE_DROP_MALFORMED) {
			KUNIT_EXPECT_TRUE_MSG(test, has_mac, "%s", what);
			if (has_mac)
				KUNIT_EXPECT_FALSE(test,
						   pmode_cfg_owns(rcu_access_pointer(fx->ad->cfg),
								  mac));
		}
	}
	hook = hook_verdict(test, fx, skb, from_vm);
	if (len < ETH_HLEN)
		KUNIT_EXPECT_EQ_MSG(test, hook, PMODE_DROP_MALFORMED, "%s", what);
	else
		KUNIT_EXPECT_EQ_MSG(test, dry, hook, "%s", what);
}

static void pmode_check_table(struct kunit *test)
{
	const struct tx_case *c = test->param_value;
	struct check_fixture *fx = test->priv;
	struct sk_buff *skb;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		bool promisc = i & 1, from_vm = !(i & 2);

		set_promisc(fx, promisc);
		skb = build(test, &c->f);
		agree(test, fx, skb, from_vm, from_vm ? "tx" : "rx");
		kfree_skb(skb);
	}
	/* What the table says, the dry run says too. */
	skb = build(test, &c->f);
	set_promisc(fx, c->promisc);
	if (c->f.kind != P_RUNT) {
		u8 mac[ETH_ALEN];
		bool has_mac;
		unsigned int len = pmode_frame_copy(skb, fx->bytes, CHECK_BUF);

		KUNIT_EXPECT_EQ(test, dry_verdict(test, fx, len, true, mac,
						  &has_mac), c->want);
	}
	kfree_skb(skb);
}

static void pmode_check_rx_table(struct kunit *test)
{
	static const u8 learned[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x55 };
	static const u8 *const dsts[] = { own, extra, bcast, mcast, other,
					  learned };
	struct check_fixture *fx = test->priv;
	unsigned int i, promisc;

	for (promisc = 0; promisc < 2; promisc++) {
		set_promisc(fx, promisc);
		if (promisc) {
			local_bh_disable();
			KUNIT_ASSERT_EQ(test, pmode_learn_note(&fx->ad->learn,
							       learned), 0);
			local_bh_enable();
		}
		for (i = 0; i < ARRAY_SIZE(dsts); i++) {
			struct frame_spec f = { dsts[i], other, .egress = true };
			struct sk_buff *skb = build(test, &f);

			agree(test, fx, skb, false, "rx table");
			kfree_skb(skb);
		}
	}
}

/*
 * A generated corpus: random addresses, tags in the frame and moved out of
 * it, both layouts, every payload kind of the tables, cut short or with
 * bytes flipped, judged both ways, promiscuous or not.
 */
static void pmode_check_corpus(struct kunit *test)
{
	static const u8 *const macs[] = { own, extra, other, forged, mcast,
					  bcast, zero };
	static const u16 tpids[] = { ETH_P_8021Q, ETH_P_8021AD, 0x9100 };
	struct check_fixture *fx = test->priv;
	struct rnd_state rnd;
	unsigned int i, j, n;

	prandom_seed_state(&rnd, 20);
	for (i = 0; i < 3000; i++) {
		u32 r = prandom_u32_state(&rnd);
		struct frame_spec f = {
			.dst = macs[prandom_u32_state(&rnd) % ARRAY_SIZE(macs)],
			.src = macs[prandom_u32_state(&rnd) % ARRAY_SIZE(macs)],
			.lladdr = macs[prandom_u32_state(&rnd) % ARRAY_SIZE(macs)],
			.hwaccel = r & 1,
			.egress = r & 2,
			.kind = prandom_u32_state(&rnd) % (P_REDIRECT_SRC + 1),
		};
		struct sk_buff *skb;
		char what[48];

		n = prandom_u32_state(&rnd) % 4;
		for (j = 0; j < n; j++)
			f.tags[j] = tpids[prandom_u32_state(&rnd) % ARRAY_SIZE(tpids)];
		skb = build(test, &f);
		if ((r >> 2) % 3 == 0) {
			skb_trim(skb, prandom_u32_state(&rnd) % (skb->len + 1));
		} else if ((r >> 2) % 3 == 1 && skb->len > 14) {
			for (j = 0; j < 3; j++)
				skb->data[14 + prandom_u32_state(&rnd) %
					  (skb->len - 14)] ^= prandom_u32_state(&rnd);
		}
		set_promisc(fx, r & 16);
		snprintf(what, sizeof(what), "frame %u (kind %d, r %08x)", i,
			 f.kind, r);
		agree(test, fx, skb, r & 32, what);
		kfree_skb(skb);
	}
}

/*
 * @lin's frame again, laid out as on ingress, with all but its Ethernet
 * header in a page fragment: as a packet socket's transmit ring or
 * zero-copy transmission leaves it, in memory its sender may still write.
 */
static struct sk_buff *paged(struct kunit *test, const struct sk_buff *lin)
{
	const u8 *mac = skb_mac_header(lin);
	unsigned int len = skb_tail_pointer(lin) - mac - ETH_HLEN;
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	page = alloc_page(GFP_KERNEL);
	if (!page)
		kfree_skb(skb);
	KUNIT_ASSERT_NOT_NULL(test, page);
	skb_reserve(skb, 64);
	skb_put_data(skb, mac, ETH_HLEN);
	memcpy(page_address(page), mac + ETH_HLEN, len);
	skb_add_rx_frag(skb, 0, page, 0, len, PAGE_SIZE);
	skb_reset_mac_header(skb);
	skb_pull(skb, ETH_HLEN);
	return skb;
}

/*
 * Judged bytes in a fragment: the hook passes a frame only once they are
 * its own, pulled into the linear data (an ARP or ND packet is judged
 * whole, so nothing of it stays in the page), and gives the verdict it
 * gives the same frame linear, on the same bytes.
 */
static void pmode_check_paged(struct kunit *test)
{
	static const struct frame_spec frames[] = {
		{ bcast, own, .kind = P_ARP },
		{ bcast, own, forged, .kind = P_ARP },
		{ bcast, own, .kind = P_NA },
		{ bcast, own, forged, .kind = P_NA },
		{ bcast, own, .kind = P_NS },
		{ bcast, own, mcast, .kind = P_REDIRECT },
		{ bcast, own, .kind = P_ECHO_FRAG },
		{ bcast, own },
	};
	struct check_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(frames); i++) {
		struct sk_buff *lin = build(test, &frames[i]);
		struct sk_buff *skb = paged(test, lin);
		unsigned int len = pmode_frame_copy(lin, fx->bytes, CHECK_BUF);
		u8 *got = kunit_kzalloc(test, CHECK_BUF, GFP_KERNEL);
		int want = hook_verdict(test, fx, lin, true);

		KUNIT_ASSERT_NOT_NULL(test, got);
		KUNIT_EXPECT_EQ_MSG(test, hook_verdict(test, fx, skb, true), want,
				    "frame %u", i);
		if (want == PMODE_PASS && frames[i].kind != P_NONE &&
		    frames[i].kind != P_ECHO_FRAG) {
			KUNIT_EXPECT_EQ_MSG(test, skb_headlen(skb), skb->len,
					    "frame %u", i);
			KUNIT_EXPECT_EQ_MSG(test, skb_shinfo(skb)->nr_frags, 0,
					    "frame %u", i);
		}
		KUNIT_EXPECT_EQ(test, pmode_frame_copy(skb, got, CHECK_BUF), len);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(got, fx->bytes, len), 0,
				    "frame %u", i);
		kfree_skb(skb);
		kfree_skb(lin);
	}
}

static struct kunit_case pmode_check_cases[] = {
	KUNIT_CASE_PARAM(pmode_check_table, tx_gen_params),
	KUNIT_CASE(pmode_check_rx_table),
	KUNIT_CASE(pmode_check_corpus),
	KUNIT_CASE(pmode_check_paged),
	{}
};

static struct kunit_suite pmode_check_suite = {
	.name = "pmode_check",
	.init = check_init,
	.exit = check_exit,
	.test_cases = pmode_check_cases,
};

static struct kunit_case pmode_verdict_cases[] = {
	KUNIT_CASE_PARAM(pmode_verdict_tx, tx_gen_params),
	KUNIT_CASE_PARAM(pmode_verdict_csum, csum_gen_params),
	KUNIT_CASE(pmode_csum_sweep),
	KUNIT_CASE(pmode_verdict_rx),
	KUNIT_CASE_PARAM(pmode_frame_bytes, tx_gen_params),
	{}
};

static struct kunit_suite pmode_verdict_suite = {
	.name = "pmode_verdict",
	.test_cases = pmode_verdict_cases,
};

static struct kunit_case pmode_learn_cases[] = {
	KUNIT_CASE(pmode_learn_bounds),
	{}
};

static struct kunit_suite pmode_learn_suite = {
	.name = "pmode_learn",
	.test_cases = pmode_learn_cases,
};

static struct kunit_case pmode_perm_cases[] = {
	KUNIT_CASE_PARAM(pmode_perm_decision, perm_gen_params),
	{}
};

static struct kunit_suite pmode_perm_suite = {
	.name = "pmode_perm",
	.test_cases = pmode_perm_cases,
};

kunit_test_suites(&pmode_verdict_suite, &pmode_learn_suite, &pmode_perm_suite,
		  &pmode_check_suite);
