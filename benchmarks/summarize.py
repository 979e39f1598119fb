#!/usr/bin/env python3
"""Summarizes one run of benchmarks/run.sh: ratios against same-run baselines first, absolute figures
second, then each target of issue 5 as met or missed.

The hot path and outage benchmarks run in rounds (hotpath-1.json, hotpath-2.json, ...), each a JMH run
of every benchmark, so a baseline and its subject run minutes apart at most. A ratio is computed per
round and quoted as the median of rounds with their range: on a shared machine that is far steadier than
either absolute figure. Latency percentiles pool every round's histograms.

Usage: summarize.py <results directory>"""
import glob
import json
import os
import statistics
import sys

PKG = "io.hourmeter.benchmarks."


def load_jmh(path):
    try:
        with open(path) as f:
            runs = json.load(f)
    except ValueError:
        print(f"(skipping {path}: not complete JSON)", file=sys.stderr)
        return {}
    out = {}
    for run in runs:
        name = run["benchmark"].replace(PKG, "")
        params = tuple(sorted((run.get("params") or {}).items()))
        out[(name, run["mode"], params)] = run
    return out


def load_rounds(directory, stem):
    """{stem}.json is one round; {stem}-<round>[-<part>].json are rounds, their parts merged."""
    rounds = {}
    for path in sorted(glob.glob(os.path.join(directory, f"{stem}.json"))
                       + glob.glob(os.path.join(directory, f"{stem}-*.json"))):
        name = os.path.basename(path)[len(stem):-len(".json")].lstrip("-")
        key = name.split("-")[0] if name else "1"
        rounds.setdefault(key, {}).update(load_jmh(path))
    return [rounds[k] for k in sorted(rounds, key=lambda k: int(k) if k.isdigit() else 0)]


def find(results, name, mode, **params):
    for (n, m, p), run in results.items():
        if n == name and m == mode and all(dict(p).get(k) == v for k, v in params.items()):
            return run
    return None


def runs_of(rounds, name, mode, **params):
    return [r for r in (find(rnd, name, mode, **params) for rnd in rounds) if r is not None]


class Figure:
    """A value with either JMH's 99.9% error or a (low, high) range."""

    def __init__(self, value, error=None, spread=None, spread_label="range"):
        self.value, self.error, self.spread, self.spread_label = value, error, spread, spread_label

    def fmt(self, digits=1, unit=""):
        text = f"{self.value:.{digits}f}{unit}"
        if self.error is not None and self.error == self.error:
            text += f" ± {self.error:.{digits}f}"
        if self.spread is not None:
            text += f" ({self.spread_label} {self.spread[0]:.{digits}f}..{self.spread[1]:.{digits}f})"
        return text


def ns_per_op(run):
    """JMH throughput (ops/us) -> ns/op, with JMH's error carried over."""
    m = run["primaryMetric"]
    score, err = float(m["score"]), float(m["scoreError"])
    ns = 1000.0 / score
    return ns, (ns * err / score if err == err else None)


def combine(values, errors=None):
    """One round: the value with JMH's error; several: the median with the range across rounds."""
    if len(values) == 1:
        return Figure(values[0], errors[0] if errors else None)
    return Figure(statistics.median(values), spread=(min(values), max(values)), spread_label="rounds")


def time_per_op(rounds, name):
    runs = runs_of(rounds, name, "thrpt")
    if not runs:
        return None
    pairs = [ns_per_op(r) for r in runs]
    return combine([p[0] for p in pairs], [p[1] for p in pairs])


def round_ratio(rounds, num, den, value_of):
    """Per-round ratio value_of(num) / value_of(den); median and range, or one ratio with errors added."""
    ratios, errs = [], []
    for rnd in rounds:
        a, b = value_of(rnd, num), value_of(rnd, den)
        if a is None or b is None:
            continue
        ratios.append(a[0] / b[0])
        known = [e / v for v, e in (a, b) if e is not None]
        errs.append(ratios[-1] * sum(known) if known else None)
    if not ratios:
        return None
    return combine(ratios, errs if len(ratios) == 1 else None)


