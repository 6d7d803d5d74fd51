// SPDX-License-Identifier: GPL-2.0
/*
 * Judging frames. Pure functions of a frame and an adapter's configuration,
 * called from the hooks in softirq context under RCU, and from KUnit.
 *
 * Offsets here count from skb->data. On ingress the data pointer stands
 * after the Ethernet header, on egress at it; skb_mac_offset() tells which.
 * A VLAN tag the device or the stack moved out of the frame
 * (skb_vlan_tag_present()) is not in the data; tags still in the data are
 * skipped, however many are stacked.
 */
#include "verdict.h"
#include "cfg.h"
#include "learn.h"

#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

/*
 * The bytes a transmit verdict rests on: those before @reach (from
 * skb->data), but for @hole, a checksum field in their midst (ICMPv6's of
 * an ND message, UDP's of a DHCP request; none when INT_MIN). See
 * csum_clear(), and judge_tx() in hooks.c.
 */
struct judged {
	int reach;
	int hole;
};

/* Deeper stacks than these are not walked: such a frame is malformed. */
#define PMODE_MAX_ENCAP_DEPTH	8
#define PMODE_MAX_IPV6_EXTHDRS	16

static const struct ethhdr *frame_eth(const struct sk_buff *skb,
				      struct ethhdr *buf)
{
	if (!skb_mac_header_was_set(skb))
		return NULL;
	return skb_header_pointer(skb, skb_mac_offset(skb), sizeof(*buf), buf);
}

/*
 * An 802.3 frame (a length where the EtherType would be) whose LLC/SNAP
 * header is RFC 1042's or 802.1H's (bridge tunnel) carries an EtherType
 * after it. Linux's Ethernet stack ignores ARP and IPv6 sent so, but an
 * 802.11 station unwraps both into Ethernet II frames of that type
 * (ieee80211_get_8023_tunnel_proto()), so a host that bridges VMs to an
 * access point hands them on as any other frame of that type, VLAN tags
 * after the SNAP header included.
 */
static bool snap_encap(const u8 *snap)
{
	static const u8 llc_snap[] = { 0xaa, 0xaa, 0x03, 0x00, 0x00 };

	return !memcmp(snap, llc_snap, sizeof(llc_snap)) &&
	       (snap[5] == 0x00 || snap[5] == 0xf8);
}

/*
 * Find the protocol of the payload and its offset, past what a receiver
 * unwraps: VLAN tags still in the data and SNAP headers, in any order,
 * however many are stacked. Returns false for a truncated or absurd frame.
 */
static bool payload(const struct sk_buff *skb, const struct ethhdr *eth,
		    __be16 *proto, int *off)
{
	int depth;

	*proto = eth->h_proto;
	*off = skb_mac_offset(skb) + ETH_HLEN;
	/* A tag moved out of the data was one of them. */
	for (depth = skb_vlan_tag_present(skb); ; depth++) {
		u8 _h[8];
		const u8 *h;
		int len;

		if (eth_type_vlan(*proto))
			len = VLAN_HLEN;
		else if (ntohs(*proto) < ETH_P_802_3_MIN)
			len = 8;	/* LLC (3 bytes), SNAP (5) */
		else
			return true;
		h = skb_header_pointer(skb, *off, len, _h);
		if (!h)
			/* A short 802.3 frame has no SNAP header: nothing in it. */
			return len == 8 && !eth_type_vlan(*proto);
		/*
		 * No receiver unwraps another LLC header: nothing in the frame
		 * is judged, but the verdict rests on these eight bytes, which
		 * a checksum written later must not turn into a SNAP header.
		 */
		if (len == 8 && !snap_encap(h)) {
			*off += len;
			return true;
		}
		if (depth == PMODE_MAX_ENCAP_DEPTH)
			return false;
		*proto = htons((h[len - 2] << 8) | h[len - 1]);
		*off += len;
	}
}

/*
 * The sender hardware address of an ARP packet. Linux's arp_process()
 * learns it from ARPHRD_ETHER and ARPHRD_IEEE802 packets alike, and other
 * stacks may be laxer still: on an Ethernet every ARP packet names a
 * six-byte sender address, whatever its hardware type says, and is judged.
 * One that names an address of another length is malformed here.
 */
static int judge_arp(const struct sk_buff *skb, int off,
		     const struct pmode_cfg *cfg, const u8 **offender, u8 *buf,
		     struct judged *j)
{
	struct arphdr _ah;
	const struct arphdr *ah;
	const u8 *sha;

