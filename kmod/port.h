/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following the ports: deletion, namespace moves, master changes.
 */
#ifndef _PMODE_PORT_H
#define _PMODE_PORT_H

int pmode_port_init(void);
void pmode_port_uninit(void);

#endif /* _PMODE_PORT_H */
