// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the libvirt hook's reading of a domain (tools/libvirt/
 * domain.c): XML and <pmode:adapters> metadata in, the adapters the
 * domain should have (or the error that fails its start) out. No kernel,
 * no libvirt: the domains are made here, most of them generated from
 * tables (every interface type, every attribute's bad values, every
 * unknown attribute, 0 to 17 allowed MACs, Open vSwitch bridges and
 * VLANs). TAP output.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt/pmode-libvirt.h"

static int n, failed;

#define UUID "3f2a1b7c-0000-4000-8000-000000000001"
#define NS "xmlns:pmode=\"urn:pmode:libvirt:1\""

static void result(bool cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(bool cond, const char *fmt, ...)
{
	va_list ap;

	n++;
	printf("%s %d - tools: libvirt: ", cond ? "ok" : "not ok", n);
	if (!cond)
		failed++;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* The Open vSwitch bridges of a fake host, by ifindex. */
static unsigned int fake_ifindex(const char *name)
{
	if (!strcmp(name, "ovsbr0"))
		return 5;
	if (!strcmp(name, "ovsbr1"))
		return 77;
	if (!strcmp(name, "edge"))
		return OVS_IFINDEX_LIMIT - 1;
	if (!strcmp(name, "toobig"))
		return OVS_IFINDEX_LIMIT;
	return 0;
}

/* A domain of @ifaces (XML), with <metadata> @meta (NULL: none). */
static char *domain(const char *ifaces, const char *meta)
{
	static char buf[65536];

	snprintf(buf, sizeof(buf),
		 "<domain type='kvm' id='7'>\n  <name>web1</name>\n  <uuid>" UUID "</uuid>\n"
		 "%s%s%s  <devices>\n%s  </devices>\n</domain>\n",
		 meta ? "  <metadata>\n" : "", meta ? meta : "", meta ? "\n  </metadata>\n" : "",
		 ifaces);
	return buf;
}

/* An interface of @type with MAC @mac on port @dev, and @extra inside. */
static char *iface(char *buf, size_t size, const char *type, const char *mac, const char *dev,
		   const char *extra)
{
	snprintf(buf, size,
		 "    <interface type='%s'>\n      <mac address='%s'/>\n%s%s%s%s"
		 "      <model type='virtio'/>\n      <alias name='net0'/>\n    </interface>\n",
		 type, mac, dev ? "      <target dev='" : "", dev ? dev : "", dev ? "'/>\n" : "",
		 extra ? extra : "");
	return buf;
}

#define BR(mac, dev) "    <interface type='bridge'><mac address='" mac "'/>" \
	"<source bridge='br0'/><target dev='" dev "'/><alias name='net0'/></interface>\n"
#define OVS(mac, dev, bridge, vlan) "    <interface type='bridge'><mac address='" mac "'/>" \
	"<source bridge='" bridge "'/><virtualport type='openvswitch'>" \
	"<parameters interfaceid='0bd0e4a5-4d8b-4a55-9bdb-5c1a1f0b1f7e'/></virtualport>" \
	vlan "<target dev='" dev "'/></interface>\n"
#define M1 "52:54:00:00:00:01"
#define M2 "52:54:00:00:00:02"
#define ADAPTERS(attrs, body) "<pmode:adapters " NS attrs ">" body "</pmode:adapters>"

/* A spec in words, as the tables below say what is expected. */
static void describe(const struct spec *s, char *buf, size_t size)
{
	char mac[MAC_BUFSIZE];
	int i;

	snprintf(buf, size, "%s %s", *s->ifname ? s->ifname : "-", s->mac_text);
	if (s->has_owner)
		snprintf(buf + strlen(buf), size - strlen(buf), " owner=%u", s->owner);
	if (s->has_network)
		snprintf(buf + strlen(buf), size - strlen(buf), " net=%#x", s->network);
	if (s->promisc)
		snprintf(buf + strlen(buf), size - strlen(buf), " promisc");
	for (i = 0; i < s->n_allowed; i++) {
		format_mac(s->allowed[i], mac);
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? "," : " allow=", mac);
	}
}

static void describe_all(const struct domain *d, char *buf, size_t size)
{
	int i;

	*buf = 0;
	for (i = 0; i < d->n; i++) {
		if (i)
			snprintf(buf + strlen(buf), size - strlen(buf), "; ");
		describe(&d->specs[i], buf + strlen(buf), size - strlen(buf));
	}
}

/* @xml reads as @want (the specs in words); "" for none. */
static void expect_specs(const char *desc, const char *xml, const char *want)
{
	char err[1024], got[4096];
	struct domain d;
	int rc = domain_parse(xml, strlen(xml), &d, err, sizeof(err));

	if (rc) {
		result(false, "%s", desc);
		printf("# refused: %s\n# want: %s\n", err, want);
		return;
	}
	describe_all(&d, got, sizeof(got));
	result(!strcmp(got, want) && !strcmp(d.uuid, UUID) && !strcmp(d.name, "web1"), "%s", desc);
	if (strcmp(got, want))
		printf("#  got: %s\n# want: %s\n", got, want);
	domain_free(&d);
}

/* @xml fails to read, with an error that says @words. */
static void expect_error(const char *desc, const char *xml, const char *words)
{
	char err[1024] = "", got[4096];
	struct domain d;
	int rc = domain_parse(xml, strlen(xml), &d, err, sizeof(err));

	result(rc && strstr(err, words) && d.n == 0 && !d.specs, "%s", desc);
	if (!rc) {
		describe_all(&d, got, sizeof(got));
		printf("# accepted: %s\n# want an error saying: %s\n", got, words);
		domain_free(&d);
	} else if (!strstr(err, words)) {
		printf("# error: %s\n# want it to say: %s\n", err, words);
	}
}

static void test_good(void)
{
	static const struct { const char *desc, *ifaces, *meta, *want; } t[] = {
		{ "no metadata: every interface, with the defaults", BR(M1, "vnet0") BR(M2, "vnet1"),
		  NULL, "vnet0 " M1 "; vnet1 " M2 },
		{ "metadata of another namespace is not pmode's",
		  BR(M1, "vnet0"), "<x:adapters xmlns:x=\"urn:other\" owner=\"7\"/>", "vnet0 " M1 },
		{ "the domain's owner applies to every interface",
		  BR(M1, "vnet0") BR(M2, "vnet1"), ADAPTERS(" owner=\"1000\"", ""),
		  "vnet0 " M1 " owner=1000; vnet1 " M2 " owner=1000" },
		{ "SPEC.md's example", BR(M1, "vnet0") BR(M2, "vnet1"),
		  ADAPTERS(" owner=\"1000\"",
			   "<pmode:adapter mac=\"" M1 "\" promisc=\"on\" network=\"7\">"
			   "<pmode:allow mac=\"00:00:5e:00:01:07\"/></pmode:adapter>"),
		  "vnet0 " M1 " owner=1000 net=0x7 promisc allow=00:00:5e:00:01:07; vnet1 " M2 " owner=1000" },
		{ "an adapter's owner overrides the domain's",
		  BR(M1, "vnet0") BR(M2, "vnet1"),
		  ADAPTERS(" owner=\"1000\"", "<pmode:adapter mac=\"" M2 "\" owner=\"1001\"/>"),
		  "vnet0 " M1 " owner=1000; vnet1 " M2 " owner=1001" },
		{ "an owner by name", BR(M1, "vnet0"), ADAPTERS(" owner=\"root\"", ""),
		  "vnet0 " M1 " owner=0" },
		{ "promisc=\"off\" is the default, spelled out", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\" promisc=\"off\"/>"), "vnet0 " M1 },
		{ "a MAC is matched whatever its case and separators", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"52-54-00-00-00-01\" promisc=\"on\"/>"),
		  "vnet0 " M1 " promisc" },
		{ "network in hex, and the largest", BR(M1, "vnet0") BR(M2, "vnet1"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\" network=\"0x10\"/>"
			   "<pmode:adapter mac=\"" M2 "\" network=\"4294967295\"/>"),
		  "vnet0 " M1 " net=0x10; vnet1 " M2 " net=0xffffffff" },
		{ "comments and blank text in the metadata", BR(M1, "vnet0"),
		  ADAPTERS("", "\n  <!-- a note -->\n  <pmode:adapter mac=\"" M1 "\">\n"
			   "    <!-- vrrp -->\n    <pmode:allow mac=\"00:00:5e:00:01:07\"/>\n"
			   "  </pmode:adapter>\n"),
		  "vnet0 " M1 " allow=00:00:5e:00:01:07" },
		{ "another prefix for pmode's namespace", BR(M1, "vnet0"),
		  "<pm:adapters xmlns:pm=\"urn:pmode:libvirt:1\" owner=\"5\">"
		  "<pm:adapter mac=\"" M1 "\" promisc=\"on\"/></pm:adapters>",
		  "vnet0 " M1 " owner=5 promisc" },
		{ "two interfaces with one MAC, no metadata for it",
		  BR(M1, "vnet0") BR(M1, "vnet1"), NULL, "vnet0 " M1 "; vnet1 " M1 },
		{ "an interface without <target> (no port yet) is kept, for apply to refuse",
		  "<interface type='network'><mac address='" M1 "'/><source network='default'/></interface>",
		  NULL, "- " M1 },
		{ "a domain without interfaces", "", ADAPTERS(" owner=\"3\"", ""), "" },
		{ "as 'virsh metadata --set' stores it: the children in no namespace",
		  BR(M1, "vnet0"),
		  "<pmode:adapters xmlns:pmode=\"urn:pmode:libvirt:1\" owner=\"1000\">"
		  "<adapter mac=\"" M1 "\" promisc=\"on\"><allow mac=\"00:00:5e:00:01:07\"/>"
		  "</adapter></pmode:adapters>",
		  "vnet0 " M1 " owner=1000 promisc allow=00:00:5e:00:01:07" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_specs(t[i].desc, domain(t[i].ifaces, t[i].meta), t[i].want);
}

/* Every interface type: those with a port on the host are guarded, the others have none. */
static void test_types(void)
{
	static const struct { const char *type, *extra; bool port; } t[] = {
		{ "bridge", "      <source bridge='br0'/>\n", true },
		{ "network", "      <source network='default' bridge='virbr0'/>\n", true },
		{ "direct", "      <source dev='eth0' mode='vepa'/>\n", true },
		{ "ethernet", NULL, true },
		{ "user", NULL, false },
		{ "vhostuser", "      <source type='unix' path='/tmp/s' mode='client'/>\n", false },
		{ "hostdev", NULL, false },
		{ "mcast", "      <source address='230.0.0.1' port='5558'/>\n", false },
		{ "udp", NULL, false },
		{ "server", NULL, false },
		{ "client", NULL, false },
		{ "vdpa", NULL, false },
		{ "null", NULL, false },
	};
	char buf[1024], meta[256], want[128];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *dev = !strcmp(t[i].type, "direct") ? "macvtap3" : "vnet3";
		char desc[128];

		iface(buf, sizeof(buf), t[i].type, M1, t[i].port ? dev : NULL, t[i].extra);
		snprintf(want, sizeof(want), t[i].port ? "%s " M1 " promisc" : "", dev);
		snprintf(desc, sizeof(desc), "type='%s' %s", t[i].type,
			 t[i].port ? "is registered, its metadata applied" : "has no port: nothing to register");
		snprintf(meta, sizeof(meta), ADAPTERS("", "<pmode:adapter mac=\"%s\" promisc=\"on\"/>"),
			 M1);
		if (t[i].port) {
			expect_specs(desc, domain(buf, meta), want);
		} else {
			expect_specs(desc, domain(buf, NULL), "");
			snprintf(desc, sizeof(desc), "metadata for a type='%s' interface is refused",
				 t[i].type);
			expect_error(desc, domain(buf, meta), "which has no port on this host");
		}
	}
}

