#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the YNL spec of the family against the UAPI header and the kernel's
attribute policies, so that none of the three drifts from the others.

Usage: check-spec.py [--header H] [--spec S] [--policy kmod/netlink.c]

Checks, each printed as a TAP line:
  - every enum entry, attribute, operation and constant of the spec exists
    in the header under its derived C name, with the same value (the header
    is compiled, so the values are the compiler's, not a regex's);
  - every name the header defines (enumerators and #defines, sentinels
    excepted) is in the spec;
  - every attribute's type in the spec is the type the header's comment
    names, and the type the kernel's policies validate it as;
  - the multicast groups are the header's PMODE_MCGRP_* and the module's,
    and those the spec says need CAP_NET_ADMIN (flags: [ admin-perm ]) are
    those the module registers with GENL_MCAST_CAP_NET_ADMIN.
"""
import argparse
import os
import re
import sys

import yaml

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(top, 'tests', 'lib'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cvalues import compiled_values  # noqa: E402
from tap import Tap  # noqa: E402

t = Tap('api: ')
tap = t.ok


def cname(prefix, name):
    return (prefix + name).upper().replace('-', '_')


def spec_names(spec):
    """C name -> (value, where) for everything the spec defines."""
    out = {}
    if 'c-version-name' in spec:
        # genetlink-c: the family version's define; YNL's version is 1.
        out[cname('', spec['c-version-name'])] = (spec.get('version', 1), 'c-version-name')
    for d in spec.get('definitions', []):
        p = d.get('name-prefix', '')
        if d['type'] == 'const':
            out[cname(p, d['name'])] = (d['value'], f'const {d["name"]}')
        elif d['type'] in ('enum', 'flags'):
            for e in d['entries']:
                out[cname(p, e['name'])] = (e['value'], f'enum {d["name"]}')
    for s in spec['attribute-sets']:
        p = s['name-prefix']
        for a in s['attributes']:
            out[cname(p, a['name'])] = (a['value'], f'attribute-set {s["name"]}')
    ops = spec['operations']
    for o in ops['list']:
        out[cname(ops['name-prefix'], o['name'])] = (o['value'], 'operations')
    return out


def header_names(text):
    """Names the header defines, sentinels (__X_MAX, X_MAX) excepted."""
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    names = set()
    for body in re.findall(r'enum\s+\w+\s*{(.*?)}', text, flags=re.S):
        for item in body.split(','):
            m = re.match(r'\s*([A-Z_][A-Z0-9_]*)', item)
            if m:
                names.add(m.group(1))
    for m in re.finditer(r'^#define\s+([A-Z_][A-Z0-9_]*)\s', text, flags=re.M):
        names.add(m.group(1))
    return {x for x in names
            if not x.startswith('__') and not x.endswith('_MAX') and
            not x.startswith('_UAPI_') and x != 'PMODE_GENL_NAME' and
            not x.startswith('PMODE_MCGRP_')}


def module_groups(text):
    """The module's multicast groups: C name of the group's name -> whether
    it is registered with GENL_MCAST_CAP_NET_ADMIN."""
    m = re.search(r'genl_multicast_group\s+\w+\[\]\s*=\s*{(.*?)\n};', text, flags=re.S)
    out = {}
    for entry in re.findall(r'=\s*{([^}]*)}', m.group(1) if m else ''):
        name = re.search(r'\.name\s*=\s*(PMODE_MCGRP_\w+)', entry)
        if name:
            out[name.group(1)] = 'GENL_MCAST_CAP_NET_ADMIN' in entry
    return out


HEADER_TYPES = {'u8': 'u8', 'u16': 'u16', 'u32': 'u32', 'u64': 'u64',
                'nest': 'nest', 'binary': 'binary', 'flag': 'flag'}
POLICY_TYPES = {'NLA_U8': 'u8', 'NLA_U16': 'u16', 'NLA_U32': 'u32',
                'NLA_U64': 'u64', 'NLA_NUL_STRING': 'string',
                'NLA_STRING': 'string', 'NLA_NESTED': 'nest',
                'NLA_BINARY': 'binary', 'NLA_FLAG': 'flag'}


def header_types(text):
    """C attribute name -> type named by its comment in the header."""
    out = {}
    for m in re.finditer(r'^\s*([A-Z][A-Z0-9_]*),\s*/\*\s*([^*]*?)\s*\*/', text, flags=re.M):
        word = re.split(r'[\s:,]', m.group(2))[0]
        if 'string' in m.group(2).split(':')[0]:
            out[m.group(1)] = 'string'
        elif word in HEADER_TYPES:
            out[m.group(1)] = HEADER_TYPES[word]
    return out


def policy_types(text):
    """C attribute name -> the types the kernel's policies give it."""
    out = {}
    for m in re.finditer(r'\[(PMODE_\w+)\]\s*=\s*(.*?),\s*$', text, flags=re.M):
        rhs = m.group(2)
        if 'EXACT_LEN' in rhs:
            t = 'binary'
        else:
            t = next((v for k, v in POLICY_TYPES.items()
                      if re.search(r'\b%s\b' % k, rhs)), None)
        if t:
            out.setdefault(m.group(1), set()).add(t)
    return out


