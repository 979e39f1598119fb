#!/usr/bin/env python3
"""Summarizes one run of benchmarks/run.sh: ratios against same-run baselines first, absolute figures
second, then each target of issue 5 as met or missed. Usage: summarize.py <results directory>."""
import json
import os
import statistics
import sys

PKG = "io.hourmeter.benchmarks."


def load_jmh(path):
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        runs = json.load(f)
    out = {}
    for run in runs:
        name = run["benchmark"].replace(PKG, "")
        params = run.get("params") or {}
        key = (name, run["mode"], tuple(sorted(params.items())))
        out[key] = run
    return out


def find(results, name, mode, **params):
    for (n, m, p), run in results.items():
        if n == name and m == mode and all(dict(p).get(k) == v for k, v in params.items()):
            return run
    return None


def iteration_percentile(run, q):
    """The q-th percentile of each measurement iteration's histogram, across forks: (min, max)."""
    values = []
    for fork in run["primaryMetric"].get("rawDataHistogram", []):
        for iteration in fork:
            pairs = sorted(iteration, key=lambda p: p[0])
            total = sum(c for _, c in pairs)
            target = total * q / 100.0
            seen = 0
            for value, count in pairs:
                seen += count
                if seen >= target:
                    values.append(value)
                    break
    return (min(values), max(values)) if values else None


class Figure:
    """A value with its error (half-width of JMH's 99.9% interval, or a min-max spread)."""

    def __init__(self, value, error=None, spread=None):
        self.value, self.error, self.spread = value, error, spread

    def fmt(self, digits=1, unit=""):
        text = f"{self.value:.{digits}f}{unit}"
        if self.error is not None and self.error == self.error:
            text += f" ± {self.error:.{digits}f}"
        if self.spread is not None:
            text += f" (iterations {self.spread[0]:.{digits}f}..{self.spread[1]:.{digits}f})"
        return text


def ns_per_op(run):
    """Throughput in ops/us -> ns/op, with the error carried over."""
    m = run["primaryMetric"]
    score, err = float(m["score"]), float(m["scoreError"])
    ns = 1000.0 / score
    return Figure(ns, ns * (err / score) if err == err else None)


def ratio(a, b):
    """a / b with relative errors added."""
    r = a.value / b.value
    rel = 0.0
    for f in (a, b):
        if f.error is not None and f.error == f.error:
            rel += f.error / f.value
    return Figure(r, r * rel)


def alloc(run):
    sec = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
    return Figure(float(sec["score"]), float(sec["scoreError"])) if sec else None


def sample(run, pct):
    key = {50: "50.0", 99: "99.0", 99.9: "99.9", 99.99: "99.99"}[pct]
    value = run["primaryMetric"]["scorePercentiles"][key] * 1000.0  # us -> ns
    spread = iteration_percentile(run, pct)
    return Figure(value, spread=(spread[0] * 1000.0, spread[1] * 1000.0) if spread else None)


