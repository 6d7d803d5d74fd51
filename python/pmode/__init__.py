# SPDX-License-Identifier: GPL-2.0 OR MIT
"""A client of the pmode generic netlink family, for orchestration agents.

Built on pyroute2's generic netlink socket (Debian: python3-pyroute2); it
does not run pmodectl. docs/netlink.md describes the family itself.

    from pmode import Pmode
    with Pmode() as pm:
        pm.adapter_add('vnet0', vm='vm-42')
        pm.adapter_set('vnet0', promisc=True)
        for a in pm.adapters():
            print(a.ifname, a.vm, a.mac, a.promisc, a.stats['forged-src'])
        for ev in pm.events(timeout=10):
            print(ev)

Every refusal raises PmodeError, an OSError whose errno is the kernel's and
whose message is the kernel's extended-ack text, the same text pmodectl
prints after "pmodectl: ".
"""
import errno
import os
import select
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Union

from pyroute2.netlink import (NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST, genlmsg,
                              nla)
from pyroute2.netlink.exceptions import NetlinkDumpInterrupted, NetlinkError
from pyroute2.netlink.generic import GenericNetlinkSocket

__all__ = ['Pmode', 'PmodeError', 'Adapter', 'Event', 'CMD', 'ATTR',
           'DROP_REASONS', 'REASONS', 'EXPOSURES', 'STATS', 'VERDICTS', 'Check',
           'Guarded', 'Quarantined']

FAMILY = 'pmode'
VERSION = 1
MCGRP = 'notify'
MCGRP_FRAMES = 'frames'     # violations with their frame: CAP_NET_ADMIN only
NLM_F_DUMP_INTR = 0x10

# The numbers of include/uapi/linux/pmode.h; tests/api checks them. The
# names of drop reasons, counters and reasons are the enums' (PMODE_DROP_
# FORGED_SRC is 'forged-src'), spelled as docs/netlink.md, the YNL spec and
# pmodectl (its text, its JSON) spell them.
CMD = dict(ADAPTER_NEW=1, ADAPTER_DEL=2, ADAPTER_SET=3, ADAPTER_GET=4,
           FEATURE_GET=5, FEATURE_SET=6, GRANT_NEW=7, GRANT_DEL=8,
           GRANT_GET=9, VIOLATION=10, ADAPTER_CHECK=11, VIOLATION_FRAME=12,
           GUARD_NEW=13, GUARD_DEL=14, GUARD_GET=15, QUARANTINE_GET=16,
           QUARANTINE_NEW=17, QUARANTINE_DEL=18)
DROP_REASONS = ['invalid-src', 'forged-src', 'forged-arp', 'forged-nd',
                'foreign-dst', 'malformed', 'forged-dhcp', 'quarantined']
# The counters by attribute number, from PMODE_STATS_A_INVALID_SRC on.
STATS = DROP_REASONS[:6] + ['promisc-tx', 'promisc-rx', 'forged-dhcp', 'quarantined']
VERDICTS = ['pass', 'pass-promisc', 'drop']
REASONS = ['request', 'port-deleted', 'port-moved', 'netns-exit',
           'feature-disabled', 'network-changed', 'exposure-changed',
           'registered', 'unregistered', 'promisc-refused']
# What bypasses an adapter's hooks: PMODE_A_EXPOSURE has bit 1 << i of each.
EXPOSURES = ['xdp-generic', 'xdp-native', 'tc-ingress', 'tc-egress', 'packet-tap']


def _enum(prefix, name):
    """The header's name of an entry: 'forged-src' -> PREFIX + 'FORGED_SRC'."""
    return prefix + name.upper().replace('-', '_')


class maclist(nla):
    nla_map = (('PMODE_MACLIST_A_UNSPEC', 'none'),
               ('PMODE_MACLIST_A_MAC', 'l2addr'))


class stats(nla):
    nla_map = (('PMODE_STATS_A_UNSPEC', 'none'),
               ('PMODE_STATS_A_PAD', 'none')) + tuple(
                   (_enum('PMODE_STATS_A_', s), 'uint64') for s in STATS)


