// SPDX-License-Identifier: GPL-2.0
/*
 * Bring the kernel's adapters in line with what a domain's XML says
 * (domain.c), through libpmode: register what is missing, correct what
 * differs, replace an adapter a reused vnetN still has from another VM.
 * The same code serves a start (all or nothing), a libvirtd reconnect and
 * the agent (each adapter on its own, failures logged).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "pmode-libvirt.h"

/* A dump's replies, as a list. */
static int collect(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct adapter **list = arg, *r;

	(void)cmd;
	if (!a) {		/* a torn dump, taken again: forget it */
		while (*list) {
			r = (*list)->next;
			free(*list);
			*list = r;
		}
		return 0;
	}
	r = malloc(sizeof(*r));
	if (!r)
		return pmode_errorf(-1, "out of memory");
	adapter_read(a, r);
	r->next = *list;
	*list = r;
	return 0;
}

static void free_list(struct adapter *list)
{
	struct adapter *next;

	for (; list; list = next) {
		next = list->next;
		free(list);
	}
}

/* Every adapter in this namespace, or the VM @vm's. Return: 0 or -errno. */
static int dump(struct adapter **list, const char *vm)
{
	struct nl_msg *msg = pmode_msg(PMODE_CMD_ADAPTER_GET, NLM_F_DUMP);
	int err;

	*list = NULL;
	if (!msg)
		return -ENOMEM;
	if (vm && nla_put_string(msg, PMODE_A_VM, vm)) {
		nlmsg_free(msg);
		return pmode_errorf(-ENOMEM, "out of memory");
	}
	err = pmode_send(msg, collect, list);
	if (err) {
		free_list(*list);
		*list = NULL;
	}
	return err;
}

static struct nl_msg *request(uint8_t cmd, const char *ifname)
{
	struct nl_msg *msg = pmode_msg(cmd, 0);

	if (msg && nla_put_string(msg, PMODE_A_IFNAME, ifname)) {
		nlmsg_free(msg);
		pmode_errorf(-ENOMEM, "out of memory");
		return NULL;
	}
	return msg;
}

static int send_or_oom(struct nl_msg *msg, int put_err)
{
	if (!msg)
		return -ENOMEM;
	if (put_err) {
		nlmsg_free(msg);
		return pmode_errorf(-ENOMEM, "out of memory");
	}
	return pmode_send(msg, NULL, NULL);
}

static int adapter_new(const struct spec *s, const char *uuid)
{
	struct nl_msg *msg = request(PMODE_CMD_ADAPTER_NEW, s->ifname);
	int err = 0;

	if (!msg)
		return -ENOMEM;
	err |= nla_put_string(msg, PMODE_A_VM, uuid);
	err |= nla_put(msg, PMODE_A_MAC, ETH_ALEN, s->mac);
	if (s->has_network)
		err |= nla_put_u32(msg, PMODE_A_NETWORK, s->network);
	if (s->has_owner)
		err |= nla_put_u32(msg, PMODE_A_OWNER, s->owner);
	err |= nla_put_string(msg, PMODE_A_MANAGER, PMODE_LIBVIRT_MANAGER);
	return send_or_oom(msg, err);
}

static int adapter_del(const char *ifname)
{
	return send_or_oom(request(PMODE_CMD_ADAPTER_DEL, ifname), 0);
}

static int adapter_set_mac(const char *ifname, int type, const uint8_t *mac)
{
	struct nl_msg *msg = request(PMODE_CMD_ADAPTER_SET, ifname);

	return send_or_oom(msg, msg ? nla_put(msg, type, ETH_ALEN, mac) : 0);
}

static int adapter_promisc(const struct spec *s, bool on)
{
	struct nl_msg *msg = request(PMODE_CMD_ADAPTER_SET, s->ifname);
	int err = 0;

	if (!msg)
		return -ENOMEM;
	err |= nla_put_u8(msg, PMODE_A_PROMISC, on);
	/* The owner asked for it: the kernel judges the owner's grant. */
	if (on && s->has_owner)
		err |= nla_put_u32(msg, PMODE_A_AS_UID, s->owner);
	return send_or_oom(msg, err);
}

static bool has_mac(const uint8_t (*list)[ETH_ALEN], int n, const uint8_t *mac)
{
	int i;

	for (i = 0; i < n; i++)
		if (!memcmp(list[i], mac, ETH_ALEN))
			return true;
	return false;
}

/* Does the adapter @a need to be registered anew to be what @s says? */
static const char *replace_why(const struct adapter *a, const struct spec *s, const char *uuid)
{
	if (strcmp(a->vm, uuid))
		return "it was another VM's";
	if (a->has_owner != s->has_owner || (s->has_owner && a->owner_uid != s->owner))
		return "its owner changed";
	if (a->has_net_id != s->has_network || (s->has_network && a->net_id != s->network))
		return "its network changed";
	/* By hand, or by another manager: libvirt's from now on, for release to remove. */
	if (strcmp(a->manager, PMODE_LIBVIRT_MANAGER))
		return "it was not libvirt's";
	return NULL;
}

/*
 * One adapter in line with @s. *@created: this call registered it.
 * Return: 0, or a negative errno with @err saying what failed.
 */
