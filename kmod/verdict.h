/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Judging frames: what a VM transmits, and what is delivered to it.
 */
#ifndef _PMODE_VERDICT_H
#define _PMODE_VERDICT_H

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

int pmode_judge_tx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, const u8 **offender, u8 *buf);
int pmode_judge_rx(const struct sk_buff *skb, const struct pmode_cfg *cfg,
		   bool promisc, struct pmode_learn *learn);

#endif /* _PMODE_VERDICT_H */
