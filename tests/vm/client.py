#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The Python client (python/pmode, on pyroute2) against the real module,
for the end-to-end tests; run with PYTHONPATH naming python/.

  client.py suite PMODECTL NETNS MAC     the client's checks, as TAP lines
                                         (87-python-client.sh): VM a's port
                                         h-a (its namespace NETNS, its MAC
                                         MAC), h-b and h-c on bridge br0
  client.py check IFNAME HEX             adapter_check of the frame HEX both
                                         ways: "VERDICT REASON MAC RX-VERDICT"

The suite registers, toggles and dumps; its errors must be pmodectl's, word
for word; its events come in order; the example agent acts on violation
events; a dump torn by a change is taken again.
"""
import errno
import json
import os
import subprocess
import sys
import time

from pmode import Pmode, PmodeError

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, os.path.join(top, 'tests', 'lib'))
from tap import Tap  # noqa: E402

PKT = ['/usr/bin/python3', os.path.join(here, 'pkt.py')]
t = Tap('python: ')


def sh(*cmd, **kw):
    """Run cmd; its stdout, and its stderr, as text."""
    print('+ ' + ' '.join(cmd), file=sys.stderr)
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return r.stdout, r.stderr


def as_uid(uid, *cmd):
    return ('setpriv', '--reuid', str(uid), '--regid', str(uid), '--clear-groups') + cmd


def error_of(fn):
    """The errno name and message of the PmodeError fn() raises."""
    try:
        fn()
        return 'no error', ''
    except PmodeError as e:
        return errno.errorcode[e.errno], e.message or ''


def wait_file(path, pattern='', timeout=300):
    """Wait until a process started beside says it is ready. A Python
    process (pyroute2) can take tens of seconds to start in the emulated
    CPU of a loaded host."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path) and pattern in open(path).read():
            return True
        time.sleep(0.1)
    return False


def send(netns, *args):
    sh('ip', 'netns', 'exec', netns, *PKT, 'send', 'eth0', *args)


def events(ready):
    """The events of the run, one a line, until the grant's removal: on a
    socket of their own, while the suite acts. The listener stops at the
    last event expected, not after a quiet spell: each step may start a
    process, which on an emulated CPU can take longer than any quiet spell
    one could choose."""
    evs = Pmode().events()
    open(ready, 'w').close()
    for e in evs:
        if e.kind == 'violation':
            print(e.kind, e.ifname, e.vm, e.drop_reason, e.offending_mac, flush=True)
        elif e.adapter:
            print(e.kind, e.adapter.ifname, e.reason, e.adapter.promisc, flush=True)
        else:
            print(e.kind, e.feature, e.uid, flush=True)
            if e.kind == 'grant-del':
                break


