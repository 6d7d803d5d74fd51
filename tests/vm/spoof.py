#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Spoofing frames for tests/vm/e2e/78-spoof-effect.sh, sent and judged by
what real victims learned.

  spoof.py gen --frames N --seed S --out FILE   build the frames (host, scapy)
  spoof.py topo                                 the topology, as shell variables
  spoof.py run FILE --run control|protected --attacker NAME:NS:DEV \
      --victims NAME:NS:DEV,... [--port DEV] ...
                                                send them, judge, print TAP

gen builds the frames on the host, deterministically from the seed: scapy
builds about five frames a second under the VM's software emulation, so the
guest only reads FILE (the worktree's build dir, over 9p). run (standard
library only) opens, in each victim's namespace, a packet socket that counts
the genuine frames and a netlink socket that hears every neighbour and FDB
change; writes the frames to an AF_PACKET socket in the attacker's
namespace, batch after batch, reading pmode's counters between batches;
dumps the neighbour tables and the FDB afterwards; and prints, as TAP lines,
whether every genuine frame arrived and whether any victim ever held a
forged MAC. After a failure, --replay sends one unit of each guilty class
alone, to show which frames suffice.

Every forged MAC comes from the prefix 02:5f:00 (03:5f:00 with the group bit
set), which nothing else uses, and names the unit that carries it:
02:5f:00 + (role << 20 | unit). A learned forged MAC therefore says which
frames taught it, and in which field (ROLES) they carried it.

