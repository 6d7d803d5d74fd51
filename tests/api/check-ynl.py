#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""What the kernel's own YNL tools make of docs/netlink/pmode.yaml.

Usage: check-ynl.py CHECK ARGS...; exit status 0 if the check holds, the
reason on stderr otherwise. Run by tests/api/run.sh, one TAP line each.

  schema SPEC YNL            the spec passes the schema of the protocol it
                             declares (YNL/Documentation/netlink/P.yaml)
  uapi OURS GENERATED        the header ynl-gen-c.py --mode uapi generated
                             defines what ours defines: the same enums
                             (tag and members, in order, an X_MAX aside),
                             every name with the same value, nothing more,
                             nothing less
  kernel-ops GEN.c NETLINK.c the op table ynl-gen-c.py --mode kernel
                             generated has every command kmod/netlink.c
                             registers, with a doit and a dumpit exactly
                             where the module has them
  cli SPEC YNL HEADER NETLINK.c
                             the library tools/net/ynl/cli.py is built on
                             sees every command the module registers as an
                             op with its do and dump, and every notification
                             the module sends as a notification
"""
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cvalues import compiled_values  # noqa: E402

# The commands the module sends to "notify" and "frames" (docs/netlink.md,
# section 6).
NOTIFICATIONS = ['ADAPTER_NEW', 'ADAPTER_DEL', 'ADAPTER_SET', 'FEATURE_SET',
                 'GRANT_NEW', 'GRANT_DEL', 'VIOLATION', 'VIOLATION_FRAME']


def fail(why):
    print(why, file=sys.stderr)
    return 1


def schema(spec_path, ynl):
    import jsonschema
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    proto = spec.get('protocol', 'genetlink')
    path = os.path.join(ynl, 'Documentation/netlink', proto + '.yaml')
    if not os.path.exists(path):
        return fail(f'no schema for protocol {proto!r} ({path})')
    with open(path) as f:
        sch = yaml.safe_load(f)
    try:
        jsonschema.validate(spec, sch)
    except jsonschema.ValidationError as e:
        return fail(f'{proto}.yaml: {e.message} (at {"/".join(map(str, e.absolute_path))})')
    return 0


def strip_comments(text):
    return re.sub(r'//[^\n]*', '', re.sub(r'/\*.*?\*/', '', text, flags=re.S))


def header_shape(path):
    """(enums, names): enum tag -> member names in order; every enumerator
    and #define (include guards aside) -> its value, from the compiler for
    numbers and from the text for strings."""
    text = strip_comments(open(path).read())
    enums = {}
    for tag, body in re.findall(r'enum\s*(\w*)\s*{(.*?)}', text, flags=re.S):
        members = [m.group(1) for m in
                   (re.match(r'\s*([A-Za-z_]\w*)', x) for x in body.split(','))
                   if m]
        enums[tag or f'<anonymous {len(enums)}>'] = members
    names = {}
    numeric = []
    for m in re.finditer(r'^#define\s+(\w+)\s+(.*?)\s*$', text, flags=re.M):
        if m.group(1).startswith('_UAPI_'):
            continue
        if m.group(2).startswith('"'):
            names[m.group(1)] = m.group(2)
        else:
            numeric.append(m.group(1))
    numeric += [x for members in enums.values() for x in members]
    values, why = compiled_values(os.path.abspath(path), numeric)
    if values is None:
        raise SystemExit(fail(f'{path} does not compile: {why}'))
    names.update(values)
    return enums, names


def uapi(ours, generated):
    oe, on = header_shape(ours)
    ge, gn = header_shape(generated)
    why = []
    # An enum's X_MAX (not __X_MAX) may be its last enumerator or a #define:
    # the generator writes the *_MAX of definitions' enums in the enum.
    def members(enums, tag):
        m = enums.get(tag)
        return m and [x for x in m if x.startswith('__') or not x.endswith('_MAX')]
    for tag in sorted(set(oe) | set(ge)):
        if members(oe, tag) != members(ge, tag):
            why.append(f'enum {tag}: ours {oe.get(tag)}, generated {ge.get(tag)}')
    for k in sorted(set(on) | set(gn)):
        if on.get(k) != gn.get(k):
            why.append(f'{k}: ours {on.get(k)}, generated {gn.get(k)}')
    return fail('\n'.join(why)) if why else 0


def op_table(text, table):
    """cmd name -> set of handlers ('doit', 'dumpit') in the genl_ops
    array named @table; an entry may appear twice (split ops)."""
    text = strip_comments(text)
    m = re.search(r'\b%s\[[^\]]*\]\s*=\s*{(.*?)\n};' % table, text, flags=re.S)
    if not m:
        return None
    ops = {}
    for entry in re.findall(r'{(.*?)}', m.group(1), flags=re.S):
        cmd = re.search(r'\.cmd\s*=\s*PMODE_CMD_(\w+)', entry)
        if not cmd:
            continue
        h = ops.setdefault(cmd.group(1), set())
        h.update(x for x in ('doit', 'dumpit') if re.search(r'\.%s\s*=' % x, entry))
    return ops


def kernel_ops(generated, netlink_c):
    if not os.path.exists(generated):
        return fail(f'nothing generated ({generated})')
    gen = op_table(open(generated).read(), r'pmode_nl_ops')
    mod = op_table(open(netlink_c).read(), r'pmode_genl_ops')
    if gen is None or mod is None:
        return fail(f'no op table: generated {gen}, module {mod}')
    why = [f'{c}: module {sorted(mod.get(c, []))}, generated {sorted(gen.get(c, []))}'
           for c in sorted(set(gen) | set(mod)) if gen.get(c) != mod.get(c)]
    return fail('\n'.join(why)) if why else 0


def cli(spec_path, ynl, header, netlink_c):
    sys.path.insert(0, os.path.join(ynl, 'tools/net/ynl'))
    from lib import SpecFamily
    fam = SpecFamily(spec_path, os.path.join(
        ynl, 'Documentation/netlink',
        yaml.safe_load(open(spec_path)).get('protocol', 'genetlink') + '.yaml'))
    _, values = header_shape(header)
    mod = op_table(open(netlink_c).read(), r'pmode_genl_ops')
    why = []
    for cmd, handlers in sorted(mod.items()):
        want = {'doit': 'do', 'dumpit': 'dump'}
        value = values['PMODE_CMD_' + cmd]
        ops = [op for op in fam.ops.values() if op.req_value == value]
        modes = {m for op in ops for m in op.modes}
        if len(ops) != 1 or modes != {want[h] for h in handlers}:
            why.append(f'command {cmd} ({value}): the module has {sorted(handlers)}, '
                       f'the tools see ops {[(op.name, sorted(op.modes)) for op in ops]}')
    for cmd in NOTIFICATIONS:
        value = values['PMODE_CMD_' + cmd]
        op = fam.rsp_by_value.get(value)
        if op is None or not op.is_async or op.attr_set is None:
            why.append(f'notification {cmd} ({value}) is decoded as '
                       f'{op.name if op else None} (a notification: {bool(op and op.is_async)})')
    return fail('\n'.join(why)) if why else 0


def main():
    checks = {'schema': (schema, 2), 'uapi': (uapi, 2),
              'kernel-ops': (kernel_ops, 2), 'cli': (cli, 4)}
    if len(sys.argv) < 2 or sys.argv[1] not in checks or \
       len(sys.argv) != checks[sys.argv[1]][1] + 2:
        print(__doc__, file=sys.stderr)
        return 2
    return checks[sys.argv[1]][0](*sys.argv[2:])


if __name__ == '__main__':
    sys.exit(main())
