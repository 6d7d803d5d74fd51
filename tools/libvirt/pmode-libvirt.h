/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmode's libvirt integration: the qemu hook (hook.c) and the agent
 * (agent.c) share the reading of a domain's XML into the adapters it
 * should have (domain.c) and the bringing of the kernel in line with them
 * (apply.c, on libpmode). domain.c knows nothing of netlink; apply.c
 * nothing of XML.
 */
#ifndef PMODE_LIBVIRT_H
#define PMODE_LIBVIRT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net/if.h>

#include "lib/libpmode.h"

/* The namespace of the domain metadata's element (SPEC.md, "libvirt"). */
#define PMODE_LIBVIRT_NS "urn:pmode:libvirt:1"
/* What the adapters the hook and agent register are marked with. */
#define PMODE_LIBVIRT_MANAGER "libvirt"

/* An OVS port's derived network id: the top bit, the bridge, the VLAN. */
#define OVS_NETWORK_BIT 0x80000000u
#define OVS_IFINDEX_LIMIT (1u << 19)

/* One adapter a domain should have: an interface and its metadata. */
struct spec {
	char ifname[IFNAMSIZ];		/* <target dev=...>; "" if the XML has none */
	uint8_t mac[ETH_ALEN];
	char mac_text[MAC_BUFSIZE];
	char type[16];			/* <interface type=...> */
	char alias[64];			/* <alias name=...>, for DEVICE_ADDED */
	bool ovs;			/* <virtualport type='openvswitch'/> */
	char bridge[64];		/* <source bridge=...> */
	uint32_t vlan;			/* <vlan><tag id=.../>, 0 untagged */
	bool has_owner, has_network, promisc;
	uint32_t owner, network;
	int n_allowed;
	uint8_t allowed[PMODE_MAX_ALLOWED][ETH_ALEN];
};

/* A domain, as its XML says: its adapters. */
struct domain {
	char name[256];
	char uuid[PMODE_VM_ID_MAXLEN + 1];
	int n;
	struct spec *specs;		/* n of them, malloc'ed */
};

/*
 * domain.c: read a domain's XML (the live one: <target dev=...> names the
 * ports) into @d. On failure, @err says what is wrong and what to do, in
 * words for a person ("pmode:" and the domain's name are the caller's).
 * Return: 0, or -1.
 */
int domain_parse(const char *xml, size_t len, struct domain *d, char *err, size_t errlen);
/* The same, of the domain's name and UUID only (release: nothing else matters). */
int domain_identity(const char *xml, size_t len, struct domain *d, char *err, size_t errlen);
void domain_free(struct domain *d);
/* The device an OVS bridge is (if_nametoindex(); the tests replace it). */
extern unsigned int (*domain_ifindex)(const char *name);
/* An OVS port's network id, from its bridge's ifindex and its VLAN tag. */
int ovs_network(const char *bridge, uint32_t vlan, uint32_t *id, char *err, size_t errlen);

/* log.c: to stderr (what libvirt shows) and/or syslog, ident pmode-libvirt */
enum log_to { LOG_TO_STDERR = 1, LOG_TO_SYSLOG = 2 };
void log_open(int to);
void logmsg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * apply.c: bring the kernel in line with @d. APPLY_START: a domain about
 * to start, all or nothing; the first failure undoes every adapter this
 * call added and is returned. APPLY_SYNC: a running domain (reconnect,
 * the agent); each failure is logged, the rest are still applied.
 * @only: an interface's MAC (a hot-plugged NIC), or NULL for all.
 * A promisc refused by the gate or a grant is logged (LOG_WARNING), the
 * adapter stays with promisc off, and that is no failure.
 * Return: 0, or -1 with @err set.
 */
enum apply_mode { APPLY_START, APPLY_SYNC };
int apply_domain(const struct domain *d, enum apply_mode mode, const uint8_t *only,
		 char *err, size_t errlen);
/*
 * Remove the adapters of the VM @uuid that this integration manages.
 * Return: how many failed to go (logged).
 */
int apply_release(const char *uuid);

#endif
