// SPDX-License-Identifier: GPL-2.0
/*
 * pmode's libvirt qemu hook, /etc/libvirt/hooks/qemu.d/pmode:
 *
 *   libvirt-hook DOMAIN OPERATION SUBOPERATION EXTRA  < domain XML
 *
 * start begin      the domain's ports exist, QEMU does not run yet:
 *                  register every interface (domain.c, apply.c); any
 *                  failure undoes what was added and fails the start, and
 *                  what this prints is the error 'virsh start' shows.
 * reconnect begin  libvirtd restarted and found the domain running:
 *                  re-apply what is missing. Never fails: a failure here
 *                  would make libvirt kill the guest. Logged instead.
 * release end      the domain is gone: remove the adapters it left (an
 *                  unmanaged tap of type='ethernet' outlives it).
 * migrate, restore libvirt reads the XML back from the hook: hand it on
 *                  unchanged (the start that follows registers the ports).
 *
 * libvirt runs hooks as root with an empty environment, and a hook must not
 * call libvirt back: everything comes from the arguments and the XML.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "pmode-libvirt.h"

/* All of standard input. Return: its bytes (NUL-ended), or NULL. */
static char *read_all(size_t *len)
{
	size_t size = 65536, n = 0;
	char *buf = malloc(size), *bigger;
	ssize_t r;

	while (buf) {
		if (n + 1 == size) {
			bigger = realloc(buf, size *= 2);
			if (!bigger)
				break;
			buf = bigger;
		}
		r = read(STDIN_FILENO, buf + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			buf[n] = 0;
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	free(buf);
	return NULL;
}

static bool is(const char *a, const char *b)
{
	return !strcmp(a, b);
}

int main(int argc, char **argv)
{
	const char *name, *op, *sub;
	char err[2048];
	struct domain d;
	size_t len = 0;
	char *xml;
	int rc = 0;

	if (argc < 4 || is(argv[1], "--help") || is(argv[1], "-h")) {
		fprintf(stderr, "pmode " PMODE_VERSION ": libvirt's qemu hook; libvirtd runs it as\n"
			"  libvirt-hook DOMAIN OPERATION SUBOPERATION EXTRA < domain XML\n"
			"see pmode-libvirt(8)\n");
		return argc < 2 ? 2 : 0;
	}
	name = argv[1];
	op = argv[2];
	sub = argv[3];
	log_open(LOG_TO_STDERR | LOG_TO_SYSLOG);
	/* libvirt writes the XML whatever the operation: take it all. */
	xml = read_all(&len);
	if (!xml) {
		logmsg(LOG_ERR, "%s: cannot read the domain's XML from standard input: %s", name,
		       strerror(errno));
		/* A start must not go on unguarded; anything else may. */
		return is(op, "start") && is(sub, "begin") ? 1 : 0;
	}
	if (is(op, "migrate") || is(op, "restore")) {
		/* The XML libvirt goes on with is what the hook prints: the same. */
		rc = fwrite(xml, 1, len, stdout) == len && !fflush(stdout) ? 0 : 1;
	} else if (is(op, "start") && is(sub, "begin")) {
		if (domain_parse(xml, len, &d, err, sizeof(err))) {
			logmsg(LOG_ERR, "%s: %s; the domain is not started", name, err);
			rc = 1;
		} else {
			if (!*d.name)
				snprintf(d.name, sizeof(d.name), "%s", name);
			if (apply_domain(&d, APPLY_START, NULL, err, sizeof(err))) {
				logmsg(LOG_ERR, "%s; the domain is not started", err);
				rc = 1;
			}
			domain_free(&d);
		}
	} else if (is(op, "reconnect") && is(sub, "begin")) {
		if (domain_parse(xml, len, &d, err, sizeof(err))) {
			logmsg(LOG_ERR, "%s: %s; its adapters are left as they are", name, err);
		} else {
			if (!*d.name)
				snprintf(d.name, sizeof(d.name), "%s", name);
			/* apply_domain() logged each failure. */
			apply_domain(&d, APPLY_SYNC, NULL, err, sizeof(err));
			domain_free(&d);
		}
	} else if (is(op, "release") && is(sub, "end")) {
		if (domain_identity(xml, len, &d, err, sizeof(err)))
			logmsg(LOG_ERR, "%s: %s; its adapters are left as they are", name, err);
		else
			apply_release(d.uuid);
	}
	free(xml);
	pmode_close();
	return rc;
}