/* 0 to 16 allowed MACs are read in order; a 17th is refused. */
static void test_allowed(void)
{
	char meta[4096], want[1024], desc[64], mac[MAC_BUFSIZE];
	int count, i;

	for (count = 0; count <= PMODE_MAX_ALLOWED + 1; count++) {
		snprintf(meta, sizeof(meta), "<pmode:adapters " NS "><pmode:adapter mac=\"" M1 "\">");
		snprintf(want, sizeof(want), "vnet0 " M1);
		for (i = 0; i < count; i++) {
			snprintf(mac, sizeof(mac), "00:00:5e:00:01:%02x", i + 1);
			snprintf(meta + strlen(meta), sizeof(meta) - strlen(meta),
				 "<pmode:allow mac=\"%s\"/>", mac);
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s",
				 i ? "," : " allow=", mac);
		}
		snprintf(meta + strlen(meta), sizeof(meta) - strlen(meta),
			 "</pmode:adapter></pmode:adapters>");
		snprintf(desc, sizeof(desc), "%d allowed MACs %s", count,
			 count <= PMODE_MAX_ALLOWED ? "are read" : "are refused");
		if (count <= PMODE_MAX_ALLOWED)
			expect_specs(desc, domain(BR(M1, "vnet0"), meta), want);
		else
			expect_error(desc, domain(BR(M1, "vnet0"), meta), "more than 16 <pmode:allow>");
	}
}