class pmodemsg(genlmsg):
    prefix = 'PMODE_A_'
    nla_map = (('PMODE_A_UNSPEC', 'none'),
               ('PMODE_A_PAD', 'none'),
               ('PMODE_A_IFINDEX', 'uint32'),
               ('PMODE_A_IFNAME', 'asciiz'),
               ('PMODE_A_VM', 'asciiz'),
               ('PMODE_A_MAC', 'l2addr'),
               ('PMODE_A_NETWORK', 'uint32'),
               ('PMODE_A_MASTER', 'uint32'),
               ('PMODE_A_OWNER', 'uint32'),
               ('PMODE_A_PROMISC', 'uint8'),
               ('PMODE_A_AS_UID', 'uint32'),
               ('PMODE_A_ALLOWED', 'maclist'),
               ('PMODE_A_ALLOW_ADD', 'l2addr'),
               ('PMODE_A_ALLOW_DEL', 'l2addr'),
               ('PMODE_A_LEARNED', 'maclist'),
               ('PMODE_A_STATS', 'stats'),
               ('PMODE_A_FEATURE', 'uint8'),
               ('PMODE_A_UID', 'uint32'),
               ('PMODE_A_REASON', 'uint32'),
               ('PMODE_A_DROP_REASON', 'uint32'),
               ('PMODE_A_OFFENDING_MAC', 'l2addr'),
               ('PMODE_A_SUPPRESSED', 'uint32'),
               ('PMODE_A_FRAME', 'cdata'),
               ('PMODE_A_FRAME_LENGTH', 'uint32'),
               ('PMODE_A_DIRECTION', 'uint8'),
               ('PMODE_A_VERDICT', 'uint32'),
               ('PMODE_A_BY_UID', 'uint32'),
               ('PMODE_A_EXPOSURE', 'uint32'),
               ('PMODE_A_GUARD', 'uint32'),
               ('PMODE_A_GUARD_NAME', 'asciiz'),
               ('PMODE_A_QUARANTINED', 'uint32'),
               ('PMODE_A_MANAGER', 'asciiz'))
    maclist = maclist
    stats = stats


ATTR = {name[len('PMODE_A_'):]: i for i, (name, _) in enumerate(pmodemsg.nla_map)}


class PmodeError(OSError):
    """A request the kernel refused: errno and the kernel's message."""

    def __init__(self, code, message=None):
        super().__init__(code, message or os.strerror(code))
        self.message = message


@dataclass
class Adapter:
    ifindex: int
    ifname: str
    vm: str
    mac: str
    promisc: bool
    network: Optional[int] = None   # explicit network id, if set
    master: Optional[int] = None    # ifindex of the port's master, if any
    owner: Optional[int] = None     # owner uid, if set
    manager: Optional[str] = None   # what registers it again itself, if any
    allowed: List[str] = field(default_factory=list)
    learned: List[str] = field(default_factory=list)
    stats: Dict[str, int] = field(default_factory=dict)
    # what bypasses its hooks, names of EXPOSURES; None: the module does not say
    exposure: Optional[List[str]] = None


@dataclass
class Guarded:
    """A guarded network: its device, and how many ports it quarantines."""
    ifindex: int
    ifname: str
    quarantined: int = 0


@dataclass
class Quarantined:
    """A VM port in quarantine: nothing passes until it is registered.
    guard and guard_name are its guarded network's device (None for a
    macvtap moved to another namespace than its lower device); dropped
    counts the frames dropped, both ways."""
    ifindex: int
    ifname: str
    guard: Optional[int] = None
    guard_name: Optional[str] = None
    dropped: int = 0


def _guarded(m):
    return Guarded(ifindex=m.get_attr('PMODE_A_IFINDEX'),
                   ifname=m.get_attr('PMODE_A_IFNAME'),
                   quarantined=m.get_attr('PMODE_A_QUARANTINED') or 0)


def _quarantined(m):
    st = m.get_attr('PMODE_A_STATS')
    return Quarantined(ifindex=m.get_attr('PMODE_A_IFINDEX'),
                       ifname=m.get_attr('PMODE_A_IFNAME'),
                       guard=m.get_attr('PMODE_A_GUARD'),
                       guard_name=m.get_attr('PMODE_A_GUARD_NAME'),
                       dropped=(st.get_attr('PMODE_STATS_A_QUARANTINED') or 0) if st else 0)


