# SPDX-License-Identifier: GPL-2.0
"""
Checks the corpus test_render prints: the same as the one expected (the
text byte for byte; each JSON value with the same keys, types and
values, in the same layout, its keys in any order); every JSON value of
it parses; each text line says what the JSON of the same event or frame
says. The text is remade from the JSON, field by field, and must be the
line the tool printed; a frame's text (its JSON "summary") must say what
the frame's other keys say.

    test_render.py CORPUS [EXPECTED]    TAP lines
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
from tap import Tap  # noqa: E402

# A name the text gives an EtherType the JSON gives in hex.
ETHERTYPES = {'0x0800': 'IPv4', '0x0806': 'ARP', '0x86dd': 'IPv6', '0x8035': 'RARP',
              '0x88cc': 'LLDP'}
CUT = 511       # the text of a frame is cut to this many bytes


def runs(path):
    """
    The corpus as [options, words, stdout lines, exit status, the lines
    after], in order; the comment before them, as a run of no words.
    """
    out, cur = [], ['', None, [], None, []]
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('$ pmodectl '):
            words = line[len('$ pmodectl '):]
            opts = ''
            if words.startswith('-'):
                opts, words = words.split(' ', 1)
                opts = opts[1:]
            out.append(cur)
            cur = [opts, words, [], None, []]
        elif line.startswith('% exit ') and cur[3] is None:
            cur[3] = int(line.split()[2])
        elif cur[3] is None and cur[1] is not None:
            cur[2].append(line)
        else:
            cur[4].append(line)
    out.append(cur)
    return out


def values(opts, words, lines):
    """The JSON values a run printed, as text: one a line for monitor."""
    return lines if words == 'monitor' else ['\n'.join(lines)]


def layout(v, pretty):
    """@v as pmodectl's JSON writer prints it (without control characters)."""
    return json.dumps(v, ensure_ascii=False, indent=2 if pretty else None,
                      separators=(',', ': ') if pretty else (',', ':'))


def compare(expected, got):
    """Where corpus @got differs from @expected, as lines for a person."""
    e, g = runs(expected), runs(got)
    why = []
    if len(e) != len(g):
        return [f'{len(g)} runs, not {len(e)}']
    for a, b in zip(e, g):
        where = f"pmodectl -{a[0]} {a[1] or ''}"[:90]
        if a[:2] != b[:2] or a[3:] != b[3:]:
            why.append(f'{where}: the command, its exit status or its standard error')
        elif 'j' not in a[0] or a[1] is None:
            if a[2] != b[2]:
                n = next(i for i in range(max(len(a[2]), len(b[2])))
                         if a[2][i:i + 1] != b[2][i:i + 1])
                why.append(f'{where}, line {n + 1}:\n#   want: {a[2][n:n + 1]}'
                           f'\n#   got:  {b[2][n:n + 1]}')
        else:
            va, vb = values(*a[:3]), values(*b[:3])
            if len(va) != len(vb):
                why.append(f'{where}: {len(vb)} JSON values, not {len(va)}')
                continue
            for n, (x, y) in enumerate(zip(va, vb)):
                try:
                    x, y, raw = json.loads(x), json.loads(y), y
                except ValueError as err:
                    why.append(f'{where}, value {n + 1}: {err}')
                    continue
                # The same keys, types and values: sort_keys tells 1 from true.
                if json.dumps(x, sort_keys=True) != json.dumps(y, sort_keys=True):
                    why.append(f'{where}, value {n + 1}:\n#   want: {layout(x, False)[:400]}'
                               f'\n#   got:  {layout(y, False)[:400]}')
                elif raw != layout(y, 'p' in a[0] and a[1] != 'monitor'):
                    why.append(f'{where}, value {n + 1}: not in the JSON writer\'s layout')
    return why


class Check:
    def __init__(self):
        self.errors = []
        self.count = 0

    def same(self, want, got, where):
        self.count += 1
        if want != got:
            self.errors.append(f'{where}:\n#   text: {got!r}\n#   JSON: {want!r}')

    def true(self, cond, what, where):
        self.count += 1
        if not cond:
            self.errors.append(f'{where}: {what}')


