/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Judging frames: what a VM transmits, and what is delivered to it.
 */
#ifndef _PMODE_VERDICT_H
#define _PMODE_VERDICT_H

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <uapi/linux/pmode.h>

struct pmode_cfg;
struct pmode_learn;

/* A verdict is a drop reason (enum pmode_drop_reason) or one of these. */
enum {
	PMODE_PASS = __PMODE_DROP_MAX,
	/* passed only because promisc is on */
	PMODE_PASS_PROMISC,
};

static inline bool pmode_verdict_drops(int verdict)
{
	return verdict < __PMODE_DROP_MAX;
}

/*
 * Does a checksum the stack has still to fill in land at or past @from
 * (bytes from skb->head)? A frame that asks for one (CHECKSUM_PARTIAL, as a
 * VM's virtio-net header or a packet socket's may) has two bytes at
 * csum_start + csum_offset overwritten after the hooks, on any device that
 * cannot take the offload, with a sum of the bytes after csum_start, which
 * the sender chose: the hooks must have judged none of those two bytes.
 */
static inline bool pmode_csum_from(const struct sk_buff *skb,
				   unsigned int from)
{
	return skb->ip_summed != CHECKSUM_PARTIAL ||
	       skb->csum_start + skb->csum_offset >= from;
}

/*
 * The common cases, inline in the hooks, on the frame's linear data. A
 * frame these pass, pmode_judge_tx() and pmode_judge_rx() pass too;
 * anything else is judged by them. They read no field of the skb but its
 * layout and checksum request, and take no pointer that may be NULL: a
 * handful of instructions above an accept-all hook (tests/bench).
 * @own is the adapter's MAC, in its struct pmode_cfg (see pmode_mac_is()).
 */

/*
 * Are the Ethernet header and @len bytes after it in the linear data?
 */
static inline bool pmode_linear(const struct sk_buff *skb, unsigned int len)
{
	return skb_mac_header_was_set(skb) &&
	       skb->mac_header + ETH_HLEN + len <=
	       (unsigned int)(skb_tail_pointer(skb) - skb->head);
}

/*
 * Is the address at @a @own? Both have two more bytes readable after them
 * (the Ethernet header's next field; the rest of struct pmode_cfg), so
 * that the compare is one eight-byte load each.
 */
static inline bool pmode_mac_is(const u8 *a, const u8 *own)
{
	return ether_addr_equal_64bits(a, own);
}

/* The least an IPv4 packet the inline check passes holds: its ports. */
#define PMODE_FAST_IPV4		(sizeof(struct iphdr) + 2 * sizeof(__be16))

/*
 * Transmit: a frame from the adapter's own MAC, in at most two VLAN tags
 * (802.1Q or 802.1ad, as payload() walks them; a tag the stack moved out
 * of the data makes at most a third, within PMODE_MAX_ENCAP_DEPTH), of
 *  - IPv4 with a header of 20 bytes and the UDP ports after it: any but a
 *    datagram to port 67 (DHCP, whose client address pmode_judge_tx()
 *    judges); a later fragment whose payload looks like port 67 is judged
 *    in full, and passes;
 *  - IPv6 whose next header is TCP or UDP: no ICMPv6 (ND, whose options
 *    are judged in full) and no extension header (behind which ND may
 *    hide, or a fragment of it);
 * with no checksum that the stack would write over the bytes read.
 * Anything else (ARP, ND, DHCP, SNAP, deeper stacks, short frames) goes to
 * the full judgement.
 */
static inline bool pmode_tx_fast(const struct sk_buff *skb, const u8 *own)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb_mac_header(skb);
	const u8 *end = skb_tail_pointer(skb), *l3;
	unsigned int tags;
	__be16 proto;

	if (!pmode_linear(skb, PMODE_FAST_IPV4) ||
	    !pmode_mac_is(eth->h_source, own))
		return false;
	proto = eth->h_proto;
	l3 = (const u8 *)(eth + 1);
	/* PMODE_FAST_IPV4 bytes at @l3 are in the linear data. */
	for (tags = 0; ; tags++) {
		if (likely(proto == htons(ETH_P_IP))) {
			const __be16 *ports =
				(const __be16 *)(l3 + sizeof(struct iphdr));

			/* 0x45: version 4, a header of five words. */
			if (l3[0] != 0x45 ||
			    (l3[offsetof(struct iphdr, protocol)] == IPPROTO_UDP &&
			     ports[1] == htons(67)))
				return false;
			l3 += PMODE_FAST_IPV4;
			break;
		}
		if (proto == htons(ETH_P_IPV6)) {
			u8 next;

			if (l3 + sizeof(struct ipv6hdr) > end)
				return false;
			next = l3[offsetof(struct ipv6hdr, nexthdr)];
			if (next != IPPROTO_UDP && next != IPPROTO_TCP)
				return false;
			l3 += sizeof(struct ipv6hdr);
			break;
		}
		if (!eth_type_vlan(proto) || tags == 2)
			return false;
		proto = *(const __be16 *)(l3 + 2);
		l3 += VLAN_HLEN;
		if (l3 + PMODE_FAST_IPV4 > end)
			return false;
	}
	return pmode_csum_from(skb, l3 - skb->head);
}

/* Delivery: a frame to a group, or to the adapter's own MAC. */
static inline bool pmode_rx_fast(const struct sk_buff *skb, const u8 *own)
{
	const struct ethhdr *eth = (const struct ethhdr *)skb_mac_header(skb);

	return pmode_linear(skb, 0) &&
	       (is_multicast_ether_addr(eth->h_dest) ||
		pmode_mac_is(eth->h_dest, own));
}

unsigned int pmode_frame_len(const struct sk_buff *skb);
unsigned int pmode_frame_copy(const struct sk_buff *skb, u8 *to,
			      unsigned int max);

int pmode_judge_tx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, const u8 **offender, u8 *buf, int *reach);
int pmode_judge_rx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, struct pmode_learn *learn);

#endif /* _PMODE_VERDICT_H */
