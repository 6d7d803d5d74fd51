#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz the pmode generic netlink family from userspace.

Sends COUNT messages to the family: random ones and mutations of valid
requests (wrong types and lengths, missing and repeated attributes, nested
garbage, truncated headers, unknown commands, reserved header bits, dumps
abandoned midway). Every request the kernel accepts is applied to a model of
the adapter table, the feature gate and the grants; every --every messages
and at the end the model must equal what the kernel reports, so a refused
request changed nothing and an accepted one did what it says. For requests
sent unmutated the model also predicts the answer (0 or which errno), and no
VM may hold promisc on two adapters of one network.

Usage: nlfuzz.py [--count N] [--seed S] [--ports veth0,veth1,...]
Prints TAP lines. Run it as root and again as an unprivileged user (then
every change must be refused and the model stays empty of changes).
"""
import argparse
import errno
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from tap import Tap  # noqa: E402

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000

CMD_NEW, CMD_DEL, CMD_SET, CMD_GET = 1, 2, 3, 4
CMD_FEATURE_GET, CMD_FEATURE_SET = 5, 6
CMD_GRANT_NEW, CMD_GRANT_DEL, CMD_GRANT_GET = 7, 8, 9
A_IFINDEX, A_IFNAME, A_VM, A_MAC, A_NETWORK, A_MASTER, A_OWNER = 2, 3, 4, 5, 6, 7, 8
A_PROMISC, A_AS_UID, A_ALLOWED, A_ALLOW_ADD, A_ALLOW_DEL = 9, 10, 11, 12, 13
A_FEATURE, A_UID = 16, 17
A_MAX = 21


def attr(t, data):
    n = 4 + len(data)
    return struct.pack('HH', n, t) + data + b'\0' * (-n % 4)


def parse(b):
    out = {}
    while len(b) >= 4:
        n, t = struct.unpack('HH', b[:4])
        if n < 4:
            break
        out.setdefault(t & 0x3fff, []).append(b[4:n])
        b = b[(n + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.settimeout(10)
        self.seq = 0
        err, msgs = self.request(0x10, 3, attr(2, b'pmode\0'), version=1)
        if err:
            raise OSError(-err, 'pmode family not found')
        self.family = struct.unpack('H', msgs[0][1][0])[0]

    def send_raw(self, raw):
        self.s.send(raw)

    def header(self, family, cmd, payload, flags, version=1, reserved=0,
               length=None):
        self.seq += 1
        body = struct.pack('BBH', cmd, version, reserved) + payload
        n = 16 + len(body) if length is None else length
        return struct.pack('IHHII', n, family, flags, self.seq, 0) + body

    def request(self, family, cmd, payload=b'', flags=NLM_F_ACK, **kw):
        self.send_raw(self.header(family, cmd, payload,
                                  NLM_F_REQUEST | flags, **kw))
        return self.collect()

    def collect(self):
        msgs = []
        while True:
            d = self.s.recv(1 << 16)
            while len(d) >= 16:
                n, t, f, seq, _ = struct.unpack('IHHII', d[:16])
                if seq == self.seq:
                    if t == NLMSG_ERROR:
                        return struct.unpack('i', d[16:20])[0], msgs
                    if t == NLMSG_DONE:
                        return struct.unpack('i', d[16:20])[0], msgs
                    msgs.append(parse(d[20:n]))
                if n < 16:
                    break
                d = d[(n + 3) & ~3:]

    def call(self, cmd, payload=b'', flags=NLM_F_ACK):
        return self.request(self.family, cmd, payload, flags)


def rand_mac(rng):
    pick = rng.random()
    if pick < 0.1:
        return b'\0' * 6
    if pick < 0.2:
        return b'\xff' * 6
    if pick < 0.3:
        return bytes([0x01, 0, 0x5e, 0, 0, rng.randrange(256)])
    return bytes([0x02, 0, 0, 0, rng.randrange(4), rng.randrange(256)])


class Fuzzer:
    def __init__(self, nl, rng, ports, privileged):
        self.nl = nl
        self.rng = rng
        self.ports = ports
        self.vms = ['vm-a', 'vm-b', 'x' * 63, 'x' * 64, '', 'vm\n1', 'vm\x7f',
                    'vm "\u00e9" #1']
        self.privileged = privileged
        self.counts = dict(sent=0, accepted=0, refused=0, predicted=0,
                           checkpoints=0)
        self.errnos = {}
        self.model = Model(nl, ports)
        self.wrong = []			# where the kernel and the model differ

    def valid(self):
        """A plausible request and the command it is."""
        r = self.rng
        port = r.choice(self.ports + ['nope0'])
        name = attr(A_IFNAME, port.encode() + b'\0')
        cmd = r.choice([CMD_NEW, CMD_NEW, CMD_DEL, CMD_SET, CMD_SET,
                        CMD_SET, CMD_GET, CMD_FEATURE_GET, CMD_FEATURE_SET,
                        CMD_GRANT_NEW, CMD_GRANT_DEL])
        p = b''
        if cmd == CMD_NEW:
            p = name + attr(A_VM, r.choice(self.vms).encode() + b'\0')
            if r.random() < 0.7:
                p += attr(A_MAC, rand_mac(r))
            if r.random() < 0.3:
                p += attr(A_NETWORK, struct.pack('I', r.randrange(3)))
            if r.random() < 0.3:
                p += attr(A_OWNER, struct.pack('I', r.choice([0, 1000, 65534])))
        elif cmd in (CMD_DEL, CMD_GET):
            p = name
        elif cmd == CMD_SET:
            p = name
            if r.random() < 0.6:
                p += attr(A_PROMISC, bytes([r.randrange(2)]))
            if r.random() < 0.2:
                p += attr(A_AS_UID, struct.pack('I', r.choice([0, 1000])))
            if r.random() < 0.2:
                p += attr(A_MAC, rand_mac(r))
            if r.random() < 0.3:
                p += attr(r.choice([A_ALLOW_ADD, A_ALLOW_DEL]), rand_mac(r))
        elif cmd == CMD_FEATURE_SET:
            p = attr(A_FEATURE, bytes([r.choice([0, 1, 1, 1])]))
        elif cmd in (CMD_GRANT_NEW, CMD_GRANT_DEL):
            p = attr(A_UID, struct.pack('I', r.choice([0, 1000, 4294967295])))
        return cmd, p

    def mutate(self, payload):
        r = self.rng
        b = bytearray(payload)
        op = r.randrange(8)
        if op == 0 and b:		# flip bytes
            for _ in range(r.randrange(1, 4)):
                b[r.randrange(len(b))] = r.randrange(256)
        elif op == 1:			# random attribute
            t = r.randrange(A_MAX + 4) | (NLA_F_NESTED if r.random() < 0.2 else 0)
            b += attr(t, os.urandom(r.choice([0, 1, 2, 4, 6, 8, 17, 64])))
        elif op == 2 and b:		# truncate
            b = b[:r.randrange(len(b))]
        elif op == 3:			# repeat
            b = b + b
        elif op == 4:			# nested garbage
            inner = attr(r.randrange(4), os.urandom(r.randrange(12)))
            b += attr(r.choice([A_ALLOWED, A_VM, A_MAC]) | NLA_F_NESTED, inner)
        elif op == 5 and len(b) >= 4:	# lie about an attribute's length
            struct.pack_into('H', b, 0, r.randrange(65536))
        elif op == 6:			# over-long string without NUL
            b += attr(A_IFNAME, b'y' * r.randrange(10, 40))
        return bytes(b)

    def send(self, cmd, payload, flags=NLM_F_ACK, predict=False, **kw):
        """Send one request; keep the model in step with what it did."""
        want = self.model.predict(cmd, payload) if predict else None
        self.counts['sent'] += 1
        err, msgs = self.nl.request(self.nl.family, cmd, payload, flags, **kw)
        if err == 0:
            self.counts['accepted'] += 1
            if not flags & NLM_F_DUMP:
                try:
                    self.model.apply(cmd, payload)
                except (KeyError, ValueError, IndexError) as e:
                    self.wrong.append('message %d (cmd %d, %s) was accepted '
                                      'but cannot apply: %r' % (
                                          self.counts['sent'], cmd,
                                          payload.hex(), e))
        else:
            self.counts['refused'] += 1
            self.errnos[-err] = self.errnos.get(-err, 0) + 1
        if predict:
            self.counts['predicted'] += 1
            if want != err:
                self.wrong.append('message %d (cmd %d, %s): got %s, the '
                                  'model says %s' % (
                                      self.counts['sent'], cmd, payload.hex(),
                                      errname(err), errname(want)))
        return err

    def checkpoint(self):
        """Compare the kernel's state with the model's; resync on a miss."""
        self.counts['checkpoints'] += 1
        d = self.model.diff(self.nl)
        if d:
            self.wrong.append('after message %d: %s' % (self.counts['sent'],
                                                         d))
            self.model.adapters = dump(self.nl)
            self.model.gate = feature(self.nl)
            self.model.grants = grants(self.nl)

    def one(self):
        r = self.rng
        kind = r.random()
        if kind < 0.45:
            cmd, p = self.valid()
            self.send(cmd, p, predict=True)
        elif kind < 0.8:
            cmd, p = self.valid()
            self.send(cmd, self.mutate(p))
        elif kind < 0.88:			# unknown or random command
            self.send(r.randrange(256), os.urandom(r.randrange(24)))
        elif kind < 0.92:			# header oddities
            cmd, p = self.valid()
            self.send(cmd, p, version=r.randrange(256),
                      reserved=r.choice([0, 1, 0xffff]))
        elif kind < 0.96:			# dumps, some on doit-only commands
            self.send(r.choice([CMD_GET, CMD_GRANT_GET, CMD_SET, CMD_NEW]),
                      b'' if r.random() < 0.5 else self.mutate(b''),
                      NLM_F_ACK | NLM_F_DUMP)
        elif kind < 0.98:			# truncated headers
            self.counts['sent'] += 1
            raw = self.nl.header(self.nl.family, CMD_GET, b'',
                                 NLM_F_REQUEST | NLM_F_ACK)
            try:
                self.nl.send_raw(raw[:r.randrange(4, 20)])
            except OSError:
                pass
        else:					# dump abandoned midway
            self.counts['sent'] += 1
            s = Genl()
            s.send_raw(s.header(s.family, CMD_GET, b'',
                                NLM_F_REQUEST | NLM_F_DUMP))
            s.s.close()


def dump(nl):
    err, msgs = nl.call(CMD_GET, b'', NLM_F_ACK | NLM_F_DUMP)
    if err:
        raise OSError(-err, 'dump failed')
    out = {}
    for m in msgs:
        name = cstr(m[A_IFNAME][0]).decode('latin-1')
        net = None
        if A_NETWORK in m:
            net = ('id', u32(m[A_NETWORK][0]))
        elif A_MASTER in m:
            net = ('master', u32(m[A_MASTER][0]))
        out[name] = dict(
            vm=cstr(m[A_VM][0]), mac=m[A_MAC][0], promisc=m[A_PROMISC][0][0],
            network=net, owner=u32(m[A_OWNER][0]) if A_OWNER in m else None,
            netid=u32(m[A_NETWORK][0]) if A_NETWORK in m else None,
            allowed=parse(m[A_ALLOWED][0]).get(1, []))
    return out


def feature(nl):
    err, msgs = nl.call(CMD_FEATURE_GET)
    if err:
        raise OSError(-err, 'feature get failed')
    return msgs[0][A_FEATURE][0][0]


def grants(nl):
    err, msgs = nl.call(CMD_GRANT_GET, b'', NLM_F_ACK | NLM_F_DUMP)
    if err:
        raise OSError(-err, 'grant dump failed')
    return {u32(m[A_UID][0]) for m in msgs}


def cstr(b):
    return b.split(b'\0', 1)[0]


def u32(b):
    return struct.unpack('I', b[:4])[0]


def last(payload):
    """Attributes as the kernel's parser sees them: the last of a type wins."""
    return {t: v[-1] for t, v in parse(payload).items()}