def suite(pmodectl, netns, mac):
    pm = Pmode()
    a = pm.adapter_add('h-a', vm='vm-a')
    t.eq(('h-a', 'vm-a', mac, False), (a.ifname, a.vm, a.mac, a.promisc),
         'adapter_add registers with the veth peer\'s MAC')
    a = pm.adapter_add('h-b', vm='vm-b', owner=1000)
    t.eq(('vm-b', 1000), (a.vm, a.owner), 'adapter_add with an owner')
    out, _ = sh(pmodectl, '-j', 'adapter', 'show', 'dev', 'h-a')
    t.ok('"vm-a"' in out, 'pmodectl sees what the client registered', out)
    t.eq(['h-a', 'h-b'], sorted(x.ifname for x in pm.adapters()), 'adapters() dumps both')
    t.eq(['h-b'], [x.ifname for x in pm.adapters(vm='vm-b')], 'adapters(vm=) filters')
    with open('/sys/class/net/br0/ifindex') as f:
        t.eq(int(f.read()), pm.adapter_get('h-a').master,
             'adapter_get reports the bridge as master')

    # Errors: the same errno and text as pmodectl's.
    for what, fn, want, cmd in (
            ('no such port', lambda: pm.adapter_add('nosuch0', vm='x'), 'ENODEV',
             'adapter add dev nosuch0 vm x'),
            ('second adapter on a port', lambda: pm.adapter_add('h-a', vm='x'), 'EEXIST',
             'adapter add dev h-a vm x'),
            ('multicast MAC', lambda: pm.adapter_add('h-c', vm='x', mac='01:00:5e:00:00:01'),
             'EINVAL', 'adapter add dev h-c vm x mac 01:00:5e:00:00:01'),
            ('promisc with the gate off', lambda: pm.adapter_set('h-a', promisc=True), 'EPERM',
             'adapter set dev h-a promisc on')):
        name, message = error_of(fn)
        _, theirs = sh(pmodectl, *cmd.split())
        t.eq(theirs.strip(), 'pmodectl: ' + message, '%s: the message is pmodectl\'s' % what)
        t.eq(want, name, '... and the errno is %s' % want)
    mine, _ = sh(*as_uid(65534, sys.executable, __file__, 'del', 'h-a'),
                 env=dict(os.environ, PYTHONPATH=os.path.join(top, 'python')))
    _, theirs = sh(*as_uid(65534, pmodectl, 'adapter', 'del', 'dev', 'h-a'))
    t.eq(theirs.strip(), mine.strip(), 'an unprivileged user\'s refusal is pmodectl\'s too')
    t.eq([], [x.ifname for x in pm.adapters() if x.promisc], 'no refusal changed a flag')

    # The gate, grants and promisc.
    pm.feature_set(True)
    pm.grant_add(0)
    pm.grant_add(1000)
    t.eq(True, pm.feature_get(), 'feature_set and feature_get')
    t.eq([0, 1000], sorted(pm.grants()), 'grant_add and grants')
    t.eq(True, pm.adapter_set('h-a', promisc=True).promisc, 'adapter_set turns promisc on')
    out, _ = sh(pmodectl, '-j', 'adapter', 'show')
    t.eq(['h-a'], [x['ifname'] for x in json.loads(out) if x['promisc']], 'pmodectl sees it on')

    def second():
        pm.adapter_add('h-c', vm='vm-a')
        pm.adapter_set('h-c', promisc=True)
    name, message = error_of(second)
    _, theirs = sh(pmodectl, 'adapter', 'set', 'dev', 'h-c', 'promisc', 'on')
    t.eq(theirs.strip(), 'pmodectl: ' + message,
         'a second promisc adapter of vm-a: the message is pmodectl\'s')
    t.eq('EBUSY', name, '... and the errno is EBUSY')
    t.eq(True, pm.adapter_set('h-b', promisc=True, as_uid=1000).promisc,
         'an agent acts for a granted owner (as_uid)')
    t.eq(['00:00:5e:00:01:07'], pm.adapter_set('h-b', allow_add='00:00:5e:00:01:07').allowed,
         'allow_add')

    # Events, while things happen.
    ev = '/tmp/client-events.%d' % os.getpid()
    with open(ev, 'w') as out:
        listener = subprocess.Popen(['timeout', '600', sys.executable, __file__, 'events',
                                     ev + '.ready'], stdout=out)
    if not wait_file(ev + '.ready'):
        print('the event listener did not start', file=sys.stderr)
    pm.adapter_set('h-a', promisc=False)
    send(netns, '--src', '02:00:00:00:08:99', '--dst', '02:00:00:00:08:0b', '--marker', '1')
    pm.grant_del(1000)
    listener.wait()
    t.eq('adapter-set h-a request False\n'
         'violation h-a vm-a forged-src 02:00:00:00:08:99\n'
         'grant-del None 1000\n', open(ev).read(),
         'events() yields set, violation and grant events in order')
    os.unlink(ev)
    os.unlink(ev + '.ready')

    # The example agent: a VM that keeps sending from a multicast source
    # loses promisc. It runs until it has acted (or for 600 s).
    pm.adapter_set('h-a', promisc=True)
    log = '/tmp/client-agent.%d' % os.getpid()
    with open(log, 'w') as out:
        agent = subprocess.Popen(['timeout', '600', sys.executable,
                                  os.path.join(top, 'python', 'examples', 'violation-agent.py'),
                                  '--limit', '3'], stdout=out, stderr=subprocess.STDOUT)
    if not wait_file(log, 'watching'):
        print('the agent did not start', file=sys.stderr)
    send(netns, '--src', '01:00:5e:00:00:01', '--dst', '02:00:00:00:08:0b', '--count', '4',
         '--marker', '2')
    time.sleep(1.2)
    send(netns, '--src', '01:00:5e:00:00:01', '--dst', '02:00:00:00:08:0b', '--marker', '3')
    wait_file(log, '\naction:')
    agent.kill()
    agent.wait()
    out = open(log).read()
    print(out, file=sys.stderr)
    t.ok('action: promisc off on h-a (VM vm-a)' in out,
         'the example agent acts on repeated violations', out)
    t.eq(False, pm.adapter_get('h-a').promisc, '... and promisc is off')
    os.unlink(log)

    pm.adapter_del('h-a')
    t.eq(['h-b', 'h-c'], sorted(x.ifname for x in pm.adapters()), 'adapter_del removes one')
    pm.adapter_del('h-b')
    pm.adapter_del('h-c')
    t.eq([], pm.adapters(), 'nothing left')
    torn(pmodectl)


