/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netfilter hooks an adapter places on its port.
 */
#ifndef _PMODE_HOOKS_H
#define _PMODE_HOOKS_H

struct pmode_adapter;

int pmode_hooks_register(struct pmode_adapter *ad);
void pmode_hooks_unregister(struct pmode_adapter *ad);

#endif /* _PMODE_HOOKS_H */