A unit is one to three frames sent in a row (the fragments of one datagram,
for instance). Units come in batches, one per class (CLASSES), with genuine
units (the attacker's own ARP, ND and pings, from its own MAC and an allowed
one, each carrying MAGIC and its unit number at a fixed offset) mixed into
every batch.
"""
import argparse
import ctypes
import json
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pkt import mac  # noqa: E402
from tap import Tap  # noqa: E402

# --- the topology ---------------------------------------------------------
# Node numbers: the last octet of the IPv4 address, the last group of the
# IPv6 addresses (fd78::11, fe80::11) and, read as hex, of the MAC.
NODE = {'host': 1, 'att': 2, 'v1': 11, 'v2': 12, 'v3': 13}
ABSENT = list(range(50, 58))		# addresses nobody holds
VICTIMS = ('host', 'v1', 'v2', 'v3')
# Links the victims share with the attacker: the untagged LAN, 802.1Q VLAN
# 10 (v1's eth0.10) and 802.1ad 100 + 802.1Q 30 (v2's eth0.100.30).
LINKS = {
    'lan': dict(tags=(), v4='10.78.0.', v6='fd78::', members=VICTIMS),
    'vlan10': dict(tags=((0x8100, 10),), v4='10.78.10.', v6='fd78:10::',
                   members=('v1',)),
    'qinq': dict(tags=((0x88a8, 100), (0x8100, 30)), v4='10.78.30.',
                 v6='fd78:30::', members=('v2',)),
}
# Tag stacks the victims take as untagged (VLAN 0: priority tags).
PRIO = (((0x8100, 0),), ((0x88a8, 0),), ((0x88a8, 0), (0x8100, 0)),
        ((0x8100, 0), (0x8100, 0)))
REDIRECT_DESTS = ('fd78:99::1', 'fd78::50', 'fd78::13')
ROLES = ('eth-src', 'arp-sha', 'arp-tha', 'nd-opt1', 'nd-opt2', 'nd-opt3',
         'nd-opt4', 'nd-opt5', 'nd-lladdr-len2')
MAGIC = b'PMGN'
MAGIC_OFFSETS = (42, 62, 64, 80)	# ARP/IPv4 echo, ICMPv6 echo, RS, NS/NA

CLASSES = [
    # name, weight, what it is
    ('eth-src', 6, 'forged Ethernet source (FDB), with forged or genuine payloads'),
    ('arp-hrd1', 10, 'ARP, hardware type 1, forged sender, every opcode'),
    ('arp-hrd6', 8, 'ARP, hardware type 6 (IEEE 802), forged sender'),
    ('arp-hrd-other', 4, 'ARP, other hardware types and odd lengths'),
    ('arp-vlan', 8, 'ARP in 802.1Q/802.1ad stacks, hardware types 1 and 6'),
    ('arp-llc', 3, 'ARP in 802.2 LLC/SNAP (RFC 1042, 802.1H, VLAN tags after it), '
     'RARP, ND in SNAP'),
    ('nd-ns', 7, 'neighbour solicitations'),
    ('nd-na', 7, 'neighbour advertisements'),
    ('nd-rs', 3, 'router solicitations'),
    ('nd-ra', 4, 'router advertisements'),
    ('nd-redirect', 4, 'redirects'),
    ('nd-vlan', 5, 'ND in 802.1Q/802.1ad stacks'),
    ('nd-ext', 5, 'ND behind hop-by-hop, destination and routing headers'),
    ('nd-frag-atomic', 4, 'ND in atomic fragments, reserved bits set or not'),
    ('nd-frag-first', 5, 'ND whose first fragment (M=1) holds the forged option'),
    ('nd-frag-split', 3, 'ND whose forged option is in a later fragment'),
    ('nd-frag-cut', 3, "ND whose first fragment ends where an extension header "
     "would begin, with and without a misleading trailer"),
    ('nd-malformed', 4, 'ND with bad lengths, options, checksums, hop limits'),
    ('mutant', 10, 'units of the other classes, mutated byte-wise'),
]
# Classes that teach no victim here even from an unregistered port: their
# protected verdict is vacuous, and says so ('# SKIP'). Any other class
# must teach some victim in the control run. Redirects: a victim takes
# only its own router's, and a Redirect's target link-layer address names
# another node, which pmode lets pass (SPEC): were the attacker a victim's
# router, the victim would learn forged MACs from it by design (a run with
# v1 routing via the attacker showed it). 76-redirect-flood judges the
# Redirect pmode drops, one naming a group address.
IGNORED = {
    'arp-hrd-other': 'Linux takes ARP of hardware types 1 and 6 only',
    'arp-llc': 'Linux ignores ARP in LLC/SNAP, RARP and ND in SNAP',
    'nd-malformed': 'the stack drops malformed ND',
    'nd-redirect': 'no victim routes via the attacker; 76-redirect-flood judges redirects',
}
# And those that may teach nobody on one kernel series, as measured there:
# on 6.12, under a load of 20 on two cores, router solicitations taught no
# victim in one control run of two (v3, the router, learned from them in
# the other, and in every run on 6.1).
KERNEL_IDLE = {
    '6.12': {'nd-rs': 'on 6.12 router solicitations taught no victim in one control run of two'},
}
CLASS_NAMES = [c[0] for c in CLASSES] + ['genuine']
GENUINE = CLASS_NAMES.index('genuine')


def macstr(b):
    return ':'.join('%02x' % x for x in b)


def node_mac(name):
    return bytes([2, 0, 0, 0x78, 0, int(str(NODE[name]), 16)])


A_MAC = node_mac('att')
ALLOWED = bytes([2, 0, 0, 0x78, 0, 0xa1])	# an allowed extra MAC of the attacker
BCAST = b'\xff' * 6


def fmac(unit, role, group=False):
    v = role << 20 | unit
    return bytes([3 if group else 2, 0x5f, 0, v >> 16, v >> 8 & 255, v & 255])


def unfmac(s):
    v = int(s.replace(':', '')[6:], 16)
    return v >> 20, v & 0xfffff


def ip4(link, who):
    return LINKS[link]['v4'] + str(NODE.get(who, who))


def ip6(link, who):
    return LINKS[link]['v6'] + str(NODE.get(who, who))


def ll6(who):
    return 'fe80::' + str(NODE.get(who, who))


def topo():
    for name, n in NODE.items():
        print('%s_MAC=%s' % (name.upper(), macstr(node_mac(name))))
        print('%s_N=%d' % (name.upper(), n))
    print('ALLOWED_MAC=%s' % macstr(ALLOWED))
    print("REDIRECT_DESTS='%s'" % ' '.join(REDIRECT_DESTS))


# --- building (host) --------------------------------------------------------

class Gen:
    def __init__(self, seed):
        # scapy only here: the guest never imports it.
        from scapy import all as S
        self.S = S
        self.r = random.Random(seed)

    # Ethernet header with a tag stack and an ethertype (or 802.3 length).
    @staticmethod
    def l2(dst, src, tags, etype):
        return dst + src + b''.join(struct.pack('!HH', t, v) for t, v in tags) + \
            struct.pack('!H', etype)

    @staticmethod
    def pad(f, n=60):
        return f + b'\0' * max(0, n - len(f))

    def ctx(self, force_tags=False):
        """A link, a tag stack that reaches it, a victim on it."""
        r = self.r
        link = r.choices(['lan', 'vlan10', 'qinq'], [6, 2, 2])[0]
        if force_tags and link == 'lan':
            tags = r.choice(PRIO)
        else:
            tags = LINKS[link]['tags']
            if link == 'lan' and r.random() < 0.25:
                tags = r.choice(PRIO)
            elif link == 'vlan10' and r.random() < 0.2:
                tags = ((0x88a8, 0),) + tags
        return link, tags, r.choice(LINKS[link]['members'])

    def identity(self, link, victim):
        """Whom a forged frame claims to be: another victim, the attacker,
        an absent address."""
        others = [m for m in LINKS[link]['members'] if m != victim] + ['att']
        return self.r.choice(others + ABSENT[:4]) if self.r.random() < 0.7 \
            else self.r.choice(ABSENT)

    # -- ARP
    def arp_body(self, hrd, pro, hln, pln, op, sha, spa, tha, tpa):
        def fit(b, n):
            return (b * (n // 6 + 1))[:n]
        return struct.pack('!HHBBH', hrd, pro, hln, pln, op) + fit(sha, hln) + \
            fit(spa, pln) + fit(tha, hln) + fit(tpa, pln)

    def arp(self, u, hrd, tags=None, odd=False):
        r = self.r
        link, ctags, victim = self.ctx(force_tags=tags == 'force')
        if tags in (None, 'force'):
            tags = ctags
        kind = r.choices(['request', 'reply', 'garp-request', 'garp-reply',
                          'probe', 'other-op'], [30, 30, 12, 12, 4, 12])[0]
        who = self.identity(link, victim)
        sip = socket.inet_aton(ip4(link, who))
        tip = socket.inet_aton(ip4(link, victim))
        op = {'request': 1, 'reply': 2, 'garp-request': 1, 'garp-reply': 2,
              'probe': 1}.get(kind) or \
            r.choice([3, 4, 8, 9, 10, 0, 0xffff, r.randrange(65536)])
        sha, tha = fmac(u, 1), r.choice([b'\0' * 6, node_mac(victim)])
        if r.random() < 0.12:
            sha, tha = A_MAC, fmac(u, 2)
        if kind.startswith('garp'):
            tip = sip
            tha = r.choice([b'\0' * 6, BCAST, fmac(u, 2)])
        if kind == 'probe':
            sip = b'\0' * 4
        hln, pln, pro = 6, 4, 0x0800
        if odd:
            hln = r.choice([6, 6, 0, 4, 5, 8, 16, 20, 32])
            pln = r.choice([4, 4, 4, 0, 6, 16])
            pro = r.choice([0x0800, 0x0800, 0x86dd, 0x0806, 0])
        dst = BCAST if kind != 'reply' or r.random() < 0.2 else node_mac(victim)
        body = self.arp_body(hrd, pro, hln, pln, op, sha, sip, tha, tip)
        f = self.pad(self.l2(dst, A_MAC, tags, 0x0806) + body)
        desc = 'arp hrd=%d op=%d %s %s->%s hln=%d pln=%d pro=%#x tags=%s' % (
            hrd, op, kind, socket.inet_ntoa(sip) if len(sip) == 4 else '-',
            victim, hln, pln, pro, tagstr(tags))
        return desc, [f]

    # -- IPv6 ND
    def opts(self, u, primary, forged=0.9):
        """Options in any order and count: SLLA/TLLA forged or genuine, and
        others. The forged ones carry roles nd-opt1.."""
        r = self.r
        n = r.choices([0, 1, 2, 3, 4], [4, 50, 26, 12, 8])[0]
        kinds = []
        if r.random() < forged:
            kinds.append((primary, 'F'))
            n = max(n - 1, 0)
        for _ in range(n):
            kinds.append(r.choice([('slla', 'F'), ('tlla', 'F'), ('slla', 'A'),
                                   ('tlla', 'A'), ('slla', 'L'), ('mtu', None),
                                   ('pi', None), ('nonce', None), ('unknown', None)]))
        r.shuffle(kinds)
        out, desc, role = [], [], 3
        for k, who in kinds:
            if k in ('slla', 'tlla'):
                if who == 'F':
                    addr = fmac(u, min(role, 7))
                    role += 1
                else:
                    addr = A_MAC if who == 'A' else ALLOWED
                out.append(bytes([1 if k == 'slla' else 2, 1]) + addr)
                desc.append('%s:%s' % (k, who))
            elif k == 'mtu':
                out.append(bytes([5, 1, 0, 0]) + struct.pack('!I', 1500))
                desc.append(k)
            elif k == 'pi':	# off-link, not autonomous, lifetime 0
                out.append(bytes([3, 4, 64, 0]) + b'\0' * 12 +
                           socket.inet_pton(socket.AF_INET6, 'fd78:99::'))
                desc.append(k)
            elif k == 'nonce':
                out.append(bytes([14, 1]) + bytes(r.randrange(256) for _ in range(6)))
                desc.append(k)
            else:
                out.append(bytes([200, 1]) + b'\0' * 6)
                desc.append(k)
        return out, ','.join(desc) or 'none'

    @staticmethod
    def mcast_mac(addr):
        return b'\x33\x33' + socket.inet_pton(socket.AF_INET6, addr)[12:]

    @staticmethod
    def solicited(addr):
        b = socket.inet_pton(socket.AF_INET6, addr)
        return socket.inet_ntop(socket.AF_INET6, bytes.fromhex('ff02' + '00' * 8 + '0001ff') + b[13:])

    def nd(self, u, kind, link=None, tags=None, victim=None, opts=None):
        """One ND message to a victim: (eth dst, tags, scapy IPv6 packet
        parts, description)."""
        S, r = self.S, self.r
        if link is None:
            link, tags, victim = self.ctx()
        who = self.identity(link, victim)
        vaddr = r.choice([ip6(link, victim), ll6(victim)])
        waddr = r.choice([ip6(link, who), ll6(who)])
        if kind == 'ns':
            target = vaddr
            src = waddr if r.random() < 0.95 else '::'
            dst = r.choices([self.solicited(target), target, 'ff02::1'], [6, 3, 1])[0]
            icmp = S.ICMPv6ND_NS(tgt=target)
            primary = 'slla'
        elif kind == 'na':
            target = waddr
            src = r.choice([target, target, ip6(link, 'att'), ll6('att')])
            dst = r.choice(['ff02::1', vaddr])
            solicited = 0 if dst == 'ff02::1' else r.choice([0, 1])
            icmp = S.ICMPv6ND_NA(tgt=target, R=r.choice([0, 1]), S=solicited,
                                 O=r.choice([1, 1, 1, 0]))
            primary = 'tlla'
        elif kind == 'rs':
            src = waddr if r.random() < 0.9 else '::'
            dst = r.choice(['ff02::2', 'ff02::2', 'ff02::1', vaddr])
            icmp = S.ICMPv6ND_RS()
            primary = 'slla'
        elif kind == 'ra':
            src = ll6(who)
            dst = r.choice(['ff02::1', vaddr])
            icmp = S.ICMPv6ND_RA(chlim=64, routerlifetime=r.choice([0, 0, 1800]))
            primary = 'slla'
        else:
            src = r.choice([ll6(who), ll6('att')])
            dst = vaddr
            icmp = S.ICMPv6ND_Redirect(tgt=r.choice([ll6(who), ll6(r.choice(ABSENT))]),
                                       dst=r.choice(REDIRECT_DESTS))
            primary = 'tlla'
        if r.random() < 0.05:
            icmp.code = r.randrange(1, 256)
        if opts is None:
            opts = self.opts(u, primary)
        edst = self.mcast_mac(dst) if dst.startswith('ff') else node_mac(victim)
        hlim = 255 if r.random() < 0.93 else r.choice([254, 64, 1, 0])
        desc = '%s %s->%s dst=%s opts=%s hlim=%d tags=%s' % (
            kind, src, victim, dst, opts[1], hlim, tagstr(tags))
        return edst, tags, S.IPv6(src=src, dst=dst, hlim=hlim), icmp, opts[0], desc

    def nd_frame(self, edst, tags, ip, exts, icmp, opts):
        S = self.S
        p = ip
        for e in exts:
            p = p / e
        p = p / icmp / S.Raw(b''.join(opts))
        return self.pad(self.l2(edst, A_MAC, tags, 0x86dd) + S.raw(p))

    def exts(self, fragmentable_only=False):
        """A random chain of extension headers."""
        S, r = self.S, self.r
        chain = []
        if not fragmentable_only and r.random() < 0.5:
            chain.append(S.IPv6ExtHdrHopByHop(options=[r.choice(
                [S.PadN(optdata=b'\0' * 4), S.RouterAlert(value=0)])]))
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            k = r.choice(['dest', 'dest', 'rt0', 'rt2'])
            if fragmentable_only:
                k = 'dest'
            if k == 'dest':
                chain.append(S.IPv6ExtHdrDestOpt(options=[S.PadN(optdata=b'\0' * r.choice([4, 12]))]))
            else:
                chain.append(S.IPv6ExtHdrRouting(type=0 if k == 'rt0' else 2, segleft=0,
                                                 addresses=['fd78::50']))
        return chain

    def frag_ip(self, ip, unfrag, frag_exts, icmp, opts, cuts, fid, res2=0, res8=0,
                trailer=b''):
        """Fragments of ip/unfrag/frag_exts/icmp/opts: the fragmentable part
        cut at the offsets in cuts. Returns IPv6 packets, first fragment
        first."""
        S = self.S
        p = ip
        for e in list(unfrag) + list(frag_exts):
            p = p / e
        pkt = S.raw(p / icmp / S.Raw(b''.join(opts)))
        nhpos, pos = 6, 40
        for e in unfrag:
            nhpos = pos
            pos += len(S.raw(e))
        hdr, body = bytearray(pkt[:pos]), pkt[pos:]
        nh, hdr[nhpos] = hdr[nhpos], 44
        bounds = [0] + list(cuts) + [len(body)]
        out = []
        for i in range(len(bounds) - 1):
            a, b = bounds[i], bounds[i + 1]
            more = int(i < len(bounds) - 2)
            h = bytearray(hdr)
            h[4:6] = struct.pack('!H', pos - 40 + 8 + b - a)
            fh = struct.pack('!BBHI', nh, res8, (a // 8) << 3 | res2 << 1 | more, fid)
            out.append(bytes(h) + fh + body[a:b] + (trailer if i == 0 else b''))
        return out

    # -- classes
    def unit(self, cls, u):
        r, S = self.r, self.S
        if cls == 'eth-src':
            link, tags, victim = self.ctx()
            if r.random() < 0.5:
                tags = ()
            src = fmac(u, 0, group=r.random() < 0.08)
            k = r.choice(['arp', 'arp-own-sha', 'ping', 'ns', 'raw'])
            dst = r.choice([BCAST, node_mac(victim)])
            if k.startswith('arp'):
                sha = src if k == 'arp' else A_MAC
                body = self.arp_body(1, 0x800, 6, 4, 1, sha,
                                     socket.inet_aton(ip4(link, self.identity(link, victim))),
                                     b'\0' * 6, socket.inet_aton(ip4(link, victim)))
                f = self.l2(dst, src, tags, 0x0806) + body
            elif k == 'ping':
                f = self.l2(node_mac(victim), src, tags, 0x0800) + S.raw(
                    S.IP(src=ip4(link, 'att'), dst=ip4(link, victim)) / S.ICMP(id=u & 0xffff))
            elif k == 'ns':
                edst, _, ip, icmp, opts, _ = self.nd(u, 'ns', link, tags, victim,
                                                     ([bytes([1, 1]) + src], 'slla:src'))
                f = self.l2(edst, src, tags, 0x86dd) + S.raw(ip / icmp / S.Raw(b''.join(opts)))
            else:
                f = self.l2(dst, src, tags, 0x88b5) + b'PMODE-SPOOF'
            return 'eth-src %s src=%s tags=%s' % (k, macstr(src), tagstr(tags)), [self.pad(f)]
        if cls == 'arp-hrd1':
            return self.arp(u, 1)
        if cls == 'arp-hrd6':
            return self.arp(u, 6)
        if cls == 'arp-hrd-other':
            return self.arp(u, r.choice([0, 2, 3, 4, 7, 15, 16, 19, 24, 32, 256, 774,
                                         0xffff, r.randrange(65536)]), odd=r.random() < 0.6)
        if cls == 'arp-vlan':
            return self.arp(u, r.choice([1, 6]), tags='force')
        if cls == 'arp-llc':
            link, tags, victim = self.ctx()
            who = self.identity(link, victim)
            body = self.arp_body(r.choice([1, 6]), 0x800, 6, 4, r.choice([1, 2]), fmac(u, 1),
                                 socket.inet_aton(ip4(link, who)), b'\0' * 6,
                                 socket.inet_aton(ip4(link, victim)))
            k = r.choice(['snap-arp', 'snap-arp', 'rarp', 'llc-ui', 'snap-nd',
                          'btunnel-arp', 'snap-vlan-arp', 'btunnel-nd'])
            # What 802.11 stations unwrap: RFC 1042's OUI and 802.1H's.
            oui = b'\x00\x00\xf8' if k.startswith('btunnel') else b'\x00\x00\x00'
            if k == 'rarp':
                f = self.l2(BCAST, A_MAC, tags, 0x8035) + body
            elif k in ('snap-nd', 'btunnel-nd'):
                edst, _, ip, icmp, opts, _ = self.nd(u, 'na', link, tags, victim)
                pl = b'\xaa\xaa\x03' + oui + b'\x86\xdd' + S.raw(ip / icmp / S.Raw(b''.join(opts)))
                f = self.l2(edst, A_MAC, tags, len(pl)) + pl
            else:
                llc = {'snap-arp': b'\xaa\xaa\x03' + oui + b'\x08\x06',
                       'btunnel-arp': b'\xaa\xaa\x03' + oui + b'\x08\x06',
                       'snap-vlan-arp': b'\xaa\xaa\x03' + oui + b'\x81\x00' +
                       struct.pack('!H', r.choice([0, 10, 30])) + b'\x08\x06'}.get(k, b'\x06\x06\x03')
                f = self.l2(BCAST, A_MAC, tags, len(llc) + len(body)) + llc + body
            return 'arp-llc %s ->%s tags=%s' % (k, victim, tagstr(tags)), [self.pad(f)]
        if cls in ('nd-ns', 'nd-na', 'nd-rs', 'nd-ra', 'nd-redirect'):
            kind = cls[3:]
            edst, tags, ip, icmp, opts, desc = self.nd(u, kind)
            if kind == 'redirect' and r.random() < 0.5:	# a redirected header
                opts = opts + [bytes([4, 2]) + b'\0' * 14]
            return 'nd-' + desc, [self.nd_frame(edst, tags, ip, [], icmp, opts)]
        if cls == 'nd-vlan':
            link, tags, victim = self.ctx(force_tags=True)
            kind = r.choice(['ns', 'na', 'na', 'rs', 'ra', 'redirect'])
            edst, tags, ip, icmp, opts, desc = self.nd(u, kind, link, tags, victim)
            return 'nd-vlan ' + desc, [self.nd_frame(edst, tags, ip, [], icmp, opts)]
        if cls == 'nd-ext':
            kind = r.choice(['ns', 'na', 'na', 'rs', 'ra', 'redirect'])
            edst, tags, ip, icmp, opts, desc = self.nd(u, kind)
            chain = self.exts()
            return 'nd-ext %s exts=%s' % (desc, extstr(chain)), \
                [self.nd_frame(edst, tags, ip, chain, icmp, opts)]
        if cls.startswith('nd-frag'):
            return self.frag_unit(cls, u)
        if cls == 'nd-malformed':
            return self.malformed(u)
        if cls == 'mutant':
            base = r.choices([c[0] for c in CLASSES[:-1]], [c[1] for c in CLASSES[:-1]])[0]
            desc, frames = self.unit(base, u)
            i = r.randrange(len(frames))
            m, how = mutate(r, frames[i])
            frames[i] = m
            return 'mutant(%s) of %s' % (how, desc), frames
        raise ValueError(cls)

    def frag_unit(self, cls, u):
        r = self.r
        kind = r.choice(['na', 'na', 'na', 'ns', 'ns', 'rs', 'ra', 'redirect'])
        edst, tags, ip, icmp, opts, desc = self.nd(u, kind)
        hlen = {'ns': 24, 'na': 24, 'rs': 8, 'ra': 16, 'redirect': 40}[kind]
        fid = r.getrandbits(32)
        unfrag = [e for e in self.exts() if r.random() < 0.3]
        unfrag = [e for e in unfrag if not isinstance(e, self.S.IPv6ExtHdrDestOpt)]
        if cls == 'nd-frag-atomic':
            res2 = r.choice([0, 0, 1, 2, 3])
            res8 = r.choice([0, 0, 0, r.randrange(256)])
            pk = self.frag_ip(ip, unfrag, self.exts(True), icmp, opts, [], fid, res2, res8)
            how = 'atomic res=%d/%d' % (res2, res8)
        elif cls == 'nd-frag-first':
            # The forged option(s) in the first fragment, more after it.
            olen = sum(len(o) for o in opts)
            extra = [bytes([200, r.choice([1, 2, 4])]) for _ in range(r.choice([1, 2]))]
            extra = [e + b'\0' * (e[1] * 8 - 2) for e in extra]
            opts = opts + extra
            first = hlen + olen
            first -= first % 8
            cuts = [first] if first else [8]
            if r.random() < 0.25 and olen >= 8:
                cuts = [8, first] if first > 8 else [8]
            pk = self.frag_ip(ip, unfrag, [], icmp, opts, cuts, fid)
            how = 'first-fragment cuts=%s' % cuts
            if r.random() < 0.3:
                pk = pk[::-1]
                how += ' reversed'
        elif cls == 'nd-frag-split':
            cut = r.choice([8, hlen - hlen % 8 or 8])
            pk = self.frag_ip(ip, unfrag, [], icmp, opts, [cut], fid)
            how = 'split at %d' % cut
            if r.random() < 0.3:
                pk = pk[::-1]
                how += ' reversed'
        else:	# nd-frag-cut
            S = self.S
            n = r.choice([1, 1, 2])
            chain = [S.IPv6ExtHdrDestOpt(options=[S.PadN(optdata=b'\0' * 4)])
                     for _ in range(n + 1)]
            trailer = b''
            if r.random() < 0.5:	# what pmode would read past the payload length
                t = r.choice([128, 129, 1, 135, 136])
                trailer = bytes([58, 0, 1, 4, 0, 0, 0, 0, t, 0, 0, 0, 0, 0, 0, 0])
            pk = self.frag_ip(ip, unfrag, chain, icmp, opts, [8 * n], fid, trailer=trailer)
            how = 'chain cut after %d destopts%s' % (n, ' trailer icmp6 type %d' % trailer[8]
                                                     if trailer else '')
            if r.random() < 0.3:
                pk = pk[::-1]
                how += ' reversed'
        frames = [self.pad(self.l2(edst, A_MAC, tags, 0x86dd) + p) for p in pk]
        return '%s %s %s unfrag=%s' % (cls, how, desc, extstr(unfrag)), frames

    def malformed(self, u):
        r, S = self.r, self.S
        kind = r.choice(['ns', 'na', 'na', 'rs', 'ra'])
        edst, tags, ip, icmp, opts, desc = self.nd(u, kind)
        how = r.choice(['zero-len-opt', 'overrun', 'short-plen', 'long-plen', 'bad-cksum',
                        'lladdr-len2', 'truncated', 'hlim'])
        if how == 'zero-len-opt':
            opts = [bytes([200, 0]) + b'\0' * 6] + opts
        elif how == 'overrun':
            opts = opts + [bytes([200, 8]) + b'\0' * 6]
        elif how == 'lladdr-len2':
            opts = [bytes([1 if kind in ('ns', 'rs', 'ra') else 2, 2]) + fmac(u, 8) + b'\0' * 8] + opts
        f = bytearray(self.nd_frame(edst, tags, ip, [], icmp, opts))
        ipo = 14 + 4 * len(tags)
        plen = struct.unpack_from('!H', f, ipo + 4)[0]
        if how == 'short-plen':
            struct.pack_into('!H', f, ipo + 4, max(0, plen - r.choice([2, 8, 16])))
            f = bytearray(fix_cksum(bytes(f)))
        elif how == 'long-plen':
            struct.pack_into('!H', f, ipo + 4, plen + r.choice([8, 64, 1000]))
        elif how == 'bad-cksum':
            f[ipo + 42] ^= 0x5a
        elif how == 'truncated':
            f = f[:r.randrange(14, len(f))]
        elif how == 'hlim':
            f[ipo + 7] = r.choice([254, 0])
        return 'nd-malformed %s %s' % (how, desc), [bytes(f)]

    def genuine(self, u):
        """The attacker's own traffic, from its MAC or its allowed one, with
        MAGIC + unit at a fixed offset: it must all arrive."""
        S, r = self.S, self.r
        link = r.choice(['lan', 'lan', 'lan', 'vlan10'])
        tags = LINKS[link]['tags']
        victim = r.choice(LINKS[link]['members'])
        src = ALLOWED if r.random() < 0.1 else A_MAC
        mark = MAGIC + struct.pack('!I', u)
        k = r.choice(['arp-request', 'arp-reply', 'ping4', 'ping6', 'ns', 'na', 'rs'])
        vmac, me4, v4 = node_mac(victim), ip4(link, 'att'), ip4(link, victim)
        if k.startswith('arp'):
            op = 1 if k == 'arp-request' else 2
            body = self.arp_body(1, 0x800, 6, 4, op, src, socket.inet_aton(me4),
                                 vmac if op == 2 else b'\0' * 6, socket.inet_aton(v4))
            f = self.l2(BCAST if op == 1 else vmac, src, tags, 0x0806) + body + mark
        elif k == 'ping4':
            f = self.l2(vmac, src, tags, 0x0800) + S.raw(
                S.IP(src=me4, dst=v4, ttl=64) / S.ICMP(id=0x78, seq=u & 0xffff) / S.Raw(mark))
        elif k == 'ping6':
            f = self.l2(vmac, src, tags, 0x86dd) + S.raw(
                S.IPv6(src=ip6(link, 'att'), dst=ip6(link, victim)) /
                S.ICMPv6EchoRequest(id=0x78, seq=u & 0xffff, data=mark))
        else:
            mopt = bytes([253, 2]) + mark + b'\0' * 6
            me6 = ip6(link, 'att')
            if k == 'ns':
                t = ip6(link, victim)
                p = S.IPv6(src=me6, dst=self.solicited(t), hlim=255) / S.ICMPv6ND_NS(tgt=t)
                opts = mopt + bytes([1, 1]) + src
            elif k == 'na':
                p = S.IPv6(src=me6, dst='ff02::1', hlim=255) / S.ICMPv6ND_NA(tgt=me6, R=0, S=0, O=1)
                opts = mopt + bytes([2, 1]) + src
            else:
                p = S.IPv6(src=me6, dst='ff02::2', hlim=255) / S.ICMPv6ND_RS()
                opts = mopt + bytes([1, 1]) + src
            f = self.l2(self.mcast_mac(p.dst), src, tags, 0x86dd) + S.raw(p / S.Raw(opts))
        return 'genuine %s %s->%s from %s' % (k, link, victim, macstr(src)), [self.pad(f)]


def tagstr(tags):
    return '+'.join('%x:%d' % t for t in tags) or '-'


def extstr(chain):
    names = {'IPv6ExtHdrHopByHop': 'hbh', 'IPv6ExtHdrDestOpt': 'dest',
             'IPv6ExtHdrRouting': 'rt'}
    return '+'.join(names.get(type(e).__name__, '?') for e in chain) or '-'


def ip6_start(f):
    """Offset of the IPv6 header past any tags, or -1."""
    off = 12
    while off + 4 <= len(f):
        t = struct.unpack_from('!H', f, off)[0]
        if t in (0x8100, 0x88a8):
            off += 4
            continue
        return off + 2 if t == 0x86dd else -1
    return -1


def walk6(f):
    """(offset of the upper layer, its protocol, [offsets of fragment ids])
    of an IPv6 frame, bounded by the frame, or None."""
    o = ip6_start(f)
    if o < 0 or o + 40 > len(f):
        return None
    nh, p, ids = f[o + 6], o + 40, []
    while nh in (0, 43, 44, 60) and p + 8 <= len(f):
        if nh == 44:
            ids.append(p + 4)
            nh, p = f[p], p + 8
        else:
            nh, p = f[p], p + (f[p + 1] + 1) * 8
    return p, nh, ids


def fix_cksum(f):
    """Recompute the ICMPv6 checksum of a (mutated) frame, over what its
    payload length covers."""
    w = walk6(f)
    o = ip6_start(f)
    if not w or w[1] != 58 or w[0] + 4 > len(f):
        return f
    p = w[0]
    end = min(len(f), o + 40 + struct.unpack_from('!H', f, o + 4)[0])
    if end < p + 4:
        return f
    b = bytearray(f)
    b[p + 2:p + 4] = b'\0\0'
    data = bytes(b[o + 8:o + 40]) + struct.pack('!I3xB', end - p, 58) + bytes(b[p:end])
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    struct.pack_into('!H', b, p + 2, ~s & 0xffff)
    return bytes(b)


def mutate(r, f):
    hows = []
    for _ in range(r.choice([1, 1, 2, 3])):
        how = r.choice(['trunc', 'trailer', 'flip', 'tag', 'untag', 'plen', 'hlim',
                        'etype', 'opt-len'])
        b = bytearray(f)
        if how == 'trunc' and len(b) > 15:
            b = b[:r.randrange(14, len(b))]
        elif how == 'trailer':
            b += bytes(r.randrange(256) for _ in range(r.randrange(1, 41)))
        elif how == 'flip' and len(b) > 12:
            b[r.randrange(12, len(b))] ^= 1 << r.randrange(8)
        elif how == 'tag':
            t = r.choice([0x8100, 0x88a8, 0x9100])
            b[12:12] = struct.pack('!HH', t, r.choice([0, 0, 10, 30, 100, r.randrange(4096)]))
        elif how == 'untag' and struct.unpack_from('!H', b, 12)[0] in (0x8100, 0x88a8):
            del b[12:16]
        elif how in ('plen', 'hlim', 'opt-len'):
            o = ip6_start(bytes(b))
            if o < 0 or o + 40 > len(b):
                continue
            if how == 'plen':
                pl = struct.unpack_from('!H', b, o + 4)[0]
                struct.pack_into('!H', b, o + 4, max(0, min(0xffff, pl + r.choice([-16, -8, -1, 1, 8, 16]))))
            elif how == 'hlim':
                b[o + 7] = r.choice([255, 254, 0, 1])
            else:
                w = walk6(bytes(b))
                if w and w[1] == 58 and w[0] + 26 < len(b):
                    b[r.randrange(w[0] + 8, len(b) - 1) & ~1 | 1] = r.choice([0, 1, 2, 3, 255])
        elif how == 'etype':
            o = 12
            while struct.unpack_from('!H', b, o)[0] in (0x8100, 0x88a8) and o + 6 <= len(b):
                o += 4
            b[o:o + 2] = struct.pack('!H', r.choice([0x0806, 0x86dd, 0x8035, 0x0800, 0x88b5,
                                                     0x8100, 0x88a8, r.randrange(0x600)]))
        else:
            continue
        f = bytes(b)
        hows.append(how)
    if r.random() < 0.6:
        f = fix_cksum(f)
        hows.append('cksum')
    return f, '+'.join(hows) or 'none'


def gen(a):
    """Write a.frames frames or so, in batches by class, to a.out."""
    meta = dict(version=2, seed=a.seed, frames=a.frames,
                source=hash_self())
    if os.path.exists(a.out):
        with open(a.out, 'rb') as f:
            try:
                old = json.loads(f.readline())
                if all(old.get(k) == v for k, v in meta.items()):
                    print('spoof.py: %s is up to date' % a.out, file=sys.stderr)
                    return
            except ValueError:
                pass
    t0 = time.time()
    g = Gen(a.seed)
    r = g.r
    weight = sum(c[1] for c in CLASSES)
    units, u = [], 0
    for b, (cls, w, _) in enumerate(CLASSES):
        budget, got = max(8, a.frames * w // weight), 0
        while got < budget:
            if r.random() < 0.06:
                desc, frames = g.genuine(u)
                c = GENUINE
            else:
                desc, frames = g.unit(cls, u)
                c = b
                got += len(frames)
            units.append((u, b, c, desc, frames))
            u += 1
    assert u < 1 << 20
    meta.update(units=len(units), sent=sum(len(x[4]) for x in units),
                classes=[dict(name=c[0], what=c[2]) for c in CLASSES] +
                [dict(name='genuine', what='the attacker\'s own traffic')])
    tmp = a.out + '.tmp'
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(tmp, 'wb') as f:
        f.write(json.dumps(meta).encode() + b'\n')
        for unit, batch, c, desc, frames in units:
            d = desc.encode()
            f.write(struct.pack('!IBBBH', unit, batch, c, len(frames), len(d)) + d)
            for fr in frames:
                w = walk6(fr)
                ids = w[2] if w else []
                f.write(struct.pack('!HB', len(fr), len(ids)) +
                        b''.join(struct.pack('!H', i) for i in ids) + fr)
    os.rename(tmp, a.out)
    print('spoof.py: %d frames in %d units to %s in %.1f s' % (
        meta['sent'], len(units), a.out, time.time() - t0), file=sys.stderr)


def hash_self():
    import hashlib
    with open(os.path.abspath(__file__), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


# --- reading (guest) ----------------------------------------------------------

class Unit:
    __slots__ = ('id', 'batch', 'cls', 'desc', 'frames', 'ids')


def load(path):
    with open(path, 'rb') as f:
        meta = json.loads(f.readline())
        data = f.read()
    units, p = [], 0
    while p < len(data):
        x = Unit()
        x.id, x.batch, x.cls, n, dl = struct.unpack_from('!IBBBH', data, p)
        p += 9
        x.desc = data[p:p + dl].decode()
        p += dl
        x.frames, x.ids = [], []
        for _ in range(n):
            ln, ni = struct.unpack_from('!HB', data, p)
            p += 3
            x.ids.append(struct.unpack_from('!%dH' % ni, data, p))
            p += 2 * ni
            x.frames.append(data[p:p + ln])
            p += ln
        units.append(x)
    return meta, units


def frames_of(x, salt):
    """The unit's frames, fragment ids xored with salt: each run's
    datagrams are its own, never completed by another run's fragments."""
    if not salt or not any(x.ids):
        return x.frames
    out = []
    for f, ids in zip(x.frames, x.ids):
        b = bytearray(f)
        for i in ids:
            struct.pack_into('!I', b, i, struct.unpack_from('!I', b, i)[0] ^ salt)
        out.append(bytes(b))
    return out


