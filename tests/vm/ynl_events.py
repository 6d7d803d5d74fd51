#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Every notification of pmode's family, as the kernel's own YNL library
(tools/net/ynl/lib, of linux-source) decodes it, for 88-ynl.sh.

  ynl_events.py YNL-DIR SPEC SCHEMA READY

Subscribes to the notify and frames groups, creates READY, and prints
each notification's name and its main attributes (+frame for one that
carries a frame's bytes), one a line, until the adapter-del-ntf the test
ends with.
"""
import select
import sys

SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 270, 1


def main():
    ynl, spec, schema, ready = sys.argv[1:5]
    sys.path.insert(0, ynl)
    from lib import YnlFamily

    y = YnlFamily(spec, schema)
    y.ntf_subscribe('notify')
    # ntf_subscribe() binds the socket each time, which a bound socket
    # refuses: the second group joins as it would, without the bind.
    y.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                      y.nlproto.get_mcast_id('frames', y.mcast_groups))
    open(ready, 'w').close()
    while True:
        select.select([y.sock], [], [])
        y.check_ntf()
        while y.async_msg_queue:
            n = y.async_msg_queue.pop(0)
            m = n['msg']
            print(n['name'], *[m[k] for k in ('ifname', 'reason', 'promisc', 'drop-reason',
                                              'offending-mac', 'feature', 'uid') if k in m],
                  *(['+frame'] if 'frame' in m else []), flush=True)
            if n['name'] == 'adapter-del-ntf':
                return 0


if __name__ == '__main__':
    sys.exit(main())