def thrpt_value(rnd, name):
    run = find(rnd, name, "thrpt")
    return ns_per_op(run) if run else None


def histogram_values(runs):
    """Every measurement iteration's histogram, as sorted (value, count) lists."""
    out = []
    for run in runs:
        for fork in run["primaryMetric"].get("rawDataHistogram", []):
            for iteration in fork:
                out.append(sorted(iteration, key=lambda p: p[0]))
    return out


def percentile(pairs, q):
    total = sum(c for _, c in pairs)
    target = total * q / 100.0
    seen = 0
    for value, count in pairs:
        seen += count
        if seen >= target:
            return value
    return pairs[-1][0] if pairs else float("nan")


def latency(runs, q):
    """The q-th percentile in ns over every iteration pooled, with the per-iteration range."""
    iterations = histogram_values(runs)
    if not iterations:
        return None
    pooled = {}
    for it in iterations:
        for value, count in it:
            pooled[value] = pooled.get(value, 0) + count
    value = percentile(sorted(pooled.items()), q) * 1000.0
    per = [percentile(it, q) * 1000.0 for it in iterations]
    return Figure(value, spread=(min(per), max(per)), spread_label="iterations")


def sample_value(q):
    def value_of(rnd, name):
        run = find(rnd, name, "sample")
        return (latency([run], q).value, None) if run else None
    return value_of


def alloc(runs):
    values = [float(r["secondaryMetrics"]["gc.alloc.rate.norm"]["score"]) for r in runs
              if "gc.alloc.rate.norm" in r.get("secondaryMetrics", {})]
    return combine(values) if values else None


HOT = [("RecordBenchmark.handle", "handle, 1 thread"),
       ("RecordBenchmark.handle2Threads", "handle, 2 threads (aggregate)"),
       ("RecordBenchmark.byName", "by name, 1 thread"),
       ("RecordBenchmark.handleDrainerOff", "handle, 1 thread, drainer off (diag.)"),
       ("BaselineBenchmark.chronicleAppend", "raw Chronicle append, 1 thread"),
       ("BaselineBenchmark.chronicleAppend2Threads", "raw Chronicle append, 2 threads"),
       ("BaselineBenchmark.longAdder", "LongAdder.add, 1 thread"),
       ("BaselineBenchmark.longAdder2Threads", "LongAdder.add, 2 threads"),
       ("BaselineBenchmark.mappedPutLong", "mapped putLong (release), 1 thread"),
       ("BaselineBenchmark.mappedPutLong2Threads", "mapped putLong (release), 2 threads")]


