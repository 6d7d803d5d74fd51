#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Control-plane timings of the benchmark, through the netlink API itself.

  cplane.py register FILE   register the adapters FILE lists ("dev vm mac"
                            per line), one request each, as an agent would
  cplane.py dump            dump every adapter, parsing each
  cplane.py dumpraw         dump every adapter, counting messages only

Prints "<guest ns> <count> <slab bytes> <percpu bytes>": the time the
requests took, not Python's start-up, and what /proc/meminfo's Slab and
Percpu grew by meanwhile.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'fuzz'))
import nlfuzz  # noqa: E402  (the stdlib genl client)


def meminfo():
    kb = {}
    with open('/proc/meminfo') as f:
        for line in f:
            k, v = line.split(':')
            kb[k] = int(v.split()[0])
    return kb['Slab'] * 1024, kb['Percpu'] * 1024


def main():
    nl = nlfuzz.Genl()
    if sys.argv[1] == 'register':
        reqs = []
        with open(sys.argv[2]) as f:
            for line in f:
                dev, vm, mac = line.split()
                payload = (nlfuzz.attr(nlfuzz.A_IFNAME, dev.encode() + b'\0') +
                           nlfuzz.attr(nlfuzz.A_VM, vm.encode() + b'\0') +
                           nlfuzz.attr(nlfuzz.A_MAC, bytes.fromhex(mac.replace(':', ''))))
                reqs.append(payload)
        slab0, pcpu0 = meminfo()
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        for p in reqs:
            err, _ = nl.call(nlfuzz.CMD_NEW, p)
            if err:
                sys.exit(f'cplane.py: register failed: {os.strerror(-err)}')
        t1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        slab1, pcpu1 = meminfo()
        print(t1 - t0, len(reqs), slab1 - slab0, pcpu1 - pcpu0)
    elif sys.argv[1] == 'dump':
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        n = len(nlfuzz.dump(nl))
        t1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        print(t1 - t0, n, 0, 0)
    elif sys.argv[1] == 'dumpraw':
        # The kernel's side of a dump: messages received, none parsed.
        t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        nl.send_raw(nl.header(nl.family, nlfuzz.CMD_GET, b'',
                              nlfuzz.NLM_F_REQUEST | nlfuzz.NLM_F_DUMP))
        n = 0
        done = False
        while not done:
            d = nl.s.recv(1 << 16)
            off = 0
            while off + 16 <= len(d):
                ln, typ = struct.unpack_from('IH', d, off)
                if typ == nlfuzz.NLMSG_DONE or typ == nlfuzz.NLMSG_ERROR:
                    done = True
                    break
                n += 1
                off += (ln + 3) & ~3
        t1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        print(t1 - t0, n, 0, 0)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
