// SPDX-License-Identifier: GPL-2.0
/*
 * pmodectl save: the whole configuration as a batch file that 'pmodectl -b'
 * reads back into the same state. Every string goes through put_word(), the
 * quoting split_line() reads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmodectl.h"

struct saved {
	bool feature;
	uint32_t *grants;
	size_t n_grants, cap;
	struct adapter *rows, **tail;
	char (*guarded)[IFNAMSIZ];
	int n_guarded;
};

static int save_feature(struct nlattr **a, uint8_t cmd, void *arg)
{
	(void)cmd;
	if (a[PMODE_A_FEATURE])
		((struct saved *)arg)->feature = nla_get_u8(a[PMODE_A_FEATURE]);
	return 0;
}

static int save_grant(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct saved *s = arg;

	(void)cmd;
	if (!a) {		/* the dump is taken again */
		s->n_grants = 0;
		return 0;
	}
	if (!a[PMODE_A_UID])
		return 0;
	if (s->n_grants == s->cap) {
		uint32_t *g = realloc(s->grants, (s->cap * 2 + 64) * sizeof(*g));

		if (!g)
			return -1;
		s->grants = g;
		s->cap = s->cap * 2 + 64;
	}
	s->grants[s->n_grants++] = nla_get_u32(a[PMODE_A_UID]);
	return 0;
}

static void free_adapters(struct saved *s)
{
	struct adapter *r;

	while ((r = s->rows)) {
		s->rows = r->next;
		free(r);
	}
	s->tail = &s->rows;
}

static int save_adapter(struct nlattr **a, uint8_t cmd, void *arg)
{
	struct saved *s = arg;
	struct adapter *r;

	(void)cmd;
	if (!a) {		/* the dump is taken again */
		free_adapters(s);
		return 0;
	}
	r = malloc(sizeof(*r));
	if (!r)
		return -1;
	adapter_read(a, r);
	*s->tail = r;
	s->tail = &r->next;
	return 0;
}

static bool is_allowed(const struct adapter *r, const uint8_t *mac)
{
	int i;

	for (i = 0; i < r->n_allowed; i++)
		if (!memcmp(r->allowed_macs[i], mac, ETH_ALEN))
			return true;
	return false;
}

/* "adapter VERB dev IFNAME" with no end of line. */
static int save_dev(const struct adapter *r, const char *verb)
{
	printf("adapter %s dev ", verb);
	return put_word(r->ifname, stdout);
}

/*
 * An adapter, its allowed MACs in their order. Its MAC may be one of them
 * (set after it was allowed), which 'allow' would refuse: it is then
 * registered with a spare MAC, set to its own after the allows.
 */
static int save_one(const struct adapter *r)
{
	uint8_t mac[ETH_ALEN], spare[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };
	bool own_allowed;
	char buf[MAC_BUFSIZE];
	int i;

	if (parse_mac(r->mac, mac))
		return -1;
	own_allowed = is_allowed(r, mac);
	while (is_allowed(r, spare))
		spare[ETH_ALEN - 1]++;
	format_mac(own_allowed ? spare : mac, buf);
	if (save_dev(r, "add") || fputs(" vm ", stdout) < 0 || put_word(r->vm, stdout))
		return -1;
	printf(" mac %s", buf);
	if (r->has_net_id)
		printf(" network %u", r->net_id);
	if (r->has_owner)
		printf(" owner %u", r->owner_uid);
	printf("\n");
	for (i = 0; i < r->n_allowed; i++) {
		format_mac(r->allowed_macs[i], buf);
		if (save_dev(r, "allow"))
			return -1;
		printf(" %s\n", buf);
	}
	if (own_allowed) {
		if (save_dev(r, "set"))
			return -1;
		printf(" mac %s\n", r->mac);
	}
	return 0;
}

/*
 * Promisc last, once every adapter exists, acting for a granted user: the
 * owner if it holds a grant, else the first grant. Grants revoked since
 * promisc was turned on may leave none: then uid 0 holds one meanwhile.
 */
static int save_promisc(const struct saved *s)
{
	const struct adapter *r;
	bool any = false;
	uint32_t as;
	size_t i;

	for (r = s->rows; r; r = r->next)
		any |= r->promisc && !r->manager[0];
	if (any && !s->n_grants)
		printf("user grant 0\n");
	for (r = s->rows; r; r = r->next) {
		if (!r->promisc || r->manager[0])
			continue;
		as = s->n_grants ? s->grants[0] : 0;
		for (i = 0; i < s->n_grants; i++)
			if (r->has_owner && s->grants[i] == r->owner_uid)
				as = r->owner_uid;
		if (save_dev(r, "set"))
			return -1;
		printf(" promisc on as %u\n", as);
	}
	if (any && !s->n_grants)
		printf("user revoke 0\n");
	return 0;
}

static int save_print(const struct saved *s)
{
	const struct adapter *r;
	size_t i;

	printf("# pmode configuration; restore with 'pmodectl -b FILE'\n");
	printf("feature %s\n", s->feature ? "enable" : "disable");
	for (i = 0; i < s->n_grants; i++)
		printf("user grant %u\n", s->grants[i]);
	/* Guards first: no port is unguarded in between while restoring. */
	for (i = 0; i < (size_t)s->n_guarded; i++) {
		printf("network guard dev ");
		if (put_word(s->guarded[i], stdout))
			return -1;
		printf("\n");
	}
	for (r = s->rows; r; r = r->next) {
		/*
		 * Its manager registers it again with the VM; after a reboot
		 * a replayed line would name another VM's port.
		 */
		if (r->manager[0]) {
			printf("# %s: registered by %s, which does it again\n",
			       r->ifname, r->manager);
			continue;
		}
		if (save_one(r))
			return -1;
	}
	return save_promisc(s);
}

static int do_save(struct nl_msg *unused, int argc, char **argv)
{
	struct saved s = { .tail = &s.rows };
	struct nl_msg *msg;
	int rc = EXIT_OK;

	(void)unused;
	(void)argv;
	if (argc)
		return HANDLER_USAGE;
	msg = pmode_msg(PMODE_CMD_FEATURE_GET, 0);
	if (!msg || pmode_send(msg, save_feature, &s))
		rc = pmode_fail();
	msg = rc ? NULL : pmode_msg(PMODE_CMD_GRANT_GET, NLM_F_DUMP);
	if (!rc && (!msg || pmode_send(msg, save_grant, &s)))
		rc = pmode_fail();
	msg = rc ? NULL : pmode_msg(PMODE_CMD_ADAPTER_GET, NLM_F_DUMP);
	if (!rc && (!msg || pmode_send(msg, save_adapter, &s)))
		rc = pmode_fail();
	if (!rc) {
		s.n_guarded = network_guarded(&s.guarded);
		if (s.n_guarded < 0)
			rc = pmode_fail();
	}
	errno = 0;
	if (!rc && (save_print(&s) || fflush(stdout))) {
		fprintf(stderr, "pmodectl: cannot write the configuration: %s\n",
			errno ? strerror(errno) : "a name holds a newline");
		rc = EXIT_FAIL;
	}
	free_adapters(&s);
	free(s.grants);
	free(s.guarded);
	return rc;
}
COMMAND(save, "", "", 0, 0, PORT_NONE, do_save, NULL,
	"Print a batch file that recreates the configuration.");
