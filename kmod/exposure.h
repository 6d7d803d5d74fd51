/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exposure: what attached to an adapter's port bypasses its hooks, and the
 * watch that reports changes of it.
 */
#ifndef _PMODE_EXPOSURE_H
#define _PMODE_EXPOSURE_H

#include <linux/types.h>

struct pmode_adapter;
struct pmode_net;

u32 pmode_exposure(const struct pmode_adapter *ad);
void pmode_exposure_init(struct pmode_net *pn);
void pmode_exposure_watch(struct pmode_net *pn);
void pmode_exposure_stop(struct pmode_net *pn);

#endif /* _PMODE_EXPOSURE_H */
