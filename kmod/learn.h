/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MACs a promiscuous adapter has transmitted from, so that frames addressed
 * to them may be delivered to it.
 */
#ifndef _PMODE_LEARN_H
#define _PMODE_LEARN_H

#include <linux/if_ether.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <uapi/linux/pmode.h>

#define PMODE_LEARN_HASH_BITS	5

struct pmode_learn_entry {
	struct hlist_node node;
	struct rcu_head rcu;
	/* jiffies of the last frame from @mac; refreshed without the lock */
	unsigned long seen;
	u8 mac[ETH_ALEN];
};

/*
 * Lookups walk @buckets under RCU and take no lock. Insertions and removals
 * hold @lock (a transmitter inserts from softirq, so process context takes
 * it with spin_lock_bh()); removed entries are freed after a grace period.
 * @count is bounded by PMODE_MAX_LEARNED, so a VM cannot make the kernel
 * hold more than that many entries per adapter.
 */
struct pmode_learn {
	spinlock_t lock;		/* see above */
	unsigned int count;		/* @lock; READ_ONCE() without */
	/* jiffies of the last sweep when full; @lock, READ_ONCE() without */
	unsigned long swept;
	struct hlist_head buckets[1 << PMODE_LEARN_HASH_BITS];
};

void pmode_learn_init(struct pmode_learn *learn);
bool pmode_learn_lookup(struct pmode_learn *learn, const u8 *mac);
int pmode_learn_note(struct pmode_learn *learn, const u8 *mac);
void pmode_learn_flush(struct pmode_learn *learn);
void pmode_learn_expire(struct pmode_learn *learn);
void pmode_learn_free(struct pmode_learn *learn);
int pmode_learn_walk(struct pmode_learn *learn,
		     int (*fn)(const u8 *mac, void *arg), void *arg);
unsigned int pmode_learn_ageing(void);

#endif /* _PMODE_LEARN_H */
