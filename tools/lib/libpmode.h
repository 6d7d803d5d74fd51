/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libpmode: what every program that talks to the pmode generic netlink
 * family needs, built as a static library (lib/libpmode.a) that pmodectl
 * and the libvirt hook and agent link: the socket and the kernel's
 * extended-ack messages (nl.c), requests and replies (msg.c), an
 * adapter's reply read into a struct (adapter.c), and MACs and numbers
 * as text (text.c). Nothing here prints: a failure's words are kept for
 * pmode_error(), and each program says them its own way.
 */
#ifndef LIBPMODE_H
#define LIBPMODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <net/if.h>

#include <linux/if_ether.h>
#include <linux/pmode.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

/* A MAC as text, "aa:bb:cc:dd:ee:ff": its length, and a buffer's size. */
#define MAC_STRLEN (3 * ETH_ALEN - 1)
#define MAC_BUFSIZE (MAC_STRLEN + 1)

/*
 * nl.c: a reply's attributes, its command, the caller's argument. @attrs
 * NULL: a dump torn by a concurrent change is taken again, so forget its
 * replies so far. Return: 0, or -1 to fail the request.
 */
typedef int (*reply_fn)(struct nlattr **attrs, uint8_t cmd, void *arg);

/* text.c: pure functions, no netlink */
int parse_mac(const char *s, uint8_t mac[ETH_ALEN]);
void format_mac(const uint8_t *mac, char *buf);
int parse_u32(const char *s, uint32_t *v);
int parse_uid(const char *s, uint32_t *uid);

/* msg.c: requests, replies, the last failure's words */
struct nl_msg *pmode_msg(uint8_t cmd, int flags);
int pmode_parse(struct nlmsghdr *nlh, struct nlattr **attrs, uint8_t *cmd);
int pmode_errorf(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pmode_error(void);

/*
 * nl.c: the socket (the tools tier's fake kernels stand in for it).
 * pmode_nl_debug: print every message (libnl's NL_CB_DEBUG).
 */
extern bool pmode_nl_debug;
int pmode_send(struct nl_msg *msg, reply_fn fn, void *arg);
int pmode_monitor(reply_fn fn, void *arg);
int enter_netns(const char *name);
void pmode_close(void);

/* adapter.c: one adapter's reply, read (for show, save and the hook) */
struct adapter {
	char ifname[IFNAMSIZ], vm[PMODE_VM_ID_MAXLEN + 1], mac[MAC_BUFSIZE];
	bool promisc;
	uint64_t stats[PMODE_STATS_A_MAX + 1];
	uint32_t ifindex, net_id, owner_uid, master;
	bool has_net_id, has_owner;
	uint8_t allowed_macs[PMODE_MAX_ALLOWED][ETH_ALEN];
	int n_allowed;
	char manager[PMODE_MANAGER_MAXLEN + 1];	/* "": none */
	struct adapter *next;	/* a list's (save's, the hook's) */
};

void adapter_read(struct nlattr **a, struct adapter *r);

#endif