def torn(pmodectl):
    """A dump that spans several messages is taken again when a change
    tears it. pyroute2 raises for a torn data message (it lets a torn
    NLMSG_DONE through), so the client must retry on both. An adapter's
    message is about 250 bytes and the kernel fills at most 32 KB a read,
    taking the next batch when the previous one is read: with 500 adapters
    a dump takes five reads, and a change while Python parses one batch
    flags the data of a later one. One change every fifth of a second falls
    into some dumps and not others. Counted: the dumps pyroute2 reported
    torn (some must be, or this proves nothing: it dumps until two were, 60
    times at most), and the dumps the client returned, each of which must
    hold all 500 (dumps(), in the namespace)."""
    ns = 'torn-%d' % os.getpid()
    toggler = None
    sh('ip', 'netns', 'add', ns)
    try:
        sh('ip', '-n', ns, '-b', '-', input=''.join(
            'link add t%d type veth peer u%d\n' % (i, i) for i in range(500)))
        sh('ip', 'netns', 'exec', ns, pmodectl, '-b', '-', input=''.join(
            'adapter add dev t%d vm vm-t\n' % i for i in range(500)))
        toggler = subprocess.Popen(
            ['ip', 'netns', 'exec', ns, 'bash', '-c',
             'while :; do %s adapter set dev t0 promisc on; sleep 0.2; '
             '%s adapter set dev t0 promisc off; sleep 0.2; done' % (pmodectl, pmodectl)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out, err = sh('ip', 'netns', 'exec', ns, sys.executable, __file__, 'dumps')
        n, reads_torn, whole, again = (list(map(int, out.split())) + [0] * 4)[:4]
        t.diag('%d dumps, %d torn reads, %d whole dumps, %d EAGAIN' % (n, reads_torn, whole, again))
        t.ok(reads_torn > 0 and whole + again == n and whole > 0,
             'a dump torn by a change is taken again, never returned torn nor raised',
             'torn reads %d, whole %d, EAGAIN %d of %d\n%s' % (reads_torn, whole, again, n,
                                                             err[-2000:]))
    finally:
        if toggler:
            toggler.kill()
            toggler.wait()
        sh('ip', 'netns', 'del', ns)


def dumps():
    """Dump the adapters of this namespace until pyroute2 has reported two
    torn reads, at least 10 and at most 60 times: "DUMPS TORN WHOLE EAGAIN"."""
    from pyroute2.netlink.exceptions import NetlinkDumpInterrupted

    pm = Pmode()
    nlm_request = pm.sock.nlm_request
    reads_torn = 0

    def counting(*args, **kwargs):
        nonlocal reads_torn
        try:
            yield from nlm_request(*args, **kwargs)
        except NetlinkDumpInterrupted:
            reads_torn += 1
            raise
    pm.sock.nlm_request = counting
    whole = again = n = 0
    while n < 60 and (reads_torn < 2 or n < 10):
        n += 1
        try:
            whole += len(pm.adapters()) == 500
        except PmodeError as e:
            if e.errno != errno.EAGAIN:
                raise
            again += 1
    print(n, reads_torn, whole, again)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'suite' and len(sys.argv) == 5:
        suite(*sys.argv[2:])
        return t.status()
    if cmd == 'check' and len(sys.argv) == 4:
        with Pmode() as pm:
            frame = bytes.fromhex(sys.argv[3])
            tx = pm.adapter_check(sys.argv[2], frame)
            rx = pm.adapter_check(sys.argv[2], frame, to_vm=True)
            print(tx.verdict, tx.drop_reason, tx.mac, rx.verdict)
        return 0
    if cmd == 'events' and len(sys.argv) == 3:
        events(sys.argv[2])
        return 0
    if cmd == 'dumps':
        dumps()
        return 0
    if cmd == 'del' and len(sys.argv) == 3:
        # adapter_del as whoever runs this: pmodectl's words for a refusal.
        try:
            Pmode().adapter_del(sys.argv[2])
        except PmodeError as e:
            print('pmodectl: ' + e.message)
        return 0
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main())
