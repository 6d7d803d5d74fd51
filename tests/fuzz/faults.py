#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Inject an allocation failure into every allocation a request makes.

For each request below, from the same starting state: the request is sent
once cleanly to learn what it does, then again with the kernel's fail-nth
(Documentation/fault-injection/fault-injection.rst) set to 1, 2, 3, ...
so that the Nth slab allocation of this task fails, until a run goes by
with no failure injected. The allocations counted are everything the
kernel does for the request in this task: the netlink skb, the module's
own allocations, its notification to a listener, the reply and the ack.

Each injected failure must leave the state unchanged and return an error,
or, where the allocation was one the request can do without (a
notification), succeed whole. When the failure hit the ack, the caller
cannot tell, and the state must be one of the two. Leaks are left to the
harness's kmemleak scan.

Needs a kernel with CONFIG_FAULT_INJECTION, CONFIG_FAILSLAB and debugfs
(tests/debug). Prints TAP lines.
"""
import errno
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from tap import Tap  # noqa: E402
from nlfuzz import (A_ALLOW_ADD, A_ALLOW_DEL, A_FEATURE, A_IFNAME, A_MAC,  # noqa: E402
                    A_NETWORK, A_OWNER, A_PROMISC, A_UID, A_VM, CMD_DEL,
                    CMD_FEATURE_GET, CMD_FEATURE_SET, CMD_GET, CMD_GRANT_DEL,
                    CMD_GRANT_GET, CMD_GRANT_NEW, CMD_NEW, CMD_SET,
                    NLM_F_ACK, NLM_F_DUMP, SOL_NETLINK, Genl, attr, dump,
                    errname, feature, grants, parse)

FAILSLAB = '/sys/kernel/debug/failslab'
NETLINK_ADD_MEMBERSHIP = 1
CTRL_ATTR_MCAST_GROUPS = 7


def name(port):
    return attr(A_IFNAME, port.encode() + b'\0')


def mac(last):
    return bytes([2, 0, 0, 0, 0, last])


BASE = {
    'gate': 1,
    'grants': {0, 1000},
    'adapters': {
        'veth0': dict(vm=b'vm-a', mac=mac(1), owner=1000, netid=None,
                      allowed=[mac(5)], promisc=1),
        'veth1': dict(vm=b'vm-b', mac=mac(2), owner=None, netid=7,
                      allowed=[], promisc=0),
    },
}

# What each request is, and the request.
REQUESTS = [
    ('adapter new', CMD_NEW, name('veth2') + attr(A_VM, b'vm-c\0') +
     attr(A_MAC, mac(3)) + attr(A_OWNER, struct.pack('I', 1000))),
    ('adapter new, the MAC from the veth peer', CMD_NEW,
     name('veth3') + attr(A_VM, b'vm-d\0')),
    ('adapter del', CMD_DEL, name('veth0')),
    ('adapter set: mac and allow', CMD_SET, name('veth1') +
     attr(A_MAC, mac(9)) + attr(A_ALLOW_ADD, mac(10))),
    ('adapter set: disallow', CMD_SET, name('veth0') +
     attr(A_ALLOW_DEL, mac(5))),
    ('adapter set: promisc on', CMD_SET, name('veth1') +
     attr(A_PROMISC, b'\1')),
    ('adapter set: promisc off', CMD_SET, name('veth0') +
     attr(A_PROMISC, b'\0')),
    ('feature disable, one promisc adapter', CMD_FEATURE_SET,
     attr(A_FEATURE, b'\0')),
    ('grant new', CMD_GRANT_NEW, attr(A_UID, struct.pack('I', 2000))),
    ('grant del', CMD_GRANT_DEL, attr(A_UID, struct.pack('I', 1000))),
    ('adapter get', CMD_GET, name('veth0')),
    ('adapter dump', -CMD_GET, b''),
    ('grant dump', -CMD_GRANT_GET, b''),
    ('feature get', CMD_FEATURE_GET, b''),
]


def snapshot(nl):
    ads = dump(nl)
    for ad in ads.values():
        del ad['network']
    return {'gate': feature(nl), 'grants': grants(nl), 'adapters': ads}


def must(nl, cmd, payload):
    err, _ = nl.call(cmd, payload)
    if err:
        raise OSError(-err, 'restoring the state: command %d' % cmd)


def restore(nl, want):
    """Bring the kernel's state to @want, whatever it is now."""
    now = snapshot(nl)
    if now == want:
        return
    if not now['gate']:
        must(nl, CMD_FEATURE_SET, attr(A_FEATURE, b'\1'))
    for uid in {0} - now['grants']:
        must(nl, CMD_GRANT_NEW, attr(A_UID, struct.pack('I', uid)))
    for port in now['adapters']:
        must(nl, CMD_DEL, name(port))
    for port, ad in want['adapters'].items():
        p = name(port) + attr(A_VM, ad['vm'] + b'\0') + attr(A_MAC, ad['mac'])
        if ad['owner'] is not None:
            p += attr(A_OWNER, struct.pack('I', ad['owner']))
        if ad['netid'] is not None:
            p += attr(A_NETWORK, struct.pack('I', ad['netid']))
        must(nl, CMD_NEW, p)
        for m in ad['allowed']:
            must(nl, CMD_SET, name(port) + attr(A_ALLOW_ADD, m))
        if ad['promisc']:
            must(nl, CMD_SET, name(port) + attr(A_PROMISC, b'\1'))
    have = grants(nl)
    for uid in want['grants'] - have:
        must(nl, CMD_GRANT_NEW, attr(A_UID, struct.pack('I', uid)))
    for uid in have - want['grants']:
        must(nl, CMD_GRANT_DEL, attr(A_UID, struct.pack('I', uid)))
    if not want['gate']:
        must(nl, CMD_FEATURE_SET, attr(A_FEATURE, b'\0'))
    got = snapshot(nl)
    if got != want:
        raise RuntimeError('could not restore the state: %r' % got)


