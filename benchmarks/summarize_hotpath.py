#!/usr/bin/env python3
"""Summarizes one `benchmarks/run.sh --hotpath <label>` run (issue 14): ratios against baselines of the
same run first, then absolute figures, each target met or missed.

threads-<round>.json  JMH throughput of record() on 1/2/4 threads and of the raw Chronicle baselines
                      (one queue shared by the threads; a queue per thread), per round; ratios per round,
                      quoted as the median of rounds with their range
paired.jsonl          PairedRatioProbe lines (production, and raw-tailer: like for like)
processes.jsonl       ProcessLatencyProbe lines: per process, all(n), firstN-1
recovery.json, drainer.json   JMH single shots (medians of the raw iterations)
footprint.jsonl       FootprintProbe lines
outage-<round>.json   OutageBenchmark SampleTime, per round

Usage: summarize_hotpath.py <results directory> [<other results directory> ...]: with several
directories (before, after), one column each."""
import glob
import json
import os
import statistics
import sys

PKG = "io.hourmeter.benchmarks."


def jmh(path):
    try:
        with open(path) as f:
            runs = json.load(f)
    except (OSError, ValueError):
        return []
    for run in runs:
        run["name"] = run["benchmark"].replace(PKG, "")
    return runs


def jsonl(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} (rounds {min(values):.2f}..{max(values):.2f})"


def thrpt(runs, name):
    for run in runs:
        if run["name"] == name and run["mode"] == "thrpt":
            return float(run["primaryMetric"]["score"])
    return None


def alloc(runs, name):
    for run in runs:
        if run["name"] == name and run["mode"] == "thrpt":
            m = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
            return float(m["score"]) if m else None
    return None


def ratio(a, b):
    return a / b if a is not None and b else None


def single_shots(runs, name, **params):
    out = []
    for run in runs:
        p = {"journal": "unread", **(run.get("params") or {})}
        if run["name"] == name and all(p.get(k) == v for k, v in params.items()):
            for fork in run["primaryMetric"]["rawData"]:
                out.extend(fork)
    return out


