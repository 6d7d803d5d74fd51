// SPDX-License-Identifier: GPL-2.0
/*
 * Where the hook and agent say things: standard error, which libvirt puts
 * into the error 'virsh start' shows when the hook fails (and into
 * libvirtd's log otherwise), and syslog, ident pmode-libvirt, which is
 * where an administrator looks for what happened to a running domain.
 */
#include <stdio.h>
#include <syslog.h>

#include "pmode-libvirt.h"

static int log_to = LOG_TO_STDERR;

void log_open(int to)
{
	log_to = to;
	if (to & LOG_TO_SYSLOG)
		openlog("pmode-libvirt", LOG_PID, LOG_DAEMON);
}

void logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	if (log_to & LOG_TO_SYSLOG) {
		va_start(ap, fmt);
		vsyslog(prio, fmt, ap);
		va_end(ap);
	}
	if (log_to & LOG_TO_STDERR) {
		fputs("pmode: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
}