def sysfs(dev, what):
    with open('/sys/class/net/%s/%s' % (dev, what)) as f:
        return f.read().strip()


class Model:
    """What the adapter table, the gate and the grants should be.

    Starts from what the kernel reports, then applies every request the
    kernel accepted, as the netlink API document describes it. For requests
    sent unmutated it also predicts the answer, error by error.
    """

    def __init__(self, nl, ports):
        self.adapters = dump(nl)
        self.gate = feature(nl)
        self.grants = grants(nl)
        self.admin = os.geteuid() == 0
        self.uid = os.getuid()
        self.index = {}			# ifindex -> name
        self.master = {}		# name -> master's ifindex, or None
        self.peer_mac = {}
        for dev in os.listdir('/sys/class/net'):
            # Not every entry is a device: bonding adds bonding_masters.
            if os.path.isdir('/sys/class/net/' + dev):
                self.index[int(sysfs(dev, 'ifindex'))] = dev
        for dev in self.index.values():
            try:
                m = os.path.basename(os.readlink('/sys/class/net/%s/master'
                                                 % dev))
                self.master[dev] = int(sysfs(m, 'ifindex'))
            except OSError:
                self.master[dev] = None
            link = int(sysfs(dev, 'iflink'))
            if link != int(sysfs(dev, 'ifindex')) and link in self.index:
                self.peer_mac[dev] = bytes.fromhex(
                    sysfs(self.index[link], 'address').replace(':', ''))

    def port(self, a):
        if A_IFNAME in a:
            return cstr(a[A_IFNAME]).decode('latin-1')
        return self.index.get(u32(a[A_IFINDEX]), '?')

    def network(self, name, ad):
        if ad['netid'] is not None:
            return ('id', ad['netid'])
        m = self.master.get(name)
        return ('master', m) if m else None

    def owned(self, ad, mac):
        return mac == ad['mac'] or mac in ad['allowed']

    def apply(self, cmd, payload):
        """The effect of a request the kernel accepted."""
        a = last(payload)
        if cmd == CMD_NEW:
            name = self.port(a)
            self.adapters[name] = dict(
                vm=cstr(a[A_VM]), mac=a.get(A_MAC, self.peer_mac.get(name)),
                promisc=0, owner=u32(a[A_OWNER]) if A_OWNER in a else None,
                netid=u32(a[A_NETWORK]) if A_NETWORK in a else None,
                allowed=[])
        elif cmd == CMD_DEL:
            del self.adapters[self.port(a)]
        elif cmd == CMD_SET:
            ad = self.adapters[self.port(a)]
            if A_ALLOW_DEL in a:
                ad['allowed'].remove(a[A_ALLOW_DEL])
            if A_MAC in a:
                ad['mac'] = a[A_MAC]
            if A_ALLOW_ADD in a:
                ad['allowed'].append(a[A_ALLOW_ADD])
            if A_PROMISC in a:
                ad['promisc'] = a[A_PROMISC][0]
        elif cmd == CMD_FEATURE_SET:
            self.gate = a[A_FEATURE][0]
            if not self.gate:
                for ad in self.adapters.values():
                    ad['promisc'] = 0
        elif cmd == CMD_GRANT_NEW:
            self.grants.add(u32(a[A_UID]))
        elif cmd == CMD_GRANT_DEL:
            self.grants.discard(u32(a[A_UID]))

    def predict(self, cmd, payload):
        """The answer to an unmutated request: 0 or a negative errno."""
        a = last(payload)
        E = errno
        if cmd in (CMD_FEATURE_SET, CMD_GRANT_NEW, CMD_GRANT_DEL):
            if not self.admin:
                return -E.EPERM
            if cmd == CMD_FEATURE_SET:
                return 0
            uid = u32(a[A_UID])
            if uid == 0xffffffff:
                return -E.EINVAL
            if cmd == CMD_GRANT_NEW:
                return -E.EEXIST if uid in self.grants else 0
            return 0 if uid in self.grants else -E.ENOENT
        if cmd == CMD_FEATURE_GET:
            return 0
        name = self.port(a)
        if cmd == CMD_NEW:
            if not self.admin:
                return -E.EPERM
            vm = cstr(a[A_VM])
            if not vm or len(vm) > 63:
                return -E.EINVAL
            if any(c < 0x20 or c == 0x7f for c in vm):
                return -E.EINVAL
            if A_MAC in a and not unicast(a[A_MAC]):
                return -E.EINVAL
            if name not in self.master:
                return -E.ENODEV
            if name in self.adapters:
                return -E.EEXIST
            return 0
        if cmd == CMD_DEL and not self.admin:
            return -E.EPERM
        macs = {A_MAC, A_ALLOW_ADD, A_ALLOW_DEL} & set(a)
        if cmd == CMD_SET:
            if A_PROMISC not in a and not macs:
                return -E.EINVAL
            if macs and not self.admin:
                return -E.EPERM
            # Turning promisc on with the feature off: refused first.
            if A_PROMISC in a and a[A_PROMISC][0] and not self.gate:
                return -E.EPERM
            if A_AS_UID in a and A_PROMISC not in a:
                return -E.EINVAL
        if name not in self.master:
            return -E.ENODEV
        if name not in self.adapters:
            return -E.ENOENT
        if cmd != CMD_SET:
            return 0
        ad = self.adapters[name]
        if A_PROMISC in a:
            acting = u32(a[A_AS_UID]) if A_AS_UID in a else self.uid
            on = a[A_PROMISC][0]
            if A_AS_UID in a and not self.admin and acting != self.uid:
                return -E.EPERM
            if not self.admin and ad['owner'] != self.uid:
                return -E.EACCES
            # Off needs only the right to change the adapter.
            if on and acting not in self.grants:
                return -E.EACCES
            net = self.network(name, ad)
            if a[A_PROMISC][0] and net and any(
                    o is not ad and o['promisc'] and o['vm'] == ad['vm'] and
                    self.network(n, o) == net
                    for n, o in self.adapters.items()):
                return -E.EBUSY
        mac, allowed = ad['mac'], list(ad['allowed'])
        if A_ALLOW_DEL in a:
            if a[A_ALLOW_DEL] not in allowed:
                return -E.ENOENT
            allowed.remove(a[A_ALLOW_DEL])
        if A_MAC in a:
            if not unicast(a[A_MAC]):
                return -E.EINVAL
            mac = a[A_MAC]
        if A_ALLOW_ADD in a:
            new = a[A_ALLOW_ADD]
            if not unicast(new):
                return -E.EINVAL
            if new == mac or new in allowed:
                return -E.EEXIST
            if len(allowed) == 16:
                return -E.ENOSPC
        return 0

    def diff(self, nl):
        """Where the kernel's state differs from the model's, or ''."""
        got = dump(nl)
        out = []
        for name in sorted(set(got) | set(self.adapters)):
            want = self.adapters.get(name)
            have = got.get(name)
            if want is None or have is None:
                out.append('%s: kernel %s, model %s' % (
                    name, 'has it' if have else 'has none',
                    'has it' if want else 'has none'))
                continue
            want = dict(want, network=self.network(name, want))
            for k in ('vm', 'mac', 'promisc', 'owner', 'network', 'allowed'):
                if want[k] != have[k]:
                    out.append('%s %s: kernel %r, model %r' % (
                        name, k, have[k], want[k]))
        if feature(nl) != self.gate:
            out.append('gate: kernel %d, model %d' % (feature(nl), self.gate))
        if grants(nl) != self.grants:
            out.append('grants: kernel %s, model %s' % (
                sorted(grants(nl)), sorted(self.grants)))
        return '; '.join(out)