static int apply_one(const struct domain *d, const struct spec *s, struct adapter *list,
		     bool *created, char *err, size_t errlen)
{
	struct adapter *a;
	uint8_t mac[ETH_ALEN];
	const char *why;
	int i, rc;

	*created = false;
	if (!*s->ifname) {
		snprintf(err, errlen,
			 "%s: interface %s (type '%s') has no <target dev=...> in the domain's XML, so pmode cannot tell its port: the domain is not running, or its network hands out host devices (SR-IOV), which pmode cannot guard",
			 d->name, s->mac_text, s->type);
		return -ENODEV;
	}
	for (a = list; a; a = a->next)
		if (!strcmp(a->ifname, s->ifname))
			break;
	if (a && (why = replace_why(a, s, d->uuid))) {
		logmsg(LOG_INFO, "%s: %s: replacing its adapter (%s)", d->name, s->ifname, why);
		rc = adapter_del(s->ifname);
		if (rc && rc != -ENOENT && rc != -ENODEV)
			goto fail_rc;
		a = NULL;
	}
	if (!a) {
		rc = adapter_new(s, d->uuid);
		if (rc)
			goto fail_rc;
		*created = true;
	} else if (parse_mac(a->mac, mac) || memcmp(mac, s->mac, ETH_ALEN)) {
		rc = adapter_set_mac(s->ifname, PMODE_A_MAC, s->mac);
		if (rc)
			goto fail_rc;
	}
	if (a)
		for (i = 0; i < a->n_allowed; i++)
			if (!has_mac((const uint8_t (*)[ETH_ALEN])s->allowed, s->n_allowed,
				     a->allowed_macs[i]) &&
			    (rc = adapter_set_mac(s->ifname, PMODE_A_ALLOW_DEL, a->allowed_macs[i])))
				goto fail_rc;
	for (i = 0; i < s->n_allowed; i++)
		if ((!a || !has_mac((const uint8_t (*)[ETH_ALEN])a->allowed_macs, a->n_allowed,
				    s->allowed[i])) &&
		    (rc = adapter_set_mac(s->ifname, PMODE_A_ALLOW_ADD, s->allowed[i])))
			goto fail_rc;
	if (s->promisc != (a && a->promisc)) {
		rc = adapter_promisc(s, s->promisc);
		if (rc && s->promisc && (rc == -EPERM || rc == -EACCES)) {
			/* The gate or a grant: the guest runs, without promisc. */
			logmsg(LOG_WARNING, "%s: %s (%s): promisc stays off: %s", d->name,
			       s->ifname, s->mac_text, pmode_error());
			rc = 0;
		}
		if (rc)
			goto fail_rc;
	}
	return 0;
fail_rc:
	snprintf(err, errlen, "%s: interface %s (%s): %s", d->name, s->mac_text, s->ifname,
		 pmode_error());
	return rc;
}

int apply_domain(const struct domain *d, enum apply_mode mode, const uint8_t *only,
		 char *err, size_t errlen)
{
	struct adapter *list;
	bool *created;
	char why[1024];
	int i, rc, failed = 0;

	*err = 0;
	rc = dump(&list, NULL);
	if (rc) {
		snprintf(err, errlen, "%s: cannot read the adapters: %s", d->name, pmode_error());
		return -1;
	}
	created = calloc(d->n ? d->n : 1, sizeof(*created));
	if (!created) {
		free_list(list);
		snprintf(err, errlen, "%s: out of memory", d->name);
		return -1;
	}
	for (i = 0; i < d->n; i++) {
		if (only && memcmp(only, d->specs[i].mac, ETH_ALEN))
			continue;
		rc = apply_one(d, &d->specs[i], list, &created[i], why, sizeof(why));
		if (rc == -EEXIST) {
			/*
			 * Registered meanwhile (the hook's reconnect and the
			 * agent after a libvirtd restart): look again, once.
			 */
			free_list(list);
			if (!dump(&list, NULL))
				rc = apply_one(d, &d->specs[i], list, &created[i], why,
					       sizeof(why));
		}
		if (!rc)
			continue;
		failed++;
		if (mode == APPLY_START) {
			snprintf(err, errlen, "%s", why);
			break;
		}
		logmsg(LOG_ERR, "%s", why);
		if (!*err)
			snprintf(err, errlen, "%s", why);
	}
	/* A start that failed: no half-guarded domain, nothing of it left. */
	if (failed && mode == APPLY_START)
		for (i = 0; i < d->n; i++)
			if (created[i] && adapter_del(d->specs[i].ifname))
				logmsg(LOG_ERR, "%s: %s: cannot remove the adapter of the failed start: %s",
				       d->name, d->specs[i].ifname, pmode_error());
	free(created);
	free_list(list);
	return failed ? -1 : 0;
}

int apply_release(const char *uuid)
{
	struct adapter *list, *a;
	int failed = 0, rc;

	rc = dump(&list, uuid);
	if (rc) {
		logmsg(LOG_ERR, "VM %s: cannot read its adapters: %s", uuid, pmode_error());
		return 1;
	}
	for (a = list; a; a = a->next) {
		/* One an administrator registered by hand is theirs to remove. */
		if (strcmp(a->manager, PMODE_LIBVIRT_MANAGER))
			continue;
		rc = adapter_del(a->ifname);
		/* Gone with its port meanwhile: as good. */
		if (rc && rc != -ENOENT && rc != -ENODEV) {
			logmsg(LOG_ERR, "VM %s: %s: cannot remove its adapter: %s", uuid, a->ifname,
			       pmode_error());
			failed++;
		}
	}
	free_list(list);
	return failed;
}
