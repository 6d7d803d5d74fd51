/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks an adapter places on its port, and the dry run that
 * judges a given frame as they would.
 */
#ifndef _PMODE_HOOKS_H
#define _PMODE_HOOKS_H

#include <linux/types.h>

struct pmode_adapter;
struct sk_buff;

int pmode_hooks_register(struct pmode_adapter *ad);
void pmode_hooks_unregister(struct pmode_adapter *ad);

struct sk_buff *pmode_hooks_frame(const u8 *data, unsigned int len);
int pmode_hooks_check(struct pmode_adapter *ad, struct sk_buff **skbp,
		      bool from_vm, u8 *offender, bool *has_offender);

#endif /* _PMODE_HOOKS_H */
