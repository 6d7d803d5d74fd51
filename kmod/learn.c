// SPDX-License-Identifier: GPL-2.0
/*
 * The MACs a promiscuous adapter transmits from, aged and bounded: frames
 * to them are delivered to it (pmode_judge_rx()).
 */
#include "learn.h"
#include "compat.h"

#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

static unsigned int learn_ageing_secs = 300;
module_param(learn_ageing_secs, uint, 0644);
MODULE_PARM_DESC(learn_ageing_secs,
		 "Seconds a promiscuous adapter keeps receiving frames to a MAC it transmitted from (default 300)");

unsigned int pmode_learn_ageing(void)
{
	return READ_ONCE(learn_ageing_secs) * HZ;
}

static struct hlist_head *bucket(struct pmode_learn *learn, const u8 *mac)
{
	/* The last four bytes vary the most between MACs. */
	return &learn->buckets[hash_32(get_unaligned((const u32 *)(mac + 2)),
				       PMODE_LEARN_HASH_BITS)];
}

static bool expired(const struct pmode_learn_entry *e, unsigned long now,
		    unsigned int ageing)
{
	return time_after_eq(now, READ_ONCE(e->seen) + ageing);
}

void pmode_learn_init(struct pmode_learn *learn)
{
	spin_lock_init(&learn->lock);
	learn->count = 0;
	learn->swept = jiffies - HZ;
	__hash_init(learn->buckets, ARRAY_SIZE(learn->buckets));
}

static struct pmode_learn_entry *find(struct pmode_learn *learn,
				      const u8 *mac)
{
	struct pmode_learn_entry *e;

	hlist_for_each_entry_rcu(e, bucket(learn, mac), node,
				 lockdep_is_held(&learn->lock))
		if (ether_addr_equal(e->mac, mac))
			return e;
	return NULL;
}

/* Called under RCU. */
bool pmode_learn_lookup(struct pmode_learn *learn, const u8 *mac)
{
	struct pmode_learn_entry *e = find(learn, mac);

	return e && !expired(e, jiffies, pmode_learn_ageing());
}

static void unlink_entry(struct pmode_learn *learn, struct pmode_learn_entry *e)
{
	lockdep_assert_held(&learn->lock);
	hlist_del_rcu(&e->node);
	WRITE_ONCE(learn->count, learn->count - 1);
	kfree_rcu(e, rcu);
}

static void expire(struct pmode_learn *learn, unsigned long now,
		   unsigned int ageing)
{
	struct pmode_learn_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(learn->buckets); i++)
		hlist_for_each_entry_safe(e, tmp, &learn->buckets[i], node)
			if (expired(e, now, ageing))
				unlink_entry(learn, e);
}

/*
 * Remove what has expired. Process context: called a few times per ageing
 * period while the adapter is promiscuous (adapter.c). Lookups ignore
 * expired entries meanwhile, and an insertion that finds the table full
 * sweeps it too, at most once a second, so that a VM cycling through new
 * MACs cannot make each of its frames sweep the table. The table never
 * holds more than PMODE_MAX_LEARNED entries.
 */
void pmode_learn_expire(struct pmode_learn *learn)
{
	spin_lock_bh(&learn->lock);
	expire(learn, jiffies, pmode_learn_ageing());
	spin_unlock_bh(&learn->lock);
}

/**
 * pmode_learn_note - remember that the adapter transmitted from @mac
 * @learn: the adapter's table
 * @mac: a unicast source MAC the adapter does not own
 *
 * Called from the transmit hook, in softirq context under RCU. A known MAC
 * costs a lookup and, at most once a jiffy, a store to its entry; only a
 * new one takes the table's lock, and not when the table is full and was
 * swept less than a second ago: a VM cycling through new MACs then writes
 * no shared cache line.
 *
 * Return: 0, or -ENOSPC when the table is full, -ENOMEM.
 */
int pmode_learn_note(struct pmode_learn *learn, const u8 *mac)
{
	unsigned long now = jiffies;
	struct pmode_learn_entry *e;
	int err = 0;

	e = find(learn, mac);
	if (likely(e)) {
		if (READ_ONCE(e->seen) != now)
			WRITE_ONCE(e->seen, now);
		return 0;
	}
	if (READ_ONCE(learn->count) >= PMODE_MAX_LEARNED &&
	    time_before(now, READ_ONCE(learn->swept) + HZ))
		return -ENOSPC;

	spin_lock(&learn->lock);
	if (find(learn, mac))		/* another CPU was first */
		goto out;
	if (learn->count >= PMODE_MAX_LEARNED &&
	    time_after_eq(now, learn->swept + HZ)) {
		expire(learn, now, pmode_learn_ageing());
		WRITE_ONCE(learn->swept, now);
	}
	if (learn->count >= PMODE_MAX_LEARNED) {
		err = -ENOSPC;
		goto out;
	}
	e = kmalloc(sizeof(*e), GFP_ATOMIC);
	if (!e) {
		err = -ENOMEM;
		goto out;
	}
	ether_addr_copy(e->mac, mac);
	e->seen = now;
	hlist_add_head_rcu(&e->node, bucket(learn, mac));
	WRITE_ONCE(learn->count, learn->count + 1);
out:
	spin_unlock(&learn->lock);
	return err;
}

/* Forget every MAC, e.g. when promisc is turned off. Process context. */
void pmode_learn_flush(struct pmode_learn *learn)
{
	struct pmode_learn_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock_bh(&learn->lock);
	for (i = 0; i < ARRAY_SIZE(learn->buckets); i++)
		hlist_for_each_entry_safe(e, tmp, &learn->buckets[i], node)
			unlink_entry(learn, e);
	spin_unlock_bh(&learn->lock);
}

/* Free every entry at once: the caller guarantees no reader remains. */
void pmode_learn_free(struct pmode_learn *learn)
{
	struct pmode_learn_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(learn->buckets); i++)
		hlist_for_each_entry_safe(e, tmp, &learn->buckets[i], node)
			kfree(e);
	learn->count = 0;
}

/**
 * pmode_learn_walk - call @fn for each MAC learned and not expired
 * @learn: the table
 * @fn: called under RCU; a non-zero return stops the walk and is returned
 * @arg: passed to @fn
 *
 * Return: 0, or what @fn returned.
 */
int pmode_learn_walk(struct pmode_learn *learn,
		     int (*fn)(const u8 *mac, void *arg), void *arg)
{
	unsigned int ageing = pmode_learn_ageing();
	unsigned long now = jiffies;
	struct pmode_learn_entry *e;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(learn->buckets); i++)
		hlist_for_each_entry_rcu(e, &learn->buckets[i], node) {
			if (expired(e, now, ageing))
				continue;
			err = fn(e->mac, arg);
			if (err)
				return err;
		}
	return 0;
}
