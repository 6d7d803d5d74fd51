#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""An example orchestration agent: watch pmode's violation events and, when
a VM keeps forging frames, turn promiscuous mode off on its adapter and
say so. Run it as root on the host, beside the VMs.

Usage: violation-agent.py [--limit N] [--timeout SECONDS]
  --limit N        act on the Nth violation of one adapter (default 3)
  --timeout S      exit after S seconds without an event (default: never)
"""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from pmode import Pmode, PmodeError  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--limit', type=int, default=3)
    ap.add_argument('--timeout', type=float)
    args = ap.parse_args()

    seen = collections.Counter()
    with Pmode() as pm:
        events = pm.events(timeout=args.timeout)
        print('watching pmode violations', flush=True)
        for ev in events:
            if ev.kind != 'violation':
                continue
            # Each event stands for itself and the ones held back before it.
            seen[ev.ifindex] += 1 + ev.suppressed
            print(f'violation: {ev.ifname} (VM {ev.vm}): {ev.drop_reason}'
                  f' {ev.offending_mac or ""}, {seen[ev.ifindex]} so far', flush=True)
            if seen[ev.ifindex] < args.limit:
                continue
            try:
                a = pm.adapter_get(ev.ifindex)
                if a.promisc:
                    pm.adapter_set(ev.ifindex, promisc=False)
                    print(f'action: promisc off on {a.ifname} (VM {a.vm})', flush=True)
                else:
                    print(f'action: {a.ifname} (VM {a.vm}) keeps forging; '
                          'its frames are dropped', flush=True)
            except PmodeError as e:
                print(f'violation-agent: {e.message or e.strerror}', file=sys.stderr)
            seen[ev.ifindex] = 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
