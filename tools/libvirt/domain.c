// SPDX-License-Identifier: GPL-2.0
/*
 * A domain's XML, as libvirt hands it to a hook or the agent reads it,
 * turned into the adapters the domain should have: one per interface that
 * has a port on this host (types bridge, network, direct, ethernet; Open
 * vSwitch ones too), with VM id the domain's UUID, the interface's MAC,
 * and the rest from the domain's <pmode:adapters> metadata (SPEC.md,
 * "libvirt"). Anything in that element this file does not know is an
 * error, named with what to do: a typo must not leave a VM less guarded
 * (or more promiscuous) than its owner asked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "pmode-libvirt.h"

unsigned int (*domain_ifindex)(const char *name) = if_nametoindex;

/* The interface types that have a port device on the host pmode can guard. */
static const char *const port_types[] = { "bridge", "network", "direct", "ethernet", NULL };

struct parse {
	char *err;
	size_t errlen;
	struct domain *d;
	/* Every interface's MAC, guardable or not, to judge the metadata's. */
	int n_ifaces;
	struct iface {
		uint8_t mac[ETH_ALEN];
		const char *type;	/* the XML's, while it lives */
		int spec;		/* index in d->specs, or -1 */
		bool seen;		/* a <pmode:adapter> named it */
	} *ifaces;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* The first child element @name of @n (no namespace: libvirt's own). */
static xmlNode *child(const xmlNode *n, const char *name)
{
	xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c, name) && !c->ns)
			return c;
	return NULL;
}

static const char *attr(const xmlNode *n, const char *name)
{
	xmlAttr *a;

	if (!n)
		return NULL;
	for (a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, name) && !a->ns && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

/* The text of element @name under @n, trimmed into @buf; "" if none. */
static void text_of(const xmlNode *n, const char *name, char *buf, size_t size)
{
	xmlNode *c = child(n, name);
	xmlChar *t = c ? xmlNodeGetContent(c) : NULL;
	const char *s = t ? (const char *)t : "";
	size_t len;

	while (*s && strchr(" \t\r\n", *s))
		s++;
	len = strlen(s);
	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), s);
	xmlFree(t);
}

static bool mac_bad(const uint8_t *m)
{
	static const uint8_t zero[ETH_ALEN];

	return (m[0] & 1) || !memcmp(m, zero, ETH_ALEN);
}

int ovs_network(const char *bridge, uint32_t vlan, uint32_t *id, char *err, size_t errlen)
{
	unsigned int ifindex = domain_ifindex(bridge);

	if (!ifindex) {
		snprintf(err, errlen,
			 "Open vSwitch bridge '%s' is not a device on this host, so no network id can be derived for its port; create the bridge, or give the adapter network=\"ID\" in the metadata",
			 bridge);
		return -1;
	}
	if (ifindex >= OVS_IFINDEX_LIMIT) {
		snprintf(err, errlen,
			 "Open vSwitch bridge '%s' has ifindex %u, too large to derive a network id from (the limit is %u); give the adapter network=\"ID\" in the metadata",
			 bridge, ifindex, OVS_IFINDEX_LIMIT - 1);
		return -1;
	}
	*id = OVS_NETWORK_BIT | (ifindex << 12) | (vlan & 0xfff);
	return 0;
}

/* The element's attributes are all among @known (ended by NULL)? */
static int only_attrs(struct parse *p, const xmlNode *n, const char *const *known,
		      const char *what)
{
	xmlAttr *a;
	int i;

	for (a = n->properties; a; a = a->next) {
		for (i = 0; known[i]; i++)
			if (!a->ns && !strcmp((const char *)a->name, known[i]))
				break;
		if (!known[i]) {
			char list[128] = "";

			for (i = 0; known[i]; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 i ? ", " : "", known[i]);
			return fail(p, "metadata: unknown attribute '%s' on <pmode:%s> (it takes %s)",
				    (const char *)a->name, what, list);
		}
	}
	return 0;
}

/*
 * The element children of @n, each @name, in pmode's namespace or in none:
 * 'virsh metadata --set' puts the namespace on the top element only, so
 * that the children it was given unprefixed have none. Anything else is an
 * error.
 */