/* Each attribute's bad values, on each element that has it. */
static void test_bad_values(void)
{
	static const struct { const char *attr, *value, *words; } t[] = {
		{ "owner", "-1", "neither a uid nor a user" },
		{ "owner", "", "neither a uid nor a user" },
		{ "owner", "4294967296", "neither a uid nor a user" },
		{ "owner", "no-such-user-pmode", "neither a uid nor a user" },
		{ "promisc", "yes", "it is \"on\" or \"off\"" },
		{ "promisc", "ON", "it is \"on\" or \"off\"" },
		{ "promisc", "", "it is \"on\" or \"off\"" },
		{ "promisc", "1", "it is \"on\" or \"off\"" },
		{ "network", "4294967296", "not a 32-bit number" },
		{ "network", "-1", "not a 32-bit number" },
		{ "network", "seven", "not a 32-bit number" },
		{ "network", "", "not a 32-bit number" },
		{ "network", "7 ", "not a 32-bit number" },
		{ "mac", "52:54:00:00:00", "is not a MAC address" },
		{ "mac", "52:54:00:00:00:01:02", "is not a MAC address" },
		{ "mac", "", "is not a MAC address" },
		{ "mac", "01:00:5e:00:00:01", "multicast or zero" },
		{ "mac", "ff:ff:ff:ff:ff:ff", "multicast or zero" },
		{ "mac", "00:00:00:00:00:00", "multicast or zero" },
	};
	char meta[512], desc[256];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *a = t[i].attr;

		if (strcmp(a, "mac")) {
			snprintf(meta, sizeof(meta), "<pmode:adapters " NS "><pmode:adapter mac=\"" M1
				 "\" %s=\"%s\"/></pmode:adapters>", a, t[i].value);
			snprintf(desc, sizeof(desc), "<pmode:adapter %s=\"%s\"> is refused", a,
				 t[i].value);
			expect_error(desc, domain(BR(M1, "vnet0"), meta), t[i].words);
		}
		if (!strcmp(a, "owner")) {
			snprintf(meta, sizeof(meta), "<pmode:adapters " NS " owner=\"%s\"/>", t[i].value);
			snprintf(desc, sizeof(desc), "<pmode:adapters owner=\"%s\"> is refused", t[i].value);
			expect_error(desc, domain(BR(M1, "vnet0"), meta), t[i].words);
		}
		if (!strcmp(a, "mac")) {
			snprintf(meta, sizeof(meta), "<pmode:adapters " NS "><pmode:adapter mac=\""
				 "%s\"/></pmode:adapters>", t[i].value);
			snprintf(desc, sizeof(desc), "<pmode:adapter mac=\"%s\"> is refused", t[i].value);
			expect_error(desc, domain(BR(M1, "vnet0"), meta), t[i].words);
			snprintf(meta, sizeof(meta), "<pmode:adapters " NS "><pmode:adapter mac=\"" M1
				 "\"><pmode:allow mac=\"%s\"/></pmode:adapter></pmode:adapters>",
				 t[i].value);
			snprintf(desc, sizeof(desc), "<pmode:allow mac=\"%s\"> is refused", t[i].value);
			expect_error(desc, domain(BR(M1, "vnet0"), meta), t[i].words);
		}
	}
}