# --- namespaces, sockets, netlink (guest) -------------------------------------

CLONE_NEWNET = 0x40000000
NETLINK_ROUTE = 0
RTMGRP_NEIGH = 4
RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
NLMSG_ERROR, NLMSG_DONE = 2, 3
NDA_DST, NDA_LLADDR = 1, 2
AF_BRIDGE = 7
NUD = {0x01: 'INCOMPLETE', 0x02: 'REACHABLE', 0x04: 'STALE', 0x08: 'DELAY',
       0x10: 'PROBE', 0x20: 'FAILED', 0x40: 'NOARP', 0x80: 'PERMANENT'}
_libc = ctypes.CDLL(None, use_errno=True)
HOME_NS = os.open('/proc/self/ns/net', os.O_RDONLY)	# '-': where spoof.py started


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns')


class Place:
    """A victim (or the attacker): its namespace ('-' for the host's) and
    device; what happens inside runs there."""

    def __init__(self, spec):
        self.name, self.ns, self.dev = spec.split(':')
        self.path = None if self.ns == '-' else '/run/netns/' + self.ns

    def __enter__(self):
        self.back = os.open('/proc/self/ns/net', os.O_RDONLY)
        if self.path is None:
            setns(HOME_NS)
            return self
        fd = os.open(self.path, os.O_RDONLY)
        try:
            setns(fd)
        finally:
            os.close(fd)
        return self

    def __exit__(self, *exc):
        setns(self.back)
        os.close(self.back)


