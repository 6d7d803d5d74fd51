/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Judging frames: what a VM transmits, and what is delivered to it.
 */
#ifndef _PMODE_VERDICT_H
#define _PMODE_VERDICT_H

#include <linux/etherdevice.h>
#include <linux/ip.h>
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
 * The common cases, inline in the hooks: the Ethernet header in the linear
 * data, and an IPv4 frame from the adapter's own MAC that is no DHCP
 * request (transmit) or a frame to the adapter's own MAC or to a group
 * (delivery). A frame these pass, pmode_judge_tx() and pmode_judge_rx()
 * pass too; anything else is judged by them.
 */
static inline const struct ethhdr *pmode_linear_eth(const struct sk_buff *skb)
{
	if (unlikely(!skb_mac_header_was_set(skb) ||
		     skb_mac_header(skb) + ETH_HLEN > skb_tail_pointer(skb)))
		return NULL;
	return (const struct ethhdr *)skb_mac_header(skb);
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
 * IPv4 from the own MAC, with a header of 20 bytes and the UDP ports after
 * it in the linear data: any but a datagram to port 67 (DHCP, whose client
 * address pmode_judge_tx() judges), and no checksum that the stack would
 * write over those bytes. A later fragment's payload may look like port 67:
 * it is judged in full, and passes.
 */
static inline bool pmode_tx_fast(const struct sk_buff *skb, const u8 *own)
{
	const struct ethhdr *eth = pmode_linear_eth(skb);
	const struct iphdr *ip;
	const __be16 *ports;

	if (!eth || eth->h_proto != htons(ETH_P_IP) ||
	    !ether_addr_equal(eth->h_source, own))
		return false;
	ip = (const struct iphdr *)(eth + 1);
	ports = (const __be16 *)(ip + 1);
	/* The first byte 0x45: version 4, a header of five words. */
	return (const u8 *)(ports + 2) <= skb_tail_pointer(skb) &&
	       *(const u8 *)ip == 0x45 &&
	       (ip->protocol != IPPROTO_UDP || ports[1] != htons(67)) &&
	       pmode_csum_from(skb, skb->mac_header + ETH_HLEN +
			       sizeof(*ip) + 2 * sizeof(*ports));
}

static inline bool pmode_rx_fast(const struct sk_buff *skb, const u8 *own)
{
	const struct ethhdr *eth = pmode_linear_eth(skb);

	return eth && (is_multicast_ether_addr(eth->h_dest) ||
		       ether_addr_equal(eth->h_dest, own));
}

unsigned int pmode_frame_len(const struct sk_buff *skb);
unsigned int pmode_frame_copy(const struct sk_buff *skb, u8 *to,
			      unsigned int max);

int pmode_judge_tx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, const u8 **offender, u8 *buf, int *reach);
int pmode_judge_rx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, struct pmode_learn *learn);

#endif /* _PMODE_VERDICT_H */