	ah = skb_header_pointer(skb, off, sizeof(_ah), &_ah);
	if (!ah || ah->ar_hln != ETH_ALEN)
		return PMODE_DROP_MALFORMED;
	/* An ARP packet has no checksum: none of its bytes may be rewritten. */
	j->reach = off + sizeof(*ah) + 2 * (ETH_ALEN + ah->ar_pln);
	sha = skb_header_pointer(skb, off + sizeof(*ah), ETH_ALEN, buf);
	if (!sha)
		return PMODE_DROP_MALFORMED;
	if (pmode_cfg_owns(cfg, sha))
		return PMODE_PASS;
	*offender = sha;
	return PMODE_DROP_FORGED_ARP;
}

/* BOOTP's fixed fields (RFC 951), up to the client's hardware address. */
struct bootp_head {
	u8 op;
	u8 htype;
	u8 hlen;
	u8 hops;
	__be32 xid;
	__be16 secs;
	__be16 flags;
	__be32 ciaddr;
	__be32 yiaddr;
	__be32 siaddr;
	__be32 giaddr;
	u8 chaddr[ETH_ALEN];	/* the first 6 of its 16 bytes */
} __packed;

#define BOOTP_REQUEST		1
#define BOOTP_SERVER_PORT	67

/*
 * An IPv4 packet: what a receiver learns a MAC from is a DHCP client's
 * request. A server answers a client that has no address yet by unicast to
 * the request's chaddr, and dnsmasq (libvirt's) first writes yiaddr ->
 * chaddr into the host's neighbour table (SIOCSARP). A VM naming another
 * MAC there has the host send that address's traffic where it chose: to
 * another VM, or, for a group address, flooded to every port, its own
 * included. So chaddr is judged as an ARP sender is. A request a relay
 * forwards (giaddr set) names the client it relays, and is answered
 * through the relay: it is not judged. A request in fragments is dropped,
 * as ND is: DHCP is never fragmented, and a later fragment would carry
 * chaddr past the judgement; so is a first fragment too short to show its
 * UDP ports (RFC 1858).
 *
 * What the verdict rests on, which the stack's checksum may not rewrite:
 * the IP header (its protocol, its fragment fields), the UDP ports, and,
 * for a request to a server, its fixed fields up to chaddr, but for the UDP
 * checksum field among them.
 */
static int judge_ipv4(const struct sk_buff *skb, int off,
		      const struct pmode_cfg *cfg, const u8 **offender, u8 *buf,
		      struct judged *j)
{
	struct bootp_head _bp;
	const struct bootp_head *bp;
	struct iphdr _ip;
	const struct iphdr *ip;
	__be16 _port;
	const __be16 *port;
	int udp;

	j->reach = off + sizeof(*ip);
	ip = skb_header_pointer(skb, off, sizeof(_ip), &_ip);
	/* What no receiver takes for IPv4 teaches nothing. */
	if (!ip || ip->version != 4 || ip->ihl < 5)
		return PMODE_PASS;
	udp = off + ip->ihl * 4;
	j->reach = udp;
	if (ip->protocol != IPPROTO_UDP || (ip->frag_off & htons(IP_OFFSET)))
		return PMODE_PASS;
	j->reach = udp + 4;	/* the ports */
	port = skb_header_pointer(skb, udp + 2, sizeof(_port), &_port);
	if (!port)
		return ip->frag_off & htons(IP_MF) ? PMODE_DROP_MALFORMED :
						     PMODE_PASS;
	if (*port != htons(BOOTP_SERVER_PORT))
		return PMODE_PASS;
	if (ip->frag_off & htons(IP_MF))
		return PMODE_DROP_MALFORMED;
	j->reach = udp + sizeof(struct udphdr) + sizeof(*bp);
	j->hole = udp + offsetof(struct udphdr, check);
	bp = skb_header_pointer(skb, udp + sizeof(struct udphdr), sizeof(_bp),
				&_bp);
	if (!bp)
		return PMODE_DROP_MALFORMED;
	if (bp->op != BOOTP_REQUEST || bp->htype != ARPHRD_ETHER || bp->giaddr)
		return PMODE_PASS;
	if (bp->hlen != ETH_ALEN)
		return PMODE_DROP_MALFORMED;
	if (pmode_cfg_owns(cfg, bp->chaddr))
		return PMODE_PASS;
	*offender = memcpy(buf, bp->chaddr, ETH_ALEN);
	return PMODE_DROP_FORGED_DHCP;
}