/* An attribute pmode does not know, on each of its elements: a typo is no default. */
static void test_unknown_attributes(void)
{
	static const char *const names[] = { "promiscuous", "Owner", "net", "vm", "mac", "owner",
					     "promisc", "network" };
	static const struct { const char *elem, *fmt; const char *known[5]; } t[] = {
		{ "adapters", "<pmode:adapters " NS " %s=\"1\"/>", { "owner", NULL } },
		{ "adapter", "<pmode:adapters " NS "><pmode:adapter mac=\"" M1 "\" %s=\"1\"/>"
		  "</pmode:adapters>", { "mac", "owner", "promisc", "network", NULL } },
		{ "allow", "<pmode:adapters " NS "><pmode:adapter mac=\"" M1 "\"><pmode:allow "
		  "mac=\"00:00:5e:00:01:07\" %s=\"1\"/></pmode:adapter></pmode:adapters>", { "mac", NULL } },
	};
	char meta[512], desc[128], words[128];
	size_t i, j, k;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
			for (k = 0; t[i].known[k]; k++)
				if (!strcmp(t[i].known[k], names[j]))
					break;
			if (t[i].known[k])
				continue;	/* known: tested as a value */
			snprintf(meta, sizeof(meta), t[i].fmt, names[j]);
			snprintf(desc, sizeof(desc), "unknown attribute %s= on <pmode:%s> is refused",
				 names[j], t[i].elem);
			snprintf(words, sizeof(words), "unknown attribute '%s' on <pmode:%s>",
				 names[j], t[i].elem);
			expect_error(desc, domain(BR(M1, "vnet0"), meta), words);
		}
}

