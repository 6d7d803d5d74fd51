#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The invariant 95-stress.sh checks while it churns adapters, bridges and
namespaces: at most one promisc adapter per VM and network, in every dump
one process takes through the Python client (which dumps again when the
kernel flags a dump as torn).

  stress_check.py STOP    creates STOP.ready, dumps until STOP exists,
                          prints "DUMPS BAD TORN LIVE" (LIVE: the dumps
                          that held a promisc adapter, on which the
                          invariant had something to check)

A dump torn every time the client tries (EAGAIN) says nothing either way
and is counted apart (TORN); anything else the client raises ends the
checker, its traceback written to STOP.err.
"""
import collections
import errno
import os
import sys
import traceback

from pmode import Pmode, PmodeError


def main():
    stop = sys.argv[1]
    pm = Pmode()
    open(stop + '.ready', 'w').close()
    n = bad = torn = live = 0
    try:
        while not os.path.exists(stop):
            try:
                adapters = pm.adapters()
            except PmodeError as e:
                if e.errno != errno.EAGAIN:
                    raise
                torn += 1
                continue
            c = collections.Counter(
                (a.vm, ('id', a.network) if a.network is not None else ('br', a.master))
                for a in adapters
                if a.promisc and (a.network is not None or a.master is not None))
            live += bool(c)
            for k, v in c.items():
                if v > 1:
                    bad += 1
                    print(k, v, file=sys.stderr)
            n += 1
    except Exception:
        with open(stop + '.err', 'w') as f:
            traceback.print_exc(file=f)
    print(n, bad, torn, live)


if __name__ == '__main__':
    main()