def magic_filter():
    """Classic BPF: accept a frame only if MAGIC is at one of MAGIC_OFFSETS."""
    k = struct.unpack('!I', MAGIC)[0]
    prog = []
    for i, off in enumerate(MAGIC_OFFSETS):
        left = len(MAGIC_OFFSETS) - i - 1
        prog.append((0x20, 0, 0, off))			# ld [off]
        prog.append((0x15, 2 * left + 1, 0, k))		# jeq k, accept
    prog += [(0x06, 0, 0, 0), (0x06, 0, 0, 0xffff)]	# drop; accept
    buf = ctypes.create_string_buffer(b''.join(struct.pack('HBBI', *i) for i in prog))
    return buf, struct.pack('HL', len(prog), ctypes.addressof(buf))


def drain(s):
    while True:
        try:
            s.recv(1 << 16, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return


def nl_socket(groups=0):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)	# SO_RCVBUFFORCE
    s.bind((0, groups))
    return s


def nl_msgs(data):
    p = 0
    while p + 16 <= len(data):
        ln, typ, flags, seq, pid = struct.unpack_from('=IHHII', data, p)
        if ln < 16:
            return
        yield typ, data[p + 16:p + ln]
        p += (ln + 3) & ~3


def parse_neigh(typ, body, names):
    """(forged?, text) of an RTM_NEWNEIGH/DELNEIGH, as ip(8) prints it."""
    fam, ifindex, state, flags, ntype = struct.unpack_from('=BxxxiHBB', body)
    p, dst, ll = 12, None, None
    while p + 4 <= len(body):
        ln, at = struct.unpack_from('=HH', body, p)
        if ln < 4:
            break
        v = body[p + 4:p + ln]
        if at == NDA_DST:
            dst = v
        elif at == NDA_LLADDR:
            ll = v
        p += (ln + 3) & ~3
    dev = names.get(ifindex, str(ifindex))
    lls = macstr(ll) if ll and len(ll) == 6 else ''
    if fam == AF_BRIDGE:
        text = '%s dev %s%s' % (lls, dev, ' master' if flags & 4 else '')
    else:
        a = socket.inet_ntop(socket.AF_INET if len(dst or b'') == 4 else socket.AF_INET6, dst) \
            if dst and len(dst) in (4, 16) else '?'
        text = '%s dev %s lladdr %s %s' % (a, dev, lls, NUD.get(state, hex(state)))
    if typ == RTM_DELNEIGH:
        text = 'Deleted ' + text
    return fam, ll, dst, ifindex, text


