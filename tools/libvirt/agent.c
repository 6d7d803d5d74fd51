// SPDX-License-Identifier: GPL-2.0
/*
 * pmode-libvirt-agent: what no libvirt hook is called for, on libvirt's
 * event API.
 *
 * - A NIC hot-plugged into a running domain (DEVICE_ADDED, with its
 *   alias): registered from the domain's live XML.
 * - A live edit of the domain's metadata (METADATA_CHANGE): the domain's
 *   adapters brought in line with it.
 * - On its own start and every time it is connected to libvirtd again
 *   (libvirtd restarted; the close callback says so): every running
 *   domain's adapters brought in line with its XML.
 *
 * The reading of the XML and the bringing in line are the hook's own
 * (domain.c, apply.c), in APPLY_SYNC mode: a failure is logged and the
 * rest still applied; nothing here stops a guest.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "pmode-libvirt.h"

#define BACKOFF_MIN 1		/* seconds before reconnecting, doubled each time */
#define BACKOFF_MAX 30

static const char *uri = "qemu:///system";
static virConnectPtr conn;
static int cb_added = -1, cb_metadata = -1;
static volatile sig_atomic_t quit;
static bool lost;		/* the close callback ran: reconnect */

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* libvirt's own messages go to our log, not straight to stderr. */
static void on_virt_error(void *data, virErrorPtr e)
{
	(void)data;
	(void)e;
}

static const char *virt_error(void)
{
	virErrorPtr e = virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
}

/*
 * Bring @dom's adapters in line with its live XML; @only: just the
 * interface with that alias (a hot-plugged NIC). Return: 0, or -1 (logged).
 */
static int sync_domain(virDomainPtr dom, const char *only)
{
	const char *name = virDomainGetName(dom);
	char err[2048], *xml;
	struct domain d;
	const uint8_t *mac = NULL;
	int i, rc;

	xml = virDomainGetXMLDesc(dom, 0);
	if (!xml) {
		/* Gone meanwhile (destroyed): nothing to guard. */
		if (virDomainIsActive(dom) != 1)
			return 0;
		logmsg(LOG_ERR, "%s: cannot read its XML: %s", name ? name : "?", virt_error());
		return -1;
	}
	rc = domain_parse(xml, strlen(xml), &d, err, sizeof(err));
	free(xml);
	if (rc) {
		logmsg(LOG_ERR, "%s: %s; its adapters are left as they are", name ? name : "?", err);
		return -1;
	}
	if (only) {
		for (i = 0; i < d.n; i++)
			if (!strcmp(d.specs[i].alias, only))
				mac = d.specs[i].mac;
		if (!mac) {
			/* Not an interface with a port (a disk, a type='user' NIC). */
			domain_free(&d);
			return 0;
		}
	}
	rc = apply_domain(&d, APPLY_SYNC, mac, err, sizeof(err));
	if (!rc && only)
		logmsg(LOG_INFO, "%s: hot-plugged %s registered", d.name, only);
	domain_free(&d);
	return rc;
}

/* Every running domain. Return: how many could not be brought in line. */
static int sync_all(void)
{
	virDomainPtr *doms = NULL;
	int i, n, failed = 0;

	n = virConnectListAllDomains(conn, &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);
	if (n < 0) {
		logmsg(LOG_ERR, "cannot list the running domains: %s", virt_error());
		return 1;
	}
	for (i = 0; i < n; i++) {
		failed += sync_domain(doms[i], NULL) != 0;
		virDomainFree(doms[i]);
	}
	free(doms);
	logmsg(LOG_INFO, "%d running domain%s checked%s", n, n == 1 ? "" : "s",
	       failed ? ", some adapters could not be put right (above)" : "");
	return failed;
}

static void on_device_added(virConnectPtr c, virDomainPtr dom, const char *alias, void *opaque)
{
	(void)c;
	(void)opaque;
	sync_domain(dom, alias);
	pmode_close();
}

static void on_metadata(virConnectPtr c, virDomainPtr dom, int type, const char *nsuri,
			void *opaque)
{
	(void)c;
	(void)opaque;
	if (type != VIR_DOMAIN_METADATA_ELEMENT || !nsuri || strcmp(nsuri, PMODE_LIBVIRT_NS))
		return;
	/* A --config edit of a running domain changes nothing live. */
	if (virDomainIsActive(dom) != 1)
		return;
	logmsg(LOG_INFO, "%s: pmode metadata changed", virDomainGetName(dom));
	sync_domain(dom, NULL);
	pmode_close();
}