static void test_bad(void)
{
	static const struct { const char *desc, *xml_ifaces, *meta, *words; } t[] = {
		{ "a MAC no interface has", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M2 "\" promisc=\"on\"/>"),
		  "names a MAC no <interface> of the domain has" },
		{ "two <pmode:adapter> for one MAC", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"/><pmode:adapter mac=\"52:54:00:00:00:01\"/>"),
		  "two <pmode:adapter> elements name" },
		{ "two <pmode:adapter> for one MAC, spelled differently", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"/><pmode:adapter mac=\"52-54-00-00-00-01\"/>"),
		  "two <pmode:adapter> elements name" },
		{ "metadata for a MAC two interfaces have", BR(M1, "vnet0") BR(M1, "vnet1"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"/>"), "two interfaces have that MAC" },
		{ "one allowed MAC twice", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"><pmode:allow mac=\"00:00:5e:00:01:07\"/>"
			   "<pmode:allow mac=\"00:00:5E:00:01:07\"/></pmode:adapter>"),
		  "allows 00:00:5E:00:01:07 twice" },
		{ "the adapter's own MAC allowed", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"><pmode:allow mac=\"" M1 "\"/></pmode:adapter>"),
		  "allows its own MAC" },
		{ "<pmode:adapter> without mac", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter promisc=\"on\"/>"), "<pmode:adapter> has no mac=" },
		{ "<pmode:allow> without mac", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"><pmode:allow/></pmode:adapter>"),
		  "<pmode:allow> has no mac=" },
		{ "two <pmode:adapters>", BR(M1, "vnet0"), ADAPTERS("", "") ADAPTERS("", ""),
		  "two <pmode:adapters> elements" },
		{ "a later version's namespace", BR(M1, "vnet0"),
		  "<pmode:adapters xmlns:pmode=\"urn:pmode:libvirt:2\"/>",
		  "namespace 'urn:pmode:libvirt:2' is not one this pmode knows" },
		{ "another element in pmode's namespace", BR(M1, "vnet0"),
		  "<pmode:adapter " NS " mac=\"" M1 "\"/>", "the element is <pmode:adapters>" },
		{ "an unknown element in <pmode:adapters>", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:allow mac=\"" M1 "\"/>"), "unexpected element <allow>" },
		{ "an element of another namespace in <pmode:adapters>", BR(M1, "vnet0"),
		  ADAPTERS("", "<x:adapter xmlns:x=\"urn:other\" mac=\"" M1 "\"/>"),
		  "unexpected element <adapter>" },
		{ "an element of another namespace in <pmode:adapter>", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"><x:allow xmlns:x=\"urn:other\" "
			   "mac=\"00:00:5e:00:01:07\"/></pmode:adapter>"), "unexpected element <allow>" },
		{ "an unknown element in <pmode:adapter>", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\"><pmode:promisc/></pmode:adapter>"),
		  "unexpected element <promisc>" },
		{ "text in <pmode:adapter>", BR(M1, "vnet0"),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\">on</pmode:adapter>"), "unexpected text" },
		{ "an interface without <mac>", "<interface type='bridge'><target dev='vnet0'/></interface>",
		  NULL, "has no <mac address=...>" },
		{ "a VLAN tag out of range", OVS(M1, "vnet0", "ovsbr0", "<vlan><tag id='4096'/></vlan>"),
		  NULL, "is not a VLAN id" },
		{ "a VLAN tag that is no number", OVS(M1, "vnet0", "ovsbr0", "<vlan><tag id='x'/></vlan>"),
		  NULL, "is not a VLAN id" },
		{ "a device name too long", BR(M1, "vnet0123456789abcdef"), NULL,
		  "longer than a device name can be" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_error(t[i].desc, domain(t[i].xml_ifaces, t[i].meta), t[i].words);
}