static int only_children(struct parse *p, const xmlNode *n, const char *name, const char *what)
{
	xmlNode *c;

	for (c = n->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE &&
		    (strcmp((const char *)c->name, name) ||
		     (c->ns && (!c->ns->href || strcmp((const char *)c->ns->href, PMODE_LIBVIRT_NS)))))
			return fail(p, "metadata: unexpected element <%s> in <pmode:%s> (it holds <pmode:%s> elements only)",
				    (const char *)c->name, what, name);
		if (c->type == XML_TEXT_NODE && c->content &&
		    strspn((const char *)c->content, " \t\r\n") != strlen((const char *)c->content))
			return fail(p, "metadata: unexpected text in <pmode:%s>", what);
	}
	return 0;
}

static int read_owner(struct parse *p, const char *s, const char *where, uint32_t *uid)
{
	if (parse_uid(s, uid))
		return fail(p, "metadata: owner '%s' on %s is neither a uid nor a user on this host",
			    s, where);
	return 0;
}

static int read_mac(struct parse *p, const char *s, const char *where, uint8_t mac[ETH_ALEN])
{
	if (!s)
		return fail(p, "metadata: %s has no mac=\"...\"", where);
	if (parse_mac(s, mac))
		return fail(p, "metadata: '%s' on %s is not a MAC address (aa:bb:cc:dd:ee:ff)",
			    s, where);
	if (mac_bad(mac))
		return fail(p, "metadata: %s on %s is a multicast or zero MAC; an adapter's MACs are unicast",
			    s, where);
	return 0;
}

/* One <pmode:adapter>: onto every spec of its interface. */
static int read_adapter(struct parse *p, const xmlNode *n)
{
	static const char *const attrs[] = { "mac", "owner", "promisc", "network", NULL };
	const char *mac_s = attr(n, "mac"), *s;
	struct spec proto = { 0 };
	uint8_t mac[ETH_ALEN];
	char where[64];
	xmlNode *c;
	int i, j, found = -1;

	if (only_attrs(p, n, attrs, "adapter") || only_children(p, n, "allow", "adapter") ||
	    read_mac(p, mac_s, "<pmode:adapter>", mac))
		return -1;
	snprintf(where, sizeof(where), "<pmode:adapter mac=\"%s\">", mac_s);
	for (i = 0; i < p->n_ifaces; i++) {
		if (memcmp(p->ifaces[i].mac, mac, ETH_ALEN))
			continue;
		if (found >= 0)
			return fail(p, "metadata: %s: two interfaces have that MAC, so it cannot say which; give them different MACs",
				    where);
		found = i;
	}
	if (found < 0)
		return fail(p, "metadata: %s names a MAC no <interface> of the domain has; correct the MAC or remove the element",
			    where);
	if (p->ifaces[found].spec < 0)
		return fail(p, "metadata: %s: its interface is of type '%s', which has no port on this host for pmode to guard; remove the element",
			    where, p->ifaces[found].type);
	if (p->ifaces[found].seen)
		return fail(p, "metadata: two <pmode:adapter> elements name %s; merge them", mac_s);
	p->ifaces[found].seen = true;
	proto = p->d->specs[p->ifaces[found].spec];
	if ((s = attr(n, "owner"))) {
		if (read_owner(p, s, where, &proto.owner))
			return -1;
		proto.has_owner = true;
	}
	if ((s = attr(n, "promisc"))) {
		if (!strcmp(s, "on"))
			proto.promisc = true;
		else if (strcmp(s, "off"))
			return fail(p, "metadata: promisc=\"%s\" on %s: it is \"on\" or \"off\"", s, where);
	}
	if ((s = attr(n, "network"))) {
		if (parse_u32(s, &proto.network))
			return fail(p, "metadata: network=\"%s\" on %s is not a 32-bit number", s, where);
		proto.has_network = true;
	}
	for (c = n->children; c; c = c->next) {
		static const char *const allow_attrs[] = { "mac", NULL };
		uint8_t *a;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (only_attrs(p, c, allow_attrs, "allow"))
			return -1;
		if (proto.n_allowed == PMODE_MAX_ALLOWED)
			return fail(p, "metadata: %s has more than %d <pmode:allow> elements; an adapter has at most %d allowed MACs",
				    where, PMODE_MAX_ALLOWED, PMODE_MAX_ALLOWED);
		a = proto.allowed[proto.n_allowed];
		if (read_mac(p, attr(c, "mac"), "<pmode:allow>", a))
			return -1;
		if (!memcmp(a, mac, ETH_ALEN))
			return fail(p, "metadata: %s allows its own MAC; remove that <pmode:allow>", where);
		for (j = 0; j < proto.n_allowed; j++)
			if (!memcmp(proto.allowed[j], a, ETH_ALEN))
				return fail(p, "metadata: %s allows %s twice; remove one", where,
					    attr(c, "mac"));
		proto.n_allowed++;
	}
	p->d->specs[p->ifaces[found].spec] = proto;
	return 0;
}

