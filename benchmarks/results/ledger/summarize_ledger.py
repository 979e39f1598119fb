#!/usr/bin/env python3
"""Digest of the ledger A/B run: medians per implementation over its rounds.

Usage: summarize_ledger.py <results dir>   (startup-<impl>-<round>.json, commit-*.json, *.txt, disk.jsonl)
"""
import glob, json, os, re, statistics, sys

d = sys.argv[1]
def med(xs):
    return statistics.median(xs) if xs else float('nan')

for impl in ('old', 'new'):
    print(f'== {impl}')
    shots, filled, per_round = [], [], []
    for f in sorted(glob.glob(f'{d}/startup-{impl}-*.json')):
        for b in json.load(open(f)):
            for it in b['primaryMetric']['rawData']:
                shots.extend(it)
                per_round.append(f'{med(it):.0f}')
    for f in sorted(glob.glob(f'{d}/startup-{impl}-*.txt')):
        filled += [float(x) for x in re.findall(r'filled: .*?, ([0-9.]+) bytes per live report', open(f).read())]
    print(f'  startup (open + load + close, 1,000,000 live reports): median {med(shots):.0f} ms '
          f'(range {min(shots or [0]):.0f}..{max(shots or [0]):.0f}, n={len(shots)}; per-round medians {", ".join(per_round)})')
    print(f'  disk after the fill (each report put FROZEN then ACCEPTED): {med(filled):.1f} B per live report')
    for batch in ('25', '1000'):
        p50, p99, mx, mean = [], [], [], []
        for f in sorted(glob.glob(f'{d}/commit-{impl}-*.json')):
            for b in json.load(open(f)):
                if b['params']['batch'] != batch:
                    continue
                pm = b['primaryMetric']
                p50.append(pm['scorePercentiles']['50.0']); p99.append(pm['scorePercentiles']['99.0'])
                mx.append(pm['scorePercentiles']['100.0']); mean.append(pm['score'])
        n = int(batch)
        print(f'  commit of {batch} puts + {batch} removes (200,000 live): p50 {med(p50):.0f} us '
              f'({med(p50)/n:.1f} us/report), mean {med(mean):.0f} us ({med(mean)/n:.1f} us/report), '
              f'p99 {med(p99):.0f} us, max {med(mx)/1000:.0f} ms  [rounds: p50 {", ".join(f"{x:.0f}" for x in p50)}]')
    steady = []
    for f in sorted(glob.glob(f'{d}/commit-{impl}-*.txt')):
        steady += [float(x) for x in re.findall(r'steady: .*?, ([0-9.]+) bytes per live report', open(f).read())]
    print(f'  disk at the end of the commit trials: {", ".join(f"{x:.0f}" for x in steady)} B per live report')
    rows = [json.loads(l) for l in open(f'{d}/disk.jsonl') if json.loads(l)['label'].startswith(impl)]
    steady_rows = [r for r in rows if r['hour'] >= 10]
    if steady_rows:
        bpl = [r['bytesPerLive'] for r in steady_rows]
        hm = [r['hourMillis'] for r in steady_rows]
        print(f'  disk probe, hours 10..23 (1,000,000 live, 100,000 reports/hour, 10-hour window): '
              f'median {med(bpl):.0f} B per live report, max {max(bpl):.0f}; wall per simulated hour median {med(hm):.0f} ms, max {max(hm)}')
