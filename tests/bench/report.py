#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the benchmark's raw lines into results.csv, results.md and a chart.

Usage: report.py RAW.CSV OUTDIR

RAW.CSV lines: R,<figure>,<method>,<N>,<repeat>,<value>. Every figure is
reported as the median of its repeats with min, max and spread
((max - min) / median); a spread over 2% is flagged.
"""
import collections
import csv
import statistics
import sys

SPREAD_FLAG = 2.0
ORDER = ['bare', 'null', 'pmode', 'pmode-drop', 'pmode-guarded',
         'pmode-guarded-drop', 'nft-dev', 'nft-dev-drop',
         'nft-full', 'nft-full-drop', 'nft-set', 'nft-set-drop', 'tc']
KINDS = ['ip4', 'ip6', 'vlan4', 'vlan6', 'qinq4', 'qinq6', 'ns', 'na']
KIND_LABEL = {
    'ip4': 'UDP/IPv4', 'ip6': 'UDP/IPv6', 'vlan4': '802.1Q UDP/IPv4',
    'vlan6': '802.1Q UDP/IPv6', 'qinq4': '802.1ad+802.1Q UDP/IPv4',
    'qinq6': '802.1ad+802.1Q UDP/IPv6', 'ns': 'ND NS (SLLA)',
    'na': 'ND NA (TLLA)',
}
LABEL = {
    'bare': 'bare path (nothing registered)',
    'null': 'accept-all netfilter hooks (floor of any hook)',
    'pmode': 'pmode, genuine frames',
    'pmode-drop': 'pmode, forged frames (dropped)',
    'pmode-guarded': 'pmode, the bridge guarded, genuine frames',
    'pmode-guarded-drop': 'pmode, the bridge guarded, forged frames',
    'nft-dev': 'nftables, a chain per port',
    'nft-dev-drop': 'nftables, a chain per port, forged',
    'nft-full': 'nftables, a chain per port, ARP/DHCP/ND checks too',
    'nft-full-drop': 'nftables, a chain per port, ARP/DHCP/ND, forged',
    'nft-set': 'nftables, concatenated sets',
    'nft-set-drop': 'nftables, concatenated sets, forged',
    'tc': 'tc flower (transmit check only)',
}


def load(path):
    vals = collections.defaultdict(list)
    with open(path) as f:
        for row in csv.reader(f):
            if len(row) != 6 or row[0] != 'R' or not row[5]:
                continue
            vals[(row[1], row[2], int(row[3]))].append(float(row[5]))
    return vals


def stats(v):
    med = statistics.median(v)
    spread = (max(v) - min(v)) / med * 100 if med else 0.0
    return dict(median=med, min=min(v), max=max(v), n=len(v), spread=spread,
                flag=spread > SPREAD_FLAG)


def methods_of(st, fig):
    ms = {m for (f, m, _) in st if f == fig}
    return [m for m in ORDER if m in ms] + sorted(ms - set(ORDER))


def fmt(s, digits=0):
    t = f'{s["median"]:,.{digits}f}'
    return t + (' ⚠' if s['flag'] else '')


def fig_kind(st, fig, m, n, kind):
    return st.get((fig if kind == 'ip4' else f'{fig}@{kind}', m, n))


def kinds_tables(st, ns):
    """The frame kinds: microbenchmark and pktgen, per kind, at each N."""
    md = []
    kinds = [k for k in KINDS
             if any(fig_kind(st, 'micro-ingress-ns', 'pmode', n, k)
                    for n in ns)]
    if len(kinds) < 2:
        return md

    def med(fig, m, n, k):
        s = fig_kind(st, fig, m, n, k)
        return s['median'] if s else None

    def cell(v, flag=False):
        return '' if v is None else f'{v:,.0f}' + (' ⚠' if flag else '')

    for n in ns:
        md.append('')
        md.append(f'Frame kinds, in-kernel microbenchmark, N={n}: guest '
                  'instructions per frame in one port\'s hooks, ingress '
                  '(the transmit check) / egress (the delivery check); '
                  '"pmode - accept-all" is pmode\'s own share.')
        md.append('')
        md.append('| frame | accept-all | pmode | pmode - accept-all | '
                  'nft-dev | nft-full |')
        md.append('|---|---:|---:|---:|---:|---:|')
        for k in kinds:
            row = []
            for m in ('null', 'pmode'):
                i = med('micro-ingress-ns', m, n, k)
                e = med('micro-egress-ns', m, n, k)
                row.append(f'{cell(i)} / {cell(e)}')
            ni, ne = (med('micro-ingress-ns', 'null', n, k),
                      med('micro-egress-ns', 'null', n, k))
            pi, pe = (med('micro-ingress-ns', 'pmode', n, k),
                      med('micro-egress-ns', 'pmode', n, k))
            row.append(f'**{cell(pi - ni) if None not in (pi, ni) else ""}'
                       f' / {cell(pe - ne) if None not in (pe, ne) else ""}**')
            for m in ('nft-dev', 'nft-full'):
                i = med('micro-ingress-ns', m, n, k)
                e = med('micro-egress-ns', m, n, k)
                row.append(f'{cell(i)} / {cell(e)}')
            md.append(f'| {KIND_LABEL[k]} | ' + ' | '.join(row) + ' |')

        pk = [k for k in kinds if fig_kind(st, 'pkt-ns', 'pmode', n, k)]
        if not pk:
            continue
        md.append('')
        md.append(f'Frame kinds, pktgen, N={n}: guest ns per frame over the '
                  'whole path; "+x" over the bare path; the ratio is '
                  'pmode\'s cost over the bare path to nft-full\'s (the '
                  'cheapest rule set here doing pmode\'s checks).')
        md.append('')
        md.append('| frame | bare | accept-all | pmode | nft-dev | nft-full '
                  '| pmode / nft-full |')
        md.append('|---|---:|---:|---:|---:|---:|---:|')
        for k in pk:
            b = med('pkt-ns', 'bare', n, k)
            row = [cell(b)]
            for m in ('null', 'pmode', 'nft-dev', 'nft-full'):
                v = med('pkt-ns', m, n, k)
                row.append('' if v is None or b is None else
                           f'{v:,.0f} ({v - b:+,.0f})')
            p, f = med('pkt-ns', 'pmode', n, k), med('pkt-ns', 'nft-full', n, k)
            row.append(f'{(p - b) / (f - b):.2f}'
                       if None not in (p, f, b) and f > b else '')
            md.append(f'| {KIND_LABEL[k]} | ' + ' | '.join(row) + ' |')
    return md


def main():
    raw, out = sys.argv[1], sys.argv[2]
    vals = load(raw)
    st = {k: stats(v) for k, v in vals.items()}
    ns = sorted({n for (_, _, n) in st})

    with open(f'{out}/results.csv', 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['figure', 'method', 'N', 'median', 'min', 'max',
                    'repeats', 'spread_pct', 'flagged'])
        for (fig, m, n), s in sorted(st.items()):
            w.writerow([fig, m, n, f'{s["median"]:.2f}', f'{s["min"]:.2f}',
                        f'{s["max"]:.2f}', s['n'], f'{s["spread"]:.2f}',
                        int(s['flag'])])

    md = []
    reps = max((s['n'] for s in st.values()), default=0)
    md.append(f'Guest ns (= guest instructions, QEMU -icount shift=0) per '
              f'64-byte frame, veth -> bridge -> veth, one vCPU; median of '
              f'{reps} interleaved repeats. "+x" is the cost over the bare '
              f'path at the same N; ⚠ marks a spread over {SPREAD_FLAG:g}%.')
    md.append('')
    md.append('| method | ' + ' | '.join(f'N={n}' for n in ns) + ' |')
    md.append('|---|' + '---:|' * len(ns))
    for m in methods_of(st, 'pkt-ns'):
        cells = []
        for n in ns:
            s, b = st.get(('pkt-ns', m, n)), st.get(('pkt-ns', 'bare', n))
            if not s:
                cells.append('')
                continue
            c = fmt(s)
            if b and m != 'bare':
                d = s['median'] - b['median']
                c += f' ({d:+,.0f}, {d / b["median"] * 100:+.1f}%)'
            cells.append(c)
        md.append(f'| {LABEL.get(m, m)} | ' + ' | '.join(cells) + ' |')

    md.append('')
    md.append('pmode\'s cost over the bare path as a share of the cheapest '
              'nftables rule set\'s (genuine frames):')
    md.append('')
    md.append('| N | pmode +ns | cheapest nft +ns | ratio |')
    md.append('|---:|---:|---:|---:|')
    for n in ns:
        b = st.get(('pkt-ns', 'bare', n))
        p = st.get(('pkt-ns', 'pmode', n))
        nft = [st[k] for k in (('pkt-ns', 'nft-dev', n), ('pkt-ns', 'nft-set', n))
               if k in st]
        if not (b and p and nft):
            continue
        dp = p['median'] - b['median']
        dn = min(x['median'] for x in nft) - b['median']
        md.append(f'| {n} | {dp:,.0f} | {dn:,.0f} | {dp / dn:.2f} |')

    md.append('')
    md.append('In-kernel microbenchmark: guest ns per frame spent in one '
              'port\'s netfilter hooks (nf_hook_slow and the hook functions, '
              'nothing else), a prepared frame run through them '
              'repeatedly:')
    md.append('')
    md.append('| hooks | ' + ' | '.join(f'N={n}' for n in ns) + ' |')
    md.append('|---|' + '---:|' * len(ns))
    for fig, what in (('micro-ingress-ns', 'ingress (transmit check)'),
                      ('micro-egress-ns', 'egress (delivery check)')):
        for m in methods_of(st, fig):
            cells = [fmt(st[(fig, m, n)]) if (fig, m, n) in st else ''
                     for n in ns]
            md.append(f'| {LABEL.get(m, m)}: {what} | ' + ' | '.join(cells) + ' |')

    md += kinds_tables(st, ns)

    cp = sorted({f for (f, _, _) in st if f.startswith(('cp-', 'mem-'))})
    if cp:
        md.append('')
        md.append('Control plane (guest ms; memory in bytes per adapter):')
        md.append('')
        md.append('| figure | ' + ' | '.join(f'N={n}' for n in ns) + ' |')
        md.append('|---|' + '---:|' * len(ns))
        for fig in cp:
            cells = [fmt(st[(fig, 'pmode', n)], 1 if fig.startswith('cp-') else 0)
                     if (fig, 'pmode', n) in st else '' for n in ns]
            md.append(f'| {fig} | ' + ' | '.join(cells) + ' |')

    flagged = [k for k, s in st.items() if s['flag']]
    md.append('')
    md.append(f'{len(flagged)} of {len(st)} figures have a spread over '
              f'{SPREAD_FLAG:g}%' + (': ' + ', '.join(
                  f'{f}/{m}/N={n} ({st[(f, m, n)]["spread"]:.1f}%)'
                  for f, m, n in sorted(flagged)) if flagged else '.'))
    with open(f'{out}/results.md', 'w') as f:
        f.write('\n'.join(md) + '\n')
    print('\n'.join(md))

    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('report.py: no matplotlib, no chart', file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(11, 5), dpi=110)
    for m in methods_of(st, 'pkt-ns'):
        pts = [(n, st[('pkt-ns', m, n)]) for n in ns if ('pkt-ns', m, n) in st]
        xs = [n for n, _ in pts]
        ax.errorbar(xs, [s['median'] for _, s in pts],
                    yerr=[[s['median'] - s['min'] for _, s in pts],
                          [s['max'] - s['median'] for _, s in pts]],
                    marker='o', capsize=3, label=LABEL.get(m, m))
    ax.set_xscale('log', base=2)
    ax.set_xticks(ns, [str(n) for n in ns])
    ax.set_xlabel('registered ports N')
    ax.set_ylabel('guest ns (instructions) per 64-byte frame')
    ax.set_title('Cost per frame, veth -> bridge -> veth (lower is better)')
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc='upper left', bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    fig.savefig(f'{out}/cost-per-packet.png')


if __name__ == '__main__':
    main()