/* <pmode:adapters>, if the domain has it; anything else pmode's is an error. */
static int read_metadata(struct parse *p, const xmlNode *metadata)
{
	static const char *const attrs[] = { "owner", NULL };
	const xmlNode *mine = NULL, *c;
	const char *s;
	uint32_t owner;
	int i;

	for (c = metadata ? metadata->children : NULL; c; c = c->next) {
		const char *href;

		if (c->type != XML_ELEMENT_NODE || !c->ns || !c->ns->href)
			continue;
		href = (const char *)c->ns->href;
		if (strncmp(href, "urn:pmode:", 10))
			continue;
		if (strcmp(href, PMODE_LIBVIRT_NS))
			return fail(p, "metadata: namespace '%s' is not one this pmode knows; use xmlns:pmode=\"%s\"",
				    href, PMODE_LIBVIRT_NS);
		if (strcmp((const char *)c->name, "adapters"))
			return fail(p, "metadata: <%s> in pmode's namespace: the element is <pmode:adapters>",
				    (const char *)c->name);
		if (mine)
			return fail(p, "metadata: two <pmode:adapters> elements; merge them");
		mine = c;
	}
	if (!mine)
		return 0;
	if (only_attrs(p, mine, attrs, "adapters") || only_children(p, mine, "adapter", "adapters"))
		return -1;
	if ((s = attr(mine, "owner"))) {
		if (read_owner(p, s, "<pmode:adapters>", &owner))
			return -1;
		for (i = 0; i < p->d->n; i++) {
			p->d->specs[i].owner = owner;
			p->d->specs[i].has_owner = true;
		}
	}
	for (c = mine->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && read_adapter(p, c))
			return -1;
	return 0;
}

/* One <interface>: a spec if it has a port here; its MAC either way. */
static int read_interface(struct parse *p, const xmlNode *n)
{
	const char *type = attr(n, "type"), *mac_s = attr(child(n, "mac"), "address");
	const char *dev = attr(child(n, "target"), "dev"), *s;
	const xmlNode *vlan = child(n, "vlan"), *c;
	struct iface *f = &p->ifaces[p->n_ifaces];
	struct spec *sp;
	int i, tags = 0;

	if (!type)
		type = "?";
	if (!mac_s)
		return fail(p, "an <interface type='%s'> has no <mac address=...>; libvirt gives every interface one: is this a domain's XML?",
			    type);
	if (parse_mac(mac_s, f->mac))
		return fail(p, "interface MAC '%s' is not a MAC address", mac_s);
	f->type = type;
	f->spec = -1;
	p->n_ifaces++;
	for (i = 0; port_types[i]; i++)
		if (!strcmp(type, port_types[i]))
			break;
	if (!port_types[i])
		return 0;
	f->spec = p->d->n;
	sp = &p->d->specs[p->d->n++];
	memset(sp, 0, sizeof(*sp));
	memcpy(sp->mac, f->mac, ETH_ALEN);
	format_mac(sp->mac, sp->mac_text);
	snprintf(sp->type, sizeof(sp->type), "%s", type);
	if (dev) {
		if (strlen(dev) >= IFNAMSIZ)
			return fail(p, "interface %s: <target dev='%s'> is longer than a device name can be",
				    sp->mac_text, dev);
		snprintf(sp->ifname, sizeof(sp->ifname), "%s", dev);
	}
	if ((s = attr(child(n, "alias"), "name")))
		snprintf(sp->alias, sizeof(sp->alias), "%s", s);
	if ((s = attr(child(n, "source"), "bridge")))
		snprintf(sp->bridge, sizeof(sp->bridge), "%s", s);
	s = attr(child(n, "virtualport"), "type");
	sp->ovs = s && !strcmp(s, "openvswitch");
	/* One tag, not a trunk: the port's VLAN. A trunk's network is the bridge's. */
	for (c = vlan ? vlan->children : NULL; c; c = c->next) {
		uint32_t tag;

		if (!is_elem(c, "tag"))
			continue;
		s = attr(c, "id");
		if (!s || parse_u32(s, &tag) || tag > 4095)
			return fail(p, "interface %s: <vlan><tag id='%s'/> is not a VLAN id (0-4095)",
				    sp->mac_text, s ? s : "");
		if (!tags++)
			sp->vlan = tag;
	}
	s = attr(vlan, "trunk");
	if (tags > 1 || (s && !strcmp(s, "yes")))
		sp->vlan = 0;
	return 0;
}