def client_check(values):
    """The Python client's tables are the header's numbers too."""
    sys.path.insert(0, os.path.join(top, 'python'))
    try:
        import pmode
    except ImportError as e:
        tap(False, 'the Python client imports', str(e))
        return
    wrong = []
    for k, v in pmode.CMD.items():
        if values.get('PMODE_CMD_' + k) != v:
            wrong.append(f'CMD {k}={v}')
    for k, v in pmode.ATTR.items():
        if values.get('PMODE_A_' + k) != v:
            wrong.append(f'ATTR {k}={v}')
    for table, prefix in ((pmode.DROP_REASONS, 'PMODE_DROP_'),
                          (pmode.REASONS, 'PMODE_REASON_'),
                          (pmode.EXPOSURES, 'PMODE_EXPOSURE_')):
        for i, k in enumerate(table):
            if values.get(pmode._enum(prefix, k)) != i:
                wrong.append(f'{pmode._enum(prefix, k)}={i}')
    for name, _ in pmode.stats.nla_map:
        if values.get(name) != pmode.stats.nla_map.index((name, _)):
            wrong.append(name)
    for name, _ in pmode.maclist.nla_map:
        if values.get(name) != pmode.maclist.nla_map.index((name, _)):
            wrong.append(name)
    # A notification's second name for its request's number (PMODE_CMD_*_NTF)
    # is known to the client by the request's name.
    have = {k for k in values if k.startswith(('PMODE_A_', 'PMODE_CMD_')) and not
            (k.endswith('_NTF') and values.get(k[:-len('_NTF')]) == values[k])}
    known = {'PMODE_A_' + k for k in pmode.ATTR} | {'PMODE_CMD_' + k for k in pmode.CMD}
    missing = sorted(have - known - {'PMODE_CMD_UNSPEC'})
    tap(not wrong and not missing,
        'the Python client (python/pmode) numbers everything as the header does',
        '; '.join(wrong + [f'missing {m}' for m in missing]))