def forged(ll):
    return ll is not None and len(ll) == 6 and ll[1:3] == b'\x5f\x00' and ll[0] in (2, 3)


def dump_neigh(place, bridge=False):
    """Every neighbour entry (and FDB entry with bridge) in place's
    namespace: [(family, lladdr, dst, ifindex, text)]."""
    with place:
        names = dict(socket.if_nameindex())
        s = nl_socket()
        out = []
        for fam in ([0, AF_BRIDGE] if bridge else [0]):
            s.send(struct.pack('=IHHII', 28, RTM_GETNEIGH, 0x301, 1, 0) +
                   struct.pack('=BxxxiHBB', fam, 0, 0, 0, 0))
            done = False
            while not done:
                for typ, body in nl_msgs(s.recv(1 << 20)):
                    if typ in (NLMSG_DONE, NLMSG_ERROR):
                        done = True
                        break
                    if typ == RTM_NEWNEIGH:
                        out.append(parse_neigh(typ, body, names))
        s.close()
    return out


def neigh_replace(place, fam, ifindex, dst, ll):
    """Put an entry back to a neutral MAC, STALE, as after other traffic."""
    with place:
        s = nl_socket()
        attrs = struct.pack('=HH', 4 + len(dst), NDA_DST) + dst + b'\0' * (-len(dst) % 4) + \
            struct.pack('=HH', 10, NDA_LLADDR) + ll + b'\0\0'
        body = struct.pack('=BxxxiHBB', fam, ifindex, 0x04, 0, 0) + attrs
        s.send(struct.pack('=IHHII', 16 + len(body), RTM_NEWNEIGH, 0x1 | 0x4 | 0x100 | 0x400,
                           1, 0) + body)
        s.recv(4096)
        s.close()


