// SPDX-License-Identifier: GPL-2.0
/*
 * MACs, numbers and users as text: pure functions, no netlink, shared by
 * pmodectl's arguments and the libvirt hook's XML.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "libpmode.h"

/* "aa:bb:cc:dd:ee:ff" (or with '-'); syntax only, the kernel judges the rest. */
int parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	unsigned int i;

	for (i = 0; i < ETH_ALEN; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -1;
		mac[i] = (uint8_t)strtoul((char[]){ s[0], s[1], 0 }, NULL, 16);
		s += 2;
		if (i < ETH_ALEN - 1) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

void format_mac(const uint8_t *m, char *buf)
{
	snprintf(buf, MAC_BUFSIZE, "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

int parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A uid number, or a user name. */
int parse_uid(const char *s, uint32_t *uid)
{
	struct passwd *pw;

	if (!parse_u32(s, uid))
		return 0;
	pw = getpwnam(s);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}