def frame(c, d, where, sent=None):
    """A decoded frame's text (its summary) against its other keys (and @sent, its bytes)."""
    s = d['summary']
    cut = len(s.encode()) == CUT
    hexb = bytes.fromhex(d['hex'])
    c.true(isinstance(d['len'], int) and len(hexb) <= 256, 'len and hex', where)
    if sent is not None:
        c.same(sent[:256], hexb, where + ': the bytes')
    if 'src' not in d:
        c.true(re.fullmatch(r'\d+ bytes, not even an Ethernet header', s), 'a short frame', where)
        c.true(len(hexb) < 14, 'a short frame is shorter than 14 bytes', where)
        return
    c.same(':'.join(f'{b:02x}' for b in hexb[0:6]), d['dst'], where + ': dst')
    c.same(':'.join(f'{b:02x}' for b in hexb[6:12]), d['src'], where + ': src')
    head = f"{d['src']} > {d['dst']}" + ''.join(
        f", {v['tpid']} vid {v['vid']}" + (f" pcp {v['pcp']}" if v['pcp'] else '')
        for v in d['vlans'])
    c.same(head[:CUT], s[:len(head)], where + ': addresses and tags')
    if cut:
        return
    shown = re.search(r', length (\d+)(?: \((\d+) shown\))?$', s)
    c.true(shown and int(shown.group(1)) == d['len'], f"ends in ', length {d['len']}'", where)
    if shown and shown.group(2):
        c.true(int(shown.group(2)) < d['len'], 'fewer bytes shown than the length', where)
    if 'arp' in d:
        a = d['arp']
        if 'sender_mac' in a:
            if a['op'] == 'request':
                w = (f" request who-has {a['target_ip']} tell {a['sender_ip']}"
                     f" (sender {a['sender_mac']})")
            elif a['op'] == 'reply':
                w = f" reply {a['sender_ip']} is-at {a['sender_mac']}"
            else:
                w = f" op {a['op']} sender {a['sender_ip']} {a['sender_mac']}"
            if a['hardware_type'] != 1:
                w += f" (hardware type {a['hardware_type']})"
        else:
            w = (f" with {a['hardware_len']}-byte hardware addresses"
                 if a['hardware_len'] not in (0, 6) else '')
        c.true(', ARP' + w + ', length' in s, f"says ', ARP{w}'", where)
    elif 'ipv6' in d:
        v = d['ipv6']
        w = f", IPv6 {v['src']} > {v['dst']}"
        if 'fragment_offset' in v:
            w += f", fragment offset {v['fragment_offset']}"
        if 'icmp6' not in v:
            if not v.get('fragment_offset'):    # a later fragment: no more
                w += f", next header {v['next_header']}"
        else:
            c.true(v['next_header'] == 58, 'ICMPv6 is next header 58', where)
            i = v['icmp6']
            w += f', ICMPv6 {i}' if isinstance(i, str) else f', ICMPv6 type {i}'
            if 'target' in v:
                w += f" {'to' if i == 'redirect' else 'target'} {v['target']}"
            for o in v.get('lladdrs', []):
                w += f", {o['option']} lladdr {o['mac']}"
                if o['option'] == 'target' and i == 'redirect':
                    w += " (another node's, not judged)"
        c.true(w + ', length' in s, f"says '{w}'", where)
    else:
        t = d['ethertype']
        if t == '0x0800' and ', IPv4 ' in s:
            c.true(re.search(r', IPv4 [0-9.]+ > [0-9.]+, protocol \d+, length', s), 'IPv4', where)
        elif int(t, 16) < 0x600:
            c.true(f', 802.3 length {int(t, 16)}, length' in s, '802.3 length', where)
        else:
            w = ETHERTYPES.get(t) or f'ethertype {t}'
            c.true(f', {w}, length' in s, f"says ', {w}'", where)


def monitor_line(e):
    """The text of monitor event @e, remade from its JSON."""
    ev = e['event']
    t = ev
    if ev.startswith('adapter-'):
        a = e['adapter']
        exposure = ' exposure ' + ','.join(a['exposure']) if a.get('exposure') else ''
        manager = f" manager {a['manager']}" if a.get('manager') else ''
        t += (f" dev {a['ifname'] or '?'} vm {a['vm'] or '?'} mac {a['mac'] or '-'}"
              f" promisc {'on' if a['promisc'] else 'off'}{manager}{exposure}"
              f" reason {a.get('reason', 'unknown')}")
    elif ev == 'feature':
        t += ' enabled' if e.get('enabled') else ' disabled'
    elif ev.startswith('grant-') and 'uid' in e:
        t += f" uid {e['uid']}"
    elif ev == 'violation':
        t += (f" dev {e['ifname'] or '?'} vm {e['vm'] or '?'} reason {e['reason']}"
              f" mac {e['mac'] or '-'} suppressed {e['suppressed']}")
        if e.get('frame'):
            t += ' frame ' + e['frame']['summary']
    if 'by_uid' in e:
        t += f" by uid {e['by_uid']}"
        if e['as_uid'] is not None:
            t += f" as uid {e['as_uid']}"
    return t