def counters(dev):
    try:
        out = subprocess.run([os.environ.get('PMODECTL', 'pmodectl'), '-j', '-s', 'adapter',
                              'show', 'dev', dev], capture_output=True, text=True, timeout=30)
        return json.loads(out.stdout)[0]['stats']
    except (ValueError, IndexError, KeyError, OSError, subprocess.SubprocessError):
        return None


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# --- the run (guest) ----------------------------------------------------------

def watch(rx, nl, stop_fd, out_fd):
    """Child: the genuine units each receiver got (to it, broadcast or
    multicast) and every neighbour/FDB change holding a forged MAC, until
    stop_fd is readable; then report on out_fd."""
    got = {name: set() for name in rx}
    learned = {}
    events = {name: 0 for name, _, _ in nl}
    overflow = {}
    socks = {s.fileno(): ('rx', name, s) for name, s in rx.items()}
    socks.update({s.fileno(): ('nl', name, (s, names)) for name, s, names in nl})
    fds = list(socks) + [stop_fd]
    stopping = None
    while True:
        r, _, _ = select.select(fds, [], [], 0.2 if stopping else 5)
        if stop_fd in r:	# take what is queued, for at most two seconds
            stopping = time.monotonic() + 2
            fds.remove(stop_fd)
            r.remove(stop_fd)
        if stopping and (not r or time.monotonic() > stopping):
            break
        for fd in r:
            kind, name, s = socks[fd]
            if kind == 'rx':
                try:
                    f, addr = s.recvfrom(1 << 16, socket.MSG_DONTWAIT)
                except BlockingIOError:
                    continue
                if addr[2] > 2:		# outgoing, or another host's unicast
                    continue
                for off in MAGIC_OFFSETS:
                    if f[off:off + 4] == MAGIC:
                        got[name].add(struct.unpack_from('!I', f, off + 4)[0])
                        break
                continue
            s, names = s
            try:
                data = s.recv(1 << 20, socket.MSG_DONTWAIT)
            except BlockingIOError:
                continue
            except OSError:		# ENOBUFS: events were lost
                overflow[name] = overflow.get(name, 0) + 1
                continue
            for typ, body in nl_msgs(data):
                if typ not in (RTM_NEWNEIGH, RTM_DELNEIGH):
                    continue
                fam, ll, _, _, text = parse_neigh(typ, body, names)
                who = 'fdb' if fam == AF_BRIDGE else name
                events[who] = events.get(who, 0) + 1
                if forged(ll):
                    learned.setdefault(who, {}).setdefault(macstr(ll), 'monitor: ' + text)
    os.write(out_fd, json.dumps(dict(got={k: sorted(v) for k, v in got.items()},
                                     learned=learned, events=events,
                                     overflow=overflow)).encode())


