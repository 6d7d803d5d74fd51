#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A raw listener on pmode's multicast groups, as any local process could
write one (stdlib only, no pmodectl, no libnl), for 59-frame-bytes.sh.

  nl_listen.py --groups notify,frames --needle HEX --ready FILE --until FILE

Resolves the family and its groups through the generic netlink
controller, tries to join each group named by its id, creates READY, and
takes every message until the file UNTIL exists (or --timeout seconds).
Then prints, one a line:

  join GROUP ok|EPERM|absent|<errno name>   for each group named
  messages N          pmode messages received
  violations N        of them violations (PMODE_CMD_VIOLATION or _FRAME)
  frame-attrs N       messages that carry PMODE_A_FRAME
  needle N            messages whose bytes, any of them, contain NEEDLE
"""
import argparse
import errno
import os
import select
import socket
import struct
import time

NETLINK_GENERIC, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP = 16, 270, 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NLMSG_ERROR, NLM_F_REQUEST = 2, 1
# include/uapi/linux/pmode.h
PMODE_CMD_VIOLATION, PMODE_CMD_VIOLATION_FRAME, PMODE_A_FRAME = 10, 12, 22


def attrs(b):
    """Top-level attributes: type -> payload (the last of a repeated one)."""
    out = {}
    while len(b) >= 4:
        n, t = struct.unpack_from('=HH', b)
        if n < 4:
            break
        out[t & 0x3fff] = b[4:n]
        b = b[(n + 3) & ~3:]
    return out


def messages(data):
    while len(data) >= 16:
        n, t = struct.unpack_from('=IH', data)
        if n < 16:
            return
        yield t, data[16:n]
        data = data[(n + 3) & ~3:]


def resolve(name):
    """The family's id and its groups, name -> id."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    name = name.encode() + b'\0'
    a = struct.pack('=HH', 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name + \
        b'\0' * (-len(name) % 4)
    body = struct.pack('=BBH', CTRL_CMD_GETFAMILY, 1, 0) + a
    s.send(struct.pack('=IHHII', 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    for t, m in messages(s.recv(65536)):
        if t == NLMSG_ERROR:
            raise OSError(-struct.unpack_from('=i', m)[0], 'resolving the family')
        a = attrs(m[4:])
        groups = {}
        for g in attrs(a.get(CTRL_ATTR_MCAST_GROUPS, b'')).values():
            g = attrs(g)
            groups[g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()] = \
                struct.unpack('=I', g[CTRL_ATTR_MCAST_GRP_ID])[0]
        s.close()
        return struct.unpack('=H', a[CTRL_ATTR_FAMILY_ID])[0], groups
    raise OSError(errno.EPROTO, 'no answer from the controller')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--family', default='pmode')
    ap.add_argument('--groups', default='notify')
    ap.add_argument('--needle', required=True, help='hex')
    ap.add_argument('--ready', required=True)
    ap.add_argument('--until', required=True)
    ap.add_argument('--timeout', type=float, default=300)
    a = ap.parse_args()
    needle = bytes.fromhex(a.needle)

    family, groups = resolve(a.family)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    # Bound, so that it has a port id: the kernel sends its multicasts as
    # port 0 and skips a socket that still has that id.
    s.bind((0, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    lines = []
    for g in a.groups.split(','):
        if g not in groups:
            lines.append(f'join {g} absent')
            continue
        try:
            s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups[g])
            lines.append(f'join {g} ok')
        except OSError as e:
            lines.append(f'join {g} {errno.errorcode.get(e.errno, e.errno)}')
    open(a.ready, 'w').close()

    n = violations = frames = seen = 0
    end = time.monotonic() + a.timeout
    while not os.path.exists(a.until) and time.monotonic() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        for t, m in messages(s.recv(65536)):
            if t != family:
                continue
            n += 1
            violations += m[0] in (PMODE_CMD_VIOLATION, PMODE_CMD_VIOLATION_FRAME)
            frames += PMODE_A_FRAME in attrs(m[4:])
            seen += needle in m
    lines += [f'messages {n}', f'violations {violations}', f'frame-attrs {frames}',
              f'needle {seen}']
    print('\n'.join(lines), flush=True)
    return 0


if __name__ == '__main__':
    main()
