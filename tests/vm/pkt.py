#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send and count Ethernet frames for the end-to-end tests (stdlib only).

  pkt.py send IFACE|tap:NAME|macvtap:NAME --src MAC --dst MAC [--vlan TPID:VID,...]
         [--count N] [--marker M] [--kind raw|arp|na|ns|udp4|udp6] [--lladdr MAC]
  pkt.py send ... --kind redirect --ip6-src IP --ip6-dst IP --target IP --dest IP
         [--lladdr MAC]   an ICMPv6 Redirect: DEST is better reached via
         TARGET, whose link-layer address is LLADDR
  pkt.py send ... --kind dhcp [--lladdr MAC] [--request IP]   a DHCPDISCOVER
         whose client hardware address is LLADDR, asking for IP
  pkt.py recv IFACE|tap:NAME --marker M --timeout SECS [--expect N]
  pkt.py hex [--src ...]   the bytes send would send, in hex
  pkt.py flood IFACE|tap:NAME SRC>DST[/arp:LLADDR]... (--until FILE | --seconds S)
         [--pace N]

'tap:NAME' opens the persistent tap NAME through /dev/net/tun, as QEMU
does: frames written there are what the VM transmits, frames read there
are what the host delivers to it; 'macvtap:NAME' opens a macvtap's
/dev/tapN the same way. recv prints the number of frames that
carry the marker (for arp/na/ns: the marker is in the sender/target IP).
flood sends the frames named, in turn, from IFACE (a SRC of 'self' is
IFACE's own MAC; '/arp:LLADDR' makes the frame an ARP reply whose sender
is LLADDR), for S seconds or until FILE exists, resting 10 ms every N
frames (0: never) to leave an emulated CPU to the control path.
"""
import argparse
import fcntl
import os
import select
import socket
import struct
import time

TUNSETIFF = 0x400454ca
IFF_TAP, IFF_NO_PI = 0x0002, 0x1000
ETH_P_ALL = 0x0003
EXPERIMENTAL = 0x88b5


def mac(s):
    return bytes.fromhex(s.replace(':', ''))


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ''


def wait_forwarding(dev, timeout=5):
    """Opening a tap raises its carrier; link-watch and the bridge port
    follow asynchronously. Wait until the port forwards, as a VM would
    before its first frame matters."""
    end = time.monotonic() + timeout
    sysfs = '/sys/class/net/' + dev
    while time.monotonic() < end:
        up = read(sysfs + '/operstate') in ('up', 'unknown')
        brport = os.path.exists(sysfs + '/brport')
        if up and (not brport or read(sysfs + '/brport/state') == '3'):
            return
        time.sleep(0.05)


def open_port(name):
    if name.startswith('tap:'):
        fd = os.open('/dev/net/tun', os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF,
                    struct.pack('16sH', name[4:].encode(), IFF_TAP | IFF_NO_PI))
        wait_forwarding(name[4:])
        return ('tap', fd)
    if name.startswith('macvtap:'):
        # /dev/tapIFINDEX, as libvirt hands it to QEMU; TUNSETIFF without
        # IFF_VNET_HDR makes it carry plain frames.
        dev = name[8:]
        fd = os.open('/dev/tap' + read('/sys/class/net/%s/ifindex' % dev),
                     os.O_RDWR)
        fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', b'', IFF_TAP | IFF_NO_PI))
        wait_forwarding(dev)
        return ('tap', fd)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, 0))
    return ('sock', s)


def icmp6_checksum(src, dst, payload, nh=58):
    pseudo = src + dst + struct.pack('!I3xB', len(payload), nh)
    data = pseudo + payload + (b'\0' if len(payload) % 2 else b'')
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return struct.pack('!H', ~s & 0xffff)


def frame(a):
    hdr = mac(a.dst) + mac(a.src)
    for tag in filter(None, a.vlan.split(',')):
        tpid, vid = tag.split(':')
        hdr += struct.pack('!HH', int(tpid, 16), int(vid))
    marker = a.marker.encode()
    lladdr = mac(a.lladdr or a.src)
    if a.kind == 'arp':
        # Reply, sender hw = lladdr, sender IP 10.99.<marker>
        body = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) + lladdr + \
            bytes([10, 99, 0, int(a.marker) % 256]) + mac(a.dst) + bytes([10, 99, 0, 1])
        return hdr + struct.pack('!H', 0x0806) + body + b'\0' * 18
    if a.kind == 'redirect':
        src_ip = socket.inet_pton(socket.AF_INET6, a.ip6_src)
        dst_ip = socket.inet_pton(socket.AF_INET6, a.ip6_dst)
        icmp = struct.pack('!BBHI', 137, 0, 0, 0) + \
            socket.inet_pton(socket.AF_INET6, a.target) + \
            socket.inet_pton(socket.AF_INET6, a.dest) + struct.pack('!BB', 2, 1) + lladdr
        icmp = icmp[:2] + icmp6_checksum(src_ip, dst_ip, icmp) + icmp[4:]
        ip6 = struct.pack('!IHBB', 0x60000000, len(icmp), 58, 255) + src_ip + dst_ip
        return hdr + struct.pack('!H', 0x86dd) + ip6 + icmp
    if a.kind in ('na', 'ns'):
        src_ip = bytes.fromhex('fe80' + '00' * 12 + '%04x' % int(a.marker))
        dst_ip = bytes.fromhex('ff02' + '00' * 13 + '01')
        target = src_ip
        if a.kind == 'na':
            icmp = struct.pack('!BBHI', 136, 0, 0, 0x20000000) + target + \
                struct.pack('!BB', 2, 1) + lladdr
        else:
            icmp = struct.pack('!BBHI', 135, 0, 0, 0) + target + \
                struct.pack('!BB', 1, 1) + lladdr
        icmp = icmp[:2] + icmp6_checksum(src_ip, dst_ip, icmp) + icmp[4:]
        ip6 = struct.pack('!IHBB', 0x60000000, len(icmp), 58, 255) + src_ip + dst_ip
        return hdr + struct.pack('!H', 0x86dd) + ip6 + icmp
    if a.kind in ('udp4', 'udp6'):
        # UDP to the discard port, what pmode's inline check judges.
        payload = b'PMODE' + marker + b'\0' * 24
        udp = struct.pack('!HHHH', 9, 9, 8 + len(payload), 0) + payload
        if a.kind == 'udp6':
            src_ip = socket.inet_pton(socket.AF_INET6, 'fd99::2')
            dst_ip = socket.inet_pton(socket.AF_INET6, 'fd99::1')
            udp = udp[:6] + icmp6_checksum(src_ip, dst_ip, udp, 17) + udp[8:]
            ip6 = struct.pack('!IHBB', 0x60000000, len(udp), 17, 64) + src_ip + dst_ip
            return hdr + struct.pack('!H', 0x86dd) + ip6 + udp
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         bytes([10, 99, 0, 2]), bytes([10, 99, 0, 1]))
        s = sum(struct.unpack('!10H', ip))
        s = (s & 0xffff) + (s >> 16)
        ip = ip[:10] + struct.pack('!H', ~(s + (s >> 16)) & 0xffff) + ip[12:]
        return hdr + struct.pack('!H', 0x0800) + ip + udp
    if a.kind == 'dhcp':
        bootp = struct.pack('!BBBBIHH', 1, 1, 6, 0, 0x504d0000 + int(a.marker), 0, 0) + \
            b'\0' * 16 + lladdr + b'\0' * 10 + b'\0' * 192 + bytes([99, 130, 83, 99]) + \
            bytes([53, 1, 1, 50, 4]) + socket.inet_aton(a.request) + bytes([255])
        udp = struct.pack('!HHHH', 68, 67, 8 + len(bootp), 0) + bootp
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                         bytes(4), bytes([255] * 4))
        s = sum(struct.unpack('!10H', ip))
        s = (s & 0xffff) + (s >> 16)
        ip = ip[:10] + struct.pack('!H', ~(s + (s >> 16)) & 0xffff) + ip[12:]
        return hdr + struct.pack('!H', 0x0800) + ip + udp
    return hdr + struct.pack('!H', EXPERIMENTAL) + b'PMODE' + marker + b'\0' * 40


def matches(f, a):
    """Does frame f carry the marker, whatever kind of frame it is?"""
    marker = a.marker.encode()
    if b'PMODE' + marker + b'\0' in f:
        return True
    if not a.marker.isdigit():
        return False
    if b'\x08\x06' in f[12:24] and bytes([10, 99, 0, int(a.marker) % 256]) in f:
        return True
    return bytes.fromhex('fe80' + '00' * 12 + '%04x' % int(a.marker)) in f


def flood(a):
    """Send a.frames in turn from a.port until a.until exists (at a
    multiple of 512 frames, so that every kind went out as often) or for
    a.seconds."""
    if a.port.startswith('tap:'):
        # What the VM behind the tap transmits ('self': the tap's MAC).
        _, fd = open_port(a.port)
        send = lambda f: os.write(fd, f)   # noqa: E731
        me = read('/sys/class/net/%s/address' % a.port[4:])
    else:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((a.port, 0))
        send = s.send
        me = read('/sys/class/net/%s/address' % a.port)
    fs = []
    for spec in a.frames:
        src, _, dst = spec.partition('>')
        dst, _, kind = dst.partition('/')
        f = argparse.Namespace(src=me if src == 'self' else src, dst=dst, vlan='',
                               marker=str(len(fs) + 1), kind='raw', lladdr='')
        if kind:
            f.kind, _, f.lladdr = kind.partition(':')
        fs.append(frame(f))
    end = time.monotonic() + a.seconds if a.seconds else None
    n = 0
    while True:
        if end is not None and time.monotonic() >= end:
            break
        if a.until and n % 512 == 0 and os.path.exists(a.until):
            break
        try:
            send(fs[n % len(fs)])
        except OSError:
            time.sleep(0.01)     # the port down while its peer moves
        n += 1
        if a.pace and n % a.pace == 0:
            time.sleep(0.01)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('op', choices=['send', 'recv', 'hex', 'flood'])
    ap.add_argument('port', nargs='?', default='')
    ap.add_argument('frames', nargs='*')
    ap.add_argument('--src', default='02:00:00:00:00:01')
    ap.add_argument('--dst', default='ff:ff:ff:ff:ff:ff')
    ap.add_argument('--lladdr', default='')
    ap.add_argument('--vlan', default='')
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--marker', default='1')
    ap.add_argument('--kind', default='raw',
                    choices=['raw', 'arp', 'na', 'ns', 'redirect', 'dhcp', 'udp4', 'udp6'])
    ap.add_argument('--request', default='0.0.0.0')
    ap.add_argument('--ip6-src', default='fe80::1')
    ap.add_argument('--ip6-dst', default='ff02::1')
    ap.add_argument('--target', default='fe80::2')
    ap.add_argument('--dest', default='fe80::3')
    ap.add_argument('--timeout', type=float, default=2)
    ap.add_argument('--expect', type=int, default=-1)
    ap.add_argument('--ready', default='', help='file created once listening')
    ap.add_argument('--until', default='',
                    help='stop, after taking what is queued, once this file exists')
    ap.add_argument('--seconds', type=float, default=0)
    ap.add_argument('--pace', type=int, default=0)
    # Options may come before the frames: flood IFACE --until FILE FRAME...
    a = ap.parse_intermixed_args()
    if a.op == 'hex':
        print(frame(a).hex())
        return
    if a.op == 'flood':
        flood(a)
        return
    kind, p = open_port(a.port)
    if a.ready:
        open(a.ready, 'w').close()
    if a.op == 'send':
        f = frame(a)
        # Every frame goes out whole, or the sender fails: a count of what
        # arrived means nothing without what was sent.
        for i in range(a.count):
            n = os.write(p, f) if kind == 'tap' else p.send(f)
            if n != len(f):
                raise SystemExit('pkt.py: frame %d of %d: %d of %d bytes sent'
                                 % (i + 1, a.count, n, len(f)))
        return
    n = 0
    end = time.monotonic() + a.timeout
    fd = p if kind == 'tap' else p.fileno()
    stopping = False
    while time.monotonic() < end and n != a.expect:
        # With --until, the window closes when the caller says so (its
        # sender has finished), however slowly the sender started.
        if a.until and not stopping and os.path.exists(a.until):
            stopping = True
        wait = 0 if stopping else max(0, end - time.monotonic())
        if a.until and not stopping:
            wait = min(wait, 0.05)
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            if stopping or not a.until:
                break
            continue
        f = os.read(p, 65536) if kind == 'tap' else p.recv(65536)
        if matches(f, a):
            n += 1
    print(n)


if __name__ == '__main__':
    main()