def errname(err):
    return errno.errorcode.get(-err, str(err)) if err else '0'


def unicast(mac):
    return not (mac[0] & 1) and any(mac)


def tamper(nl):
    """A change the model does not hear of: remove an adapter, or else
    turn the feature gate over."""
    ads = dump(nl)
    if ads:
        err, _ = nl.call(CMD_DEL, attr(A_IFNAME, sorted(ads)[0].encode() +
                                       b'\0'))
    else:
        err, _ = nl.call(CMD_FEATURE_SET, attr(A_FEATURE,
                                               bytes([not feature(nl)])))
    print('# tampered with the state behind the model (%s)' % errname(err))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--count', type=int, default=100000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--ports', default='veth0,veth1,veth2,veth3')
    ap.add_argument('--label', default='root')
    ap.add_argument('--every', type=int, default=1000,
                    help='compare the kernel with the model every N messages')
    ap.add_argument('--tamper', action='store_true',
                    help='halfway, change the state behind the model\'s '
                    'back: the comparison must then fail')
    a = ap.parse_args()
    rng = random.Random(a.seed)
    nl = Genl()
    privileged = os.geteuid() == 0
    before = dump(nl)
    fz = Fuzzer(nl, rng, a.ports.split(','), privileged)
    for i in range(a.count):
        fz.one()
        if a.tamper and i == a.count // 2:
            tamper(nl)
        if i % a.every == a.every - 1:
            fz.checkpoint()
    fz.checkpoint()
    after = dump(nl)
    ok = Tap().ok
    c = fz.counts
    print('# %s: sent %d, accepted %d, refused %d; errnos %s' % (
        a.label, c['sent'], c['accepted'], c['refused'],
        {errno.errorcode.get(k, k): v for k, v in sorted(fz.errnos.items())}))
    ok(c['sent'] >= a.count, 'fuzz %s: %d messages sent' % (a.label, c['sent']))
    for w in fz.wrong[:20]:
        print('# ' + w)
    ok(not fz.wrong, 'fuzz %s: the kernel agrees with the model: %d answers '
       'predicted, %d accepted requests applied, state compared %d times%s'
       % (a.label, c['predicted'], c['accepted'], c['checkpoints'],
          ' (%d differences)' % len(fz.wrong) if fz.wrong else ''))
    held = {}
    double = []
    for name, ad in after.items():
        if ad['promisc'] and ad['network']:
            key = (ad['vm'], ad['network'])
            if key in held:
                double.append((held[key], name))
            held[key] = name
    ok(not double, 'fuzz %s: at most one promisc adapter per VM per network %s'
       % (a.label, double or ''))
    ok(all(len(ad['vm']) <= 63 and ad['vm'] for ad in after.values()),
       'fuzz %s: every VM id 1..63 bytes' % a.label)
    ok(all(not (ad['mac'][0] & 1) and any(ad['mac']) for ad in after.values()),
       'fuzz %s: every adapter MAC unicast and non-zero' % a.label)
    ok(set(after) <= set(fz.ports),
       'fuzz %s: adapters only on the ports offered' % a.label)
    if not privileged:
        ok(after == before, 'fuzz %s: an unprivileged caller changed nothing'
           % a.label)
    # The family still answers sensibly.
    err, _ = nl.call(CMD_GET, attr(A_IFNAME, b'nope0\0'))
    ok(err == -errno.ENODEV, 'fuzz %s: the family still answers (ENODEV for '
       'an unknown device, got %d)' % (a.label, err))
    return 0


if __name__ == '__main__':
    sys.exit(main())