def listen(nl):
    """A socket in the notify group, so that notifications get built."""
    err, msgs = nl.request(0x10, 3, attr(2, b'pmode\0'), version=1)
    groups = parse(msgs[0][CTRL_ATTR_MCAST_GROUPS][0])
    grp = struct.unpack('I', parse(list(groups.values())[0][0])[2][0])[0]
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    s.setblocking(False)
    return s


def drain(s):
    try:
        while s.recv(1 << 16):
            pass
    except OSError:
        pass


class FailNth:
    """This thread's fail-nth. The file cannot seek, and opening it once
    armed would take part in the count, so each arming opens a reader
    first."""
    PATH = '/proc/thread-self/fail-nth'

    def __init__(self):
        self.fd = os.open(self.PATH, os.O_WRONLY)
        self.reader = None

    def arm(self, n):
        self.reader = os.open(self.PATH, os.O_RDONLY)
        os.write(self.fd, b'%d' % n)

    def injected(self):
        """Whether the armed failure happened; disarms it either way."""
        left = int(os.read(self.reader, 32))
        os.write(self.fd, b'0')
        os.close(self.reader)
        return left == 0


def send(nl, fail, n, cmd, payload):
    """The request with the Nth allocation failing: (injected, outcome),
    outcome 0, a negative errno from the kernel, or 'lost' when the
    socket itself failed and the caller cannot tell what happened."""
    flags = NLM_F_ACK | (NLM_F_DUMP if cmd < 0 else 0)
    raw = nl.header(nl.family, abs(cmd), payload, 1 | flags)
    fail.arm(n)
    try:
        nl.send_raw(raw)
    except OSError:
        return fail.injected(), 'unsent'
    try:
        err, _ = nl.collect()
        outcome = err
    except OSError as e:
        outcome = 'lost'
        if e.errno != errno.ENOBUFS:
            outcome = 'lost: ' + os.strerror(e.errno)
    return fail.injected(), outcome


def main():
    for knob, value in (('ignore-gfp-wait', 'N'), ('verbose', '0'),
                        ('probability', '0')):
        with open('%s/%s' % (FAILSLAB, knob), 'w') as f:
            f.write(value)
    nl = Genl()
    nl.s.settimeout(5)
    listener = listen(nl)
    fail = FailNth()
    total = 0
    ok = Tap().ok

    for what, cmd, payload in REQUESTS:
        restore(nl, BASE)
        before = snapshot(nl)
        _, clean = send(nl, fail, 0, cmd, payload)
        after = snapshot(nl)
        drain(listener)
        bad = []
        count = {'refused': 0, 'whole': 0, 'lost': 0, 'unsent': 0}
        injected = True
        nth = 0
        while injected and nth < 500:
            nth += 1
            restore(nl, before)
            drain(listener)
            injected, outcome = send(nl, fail, nth, cmd, payload)
            state = snapshot(nl)
            if not injected:
                if outcome != clean or state != after:
                    bad.append('no failure injected at %d, yet %s' % (
                        nth, errname(outcome) if isinstance(outcome, int)
                        else outcome))
                break
            if outcome == 'unsent':
                kind, good = 'unsent', state == before
            elif outcome == 'lost':
                kind, good = 'lost', state in (before, after)
            elif outcome == 0:
                kind, good = 'whole', state == after and clean == 0
            elif isinstance(outcome, int):
                kind, good = 'refused', state == before
                good = good and outcome in (-errno.ENOMEM, -errno.ENOBUFS)
            else:
                kind, good = outcome, False
            count[kind] = count.get(kind, 0) + 1
            if not good:
                bad.append('allocation %d: %s, state %s' % (
                    nth, errname(outcome) if isinstance(outcome, int)
                    else outcome, 'unchanged' if state == before else
                    'as after success' if state == after else 'changed'))
        failures = nth - 1 if not injected else nth
        total += failures
        for b in bad[:5]:
            print('# %s: %s' % (what, b))
        ok(not bad and not injected and clean == 0 and failures > 0,
           'faults: %s: %d allocations failed in turn (%d refused with '
           'ENOMEM, %d succeeded whole, %d failed in the socket, %d lost '
           'the ack)%s' % (what, failures, count['refused'], count['whole'],
                           count['unsent'], count['lost'],
                           '' if clean == 0 else '; the clean request '
                           'failed: %s' % errname(clean)))
    restore(nl, BASE)
    print('# %d allocation failures injected' % total)
    return 0


if __name__ == '__main__':
    sys.exit(main())