def hot_path(rounds, lines, target):
    if not rounds:
        return
    handle, raw = "RecordBenchmark.handle", "BaselineBenchmark.chronicleAppend"
    lines.append(f"== record() against same-run baselines ({len(rounds)} round(s); time per op from "
                 "throughput; 2-thread rows are aggregate: wall time / total ops)")
    lines.append("ratios (per-round ratio: median and range over rounds):")

    def show(label, num, den, value_of=thrpt_value, invert=False):
        r = round_ratio(rounds, den if invert else num, num if invert else den, value_of)
        if r:
            lines.append(f"  {label:<44} {r.fmt(2)} x")
        return r

    r = show("handle / raw Chronicle append (time per op)", handle, raw)
    if r:
        target("handle, 1 thread <= 1.25x raw Chronicle append (time per op)", r.value <= 1.25, f"{r.fmt(2)} x")
    r50 = show("handle / raw Chronicle append, p50", handle, raw, sample_value(50))
    if r50:
        target("handle, 1 thread <= 1.25x raw Chronicle append (median latency)", r50.value <= 1.25,
               f"{r50.fmt(2)} x")
    show("handle / raw Chronicle append, p99", handle, raw, sample_value(99))
    show("handle, drainer off / raw Chronicle append", "RecordBenchmark.handleDrainerOff", raw)
    show("handle / LongAdder.add", handle, "BaselineBenchmark.longAdder")
    show("handle / mapped putLong", handle, "BaselineBenchmark.mappedPutLong")
    show("raw Chronicle append / mapped putLong", raw, "BaselineBenchmark.mappedPutLong")
    r = show("by name / handle (time per op)", "RecordBenchmark.byName", handle)
    if r:
        target("by name <= 1.5x handle (time per op)", r.value <= 1.5, f"{r.fmt(2)} x")
    r = show("2-thread / 1-thread aggregate throughput", handle, "RecordBenchmark.handle2Threads")
    if r:
        target("handle, 2 threads aggregate throughput >= 0.8x 1 thread", r.value >= 0.8, f"{r.fmt(2)} x")
    show("(raw Chronicle: 2-thread / 1-thread throughput)", raw, "BaselineBenchmark.chronicleAppend2Threads")
    show("handle / raw Chronicle append, 2 threads each", "RecordBenchmark.handle2Threads",
         "BaselineBenchmark.chronicleAppend2Threads")

    lines.append("absolute: ns/op from throughput (median of rounds, range) | SampleTime percentiles in ns "
                 "(all rounds pooled) | gc.alloc.rate.norm B/op (every thread of the JVM)")
    for name, label in HOT:
        t = time_per_op(rounds, name)
        samples = runs_of(rounds, name, "sample")
        if t is None and not samples:
            continue
        row = f"  {label:<40}"
        if t:
            row += f" {t.fmt(1)} ns/op"
        if samples:
            p = {q: latency(samples, q).value for q in (50, 99, 99.9, 99.99)}
            row += f" | p50 {p[50]:.0f} p99 {p[99]:.0f} p99.9 {p[99.9]:.0f} p99.99 {p[99.99]:.0f}"
        a = alloc(runs_of(rounds, name, "thrpt"))
        if a:
            row += f" | {a.value:.3f} B/op"
        lines.append(row)
    samples = runs_of(rounds, handle, "sample")
    if samples:
        p50, p99 = latency(samples, 50), latency(samples, 99)
        target("handle median <= 250 ns", p50.value <= 250, p50.fmt(0, " ns"))
        target("handle p99 <= 1 us", p99.value <= 1000, p99.fmt(0, " ns"))
    a = alloc(runs_of(rounds, handle, "thrpt"))
    if a:
        target("handle allocation < 1 B/op by JMH -prof gc (counts every thread of the JVM: the drainer "
               "and the journal's free-space sampler too)", a.value < 1, a.fmt(3, " B/op"))
    lines.append("")


def drainer(rounds, lines, target):
    results = {}
    for rnd in rounds:
        results.update(rnd)
    if not results:
        return
    lines.append("== drainer (single-shot times: JMH score ± 99.9% error; median of all iterations)")
    for (n, m, p), run in sorted(results.items()):
        records = int(dict(p).get("records", "0"))
        score, err = float(run["primaryMetric"]["score"]), float(run["primaryMetric"]["scoreError"])
        raw = [v for fork in run["primaryMetric"]["rawData"] for v in fork]
        med = statistics.median(raw)
        line = f"  {n} ({records:,} records): {Figure(score, err).fmt(1)} ms, median {med:.1f} ms, n={len(raw)}"
        rate = records / (med / 1000.0)
        if n.startswith("AggregationBenchmark") or n == "RecoveryBenchmark.untilSumsRebuilt":
            lo, hi = records / (max(raw) / 1000.0), records / (min(raw) / 1000.0)
            line += f" -> {rate / 1e6:.2f} M records/s (range {lo / 1e6:.2f}..{hi / 1e6:.2f})"
        if n == "AggregationBenchmark.drainer":
            target(f"aggregation >= 10 M records/s (Drainer.doWork over {records:,} records)", rate >= 10e6,
                   f"median {rate / 1e6:.2f} M records/s")
        elif n == "RecoveryBenchmark.untilSumsRebuilt":
            target(f"recovery of {records:,} records < 2 s", med < 2000, f"median {med:.0f} ms")
        elif n == "RecoveryBenchmark.untilFirstRecord":
            target(f"first record() after build() < 300 ms ({records:,} records)", med < 300, f"median {med:.0f} ms")
        lines.append(line)
    reader = find(results, "AggregationBenchmark.journalReader", "ss")
    drain = find(results, "AggregationBenchmark.drainer", "ss")
    tailer = find(results, "AggregationBenchmark.rawTailer", "ss")

    def med(run):
        return statistics.median(v for fork in run["primaryMetric"]["rawData"] for v in fork)
    if reader and drain and tailer:
        lines.append(f"  ratios (time): drainer / journal reader {med(drain) / med(reader):.2f} x, "
                     f"journal reader / raw tailer {med(reader) / med(tailer):.2f} x")
    lines.append("")