static int read_domain(struct parse *p, const char *xml, size_t len, bool identity)
{
	struct domain *d = p->d;
	xmlNode *root, *devices, *n;
	xmlDoc *doc;
	int i, count = 0, ret = -1;

	if (len > INT32_MAX)
		return fail(p, "the domain's XML is too large");
	xmlResetLastError();
	doc = xmlReadMemory(xml, (int)len, "domain.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	/* An error libxml2 recovers from (an undeclared prefix) is one all the same. */
	if (doc && xmlGetLastError() && xmlGetLastError()->level >= XML_ERR_ERROR) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		const char *m = e && e->message ? e->message : "?";

		return fail(p, "the domain's XML does not parse (line %d: %.*s); correct it with 'virsh edit'",
			    e ? e->line : 0, (int)strcspn(m, "\n"), m);
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is_elem(root, "domain")) {
		fail(p, "the XML on standard input is not a <domain>");
		goto out;
	}
	text_of(root, "name", d->name, sizeof(d->name));
	text_of(root, "uuid", d->uuid, sizeof(d->uuid));
	if (!*d->uuid) {
		fail(p, "the domain has no <uuid>; libvirt gives every domain one: is this a domain's XML?");
		goto out;
	}
	if (identity) {
		ret = 0;
		goto out;
	}
	devices = child(root, "devices");
	for (n = devices ? devices->children : NULL; n; n = n->next)
		count += is_elem(n, "interface");
	d->specs = calloc(count ? count : 1, sizeof(*d->specs));
	p->ifaces = calloc(count ? count : 1, sizeof(*p->ifaces));
	if (!d->specs || !p->ifaces) {
		fail(p, "out of memory");
		goto out;
	}
	for (n = devices ? devices->children : NULL; n; n = n->next)
		if (is_elem(n, "interface") && !n->ns && read_interface(p, n))
			goto out;
	if (read_metadata(p, child(root, "metadata")))
		goto out;
	for (i = 0; i < d->n; i++) {
		struct spec *sp = &d->specs[i];
		char why[512];

		if (!sp->ovs || sp->has_network)
			continue;
		if (!*sp->bridge) {
			fail(p, "interface %s: an Open vSwitch port without <source bridge=...>: no network id can be derived; give the adapter network=\"ID\" in the metadata",
			     sp->mac_text);
			goto out;
		}
		if (ovs_network(sp->bridge, sp->vlan, &sp->network, why, sizeof(why))) {
			fail(p, "interface %s: %s", sp->mac_text, why);
			goto out;
		}
		sp->has_network = true;
	}
	ret = 0;
out:
	free(p->ifaces);
	p->ifaces = NULL;
	xmlFreeDoc(doc);
	return ret;
}

static int parse_common(const char *xml, size_t len, struct domain *d, bool identity,
			char *err, size_t errlen)
{
	struct parse p = { .err = err, .errlen = errlen, .d = d };

	memset(d, 0, sizeof(*d));
	*err = 0;
	if (read_domain(&p, xml, len, identity)) {
		free(d->specs);
		d->specs = NULL;
		d->n = 0;
		return -1;
	}
	return 0;
}

int domain_parse(const char *xml, size_t len, struct domain *d, char *err, size_t errlen)
{
	return parse_common(xml, len, d, false, err, errlen);
}

int domain_identity(const char *xml, size_t len, struct domain *d, char *err, size_t errlen)
{
	return parse_common(xml, len, d, true, err, errlen);
}

void domain_free(struct domain *d)
{
	free(d->specs);
	d->specs = NULL;
	d->n = 0;
}