def main(directory):
    lines = []
    targets = []

    def target(name, ok, detail):
        targets.append(f"  [{'MET ' if ok else 'MISS'}] {name}: {detail}")

    env = os.path.join(directory, "environment.txt")
    if os.path.exists(env):
        lines.append(open(env).read().rstrip())
        lines.append("")

    hot = load_jmh(os.path.join(directory, "hotpath.json"))
    names = [("RecordBenchmark.handle", "handle, 1 thread"),
             ("RecordBenchmark.handle2Threads", "handle, 2 threads (aggregate)"),
             ("RecordBenchmark.byName", "by name, 1 thread"),
             ("RecordBenchmark.handleDrainerOff", "handle, 1 thread, drainer off (diag.)"),
             ("BaselineBenchmark.chronicleAppend", "raw Chronicle append, 1 thread"),
             ("BaselineBenchmark.chronicleAppend2Threads", "raw Chronicle append, 2 threads"),
             ("BaselineBenchmark.longAdder", "LongAdder.add, 1 thread"),
             ("BaselineBenchmark.longAdder2Threads", "LongAdder.add, 2 threads"),
             ("BaselineBenchmark.mappedPutLong", "mapped putLong (release), 1 thread"),
             ("BaselineBenchmark.mappedPutLong2Threads", "mapped putLong (release), 2 threads")]
    thr = {n: ns_per_op(r) for n, _ in names if (r := find(hot, n, "thrpt"))}
    smp = {n: r for n, _ in names if (r := find(hot, n, "sample"))}
    if thr:
        lines.append("== record() against same-run baselines (time per op from throughput; "
                     "2-thread rows: aggregate, i.e. wall time / total ops)")
        base = thr.get("BaselineBenchmark.chronicleAppend")
        handle = thr.get("RecordBenchmark.handle")
        lines.append("ratios:")
        if handle and base:
            r = ratio(handle, base)
            lines.append(f"  handle / raw Chronicle append        {r.fmt(2)} x")
            target("handle, 1 thread <= 1.25x raw Chronicle append", r.value <= 1.25, f"{r.fmt(2)} x")
        if "RecordBenchmark.handleDrainerOff" in thr and base:
            r = ratio(thr["RecordBenchmark.handleDrainerOff"], base)
            lines.append(f"  handle, drainer off / raw Chronicle  {r.fmt(2)} x")
        for other, label in [("BaselineBenchmark.longAdder", "LongAdder.add"),
                             ("BaselineBenchmark.mappedPutLong", "mapped putLong")]:
            if handle and other in thr:
                lines.append(f"  handle / {label:<27} {ratio(handle, thr[other]).fmt(2)} x")
        if handle and "RecordBenchmark.byName" in thr:
            r = ratio(thr["RecordBenchmark.byName"], handle)
            lines.append(f"  by name / handle                     {r.fmt(2)} x")
            target("by name <= 1.5x handle", r.value <= 1.5, f"{r.fmt(2)} x")
        if handle and "RecordBenchmark.handle2Threads" in thr:
            # aggregate throughput ratio = ns(1 thread) / ns(2 threads, aggregate)
            r = ratio(handle, thr["RecordBenchmark.handle2Threads"])
            lines.append(f"  2-thread / 1-thread throughput       {r.fmt(2)} x")
            target("2 threads aggregate >= 0.8x 1-thread", r.value >= 0.8, f"{r.fmt(2)} x")
        if base and "BaselineBenchmark.chronicleAppend2Threads" in thr:
            r = ratio(base, thr["BaselineBenchmark.chronicleAppend2Threads"])
            lines.append(f"  (raw Chronicle 2-thread / 1-thread   {r.fmt(2)} x)")
        if "RecordBenchmark.handle" in smp and "BaselineBenchmark.chronicleAppend" in smp:
            for pct in (50, 99):
                a = sample(smp["RecordBenchmark.handle"], pct).value
                b = sample(smp["BaselineBenchmark.chronicleAppend"], pct).value
                lines.append(f"  handle / raw Chronicle, p{pct:<4}         {a / b:.2f} x")
        lines.append("absolute (ns/op, ± 99.9% CI; SampleTime percentiles with the per-iteration range; "
                     "allocation B/op):")
        for n, label in names:
            if n not in thr and n not in smp:
                continue
            row = f"  {label:<38}"
            if n in thr:
                row += f" {thr[n].fmt(1)} ns/op"
            if n in smp:
                p = {q: sample(smp[n], q) for q in (50, 99, 99.9, 99.99)}
                row += (f" | p50 {p[50].value:.0f} p99 {p[99].value:.0f} p99.9 {p[99.9].value:.0f} "
                        f"p99.99 {p[99.99].value:.0f} ns")
            a = alloc(find(hot, n, "thrpt")) if n in thr else None
            if a:
                row += f" | {a.value:.3f} B/op"
            lines.append(row)
        if "RecordBenchmark.handle" in smp:
            p50 = sample(smp["RecordBenchmark.handle"], 50)
            p99 = sample(smp["RecordBenchmark.handle"], 99)
            target("handle median <= 250 ns", p50.value <= 250, p50.fmt(0, " ns"))
            target("handle p99 <= 1 us", p99.value <= 1000, p99.fmt(0, " ns"))
        hrun = find(hot, "RecordBenchmark.handle", "thrpt")
        if hrun and alloc(hrun):
            a = alloc(hrun)
            target("handle allocation < 1 B/op, JMH -prof gc (every thread of the JVM per record: "
                   "drainer and free-space sampler included)", a.value < 1, a.fmt(3, " B/op"))
        lines.append("")

    drain = load_jmh(os.path.join(directory, "drainer.json"))
    if drain:
        lines.append("== drainer")
        for (n, m, p), run in sorted(drain.items()):
            records = int(dict(p).get("records", "0"))
            ms = Figure(float(run["primaryMetric"]["score"]), float(run["primaryMetric"]["scoreError"]))
            raw = [v for fork in run["primaryMetric"]["rawData"] for v in fork]
            med = statistics.median(raw)
            line = f"  {n} ({records:,} records): {ms.fmt(1)} ms (median {med:.1f}, n={len(raw)})"
            rate = records / (med / 1000.0)
            lo, hi = records / (max(raw) / 1000.0), records / (min(raw) / 1000.0)
            if n.startswith("AggregationBenchmark") or n == "RecoveryBenchmark.untilSumsRebuilt":
                line += f" -> {rate / 1e6:.1f} M records/s (range {lo / 1e6:.1f}..{hi / 1e6:.1f})"
            if n == "AggregationBenchmark.drainer":
                target(f"aggregation >= 10 M records/s (Drainer.doWork over {records:,} records)",
                       rate >= 10e6, f"median {rate / 1e6:.1f} M records/s")
            if n == "RecoveryBenchmark.untilSumsRebuilt":
                target(f"recovery of {records:,} records < 2 s", med < 2000, f"median {med:.0f} ms")
            elif n == "RecoveryBenchmark.untilFirstRecord":
                target(f"first record() after build() < 300 ms ({records:,} records)", med < 300,
                       f"median {med:.0f} ms")
            lines.append(line)
        lines.append("")

    outage = load_jmh(os.path.join(directory, "outage.json"))
    if outage:
        lines.append("== record() while the drainer sends to a healthy / failing endpoint (SampleTime)")
        runs = {dict(p).get("endpoint"): run for (n, m, p), run in outage.items() if m == "sample"}
        for state in ("healthy", "outage"):
            if state in runs:
                p = {q: sample(runs[state], q) for q in (50, 99, 99.9, 99.99)}
                lines.append(f"  {state:<8} p50 {p[50].fmt(0)} | p99 {p[99].fmt(0)} | p99.9 {p[99.9].value:.0f}"
                             f" | p99.99 {p[99.99].value:.0f} ns")
        if "healthy" in runs and "outage" in runs:
            h = sample(runs["healthy"], 99).value
            o = sample(runs["outage"], 99).value
            lines.append(f"  ratio outage / healthy p99: {o / h:.2f} x")
            target("outage p99 within 1.2x healthy p99", o / h <= 1.2, f"{o / h:.2f} x ({o:.0f} vs {h:.0f} ns)")
        lines.append("")

    foot_path = os.path.join(directory, "footprint.jsonl")
    if os.path.exists(foot_path):
        rows = [json.loads(line) for line in open(foot_path) if line.strip()]
        by = {}
        for row in rows:
            by.setdefault(row["records"], []).append(row)
        lines.append("== footprint (median of repeats, range in brackets)")
        heaps = {}
        for records in sorted(by):
            rs = by[records]
            disk = [r["diskBytesPerRecord"] for r in rs]
            heap = [r["retainedHeapBytes"] for r in rs]
            caller = [r["callerBytesPerRecord"] for r in rs if "callerBytesPerRecord" in r]
            heaps[records] = statistics.median(heap)
            lines.append(f"  {records:>11,} records: disk {statistics.median(disk):.2f} B/record "
                         f"[{min(disk):.2f}..{max(disk):.2f}], retained heap "
                         f"{statistics.median(heap) / 1024:.0f} KiB [{min(heap) / 1024:.0f}..{max(heap) / 1024:.0f}]"
                         + (f", record() caller allocation {max(caller):.4f} B/record (max)" if caller else ""))
        counts = sorted(by)
        if len(counts) >= 2:
            small, large = counts[0], counts[-1]
            d_small = statistics.median(r["allocatedDiskBytes"] for r in by[small])
            d_large = statistics.median(r["allocatedDiskBytes"] for r in by[large])
            marginal = (d_large - d_small) / (large - small)
            growth = heaps[large] - heaps[small]
            lines.append(f"  marginal disk per record ({small:,} -> {large:,}): {marginal:.2f} B")
            lines.append(f"  heap growth ({small:,} -> {large:,} records): {growth / 1024:.0f} KiB, "
                         f"{growth / (large - small):.4f} B/record")
            caller = [r["callerBytesPerRecord"] for r in rows if "callerBytesPerRecord" in r]
            if caller:
                target("handle allocation < 1 B/op, record()'s own (the calling thread's allocation "
                       "counter)", max(caller) < 1, f"max {max(caller):.4f} B/record over {len(caller)} runs")
            per_record = statistics.median(r["diskBytesPerRecord"] for r in by[large])
            target(f"<= 24 B/record on disk ({large:,} records)", per_record <= 24,
                   f"{per_record:.2f} B/record total, {marginal:.2f} B marginal")
            target("drainer heap independent of record count", abs(growth) < 1024 * 1024,
                   f"{growth / 1024:+.0f} KiB from {small:,} to {large:,} records (threshold 1 MiB)")
        lines.append("")

    lines.append("== targets")
    lines.extend(targets or ["  (no results)"])
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results")
