#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Random pmode states against the real module: each is made with raw
netlink requests (tests/fuzz/nlfuzz.py's client: no batch file, no
pmodectl is involved in making it), dumped with 'pmodectl -j', saved with
'pmodectl save', wiped, restored with 'pmodectl -b' and dumped again; the
two dumps must be the same. Every few states save and -b run as processes
of their own, from a file, with the module reloaded in between.

    states.py --pmodectl PATH --module PATH.ko [--states N] [--seed S]
              [--reload-every K] [--budget SECONDS] [--at-least N] PORT...

Prints TAP lines; what goes wrong, with the saved file, goes to stderr.
"""
import argparse
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time
from errno import EBUSY, EEXIST, ENOENT

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fuzz'))
from tap import Tap  # noqa: E402
from nlfuzz import (A_ALLOW_ADD, A_AS_UID, A_FEATURE, A_IFNAME, A_MAC,  # noqa: E402
                    A_NETWORK, A_OWNER, A_PROMISC, A_UID, A_VM, CMD_DEL,
                    CMD_FEATURE_SET, CMD_GRANT_DEL, CMD_GRANT_NEW, CMD_NEW,
                    CMD_SET, Genl, attr)

DUMP = b'adapter show\nfeature show\nuser show\n'

# Pieces a batch file could get wrong, and UTF-8.
PIECES = ['"', '\\', "'", '#', ' ', '\\"', '"\\', 'é', '日本', '\u200b',
          '$x', ';', '\\n', '  ', '-', '#x', '\u0085']


def random_vm(rng, taken):
    """A VM id vm_id_check() takes: 1 to 63 bytes, none below 0x20 or 0x7f."""
    if taken and rng.random() < 0.3:
        return rng.choice(taken)
    want = rng.randint(1, 63)
    s = ''
    while len(s.encode()) < want:
        r = rng.random()
        if r < 0.4:
            s += rng.choice(PIECES)
        elif r < 0.8:
            s += chr(rng.randint(0x20, 0x7e))
        else:
            c = rng.randint(0xa0, 0x2fff)
            s += chr(c)
    while len(s.encode()) > 63:
        s = s[:-1]
    return s or 'x'


def random_vm_bytes(rng):
    """A VM id of any bytes the kernel takes, UTF-8 or not."""
    return bytes(rng.choice([b for b in range(0x20, 0x100) if b != 0x7f])
                 for _ in range(rng.randint(1, 63)))


def random_mac(rng):
    m = [rng.randrange(256) for _ in range(6)]
    m[0] &= 0xfe
    if not any(m):
        m[5] = 1
    return bytes(m)


def random_uid(rng):
    return rng.choice([0, 1, 1000, 65534, rng.randrange(1, 2**32 - 1)])


def u32(v):
    return struct.pack('I', v)


class Run:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.nl = Genl()
        self.ctl = Ctl(args.pmodectl)
        self.granted = set()	# every uid granted while making the state

    def log(self, *what):
        print(*what, file=sys.stderr)

    def req(self, cmd, payload, ok=()):
        """A request that must succeed, or fail with an errno of @ok."""
        err, _ = self.nl.call(cmd, payload)
        if err and -err not in ok:
            raise OSError(-err, 'request %d failed: %s' % (cmd, os.strerror(-err)))
        return -err

    def pmodectl(self, *argv, stdin=None):
        return subprocess.run([self.args.pmodectl, *argv], input=stdin,
                              capture_output=True)

    def grant(self, uid):
        self.req(CMD_GRANT_NEW, attr(A_UID, u32(uid)), ok=(EEXIST,))
        self.granted.add(uid)

    def make(self):
        """A random state, made with raw requests."""
        rng = self.rng
        gate = rng.random() < 0.6
        if gate:
            self.req(CMD_FEATURE_SET, attr(A_FEATURE, b'\1'))
        grants = sorted({random_uid(rng) for _ in range(rng.randint(0, 4))})
        for g in grants:
            self.grant(g)
        vms = []
        for port in self.args.ports:
            if rng.random() < 0.25:
                continue
            dev = attr(A_IFNAME, port.encode() + b'\0')
            if rng.random() < 0.1:
                vm = random_vm_bytes(rng)	# not UTF-8
            else:
                vm = random_vm(rng, vms).encode()
                vms.append(vm.decode())
            p = dev + attr(A_VM, vm + b'\0')
            if rng.random() < 0.7:
                p += attr(A_MAC, random_mac(rng))	# else the veth peer's
            if rng.random() < 0.5:
                p += attr(A_NETWORK, u32(rng.choice([0, 1, 2, rng.randrange(2**32)])))
            if rng.random() < 0.5:
                p += attr(A_OWNER, u32(random_uid(rng)))
            self.req(CMD_NEW, p)
            allowed = [m for m in (random_mac(rng) for _ in range(rng.choice([0, 0, 1, 2, 5, 16])))
                       if not self.req(CMD_SET, dev + attr(A_ALLOW_ADD, m), ok=(EEXIST,))]
            if allowed and rng.random() < 0.2:
                self.req(CMD_SET, dev + attr(A_MAC, rng.choice(allowed)))
            if gate and rng.random() < 0.5:
                uid = rng.choice(grants) if grants else 4242
                self.grant(uid)
                # One per VM per network: EBUSY for a second one.
                self.req(CMD_SET, dev + attr(A_PROMISC, b'\1') + attr(A_AS_UID, u32(uid)),
                         ok=(EBUSY,))
        # Revoking a grant leaves the flags it allowed on.
        for g in sorted(self.granted):
            if rng.random() < 0.3:
                self.req(CMD_GRANT_DEL, attr(A_UID, u32(g)), ok=(ENOENT,))

    def wipe(self, reload):
        if reload:
            for cmd in (['rmmod', 'pmode'], ['insmod', self.args.module]):
                subprocess.run(cmd, check=True)
            self.nl = Genl()
            return
        for port in self.args.ports:
            self.req(CMD_DEL, attr(A_IFNAME, port.encode() + b'\0'), ok=(ENOENT,))
        for g in self.granted | {0}:	# 0: what a saved file may grant
            self.req(CMD_GRANT_DEL, attr(A_UID, u32(g)), ok=(ENOENT,))
        self.req(CMD_FEATURE_SET, attr(A_FEATURE, b'\0'))

    def one(self, i):
        """Return: '' if state @i comes back, else what went wrong; and the
        state, as dumped before."""
        self.make()
        before = self.ctl.dump()
        # Every few states: 'pmodectl save' and 'pmodectl -b FILE' on their
        # own, as an operator and the restore unit run them, and the module
        # reloaded in between; else all through the one batch process.
        alone = self.args.reload_every and i % self.args.reload_every == 0
        if alone:
            p = self.pmodectl('save')
            saved, why = p.stdout, p.returncode and p.stderr.decode(errors='replace')
        else:
            saved, why = self.ctl.save()
        if why:
            return 'save failed: ' + why, before
        if alone:
            self.ctl.close()	# its family id goes with the module
        self.wipe(alone)
        if alone:
            with tempfile.NamedTemporaryFile(suffix='.batch') as f:
                f.write(saved)
                f.flush()
                p = self.pmodectl('-b', f.name)
            why = p.returncode and '-b failed: ' + p.stderr.decode(errors='replace')
            self.ctl = Ctl(self.args.pmodectl)
        else:
            why = self.ctl.run(saved)
        after = None if why else self.ctl.dump()
        if not why and before != after:
            why = 'the dumps differ'
            self.log('before: ' + json.dumps(before, ensure_ascii=True))
            self.log('after:  ' + json.dumps(after, ensure_ascii=True))
        if why:
            self.log('state %d: %s' % (i, why))
            self.log('saved:\n' + saved.decode(errors='backslashreplace'))
            self.ctl.close()
            self.ctl = Ctl(self.args.pmodectl)
        self.wipe(False)
        self.granted = set()
        return why, before


class Ctl:
    """One 'pmodectl -j -b -' process, fed commands as they come: a process
    for each would cost most of the time in the emulated guest. A failing
    line ends it, as it ends any batch."""

    def __init__(self, path):
        self.p = subprocess.Popen([path, '-j', '-b', '-'], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def close(self):
        self.p.stdin.close()
        self.p.wait()

    def failed(self):
        self.p.stdin.close()
        return 'pmodectl -b -: ' + self.p.stderr.read().decode(errors='replace')

    def run(self, lines):
        """Run batch lines that print nothing. Return: '' or why not."""
        try:
            self.p.stdin.write(lines + b'feature show\n')
            self.p.stdin.flush()
        except BrokenPipeError:
            return self.failed()
        line = self.p.stdout.readline()
        return '' if line.startswith(b'{"enabled":') else self.failed()

    def dump(self):
        """What pmodectl -j shows, adapters in ifindex order."""
        self.p.stdin.write(DUMP)
        self.p.stdin.flush()
        # Not splitlines(): a VM id may hold U+0085 or U+2028.
        lines = [self.p.stdout.readline().decode('utf-8', 'surrogateescape')
                 for _ in range(3)]
        if not lines[-1]:
            raise RuntimeError(self.failed())
        adapters, feature, users = (json.loads(x) for x in lines)
        return dict(adapters=sorted(adapters, key=lambda a: a['ifindex']),
                    feature=feature, users=users)

    def save(self):
        """'save' in the batch; its end is the next command's output."""
        self.p.stdin.write(b'save\nfeature show\n')
        self.p.stdin.flush()
        out = b''
        while True:
            line = self.p.stdout.readline()
            if not line:
                return out, self.failed()
            if line.startswith(b'{"enabled":'):
                return out, ''
            out += line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pmodectl', required=True)
    ap.add_argument('--module', required=True)
    ap.add_argument('--states', type=int, default=500)
    ap.add_argument('--seed', type=int, default=None)
    ap.add_argument('--reload-every', type=int, default=25)
    ap.add_argument('--budget', type=float, default=60,
                    help='seconds after which no new state is begun')
    ap.add_argument('--at-least', type=int, default=100,
                    help='states that must have been checked by then')
    ap.add_argument('ports', nargs='+')
    args = ap.parse_args()
    if args.seed is None:
        args.seed = random.randrange(2**32)
    print('# up to %d states in %g s, seed %d' % (args.states, args.budget, args.seed))
    start = time.monotonic()
    run = Run(args)
    failed = []
    seen = dict.fromkeys(['adapters', 'with "', 'with \\', 'with #',
                          'not UTF-8', 'allowed MACs', 'MAC also allowed',
                          'promisc', 'promisc, no grant left'], 0)
    done = 0
    for i in range(args.states):
        if time.monotonic() - start > args.budget:
            break
        why, state = run.one(i)
        done += 1
        if why:
            failed.append(i)
        for a in state['adapters'] if state else ():
            seen['adapters'] += 1
            for c in '"\\#':
                seen['with ' + c] += c in a['vm']
            seen['not UTF-8'] += any(0xdc80 <= ord(c) <= 0xdcff for c in a['vm'])
            seen['allowed MACs'] += len(a['allowed'])
            seen['MAC also allowed'] += a['mac'] in a['allowed']
            seen['promisc'] += a['promisc']
            seen['promisc, no grant left'] += a['promisc'] and not state['users']
        if len(failed) >= 10:
            break
    print('# seen: ' + ', '.join('%s %d' % kv for kv in seen.items()))
    print('# %d states in %.0f s' % (done, time.monotonic() - start))
    t = Tap('save/restore: ')
    t.ok(not failed, '%d random states come back the same through save and -b '
         '(%d differ%s; seed %d)' % (done, len(failed),
                                     ': ' + ' '.join(map(str, failed[:10])) if failed else '',
                                     args.seed))
    t.ok(done >= args.at_least, 'at least %d states were checked (%d)' % (args.at_least, done))
    missed = [k for k, v in seen.items() if not v]
    t.ok(not missed, 'the states had every kind of value%s' %
         (' (none ' + ', '.join(missed) + ')' if missed else ''))
    return t.status()


if __name__ == '__main__':
    sys.exit(main())