def spelling_check(spec, tools_c):
    """Drop reasons, reasons and counters are spelled as the spec's entries
    by the Python client and by pmodectl (text, JSON), all three alike."""
    sys.path.insert(0, os.path.join(top, 'python'))
    import pmode
    enums = {d['name']: d for d in spec.get('definitions', []) if d['type'] == 'enum'}
    stats = next(s for s in spec['attribute-sets'] if s['name'] == 'stats')
    wrong = []
    for d, client in ((enums['drop-reason'], pmode.DROP_REASONS),
                      (enums['reason'], pmode.REASONS),
                      (enums['exposure'], pmode.EXPOSURES)):
        names = [e['name'] for e in sorted(d['entries'], key=lambda e: e['value'])]
        if client != names:
            wrong.append(f'python {client} vs spec {names}')
        # pmodectl's words, as '[PMODE_DROP_FORGED_SRC] = "forged-src",'
        got = re.findall(r'\[(%s\w+)\]\s*=\s*"([^"]*)"' % cname(d['name-prefix'], ''),
                         tools_c)
        want = [(cname(d['name-prefix'], x), x) for x in names]
        if got != want:
            wrong.append(f'pmodectl {got} vs spec {want}')
    counters = [a['name'] for a in stats['attributes'] if a['type'] == 'u64']
    if pmode.STATS != counters:
        wrong.append(f'python stats {pmode.STATS} vs spec {counters}')
    drops = [e['name'] for e in enums['drop-reason']['entries']]
    extra = [c for c in counters if c not in drops and f'"{c}"' not in tools_c]
    if extra:
        wrong.append(f'pmodectl does not name the counters {extra}')
    tap(not wrong, 'drop reasons, reasons and counters are spelled as the spec '
        'spells them, by the Python client and pmodectl alike', '; '.join(wrong))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--header', default=os.path.join(top, 'include/uapi/linux/pmode.h'))
    ap.add_argument('--spec', default=os.path.join(top, 'docs/netlink/pmode.yaml'))
    ap.add_argument('--policy', default=os.path.join(top, 'kmod/netlink.c'))
    ap.add_argument('--tools', default=os.path.join(top, 'tools/adapter.c'))
    args = ap.parse_args()

    with open(args.spec) as f:
        spec = yaml.safe_load(f)
    with open(args.header) as f:
        htext = f.read()
    with open(args.policy) as f:
        ptext = f.read()

    tap(spec.get('protocol') == 'genetlink-c' and spec.get('name') == 'pmode',
        'the spec describes the genetlink family "pmode" (protocol genetlink-c)')
    m = re.search(r'#define\s+(\w+)\s+"pmode"', htext)
    tap(m and cname('', spec.get('c-family-name', '')) == m.group(1),
        'the family name\'s define is the spec\'s c-family-name',
        f'{spec.get("c-family-name")} vs {m and m.group(1)}')
    hgroups = dict(re.findall(r'#define\s+(PMODE_MCGRP_\w+)\s+"(\w+)"', htext))
    sgroups = spec.get('mcast-groups', {}).get('list', [])
    want = {cname('pmode-mcgrp-', g['name']): g['name'] for g in sgroups}
    tap(hgroups and hgroups == want, 'multicast groups agree', f'{want} vs header {hgroups}')
    mgroups = module_groups(ptext)
    sadmin = {cname('pmode-mcgrp-', g['name']): 'admin-perm' in g.get('flags', [])
              for g in sgroups}
    tap(mgroups == sadmin, 'the module registers the spec\'s groups, CAP_NET_ADMIN '
        'where the spec says admin-perm', f'module {mgroups} vs spec {sadmin}')

    want = spec_names(spec)
    values, missing = compiled_values(os.path.abspath(args.header), sorted(want))
    tap(values is not None, 'every name in the spec is defined by the header',
        ', '.join(missing))
    if values is not None:
        wrong = [f'{k}: spec {v[0]}, header {values[k]}' for k, v in want.items()
                 if values[k] != v[0]]
        tap(not wrong, 'every value in the spec is the header\'s', '; '.join(wrong))
    extra = sorted(header_names(htext) - set(want))
    tap(not extra, 'every name in the header is in the spec', ', '.join(extra))

    if values is not None:
        client_check(values)
    with open(args.tools) as f:
        spelling_check(spec, f.read())

    htypes, ptypes = header_types(htext), policy_types(ptext)
    bad_h, bad_p = [], []
    for s in spec['attribute-sets']:
        for a in s['attributes']:
            c = cname(s['name-prefix'], a['name'])
            if c in htypes and htypes[c] != a['type']:
                bad_h.append(f'{c}: spec {a["type"]}, header {htypes[c]}')
            if c in ptypes and ptypes[c] != {a['type']}:
                bad_p.append(f'{c}: spec {a["type"]}, policy {sorted(ptypes[c])}')
            if a['type'] == 'nest' and 'nested-attributes' not in a:
                bad_h.append(f'{c}: nest without nested-attributes')
    tap(not bad_h, 'attribute types agree with the header', '; '.join(bad_h))
    tap(not bad_p, 'attribute types agree with the kernel\'s policies', '; '.join(bad_p))
    tap(len(htypes) >= 20, f'the header names the type of its attributes ({len(htypes)} read)')
    # The policies' agreement holds only for what was read from them: every
    # attribute a request may carry (the spec's do and dump requests) must
    # have been found in a policy, or a policy the reader misses would pass.
    req = set()
    for op in spec['operations']['list']:
        for m in ('do', 'dump'):
            req |= set(op.get(m, {}).get('request', {}).get('attributes', []))
    unread = sorted(c for c in (cname(spec['attribute-sets'][0]['name-prefix'], x) for x in req)
                    if c not in ptypes)
    tap(req and not unread, f'the kernel\'s policies were read for every attribute a request '
        f'carries ({len(req) - len(unread)} of {len(req)}; {len(ptypes)} policy entries read)',
        'not found in a policy: ' + ', '.join(unread))
    return t.fails


if __name__ == '__main__':
    sys.exit(1 if main() else 0)