/* Where the options of an ND message of @type start, from its ICMPv6 header. */
static int nd_options_offset(u8 type)
{
	switch (type) {
	case NDISC_ROUTER_SOLICITATION:
		return sizeof(struct icmp6hdr);
	case NDISC_ROUTER_ADVERTISEMENT:
		return sizeof(struct ra_msg);
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
		return sizeof(struct nd_msg);
	case NDISC_REDIRECT:
		return sizeof(struct rd_msg);
	default:
		return -1;
	}
}

/*
 * Walk the extension headers of the IPv6 packet whose payload starts at
 * @off and ends at @end (its payload length says where: what follows is
 * padding, or a lie), up to its upper-layer header: set *@nexthdr and *@off
 * to it, and *@fragment if a fragment header (first or atomic) was crossed.
 *
 * Return: %PMODE_PASS, or %PMODE_DROP_MALFORMED for a truncated or absurd
 * chain. A later fragment (nonzero offset) is given *@nexthdr
 * %NEXTHDR_NONE: it carries no header to judge, and its datagram cannot be
 * reassembled without the first fragment, which is judged.
 */
static int ipv6_upper(const struct sk_buff *skb, int end, u8 *nexthdr,
		      int *off, bool *fragment)
{
	unsigned int depth;

	for (depth = 0; ; depth++) {
		u8 _h[4];
		const u8 *h;
		int len;

		switch (*nexthdr) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
		case NEXTHDR_FRAGMENT:
		case NEXTHDR_AUTH:
			break;
		default:
			return PMODE_PASS;
		}
		if (depth == PMODE_MAX_IPV6_EXTHDRS || *off + 8 > end)
			return PMODE_DROP_MALFORMED;
		h = skb_header_pointer(skb, *off, sizeof(_h), _h);
		if (!h)
			return PMODE_DROP_MALFORMED;
		if (*nexthdr == NEXTHDR_FRAGMENT) {
			if (((h[2] << 8) | h[3]) & IP6_OFFSET) {
				*nexthdr = NEXTHDR_NONE;
				return PMODE_PASS;
			}
			*fragment = true;
			len = sizeof(struct frag_hdr);
		} else if (*nexthdr == NEXTHDR_AUTH) {
			len = ipv6_authlen((const struct ipv6_opt_hdr *)h);
		} else {
			len = ipv6_optlen((const struct ipv6_opt_hdr *)h);
		}
		*nexthdr = h[0];
		*off += len;
	}
}

/*
 * The link-layer address options of an IPv6 neighbour discovery message:
 * each must be the adapter's own, but for the target of a Redirect, which
 * names the better next hop (RFC 4861, 8.1), legitimately another node:
 * never a group, nor zero. Linux takes any address there (rt6_do_redirect()),
 * and a victim redirected to a group address floods its traffic to every
 * port, the attacker's included.
 *
 * ND never travels in fragments (RFC 6980). Linux drops it in fragments
 * unless suppress_frag_ndisc is 0; other systems reassemble it and learn
 * from options no one judged. So ND in a fragment, atomic or first, is
 * dropped here, as is a first fragment that stops short of its ICMPv6
 * header (RFC 7112).
 */
static int judge_ipv6(const struct sk_buff *skb, int off,
		      const struct pmode_cfg *cfg, const u8 **offender, u8 *buf,
		      struct judged *j)
{
	struct ipv6hdr _ip6;
	const struct ipv6hdr *ip6;
	struct icmp6hdr _icmp;
	const struct icmp6hdr *icmp;
	bool fragment = false;
	u8 nexthdr;
	int end, opt, verdict;