def check_monitor(c, text, js, where):
    c.true(len(text) == len(js), f'{len(text)} text lines, {len(js)} JSON', where)
    odd = 0
    for i, (t, e) in enumerate(zip(text, js)):
        w = monitor_line(e)
        # The one thing only the text says: an agent's user without the
        # uid that made the change, which the kernel always sends.
        if 'by_uid' not in e and re.search(r' as uid \d+$', t):
            t = re.sub(r' as uid \d+$', '', t)
            odd += 1
        c.same(w, t, f'{where}, event {i + 1}')
        if e.get('frame'):
            frame(c, e['frame'], f'{where}, event {i + 1}, frame')
    return odd


def check_check(c, text, r, where, frames_hex=None):
    """'adapter check': a line per frame, then the summary, from the JSON."""
    want = []
    for f in r['frames']:
        d = f['decoded']
        if f['verdict'] == 'error':
            want.append(f"{f['frame']:5d}  {'error':<12}  {f['error']}  [{d['summary']}]")
        else:
            want.append(f"{f['frame']:5d}  {f['verdict']:<12}  {f['reason'] or '-':<11}  "
                        f"{f['mac'] or '-':<17}  {d['summary']}")
        frame(c, d, f"{where}, frame {f['frame']}", frames_hex)
    s = r.get('summary')
    if s:
        # A run the kernel stopped counts the frame it stopped at.
        c.true(s['frames'] - len(r['frames']) in (0, 1), 'frames counted', where)
        c.same(s['errors'], sum(f['verdict'] == 'error' for f in r['frames']),
               where + ': errors counted')
        for v in ('pass', 'pass-promisc', 'drop'):
            c.same(s[v], sum(f['verdict'] == v for f in r['frames']), f'{where}: {v} counted')
        line = (f"{s['frames']} frame{'' if s['frames'] == 1 else 's'}: {s['pass']} pass, "
                f"{s['pass-promisc']} pass only because promisc is on, {s['drop']} drop")
        if s['errors']:
            line += f", {s['errors']} not checked"
        want.append(line)
        want += [f'  {k:<11}  {n}' for k, n in s['dropped'].items() if n]
    for i in range(max(len(want), len(text))):
        c.same(want[i] if i < len(want) else None, text[i] if i < len(text) else None,
               f'{where}, line {i + 1}')


def main():
    path = sys.argv[1]
    t = Tap('tools: render: ')
    if len(sys.argv) > 2:
        why = compare(sys.argv[2], path)
        t.ok(not why, 'monitor and adapter check print what they printed before (the text '
             'byte for byte, the JSON\'s keys in any order)', '\n'.join(why[:10]))
    all_runs = [r for r in runs(path) if r[1] is not None]
    parsed, bad = 0, []
    for opts, words, lines, _, _ in all_runs:
        if 'j' not in opts:
            continue
        for v in values(opts, words, lines):
            try:
                json.loads(v)
                parsed += 1
            except ValueError as e:
                bad.append(f'pmodectl -{opts} {words[:60]}: {e}')
    t.ok(parsed and not bad, f'each of the {parsed} JSON values of monitor and adapter check '
         'parses', '\n'.join(bad[:5]))

    c, odd, pairs = Check(), 0, 0
    for i, (opts, words, lines, status, _) in enumerate(all_runs):
        if 'j' not in opts:
            continue
        # The text run of the same words: next to it, or the last before.
        near = [all_runs[k] for k in [i - 1, i + 1] + list(range(i - 2, -1, -1))
                if 0 <= k < len(all_runs)]
        text = next(((r[2], r[3]) for r in near if 'j' not in r[0] and r[1] == words), None)
        where = f'pmodectl -{opts} {words[:70]}'
        if text is None:
            c.true(False, 'no text run', where)
            continue
        text, tstatus = text
        pairs += 1
        c.same(status, tstatus, where + ': exit status')
        try:
            if words == 'monitor':
                js = [json.loads(l) for l in lines]
                odd += check_monitor(c, text[:len(js)], js, where)
            else:
                m = re.search(r' frame ([0-9a-f]+)$', words)
                check_check(c, text, json.loads('\n'.join(lines)), where,
                            bytes.fromhex(m.group(1)) if m else None)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            c.true(False, f'{type(e).__name__} {e}: not the JSON expected', where)
    t.ok(pairs and not c.errors, f'the text says what the JSON says ({pairs} runs, '
         f"{c.count} comparisons, {len(c.errors)} differ; {odd} 'as uid' without 'by uid', "
         'text only)', '\n'.join(c.errors[:10]))
    return t.status()


if __name__ == '__main__':
    sys.exit(main())