def outage(rounds, lines, target):
    if not rounds:
        return
    lines.append(f"== record() while the drainer sends to a healthy / failing endpoint (SampleTime, "
                 f"{len(rounds)} round(s))")
    for state in ("healthy", "outage"):
        runs = runs_of(rounds, "OutageBenchmark.handle", "sample", endpoint=state)
        if runs:
            p = {q: latency(runs, q) for q in (50, 99, 99.9, 99.99)}
            lines.append(f"  {state:<8} p50 {p[50].fmt(0)} | p99 {p[99].fmt(0)} | p99.9 {p[99.9].value:.0f}"
                         f" | p99.99 {p[99.99].value:.0f} ns")
    per_round = {q: [] for q in (50, 99)}
    for rnd in rounds:
        h = find(rnd, "OutageBenchmark.handle", "sample", endpoint="healthy")
        o = find(rnd, "OutageBenchmark.handle", "sample", endpoint="outage")
        if h and o:
            for q in per_round:
                per_round[q].append(latency([o], q).value / latency([h], q).value)
    if per_round[99]:
        r99, r50 = combine(per_round[99]), combine(per_round[50])
        lines.append(f"  outage / healthy: p50 {r50.fmt(2)} x, p99 {r99.fmt(2)} x")
        target("outage p99 within 1.2x healthy p99", r99.value <= 1.2, f"{r99.fmt(2)} x")
    lines.append("")


def footprint(directory, lines, target):
    path = os.path.join(directory, "footprint.jsonl")
    if not os.path.exists(path):
        return
    rows = [json.loads(line) for line in open(path) if line.strip()]
    by = {}
    for row in rows:
        by.setdefault(row["records"], []).append(row)
    lines.append("== footprint (FootprintProbe: median of repeats, range in brackets)")
    heaps = {}
    for records in sorted(by):
        rs = by[records]
        disk = [r["diskBytesPerRecord"] for r in rs]
        heap = [r["retainedHeapBytes"] for r in rs]
        caller = [r["callerBytesPerRecord"] for r in rs]
        heaps[records] = statistics.median(heap)
        lines.append(f"  {records:>11,} records: disk {statistics.median(disk):.2f} B/record "
                     f"[{min(disk):.2f}..{max(disk):.2f}]; retained heap {statistics.median(heap) / 1024:.0f} KiB "
                     f"[{min(heap) / 1024:.0f}..{max(heap) / 1024:.0f}]; record() caller allocation "
                     f"{statistics.median(caller):.4f} B/record [{min(caller):.4f}..{max(caller):.4f}]")
    caller = [r["callerBytesPerRecord"] for r in rows]
    target("handle allocation < 1 B/op, record()'s own (the recording thread's allocation counter)",
           max(caller) < 1, f"at most {max(caller):.4f} B/record over {len(caller)} runs")
    counts = sorted(by)
    if len(counts) >= 2:
        small, large = counts[0], counts[-1]
        d_small = statistics.median(r["allocatedDiskBytes"] for r in by[small])
        d_large = statistics.median(r["allocatedDiskBytes"] for r in by[large])
        marginal = (d_large - d_small) / (large - small)
        growth = heaps[large] - heaps[small]
        lines.append(f"  marginal disk per record ({small:,} -> {large:,}): {marginal:.2f} B")
        lines.append(f"  heap growth ({small:,} -> {large:,} records): {growth / 1024:+.0f} KiB "
                     f"({growth / (large - small):+.4f} B/record); ratio {heaps[large] / heaps[small]:.3f} x")
        per_record = statistics.median(r["diskBytesPerRecord"] for r in by[large])
        target(f"<= 24 B/record on disk ({large:,} records)", per_record <= 24,
               f"{per_record:.2f} B/record in total, {marginal:.2f} B marginal")
        target("drainer heap independent of record count", abs(growth) < 1024 * 1024,
               f"{growth / 1024:+.0f} KiB from {small:,} to {large:,} records (threshold: 1 MiB)")
    lines.append("")