static void on_close(virConnectPtr c, int reason, void *opaque)
{
	(void)c;
	(void)opaque;
	logmsg(LOG_WARNING, "connection to libvirt lost (%s); reconnecting",
	       reason == VIR_CONNECT_CLOSE_REASON_EOF ? "libvirtd went away" :
	       reason == VIR_CONNECT_CLOSE_REASON_KEEPALIVE ? "keepalive timeout" :
	       reason == VIR_CONNECT_CLOSE_REASON_CLIENT ? "closed" : "error");
	lost = true;
}

static void disconnect(void)
{
	if (!conn)
		return;
	if (cb_added >= 0)
		virConnectDomainEventDeregisterAny(conn, cb_added);
	if (cb_metadata >= 0)
		virConnectDomainEventDeregisterAny(conn, cb_metadata);
	virConnectUnregisterCloseCallback(conn, on_close);
	cb_added = cb_metadata = -1;
	virConnectClose(conn);
	conn = NULL;
}

/* Connect and subscribe. Return: 0, or -1 (logged, for a retry). */
static int connect_libvirt(bool events)
{
	conn = virConnectOpen(uri);
	if (!conn) {
		logmsg(LOG_WARNING, "cannot connect to %s: %s", uri, virt_error());
		return -1;
	}
	if (!events)
		return 0;
	/* Keepalive: a libvirtd that hangs is noticed as one that went away. */
	if (virConnectSetKeepAlive(conn, 5, 3) < 0)
		logmsg(LOG_WARNING, "no keepalive on the connection: %s", virt_error());
	cb_added = virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED,
						    VIR_DOMAIN_EVENT_CALLBACK(on_device_added),
						    NULL, NULL);
	cb_metadata = virConnectDomainEventRegisterAny(conn, NULL,
						       VIR_DOMAIN_EVENT_ID_METADATA_CHANGE,
						       VIR_DOMAIN_EVENT_CALLBACK(on_metadata),
						       NULL, NULL);
	if (cb_added < 0 || cb_metadata < 0 ||
	    virConnectRegisterCloseCallback(conn, on_close, NULL, NULL) < 0) {
		logmsg(LOG_ERR, "cannot subscribe to libvirt's events: %s", virt_error());
		disconnect();
		return -1;
	}
	return 0;
}

/* Wake the event loop once a second, to see a signal or a lost connection. */
static void on_tick(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: pmode-libvirt-agent [-c URI] [--once]\n"
		"  registers hot-plugged NICs, applies live pmode metadata edits, and\n"
		"  brings every running domain's adapters in line on start and on each\n"
		"  reconnection to libvirtd. --once: that last step, then exit.\n"
		"  See pmode-libvirt(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa = { .sa_handler = on_signal };
	int c, backoff = BACKOFF_MIN, rc;
	bool once = false;
	time_t retry_at = 0;

	while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': uri = optarg; break;
		case 'o': once = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("pmode-libvirt-agent %s\n", PMODE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* Under systemd, stderr is the journal already: syslog alone keeps priorities. */
	log_open(getenv("JOURNAL_STREAM") ? LOG_TO_SYSLOG : LOG_TO_STDERR | LOG_TO_SYSLOG);
	virSetErrorFunc(NULL, on_virt_error);
	if (once) {
		if (connect_libvirt(false))
			return 1;
		rc = sync_all();
		disconnect();
		pmode_close();
		return rc ? 1 : 0;
	}
	if (virEventRegisterDefaultImpl() < 0) {
		logmsg(LOG_ERR, "cannot start libvirt's event loop: %s", virt_error());
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (virEventAddTimeout(1000, on_tick, NULL, NULL) < 0) {
		logmsg(LOG_ERR, "cannot start libvirt's event loop: %s", virt_error());
		return 1;
	}
	logmsg(LOG_INFO, "started, on %s", uri);
	while (!quit) {
		if (lost) {
			disconnect();
			lost = false;
			backoff = BACKOFF_MIN;
			retry_at = time(NULL) + backoff;
		}
		if (!conn && time(NULL) >= retry_at) {
			if (connect_libvirt(true)) {
				retry_at = time(NULL) + backoff;
				logmsg(LOG_INFO, "retrying in %d s", backoff);
				backoff = backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : backoff * 2;
			} else {
				backoff = BACKOFF_MIN;
				logmsg(LOG_INFO, "connected to %s", uri);
				/* What happened while we were away. */
				sync_all();
				pmode_close();
			}
		}
		if (virEventRunDefaultImpl() < 0 && errno != EINTR)
			logmsg(LOG_WARNING, "libvirt's event loop: %s", virt_error());
	}
	logmsg(LOG_INFO, "stopping");
	disconnect();
	pmode_close();
	return 0;
}