def summarize(directory):
    """{figure: (value, text)} for one results directory."""
    fig = {}
    rounds = [jmh(p) for p in sorted(glob.glob(os.path.join(directory, "threads-*.json")))]
    rounds = [r for r in rounds if r]
    R = "RecordBenchmark.", "BaselineBenchmark."

    def per_round(f):
        return [f(r) for r in rounds]

    h1 = per_round(lambda r: thrpt(r, R[0] + "handle"))
    fig["threads.rounds"] = (len(rounds), str(len(rounds)))
    for label, f in [
        ("1 thread: raw append / handle throughput (time ratio)",
         lambda r: ratio(thrpt(r, R[1] + "chronicleAppend"), thrpt(r, R[0] + "handle"))),
        ("2 threads: handle / a raw queue per thread (aggregate)",
         lambda r: ratio(thrpt(r, R[0] + "handle2Threads"), thrpt(r, R[1] + "chronicleOwnQueue2Threads"))),
        ("2 threads: handle / one raw queue shared",
         lambda r: ratio(thrpt(r, R[0] + "handle2Threads"), thrpt(r, R[1] + "chronicleAppend2Threads"))),
        ("2 threads / 1 thread, handle",
         lambda r: ratio(thrpt(r, R[0] + "handle2Threads"), thrpt(r, R[0] + "handle"))),
        ("4 threads / 2 threads, handle",
         lambda r: ratio(thrpt(r, R[0] + "handle4Threads"), thrpt(r, R[0] + "handle2Threads"))),
        ("4 threads: handle / a raw queue per thread",
         lambda r: ratio(thrpt(r, R[0] + "handle4Threads"), thrpt(r, R[1] + "chronicleOwnQueue4Threads"))),
        ("raw, queue per thread: 2 threads / 1 thread",
         lambda r: ratio(thrpt(r, R[1] + "chronicleOwnQueue2Threads"), thrpt(r, R[1] + "chronicleAppend"))),
        ("raw, one shared queue: 2 threads / 1 thread",
         lambda r: ratio(thrpt(r, R[1] + "chronicleAppend2Threads"), thrpt(r, R[1] + "chronicleAppend"))),
    ]:
        values = per_round(f)
        fig[label] = (med(values), spread(values))
    for name in ["handle", "handle2Threads", "handle4Threads"]:
        values = per_round(lambda r, n=name: thrpt(r, R[0] + n))
        fig[f"ops/us {name}"] = (med(values), spread(values))
        fig[f"B/op (JVM-wide) {name}"] = (med(per_round(lambda r, n=name: alloc(r, R[0] + n))),
                                          spread(per_round(lambda r, n=name: alloc(r, R[0] + n))))
    for name in ["chronicleAppend", "chronicleAppend2Threads", "chronicleAppend4Threads",
                 "chronicleOwnQueue2Threads", "chronicleOwnQueue4Threads"]:
        values = per_round(lambda r, n=name: thrpt(r, R[1] + n))
        fig[f"ops/us {name}"] = (med(values), spread(values))

    paired = jsonl(os.path.join(directory, "paired.jsonl"))
    for label, tailer in [("paired handle / raw append, drainer on", False),
                          ("paired, like for like (raw queue with a tailer)", True)]:
        values = [p["handleToRaw"] for p in paired if p.get("drainer") and p.get("rawTailer") == tailer
                  and p.get("drainIntervalMillis", -1) == -1]
        fig[label] = (med(values), spread(values).replace("rounds", "runs"))
    cadence = jsonl(os.path.join(directory, "cadence.jsonl"))
    for interval in sorted({p["drainIntervalMillis"] for p in cadence}):
        values = [p["handleToRaw"] for p in cadence if p["drainIntervalMillis"] == interval]
        fig[f"paired handle / raw append, drainInterval {interval} ms"] = (
            med(values), spread(values).replace("rounds", "runs"))

    processes = jsonl(os.path.join(directory, "processes.jsonl"))

    def proc(n, kill, who, key, burst=False):
        return [p[key] for p in processes if p["processes"] == n and p["kill"] == kill and p["who"] == who
                and p.get("burst", False) == burst]

    for key, what in [("serviceP999", "service"), ("correctedP999", "corrected"),
                      ("windowServiceP999", "window service"), ("windowCorrectedP999", "window corrected")]:
        one = proc(1, False, "all(1)", key)
        four = proc(4, False, "all(4)", key)
        survivors_kill = proc(4, True, "firstN-1", key, burst=True)
        survivors_nokill = proc(4, False, "firstN-1", key, burst=True)
        fig[f"p99.9 {what}: 4 processes / 1"] = (ratio(med(four), med(one)),
            f"{ratio(med(four), med(one)) or 0:.2f} (medians of {len(four)} and {len(one)} runs: "
            f"{(med(four) or 0) / 1000:.1f} vs {(med(one) or 0) / 1000:.1f} us)")
        fig[f"p99.9 {what}: survivors with a kill / without"] = (ratio(med(survivors_kill), med(survivors_nokill)),
            f"{ratio(med(survivors_kill), med(survivors_nokill)) or 0:.2f} (medians of {len(survivors_kill)} and "
            f"{len(survivors_nokill)} runs: {(med(survivors_kill) or 0) / 1000:.1f} vs "
            f"{(med(survivors_nokill) or 0) / 1000:.1f} us)")
    released = [p["deadHolderLockReleased"] for p in processes if p["kill"] and p["who"] == "firstN-1"]
    fig["kills where a survivor released the dead holder's lock"] = (None, f"{sum(released)} of {len(released)}")

    recovery = [run for path in sorted(glob.glob(os.path.join(directory, "recovery*.json"))) for run in jmh(path)]
    for journal in ["unread", "drained"]:
      for records in ["10000000", "50000000"]:
        for name in ["untilFirstRecord", "untilSumsRebuilt"]:
            shots = single_shots(recovery, "RecoveryBenchmark." + name, records=records, journal=journal)
            m = med(shots)
            fig[f"recovery {name}, {int(records) // 1_000_000} M records, {journal} (ms)"] = (
                m, f"{m:.1f} ms (median of {len(shots)}, {min(shots):.1f}..{max(shots):.1f})" if shots else "n/a")

    drainer = jmh(os.path.join(directory, "drainer.json"))
    for writers in ["1", "4"]:
        shots = single_shots(drainer, "AggregationBenchmark.drainer", writers=writers)
        m = med(shots)
        rate = 10.0 / (m / 1000) if m else None
        fig[f"drainer catch-up, 10 M records by {writers} writer(s) (M records/s)"] = (
            rate, f"{rate:.1f} M/s (median {m:.0f} ms of {len(shots)})" if m else "n/a")

    footprint = jsonl(os.path.join(directory, "footprint.jsonl"))
    for mode in ["HOURLY", "SAAS 10000x3"]:
        rows = [f for f in footprint if f["mode"] == mode]
        disk = med([f["diskBytesPerRecord"] for f in rows])
        caller = med([f["callerBytesPerRecord"] for f in rows])
        fig[f"disk B/record {mode}"] = (disk, f"{disk:.2f}" if disk else "n/a")
        fig[f"recording thread B/record() {mode}"] = (caller, f"{caller:.4f}" if caller is not None else "n/a")

    ratios = []
    for path in sorted(glob.glob(os.path.join(directory, "outage-*.json"))):
        p99 = {}
        for run in jmh(path):
            if run["mode"] == "sample":
                p99[run["params"]["endpoint"]] = float(run["primaryMetric"]["scorePercentiles"]["99.0"])
        if "healthy" in p99 and "outage" in p99:
            ratios.append(p99["outage"] / p99["healthy"])
    fig["outage p99 / healthy p99"] = (med(ratios), spread(ratios))
    return fig


def main():
    directories = sys.argv[1:]
    if not directories:
        print(__doc__)
        sys.exit(2)
    figures = [summarize(d) for d in directories]
    print("issue 14 (hot path): " + " | ".join(os.path.basename(d.rstrip("/")) for d in directories))
    print("Ratios are same-run; the machine is a 2-core VM shared with other helpers (see environment.txt).")
    for key in figures[0]:
        if key == "threads.rounds":
            continue
        print(f"  {key:70s} " + " | ".join(f[key][1] if key in f else "n/a" for f in figures))


if __name__ == "__main__":
    main()