def expected_receivers(f, names):
    dst = f[:6]
    if dst[0] & 1:
        return set(names)
    return {n for n in names if node_mac(n) == dst}


def send_units(tx, units, meta, salt, port, names):
    """Send the units, batch after batch; pmode's counters around each."""
    batches, expect = [], {n: set() for n in names}
    cur, before = None, counters(port) if port else None
    sent = attack = 0
    t0 = time.monotonic()

    def close():
        time.sleep(0.05)
        after = counters(port) if port else None
        cur['seconds'] = round(time.monotonic() - cur.pop('t0'), 3)
        if before and after:
            cur['dropped'] = {k: after[k] - before[k] for k in after if after[k] != before[k]}
        batches.append(cur)
        return after

    for x in units:
        if cur is None or x.batch != cur['batch']:
            if cur is not None:
                before = close()
            cur = dict(batch=x.batch, name=meta['classes'][x.batch]['name'], units=0,
                       frames=0, genuine=0, t0=time.monotonic())
        for f in frames_of(x, salt):
            try:
                tx.send(f)
            except OSError as e:
                log('spoof.py: unit %d: %s' % (x.id, e))
                continue
            sent += 1
            if x.cls == GENUINE:
                cur['genuine'] += 1
                for n in expected_receivers(f, names):
                    expect[n].add(x.id)
            else:
                attack += 1
                cur['frames'] += 1
        cur['units'] += 1
    if cur is not None:
        close()
    return dict(sent=sent, attack_frames=attack, genuine_frames=sent - attack,
                seconds=round(time.monotonic() - t0, 2), batches=batches), expect


ROLE_DESC = {
    'v1': 'v1 (Linux defaults, 802.1Q VLAN 10)',
    'v2': 'v2 (lenient host: arp_accept, fragmented ND taken, 802.1ad+802.1Q)',
    'v3': 'v3 (router: forwarding, accept_untracked_na, arp_accept, fragmented ND taken)',
    'host': 'the host (br0, Linux defaults)',
    'fdb': "the bridge's FDB",
}


def idle_here():
    """The classes that may teach nobody unprotected on this kernel."""
    series = '.'.join(os.uname().release.split('.')[:2])
    return dict(IGNORED, **KERNEL_IDLE.get(series, {}))