@dataclass
class Event:
    """A message of the notify group (or of frames, for a violation with its
    frame). kind is 'adapter-new', 'adapter-set', 'adapter-del', 'violation',
    'feature', 'grant-new', 'grant-del', 'guard-new', 'guard-del',
    'quarantine-new' or 'quarantine-del'."""
    kind: str
    adapter: Optional[Adapter] = None   # adapter-* events
    reason: Optional[str] = None        # adapter-*: one of REASONS
    ifindex: Optional[int] = None       # violation
    ifname: Optional[str] = None
    vm: Optional[str] = None
    drop_reason: Optional[str] = None   # violation: one of DROP_REASONS
    offending_mac: Optional[str] = None  # violation (not for malformed)
    suppressed: int = 0                 # violations held back before this one
    frame: Optional[bytes] = None       # violation: the frame's first bytes
                                        # (None without CAP_NET_ADMIN)
    frame_len: Optional[int] = None     # violation: its whole length
    feature: Optional[bool] = None      # feature
    uid: Optional[int] = None           # grant-*
    by_uid: Optional[int] = None        # changes: uid of the process that made it
    as_uid: Optional[int] = None        # changes: the user an agent acted for
    guarded: Optional[Guarded] = None   # guard-new, guard-del
    quarantined: Optional[Quarantined] = None  # quarantine-new, quarantine-del


@dataclass
class Check:
    """The verdict adapter_check() gets: verdict is one of VERDICTS;
    drop_reason one of DROP_REASONS for a drop; mac the address judged
    (the offender of a drop, or the MAC that passed only because promisc is
    on), None when none."""
    verdict: str
    drop_reason: Optional[str] = None
    mac: Optional[str] = None
    frame_len: int = 0


def _macs(msg, name):
    n = msg.get_attr(name)
    return [m for m in n.get_attrs('PMODE_MACLIST_A_MAC')] if n else []


def _adapter(msg):
    st = msg.get_attr('PMODE_A_STATS')
    return Adapter(
        ifindex=msg.get_attr('PMODE_A_IFINDEX'),
        ifname=msg.get_attr('PMODE_A_IFNAME'),
        vm=msg.get_attr('PMODE_A_VM'),
        mac=msg.get_attr('PMODE_A_MAC'),
        promisc=bool(msg.get_attr('PMODE_A_PROMISC')),
        network=msg.get_attr('PMODE_A_NETWORK'),
        master=msg.get_attr('PMODE_A_MASTER'),
        owner=msg.get_attr('PMODE_A_OWNER'),
        manager=msg.get_attr('PMODE_A_MANAGER'),
        allowed=_macs(msg, 'PMODE_A_ALLOWED'),
        learned=_macs(msg, 'PMODE_A_LEARNED'),
        stats={s: st.get_attr(_enum('PMODE_STATS_A_', s)) or 0
               for s in STATS} if st else {},
        exposure=_bits(EXPOSURES, msg.get_attr('PMODE_A_EXPOSURE')))


def _bits(table, mask):
    """The names of the bits set in mask (bit-N for one not in table)."""
    if mask is None:
        return None
    return [table[i] if i < len(table) else f'bit-{i}'
            for i in range(32) if mask & 1 << i]


def _port(dev):
    if isinstance(dev, int):
        return [('PMODE_A_IFINDEX', dev)]
    return [('PMODE_A_IFNAME', dev)]


def _name(table, i):
    return table[i] if i is not None and 0 <= i < len(table) else i