	ip6 = skb_header_pointer(skb, off, sizeof(_ip6), &_ip6);
	if (!ip6)
		return PMODE_DROP_MALFORMED;
	end = min_t(int, skb->len, off + sizeof(*ip6) + ntohs(ip6->payload_len));
	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);
	if (nexthdr != IPPROTO_ICMPV6) {
		verdict = ipv6_upper(skb, end, &nexthdr, &off, &fragment);
		/* The headers up to the upper layer's were judged. */
		j->reach = off;
		if (verdict != PMODE_PASS || nexthdr != IPPROTO_ICMPV6)
			return verdict;
	}
	if (off + (int)sizeof(_icmp) > end)
		return PMODE_DROP_MALFORMED;
	icmp = skb_header_pointer(skb, off, sizeof(_icmp), &_icmp);
	if (!icmp)
		return PMODE_DROP_MALFORMED;
	/* Its type and code, then its checksum, which is no one's verdict. */
	j->reach = off + offsetof(struct icmp6hdr, icmp6_cksum);
	opt = nd_options_offset(icmp->icmp6_type);
	if (opt < 0)
		return PMODE_PASS;
	if (fragment)
		return PMODE_DROP_MALFORMED;
	j->reach = end;
	j->hole = off + offsetof(struct icmp6hdr, icmp6_cksum);

	for (opt += off; opt + 2 <= end; ) {
		u8 _o[2];
		const u8 *o;
		const u8 *lladdr;
		bool next_hop;

		o = skb_header_pointer(skb, opt, sizeof(_o), _o);
		if (!o)
			return PMODE_DROP_MALFORMED;
		if (!o[1])	/* a zero length would never end */
			return PMODE_DROP_MALFORMED;
		next_hop = o[0] == ND_OPT_TARGET_LL_ADDR &&
			   icmp->icmp6_type == NDISC_REDIRECT;
		if (o[0] == ND_OPT_SOURCE_LL_ADDR ||
		    o[0] == ND_OPT_TARGET_LL_ADDR) {
			if (opt + 2 + ETH_ALEN > end)
				return PMODE_DROP_MALFORMED;
			lladdr = skb_header_pointer(skb, opt + 2, ETH_ALEN, buf);
			if (!lladdr)
				return PMODE_DROP_MALFORMED;
			if (next_hop ? !is_valid_ether_addr(lladdr) :
				       !pmode_cfg_owns(cfg, lladdr)) {
				*offender = lladdr;
				return PMODE_DROP_FORGED_ND;
			}
		}
		opt += o[1] * 8;
	}
	return PMODE_PASS;
}

/* Where the frame starts: its MAC header, or the data when it has none. */
static int frame_start(const struct sk_buff *skb)
{
	return skb_mac_header_was_set(skb) ? skb_mac_offset(skb) : 0;
}

/*
 * Is there a tag the stack moved out of a frame of @len bytes from its MAC
 * header, to put back? Only into a frame with a whole Ethernet header: the
 * stack moves tags out of no other, and the hooks judge one that lacks it
 * malformed, tag or not, so its bytes must not look whole.
 */
static bool retag(const struct sk_buff *skb, unsigned int len)
{
	return skb_vlan_tag_present(skb) && len >= ETH_HLEN;
}

/**
 * pmode_frame_len - the length of a frame as it was on the wire
 * @skb: the frame, at a hook
 *
 * Return: its bytes from the MAC header on, and a VLAN tag the device or
 * the stack moved out of it.
 */
unsigned int pmode_frame_len(const struct sk_buff *skb)
{
	unsigned int len = skb->len - frame_start(skb);

	return len + (retag(skb, len) ? VLAN_HLEN : 0);
}

/**
 * pmode_frame_copy - copy the first bytes of a frame, as it was on the wire
 * @skb: the frame, at a hook
 * @to: receives at most @max bytes
 * @max: the most to copy
 *
 * Copies from the MAC header, which on ingress stands before skb->data
 * (skb_copy_bits() takes the negative offset). A VLAN tag moved out of the
 * frame (skb_vlan_tag_present()) is put back after the two addresses, so
 * the bytes are those the VM sent or is sent, as the hooks judge them
 * (see retag()). Does not sleep.
 *
 * Return: the number of bytes copied, min(@max, pmode_frame_len(@skb)).
 */
unsigned int pmode_frame_copy(const struct sk_buff *skb, u8 *to,
			      unsigned int max)
{
	int start = frame_start(skb);
	unsigned int len = skb->len - start, n, done = 0;

	if (retag(skb, len)) {
		__be16 tag[2] = { skb->vlan_proto,
				  htons(skb_vlan_tag_get(skb)) };

		n = min(max, 2U * ETH_ALEN);
		if (skb_copy_bits(skb, start, to, n))
			return 0;
		done = n;
		if (n < 2 * ETH_ALEN)
			return done;
		n = min_t(unsigned int, max - done, VLAN_HLEN);
		memcpy(to + done, tag, n);
		done += n;
		start += 2 * ETH_ALEN;
		len -= 2 * ETH_ALEN;
	}
	n = min(len, max - done);
	if (skb_copy_bits(skb, start, to + done, n))
		return done;
	return done + n;
}

/*
 * A frame passed on the bytes @j names must not have the stack rewrite one
 * of them after the hooks (see pmode_csum_from()): the checksum it asks for
 * lands past them, or in the ICMPv6 checksum field among them. Offsets
 * from skb->data. Only an inet checksum lands there, two bytes: the stack
 * writes a CRC32c (four) only for its own SCTP (csum_not_inet), which no
 * VM's header or packet socket asks for; and no ND verdict reads the four
 * bytes after the checksum field anyway.
 */