def paired(directory, lines, target):
    path = os.path.join(directory, "paired.jsonl")
    if not os.path.exists(path):
        return
    rows = [json.loads(line) for line in open(path) if line.strip()]
    lines.append("== paired blocks on one thread (PairedRatioProbe: 10,000 calls of each kind, alternating; "
                 "median of pairs per run, [p25..p75 of pairs])")
    variants = [((True, False, False), "production (drainer on) vs raw append"),
                ((True, False, True), "production (drainer on) vs raw append with a raw tailer following it"),
                ((False, False, False), "diagnostic: drainer off vs raw append"),
                ((False, True, False), "diagnostic: drainer off, FileStore resolved once (proposed probe)"),
                ((True, True, False), "diagnostic: drainer on, FileStore resolved once (proposed probe)"),
                ((True, True, True), "diagnostic: drainer on, FileStore resolved once, vs raw append + tailer")]
    for (drainer_on, cached, tailed), label in variants:
        rs = [r for r in rows if r.get("drainer", True) == drainer_on and r.get("cachedStore", False) == cached
              and r.get("rawTailer", False) == tailed]
        if not rs:
            continue
        lines.append(f"  {label}:")
        for r in rs:
            lines.append(f"    handle/raw {r['handleToRaw']:.2f} [{r['handleToRawP25']:.2f}..{r['handleToRawP75']:.2f}], "
                         f"by-name/handle {r['byNameToHandle']:.2f} [{r['byNameToHandleP25']:.2f}.."
                         f"{r['byNameToHandleP75']:.2f}]; ns/call handle {r['handleNs']:.0f}, raw {r['rawNs']:.0f}, "
                         f"by name {r['byNameNs']:.0f}; {r['pairs']} pairs")
        med = statistics.median(r["handleToRaw"] for r in rs)
        lines.append(f"    -> handle / raw append: median {med:.2f} x over {len(rs)} run(s)")
        spread = f"{med:.2f} x (runs {min(r['handleToRaw'] for r in rs):.2f}..{max(r['handleToRaw'] for r in rs):.2f})"
        if drainer_on and not cached and tailed:
            target("handle, 1 thread <= 1.25x raw Chronicle append, like for like (paired blocks; the raw "
                   "queue has a live tailer as the journal has its drainer)", med <= 1.25, spread)
        if drainer_on and not cached and not tailed:
            target("handle, 1 thread <= 1.25x raw Chronicle append (paired blocks, drainer on, raw queue "
                   "unread)", med <= 1.25, spread)
            bn = statistics.median(r["byNameToHandle"] for r in rs)
            target("by name <= 1.5x handle (paired blocks)", bn <= 1.5, f"{bn:.2f} x")
    lines.append("")


def main(directory):
    lines, targets = [], []

    def target(name, ok, detail):
        targets.append(f"  [{'MET ' if ok else 'MISS'}] {name}: {detail}")

    env = os.path.join(directory, "environment.txt")
    if os.path.exists(env):
        lines.append(open(env).read().rstrip())
        lines.append("")
    hot_path(load_rounds(directory, "hotpath"), lines, target)
    drainer(load_rounds(directory, "drainer"), lines, target)
    outage(load_rounds(directory, "outage"), lines, target)
    footprint(directory, lines, target)
    paired(directory, lines, target)
    lines.append("== targets")
    lines.extend(targets or ["  (no results)"])
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results")
