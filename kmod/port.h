/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following the ports: deletion, namespace moves, master changes.
 */
#ifndef _PMODE_PORT_H
#define _PMODE_PORT_H

#include <linux/types.h>
#include <uapi/linux/pmode.h>

struct net_device;

int pmode_port_init(void);
void pmode_port_uninit(void);
enum pmode_reason pmode_port_unregister_reason(const struct net_device *dev);
bool pmode_port_listed(struct net_device *dev);

#endif /* _PMODE_PORT_H */