class Pmode:
    """A connection to the family. Requests act in the network namespace of
    the process, with its credentials."""

    def __init__(self):
        self.sock = self._socket()

    @staticmethod
    def _socket():
        s = GenericNetlinkSocket(ext_ack=True, strict_check=True)
        try:
            s.bind(FAMILY, pmodemsg)
        except NetlinkError as e:
            s.close()
            if e.code == errno.ENOENT:
                raise PmodeError(errno.ENOENT, 'the pmode module is not '
                                 'loaded; load it with "modprobe pmode"')
            raise PmodeError(e.code, getattr(e, 'extra', None) or str(e))
        return s

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _request(self, cmd, attrs=(), dump=False):
        msg = pmodemsg()
        msg['cmd'] = CMD[cmd]
        msg['version'] = VERSION
        msg['attrs'] = [list(a) for a in attrs]
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
        for _ in range(5):
            torn = []

            # Sees every message, NLMSG_DONE included, which may carry the
            # flag when the last change came after the last adapter.
            def watch(m):
                if m['header']['flags'] & NLM_F_DUMP_INTR:
                    torn.append(m)

            try:
                replies = list(self.sock.nlm_request(
                    msg, msg_type=self.sock.prid, msg_flags=flags,
                    terminate=watch))
            except NetlinkDumpInterrupted:
                # pyroute2 raises this, after the whole dump, when one of
                # its messages carried the flag; the DONE it lets through.
                continue
            except NetlinkError as e:
                text = e.args[1] if len(e.args) > 1 else None
                raise PmodeError(e.code, text) from None
            replies = [r for r in replies if r['header']['type'] == self.sock.prid]
            # A dump the kernel flags as torn (something changed): again.
            if not torn:
                return replies
        raise PmodeError(errno.EAGAIN, 'the adapter set kept changing during the dump')

    # Adapters

    def adapter_add(self, dev: Union[str, int], vm: str, mac: str = None,
                    network: int = None, owner: int = None,
                    manager: str = None) -> Adapter:
        """Register an adapter on port @dev (name or ifindex) for VM @vm.
        mac defaults to the veth peer's (a macvtap: its own); network
        to the port's master. manager names the integration that
        registers it again itself (pmodectl save leaves it out)."""
        attrs = _port(dev) + [('PMODE_A_VM', vm)]
        if mac is not None:
            attrs.append(('PMODE_A_MAC', mac))
        if network is not None:
            attrs.append(('PMODE_A_NETWORK', network))
        if owner is not None:
            attrs.append(('PMODE_A_OWNER', owner))
        if manager is not None:
            attrs.append(('PMODE_A_MANAGER', manager))
        self._request('ADAPTER_NEW', attrs)
        return self.adapter_get(dev)

    def adapter_del(self, dev: Union[str, int]):
        self._request('ADAPTER_DEL', _port(dev))

    def adapter_set(self, dev: Union[str, int], promisc: bool = None,
                    as_uid: int = None, mac: str = None, allow_add: str = None,
                    allow_del: str = None) -> Adapter:
        """Change an adapter; all of it or nothing."""
        attrs = _port(dev)
        if promisc is not None:
            attrs.append(('PMODE_A_PROMISC', int(bool(promisc))))
        if as_uid is not None:
            attrs.append(('PMODE_A_AS_UID', as_uid))
        if mac is not None:
            attrs.append(('PMODE_A_MAC', mac))
        if allow_add is not None:
            attrs.append(('PMODE_A_ALLOW_ADD', allow_add))
        if allow_del is not None:
            attrs.append(('PMODE_A_ALLOW_DEL', allow_del))
        self._request('ADAPTER_SET', attrs)
        return self.adapter_get(dev)

    def adapter_get(self, dev: Union[str, int]) -> Adapter:
        return _adapter(self._request('ADAPTER_GET', _port(dev))[0])

    def adapters(self, dev: Union[str, int] = None, vm: str = None) -> List[Adapter]:
        """Every adapter of this namespace, or those of a port or a VM."""
        attrs = _port(dev) if dev is not None else []
        if vm is not None:
            attrs.append(('PMODE_A_VM', vm))
        return [_adapter(m) for m in self._request('ADAPTER_GET', attrs, dump=True)]

    def adapter_check(self, dev: Union[str, int], frame: bytes,
                      to_vm: bool = False) -> Check:
        """A dry run: the verdict @dev's adapter would give @frame (bytes
        from its destination MAC on, no FCS), transmitted by the VM or, with
        to_vm, delivered to it. Nothing is counted, learned or reported."""
        m = self._request('ADAPTER_CHECK', _port(dev) + [
            ('PMODE_A_FRAME', bytes(frame)),
            ('PMODE_A_DIRECTION', 1 if to_vm else 0)])[0]
        return Check(verdict=_name(VERDICTS, m.get_attr('PMODE_A_VERDICT')),
                     drop_reason=_name(DROP_REASONS, m.get_attr('PMODE_A_DROP_REASON')),
                     mac=m.get_attr('PMODE_A_OFFENDING_MAC'),
                     frame_len=m.get_attr('PMODE_A_FRAME_LENGTH') or 0)

    # The host-wide gate and grants

    def feature_get(self) -> bool:
        return bool(self._request('FEATURE_GET')[0].get_attr('PMODE_A_FEATURE'))

    def feature_set(self, enable: bool):
        self._request('FEATURE_SET', [('PMODE_A_FEATURE', int(bool(enable)))])

    def grant_add(self, uid: int):
        self._request('GRANT_NEW', [('PMODE_A_UID', uid)])

    def grant_del(self, uid: int):
        self._request('GRANT_DEL', [('PMODE_A_UID', uid)])

    def grants(self) -> List[int]:
        return [m.get_attr('PMODE_A_UID')
                for m in self._request('GRANT_GET', dump=True)]

    # Guarded networks

    def guard(self, dev: Union[str, int]) -> Guarded:
        """Guard the network of bridge (or macvtap lower device) @dev: its
        unregistered VM ports are quarantined until registered."""
        return _guarded(self._request('GUARD_NEW', _port(dev))[0])

    def unguard(self, dev: Union[str, int]):
        self._request('GUARD_DEL', _port(dev))

    def guarded(self) -> List[Guarded]:
        return [_guarded(m) for m in self._request('GUARD_GET', dump=True)]

    def quarantined(self) -> List[Quarantined]:
        return [_quarantined(m) for m in self._request('QUARANTINE_GET', dump=True)]

    # Events

    def events(self, timeout: float = None, frames: bool = None) -> Iterator[Event]:
        """Messages of the notify group, as they come, on a socket of their
        own; stops after @timeout seconds without one (None: never). The
        subscription is made by this call, so no event after it is missed.

        A violation's frame bytes are the tenant's: the kernel sends them
        only on the frames group, which takes CAP_NET_ADMIN over the
        network namespace to join. frames=None joins it if allowed (else
        violations come with frame None), True raises PmodeError (EPERM)
        if not allowed, False never joins it."""
        s = self._socket()
        try:
            s.add_membership(MCGRP)
            joined = frames is not False and self._join_frames(s, frames)
        except BaseException:
            s.close()
            raise
        return self._events(s, timeout, joined)

    @staticmethod
    def _join_frames(s, required):
        try:
            s.add_membership(MCGRP_FRAMES)
            return True
        except KeyError:
            if required:
                raise PmodeError(errno.ENOENT, 'this pmode module has no '
                                 'frames group; upgrade it') from None
        except OSError as e:
            if required:
                raise PmodeError(e.errno, 'joining the frames group takes '
                                 'CAP_NET_ADMIN over the network namespace') from None
        return False

    def _events(self, s, timeout, frames):
        try:
            while True:
                r, _, _ = select.select([s], [], [], timeout)
                if not r:
                    return
                for m in s.get():
                    if m['header']['type'] != s.prid:
                        continue
                    # On both groups, each violation comes twice: the one
                    # with its bytes is kept.
                    if frames and m['cmd'] == CMD['VIOLATION']:
                        continue
                    yield self._event(m)
        finally:
            s.close()

    @staticmethod
    def _event(m):
        cmd = m['cmd']
        if cmd in (CMD['VIOLATION'], CMD['VIOLATION_FRAME']):
            return Event('violation', ifindex=m.get_attr('PMODE_A_IFINDEX'),
                         ifname=m.get_attr('PMODE_A_IFNAME'),
                         vm=m.get_attr('PMODE_A_VM'),
                         drop_reason=_name(DROP_REASONS, m.get_attr('PMODE_A_DROP_REASON')),
                         offending_mac=m.get_attr('PMODE_A_OFFENDING_MAC'),
                         suppressed=m.get_attr('PMODE_A_SUPPRESSED') or 0,
                         frame=m.get_attr('PMODE_A_FRAME'),
                         frame_len=m.get_attr('PMODE_A_FRAME_LENGTH'))
        who = dict(by_uid=m.get_attr('PMODE_A_BY_UID'),
                   as_uid=m.get_attr('PMODE_A_AS_UID'))
        if cmd == CMD['FEATURE_SET']:
            return Event('feature', feature=bool(m.get_attr('PMODE_A_FEATURE')),
                         **who)
        reason = _name(REASONS, m.get_attr('PMODE_A_REASON'))
        if cmd in (CMD['GUARD_NEW'], CMD['GUARD_DEL']):
            return Event('guard-new' if cmd == CMD['GUARD_NEW'] else 'guard-del',
                         guarded=_guarded(m), reason=reason, **who)
        if cmd in (CMD['QUARANTINE_NEW'], CMD['QUARANTINE_DEL']):
            return Event('quarantine-new' if cmd == CMD['QUARANTINE_NEW'] else
                         'quarantine-del', quarantined=_quarantined(m),
                         reason=reason, **who)
        if cmd in (CMD['GRANT_NEW'], CMD['GRANT_DEL']):
            return Event('grant-new' if cmd == CMD['GRANT_NEW'] else 'grant-del',
                         uid=m.get_attr('PMODE_A_UID'), **who)
        kind = {CMD['ADAPTER_NEW']: 'adapter-new', CMD['ADAPTER_SET']: 'adapter-set',
                CMD['ADAPTER_DEL']: 'adapter-del'}.get(cmd, f'cmd-{cmd}')
        return Event(kind, adapter=_adapter(m),
                     reason=_name(REASONS, m.get_attr('PMODE_A_REASON')), **who)
