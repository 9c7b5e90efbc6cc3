#!/usr/bin/env python3
"""The derived tables of benchmarks/README.md's issue-11 section, from one results directory of run-issue11.sh.

    python3 benchmarks/issue11-tables.py benchmarks/results/issue11-<date>

Prints, in Markdown: the decomposition (layout / crypto / Veil per workload and shape, from orm.txt), W3 at three
sizes (w3-1000.txt, orm.txt, w3-100000.txt), allocation under -prof gc (alloc-gc.txt), cold start (cold-start.txt)
and the pass-through line. The other tables of the section are the run's own output, copied as printed.
"""
import re
import sys
from pathlib import Path


def num(cell):
    return float(cell.split('[')[0].replace(',', '').replace('*', '').strip())


def rows(path):
    """The rows of the first Markdown table with the twin/floor columns in a file, as lists of cells."""
    out, seen = [], False
    for line in Path(path).read_text().splitlines():
        if line.startswith('| W') and 'twin' not in line:
            seen = True
            out.append([c.strip() for c in line.strip().strip('|').split('|')])
        elif seen and not line.startswith('|'):
            break
    return out


def paired(path):
    """OrmAlternation's paired client-share table: (workload, shape) -> (CPU above the floor, share) cells."""
    out, seen = {}, False
    for line in Path(path).read_text().splitlines():
        if "Veil's client CPU above the floor, µs/op (per round)" in line:
            seen = True
        elif seen and line.startswith('| W'):
            c = [x.strip() for x in line.strip().strip('|').split('|')]
            out[(c[0], c[1])] = (c[2], c[3].replace('*', ''))
        elif seen and not line.startswith('|'):
            break
    return out


def share(pairs, workload, shape, above, floor_wall, digits):
    """The paired share when the run printed it (median [IQR] of per-round shares), else from the medians."""
    if (workload, shape) in pairs:
        return pairs[(workload, shape)][1]
    return f'{1 + above / floor_wall:.{digits}f}'


def triple(cell):
    return [float(x.replace(',', '').replace('MB', '').strip()) for x in cell.split('/')]


def decomposition(d):
    print('| workload | shape | plain wall | **layout** (twin − plain) | of which server CPU / client CPU '
          '| **crypto** (floor − twin) | of which client CPU | **Veil** (Veil − floor) | of which client CPU '
          '| floor ÷ plain (medians) | **Veil\'s client share** (1 + Veil\'s client CPU above the floor ÷ floor wall, '
          'per round: median [IQR]) |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    pairs = paired(d / 'orm.txt')
    for c in rows(d / 'orm.txt'):
        p, t, f, v = (num(c[i]) for i in range(2, 6))
        cc, sc = triple(c[10]), triple(c[11])
        print(f'| {c[0]} | {c[1]} | {p:,.1f} | {t - p:+,.1f} ({(t - p) / p * 100:+.0f} %) | {sc[1] - sc[0]:+,.1f} / '
              f'{cc[1] - cc[0]:+,.1f} | {f - t:+,.1f} ({(f - t) / p * 100:+.0f} %) | {cc[2] - cc[1]:+,.1f} '
              f'| {v - f:+,.1f} ({(v - f) / p * 100:+.0f} %) | {cc[3] - cc[2]:+,.1f} | {f / p:.2f} '
              f'| **{share(pairs, c[0], c[1], cc[3] - cc[2], f, 3)}** |')
    print()


def w3_sizes(d):
    print('| W3 rows | plain µs/op | floor µs/op | Veil µs/op | **Veil ÷ plain** | floor ÷ plain (medians) '
          '| Veil ÷ floor | client CPU µs/op plain / floor / Veil | Veil\'s client CPU above the floor, per value '
          '| Veil\'s client share |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for n, name in ((1000, 'w3-1000.txt'), (10000, 'orm.txt'), (100000, 'w3-100000.txt')):
        c = next(r for r in rows(d / name) if r[0] == 'W3' and r[1] == 'orm')
        pairs = paired(d / name)
        p, f, v = num(c[2]), num(c[4]), num(c[5])
        cc = triple(c[10])
        print(f'| {n:,} | {c[2]} | {f:,.1f} | {v:,.1f} | **{c[6].replace("*", "")}** | {f / p:.2f} '
              f'| {c[9].replace("*", "")} | {cc[0]:,.0f} / {cc[2]:,.0f} / {cc[3]:,.0f} '
              f'| {(cc[3] - cc[2]) / (3 * n):.2f} µs | {share(pairs, "W3", "orm", cc[3] - cc[2], f, 2)} |')
    print()


def allocation(d):
    text = (d / 'alloc-gc.txt').read_text()
    got = {}
    for m in re.finditer(r'^OrmBenchmark\.(w\d)\w*:gc\.alloc\.rate\.norm\s+\w+\s+(\w+)\s+avgt\s+\d+\s+([\d.]+)'
                         r'\s+±\s+([\d.]+)', text, re.M):
        got[(m.group(1), m.group(2))] = (float(m.group(3)), float(m.group(4)))
    print('| workload | plain B/op | floor B/op | Veil B/op | **Veil ÷ plain** | floor ÷ plain | Veil − floor |')
    print('|---|---|---|---|---|---|---|')
    for w, label in (('w2', 'W2 point SELECT by e-mail, each encrypted column read twice'), ('w3', 'W3 10,000 rows')):
        p, f, v = (got[(w, s)] for s in ('plain', 'floor', 'veil'))
        print(f'| {label} | {p[0]:,.0f} ± {p[1]:,.0f} | {f[0]:,.0f} ± {f[1]:,.0f} | {v[0]:,.0f} ± {v[1]:,.0f} '
              f'| **{v[0] / p[0]:.2f}** | {f[0] / p[0]:.2f} | {v[0] - f[0]:+,.0f} B |')
    print()


def cold_start(d):
    text = (d / 'cold-start.txt').read_text()
    print('| child | wall ms | process CPU ms | ÷ plain | ÷ its floor |')
    print('|---|---|---|---|---|')
    for m in re.finditer(r'^  (\S+)\s+(\d+ \[[\d–]+\]) ms, CPU (\d+ \[[\d–]+\]) ms, ÷ plain ([\d.]+ \[[\d.–]+\])'
                         r'(?:, ÷ (floor(?:-kms)?) ([\d.]+ \[[\d.–]+\]), CPU − floor(?:-kms)? (\d+ \[[\d–]+\]) ms)?',
                         text, re.M):
        floor = f'**{m.group(6)}**, CPU +{m.group(7)} ms' if m.group(6) else '–'
        print(f'| {m.group(1)} | {m.group(2)} | {m.group(3)} | **{m.group(4)}** | {floor} |')
    print()


def pass_through(d):
    text = (d / 'pass-through.txt').read_text()
    got = dict(re.findall(r'^PassThroughBenchmark\.\w+\s+(\w+)\s+avgt\s+\d+\s+([\d.]+ ±\s+[\d.]+)', text, re.M))
    p, v = (float(got[k].split('±')[0]) for k in ('plain', 'veil'))
    print(f'plain {got["plain"]} µs/op, Veil {got["veil"]} µs/op, Veil ÷ plain {v / p:.2f}')
    print()


def main():
    d = Path(sys.argv[1])
    for part in (decomposition, w3_sizes, allocation, cold_start, pass_through):
        print(f'<!-- {part.__name__} -->')
        part(d)


if __name__ == '__main__':
    main()