static bool csum_clear(const struct sk_buff *skb, const struct judged *j)
{
	return pmode_csum_from(skb, skb_headroom(skb) + j->reach) ||
	       skb_checksum_start_offset(skb) + skb->csum_offset == j->hole;
}

static int tx_verdict(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		      bool promisc, const u8 **offender, u8 *buf,
		      struct judged *j)
{
	struct ethhdr _eth;
	const struct ethhdr *eth;
	__be16 proto;
	int off;

	eth = frame_eth(skb, &_eth);
	if (unlikely(!eth))
		return PMODE_DROP_MALFORMED;
	j->reach = skb_mac_offset(skb) + ETH_HLEN;
	if (unlikely(!is_valid_ether_addr(eth->h_source))) {
		*offender = memcpy(buf, eth->h_source, ETH_ALEN);
		return PMODE_DROP_INVALID_SRC;
	}
	if (!pmode_cfg_owns(cfg, eth->h_source)) {
		*offender = memcpy(buf, eth->h_source, ETH_ALEN);
		return promisc ? PMODE_PASS_PROMISC : PMODE_DROP_FORGED_SRC;
	}
	/* With promisc on, any address inside the frame may be used too. */
	if (promisc)
		return PMODE_PASS;

	if (!payload(skb, eth, &proto, &off))
		return PMODE_DROP_MALFORMED;
	j->reach = off;
	if (likely(proto == htons(ETH_P_IP)))
		return judge_ipv4(skb, off, cfg, offender, buf, j);
	if (proto == htons(ETH_P_ARP))
		return judge_arp(skb, off, cfg, offender, buf, j);
	if (proto == htons(ETH_P_IPV6))
		return judge_ipv6(skb, off, cfg, offender, buf, j);
	return PMODE_PASS;
}

/**
 * pmode_judge_tx - judge a frame the VM transmits
 * @skb: the frame, as it arrives at the port from the VM
 * @cfg: the adapter's configuration
 * @promisc: whether the adapter is promiscuous
 * @offender: set to the address judged for a drop or %PMODE_PASS_PROMISC;
 *	NULL for a malformed frame, which names no address
 * @buf: ETH_ALEN bytes @offender may point into
 * @reach: set to where the bytes a %PMODE_PASS rests on end, from
 *	skb->data: the caller may have to make them the frame's own (see
 *	the hooks' judge_tx())
 *
 * A frame it would pass is judged malformed if it asks the stack to write a
 * checksum into those bytes (csum_clear()): with promisc on, into its
 * Ethernet header, whose source must stay a valid one.
 *
 * Return: a drop reason, %PMODE_PASS or %PMODE_PASS_PROMISC.
 */
int pmode_judge_tx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, const u8 **offender, u8 *buf, int *reach)
{
	struct judged j = { .reach = 0, .hole = INT_MIN };
	int verdict;

	*offender = NULL;
	verdict = tx_verdict(skb, cfg, promisc, offender, buf, &j);
	*reach = j.reach;
	if (!pmode_verdict_drops(verdict) && !csum_clear(skb, &j)) {
		*offender = NULL;
		return PMODE_DROP_MALFORMED;
	}
	return verdict;
}

/**
 * pmode_judge_rx - judge a frame delivered to the VM
 * @skb: the frame, as it leaves the port towards the VM
 * @cfg: the adapter's configuration
 * @promisc: whether the adapter is promiscuous
 * @learn: the MACs the adapter has transmitted from, used when promiscuous
 *
 * Return: %PMODE_DROP_FOREIGN_DST, %PMODE_DROP_MALFORMED, %PMODE_PASS or
 * %PMODE_PASS_PROMISC (delivered to a learned MAC).
 */
int pmode_judge_rx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, struct pmode_learn *learn)
{
	struct ethhdr _eth;
	const struct ethhdr *eth;

	eth = frame_eth(skb, &_eth);
	if (unlikely(!eth))
		return PMODE_DROP_MALFORMED;
	if (is_multicast_ether_addr(eth->h_dest) ||
	    pmode_cfg_owns(cfg, eth->h_dest))
		return PMODE_PASS;
	if (promisc && pmode_learn_lookup(learn, eth->h_dest))
		return PMODE_PASS_PROMISC;
	return PMODE_DROP_FOREIGN_DST;
}