/* XML that is no domain, or does not parse. */
static void test_not_domain(void)
{
	static const struct { const char *desc, *xml, *words; } t[] = {
		{ "XML that does not parse", "<domain><name>x</name>", "does not parse" },
		{ "metadata that does not parse",
		  "<domain><name>web1</name><uuid>" UUID "</uuid><metadata><pmode:adapters " NS ">"
		  "<pmode:adapter mac='" M1 "'></pmode:adapters></metadata><devices/></domain>",
		  "does not parse" },
		{ "an undeclared prefix",
		  "<domain><name>web1</name><uuid>" UUID "</uuid><metadata><pmode:adapters/>"
		  "</metadata><devices/></domain>", "does not parse" },
		{ "empty input", "", "does not parse" },
		{ "not a domain", "<network><name>default</name></network>", "is not a <domain>" },
		{ "a domain without uuid", "<domain><name>web1</name><devices/></domain>", "has no <uuid>" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		expect_error(t[i].desc, t[i].xml, t[i].words);
}

/* Open vSwitch ports: a network id from the bridge and the VLAN, unless the metadata names one. */
static void test_ovs(void)
{
	static const struct { const char *desc, *ifaces, *meta, *want, *words; } t[] = {
		{ "untagged on ovsbr0 (ifindex 5)", OVS(M1, "vnet0", "ovsbr0", ""), NULL,
		  "vnet0 " M1 " net=0x80005000", NULL },
		{ "VLAN 42 on ovsbr0", OVS(M1, "vnet0", "ovsbr0", "<vlan><tag id='42'/></vlan>"), NULL,
		  "vnet0 " M1 " net=0x8000502a", NULL },
		{ "VLAN 4095 on ovsbr1 (ifindex 77)",
		  OVS(M1, "vnet0", "ovsbr1", "<vlan><tag id='4095'/></vlan>"), NULL,
		  "vnet0 " M1 " net=0x8004dfff", NULL },
		{ "a trunk is the bridge's network",
		  OVS(M1, "vnet0", "ovsbr0", "<vlan trunk='yes'><tag id='42'/></vlan>"), NULL,
		  "vnet0 " M1 " net=0x80005000", NULL },
		{ "several tags are a trunk",
		  OVS(M1, "vnet0", "ovsbr0", "<vlan><tag id='42'/><tag id='43'/></vlan>"), NULL,
		  "vnet0 " M1 " net=0x80005000", NULL },
		{ "the largest ifindex that fits",
		  OVS(M1, "vnet0", "edge", "<vlan><tag id='1'/></vlan>"), NULL,
		  "vnet0 " M1 " net=0xfffff001", NULL },
		{ "two bridges, two VLANs: four networks",
		  OVS(M1, "vnet0", "ovsbr0", "<vlan><tag id='10'/></vlan>")
		  OVS(M2, "vnet1", "ovsbr0", "<vlan><tag id='20'/></vlan>")
		  OVS("52:54:00:00:00:03", "vnet2", "ovsbr1", "<vlan><tag id='10'/></vlan>")
		  OVS("52:54:00:00:00:04", "vnet3", "ovsbr1", ""), NULL,
		  "vnet0 " M1 " net=0x8000500a; vnet1 " M2 " net=0x80005014; "
		  "vnet2 52:54:00:00:00:03 net=0x8004d00a; vnet3 52:54:00:00:00:04 net=0x8004d000", NULL },
		{ "the metadata's network wins", OVS(M1, "vnet0", "nosuchbridge", ""),
		  ADAPTERS("", "<pmode:adapter mac=\"" M1 "\" network=\"9\" promisc=\"on\"/>"),
		  "vnet0 " M1 " net=0x9 promisc", NULL },
		{ "a Linux bridge gets no derived network",
		  "<interface type='bridge'><mac address='" M1 "'/><source bridge='ovsbr0'/>"
		  "<vlan><tag id='42'/></vlan><target dev='vnet0'/></interface>", NULL,
		  "vnet0 " M1, NULL },
		{ "an ifindex too large is refused", OVS(M1, "vnet0", "toobig", ""), NULL, NULL,
		  "too large to derive a network id from" },
		{ "a bridge that is not there is refused", OVS(M1, "vnet0", "nosuchbridge", ""), NULL,
		  NULL, "'nosuchbridge' is not a device on this host" },
		{ "an OVS port without <source bridge> is refused",
		  "<interface type='bridge'><mac address='" M1 "'/><virtualport type='openvswitch'/>"
		  "<target dev='vnet0'/></interface>", NULL, NULL, "without <source bridge=...>" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char desc[160];

		snprintf(desc, sizeof(desc), "OVS: %s", t[i].desc);
		if (t[i].want)
			expect_specs(desc, domain(t[i].ifaces, t[i].meta), t[i].want);
		else
			expect_error(desc, domain(t[i].ifaces, t[i].meta), t[i].words);
	}
}

/* The domain's name and UUID as libvirt writes them, and with blanks around. */
static void test_names(void)
{
	static const char xml[] = "<domain><name>\n  web server 1 </name><uuid> " UUID "\n</uuid>"
				  "<devices/></domain>";
	char err[1024];
	struct domain d;

	result(!domain_parse(xml, strlen(xml), &d, err, sizeof(err)) &&
	       !strcmp(d.name, "web server 1") && !strcmp(d.uuid, UUID),
	       "a name with spaces, and blanks around name and UUID");
	domain_free(&d);
}

/* release reads the UUID only: metadata gone bad since the start does not matter. */
static void test_identity(void)
{
	const char *xml = domain(BR(M1, "vnet0"), "<pmode:adapters " NS " owner=\"x\" bad=\"1\"/>");
	char err[1024];
	struct domain d;

	result(!domain_identity(xml, strlen(xml), &d, err, sizeof(err)) &&
	       !strcmp(d.uuid, UUID) && !strcmp(d.name, "web1") && d.n == 0,
	       "release: the UUID of a domain whose metadata went bad");
	result(domain_identity("<domain/>", 9, &d, err, sizeof(err)) && strstr(err, "no <uuid>"),
	       "release: a domain without uuid is refused");
}

int main(void)
{
	domain_ifindex = fake_ifindex;
	test_good();
	test_types();
	test_allowed();
	test_bad_values();
	test_unknown_attributes();
	test_bad();
	test_not_domain();
	test_ovs();
	test_identity();
	test_names();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