def run(a):
    t_start = time.monotonic()
    meta, units = load(a.file)
    if a.max_frames:	# the first units of every batch, as many frames in all
        share = a.max_frames // (1 + max(x.batch for x in units))
        n, keep = {}, []
        for x in units:
            if n.get(x.batch, 0) < share:
                keep.append(x)
                n[x.batch] = n.get(x.batch, 0) + len(x.frames)
        units = keep
    by_id = {x.id: x for x in units}
    names_cls = [c['name'] for c in meta['classes']]
    att = Place(a.attacker)
    victims = [Place(v) for v in a.victims.split(',')]
    host = next(v for v in victims if v.ns == '-')
    # Every socket is opened, and listening, before the first frame.
    with att:
        tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)	# sends only
        tx.bind((att.dev, 0))
    rx, nl, keep = {}, [], []
    for v in victims:
        with v:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            buf, prog = magic_filter()
            keep.append(buf)
            s.setsockopt(socket.SOL_SOCKET, 26, prog)		# SO_ATTACH_FILTER
            s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
            s.bind((v.dev, 0))
            drain(s)		# what came before the filter
            rx[v.name] = s
            nl.append((v.name, nl_socket(RTMGRP_NEIGH), dict(socket.if_nameindex())))
    stop_r, stop_w = os.pipe()
    out_r, out_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(stop_w)
        os.close(out_r)
        try:
            watch(rx, nl, stop_r, out_w)
        finally:
            os._exit(0)
    os.close(stop_r)
    os.close(out_w)
    for s in list(rx.values()) + [x[1] for x in nl]:
        s.close()
    log('# %s: %d units loaded, sockets open in %.1f s' % (a.run, len(units), time.monotonic() - t_start))
    rep, expect = send_units(tx, units, meta, a.salt, a.port, [v.name for v in victims])
    time.sleep(1.5)		# stragglers: softirq backlog, reassembly
    os.write(stop_w, b'x')
    res = b''
    while True:
        chunk = os.read(out_r, 1 << 20)
        if not chunk:
            break
        res += chunk
    os.waitpid(pid, 0)
    w = json.loads(res)
    log('# %s: sent, watched, in %.1f s' % (a.run, time.monotonic() - t_start))
    stats = counters(a.port) if a.port else None
    # The tables after the run, as a second look.
    learned = {v: dict(w['learned'].get(v, {})) for v in [x.name for x in victims] + ['fdb']}
    tables = {}
    for v in victims:
        tables[v.name] = dump_neigh(v, bridge=v is host)
    checked = {}
    for v in victims:
        rows = tables[v.name]
        log('# %s: %s after the run:' % (a.run, v.name))
        for fam, ll, dst, ifx, text in rows:
            who = 'fdb' if fam == AF_BRIDGE else v.name
            checked[who] = checked.get(who, 0) + 1
            if who == v.name:
                log('#   ' + text)
            if forged(ll):
                learned[who].setdefault(macstr(ll), 'table: ' + text)
        if v is host:
            log('# %s: fdb after the run:' % a.run)
            for fam, ll, dst, ifx, text in rows:
                if fam == AF_BRIDGE:
                    log('#   ' + text)
    t_done = time.monotonic()

    # --- what the attack did
    print('# %s: %d frames sent (%d attack, %d genuine) in %.1f s (%d a second); '
          'whole run %.1f s' % (a.run, rep['sent'], rep['attack_frames'], rep['genuine_frames'],
                                rep['seconds'], rep['sent'] / max(rep['seconds'], 0.001),
                                t_done - t_start))
    for b in rep['batches']:
        print('#   %-15s units %5d attack frames %6d genuine %4d %6.2f s; pmode dropped %s' % (
            b['name'], b['units'], b['frames'], b['genuine'], b['seconds'],
            ', '.join('%s %d' % kv for kv in sorted(b.get('dropped', {}).items())) or '-'))
    short = {n: x for n, x in expect.items() if not x <= set(w['got'][n])}
    # None sent, or none meant for a victim, and nothing could be missed.
    short.update({n: x for n, x in expect.items() if not x})
    t = Tap(a.run + ': ')
    t.ok(not short and rep['genuine_frames'] > 0, 'every genuine frame arrived, '
         'and each victim was sent some (%d sent; %s)' % (
        rep['genuine_frames'],
        ', '.join('%s %d/%d' % (n, len(x & set(w['got'][n])), len(x)) for n, x in expect.items())))
    for n, x in short.items():
        print('#   %s missed genuine units %s' % (n, sorted(x - set(w['got'][n]))[:20]))
    if a.port:
        before = {}
        for b in rep['batches']:
            for k, v in b.get('dropped', {}).items():
                before[k] = before.get(k, 0) + v
        reasons = ('forged-src', 'forged-arp', 'forged-nd', 'malformed', 'invalid-src')
        n = sum(before.get(k, 0) for k in reasons)
        t.ok(0 < n <= rep['attack_frames'],
             'pmode dropped %d of %d attack frames (%s; foreign-dst %d on delivery)' % (
                 n, rep['attack_frames'],
                 ', '.join('%s %d' % (k, before.get(k, 0)) for k in reasons),
                 before.get('foreign-dst', 0)))
        log('# %s: pmode counters at the end: %s' % (a.run, json.dumps(stats)))
    if w['overflow']:
        t.ok(a.run == 'control', 'the neighbour monitors lost no event (lost some in %s; '
             'the tables after the run were still checked)' % ', '.join(w['overflow']))

    # --- what the victims learned, by class
    per_class = {}
    for v, macs in learned.items():
        for m in macs:
            x = by_id.get(unfmac(m)[1])
            per_class.setdefault(names_cls[x.cls] if x else '?', {}).setdefault(v, set()).add(m)
    where = list(learned)
    control = {}
    if a.control and os.path.exists(a.control):
        with open(a.control) as f:
            control = json.load(f)
    print('# %s: forged MACs learned, by class and victim%s:' % (
        a.run, ' (and in the control run)' if control else ''))
    for cls in names_cls[:-1]:
        row = per_class.get(cls, {})
        now = ', '.join('%s %d' % (v, len(row[v])) for v in where if v in row) or 'none'
        print('#   %-15s %s%s' % (cls, now, '  [control: %s]' % (
            ', '.join('%s %d' % kv for kv in sorted(control.get(cls, {}).items())) or 'none')
            if control else ''))
    total = sum(len(m) for m in learned.values())
    if a.run == 'control':
        # Every victim must be seen learning, or its verdict could not fail.
        summary = ', '.join('%s %d' % (v, len(learned[v])) for v in where)
        t.ok(all(learned.values()), 'the oracle sees an unprotected attack, from an '
             'unregistered port: %d forged MACs learned (%s)' % (total, summary))
        idle = [c for c in names_cls if c not in per_class and c != 'genuine']
        print('# classes that teach no victim even unprotected: %s' % (', '.join(idle) or 'none'))
        # A class that teaches nobody here would pass protected whatever
        # pmode does: only those Linux ignores may.
        lost = [c for c in idle if c not in idle_here()]
        t.ok(not lost, 'every class teaches some victim unprotected, but those that cannot '
             'here (%s)' % ', '.join(sorted(idle_here())),
             'teach nobody: %s (a broken builder, or a kernel that changed?)' % ', '.join(lost))
        if a.save:
            with open(a.save, 'w') as f:
                json.dump({c: {v: len(m) for v, m in r.items()} for c, r in per_class.items()}, f)
        for v, macs in learned.items():
            for m, ev in sorted(macs.items())[:3]:
                x = by_id.get(unfmac(m)[1])
                log('# control: %s learned %s from unit %d (%s) -- %s' % (
                    v, m, unfmac(m)[1], x.desc if x else '?', ev))
        return
    if control:
        # No verdict of its own for a class that taught nobody unprotected.
        for c in names_cls[:-1]:
            if c not in control:
                t.skip('%s: no victim learned a forged MAC from them' % c,
                       'they taught no victim unprotected either (%s)' %
                       idle_here().get(c, 'see the control run'))
    culprits = []
    for v in where:
        macs = learned[v]
        if not macs:
            t.ok(True, '%s learned no forged MAC (%d neighbour/FDB changes watched, %d '
                 'entries after)' % (ROLE_DESC.get(v, v), w['events'].get(v, 0),
                                     checked.get(v, 0)))
            continue
        cl = {}
        for m in macs:
            x = by_id.get(unfmac(m)[1])
            cl.setdefault(names_cls[x.cls] if x else '?', []).append(m)
        t.ok(False, '%s learned no forged MAC (learned %d: %s)' % (
            ROLE_DESC.get(v, v), len(macs),
            ', '.join('%s %d' % (c, len(ms)) for c, ms in sorted(cl.items()))))
        for c, ms in sorted(cl.items()):
            m = sorted(ms)[0]
            role, uid = unfmac(m)
            x = by_id.get(uid)
            print('#   e.g. %s: %s (%s of unit %d: %s) -- %s' % (
                c, m, ROLES[role] if role < len(ROLES) else role, uid, x.desc if x else '?',
                macs[m]))
            if x and not any(u.cls == x.cls for u in culprits):
                culprits.append(x)
        for m, ev in sorted(macs.items()):
            role, uid = unfmac(m)
            x = by_id.get(uid)
            log('# %s: %s learned %s (%s of unit %d: %s) -- %s' % (
                a.run, v, m, ROLES[role] if role < len(ROLES) else role, uid,
                x.desc if x else '?', ev))
    if culprits and a.replay:
        replay(culprits, tx, victims, names_cls, deadline=time.monotonic() + a.replay)


def replay(units, tx, victims, names_cls, deadline):
    """Each unit alone, after every victim's forged entries were put back
    to a neutral MAC: who learns its MACs?"""
    neutral = mac('02:00:00:78:00:ee')
    for n, x in enumerate(units):
        if time.monotonic() > deadline:
            print('# replay: out of time before unit %d' % x.id)
            break
        for v in victims:
            for fam, ll, dst, ifx, text in dump_neigh(v):
                if forged(ll) and dst:
                    neigh_replace(v, fam, ifx, dst, neutral)
        time.sleep(1.1)		# past the ARP lock time
        for f in frames_of(x, 0x3c3c0000 + n):
            tx.send(f)
        time.sleep(0.5)
        hits = []
        for v in victims:
            for fam, ll, dst, ifx, text in dump_neigh(v):
                if forged(ll) and unfmac(macstr(ll))[1] == x.id:
                    hits.append('%s: %s' % (v.name, text))
        print('# unit %d (%s) alone: %s' % (x.id, names_cls[x.cls],
                                           '; '.join(hits) or 'nobody learned it alone'))
        print('#   %s' % x.desc)
        for f in x.frames:
            print('#   %s' % f.hex())


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='op', required=True)
    g = sub.add_parser('gen')
    g.add_argument('--frames', type=int, default=3000)
    g.add_argument('--seed', type=int, default=1)
    g.add_argument('--out', required=True)
    sub.add_parser('topo')
    t = sub.add_parser('run')
    t.add_argument('file')
    t.add_argument('--run', required=True, help='control or protected')
    t.add_argument('--attacker', required=True, help='NAME:NS:IFACE')
    t.add_argument('--victims', required=True, help='NAME:NS:IFACE,... (NS - for the host)')
    t.add_argument('--port', default='', help="the attacker's port, for pmode's counters")
    t.add_argument('--salt', type=lambda s: int(s, 0), default=0)
    t.add_argument('--max-frames', type=int, default=0)
    t.add_argument('--save', default='', help="where the control run's findings go")
    t.add_argument('--control', default='', help="the control run's findings")
    t.add_argument('--replay', type=float, default=0,
                   help='seconds to send each culprit alone, after a failure')
    a = ap.parse_args()
    if a.op == 'gen':
        gen(a)
    elif a.op == 'topo':
        topo()
    else:
        run(a)


if __name__ == '__main__':
    main()
