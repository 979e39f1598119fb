#!/usr/bin/env bash
# Issue 14, before against after in one session: the load-sensitive phases of `run.sh --hotpath`
# (threads 1/2/4 with their raw baselines, the paired 1-thread ratio, processes 1/4 and kill-a-peer)
# alternating between two benchmark jars, round by round, so that a drift in the machine's load
# (2 cores shared with other helpers) hits both columns alike. Recovery, drainer, footprint and outage
# are less sensitive and come from `run.sh --hotpath <label>`.
#
# Usage: benchmarks/ab_hotpath.sh <before.jar> <after.jar> [rounds]
#   before.jar  a benchmarks jar built at the commit before issue 14 (one queue, no stripes); its
#               benchmark classes may be overridden by $BEFORE_CLASSES (a directory put first on the
#               class path), so that both sides run the same probe code against different journals
#   after.jar   a benchmarks jar built with issue 14's changes
# Results: benchmarks/results/hotpath/ab/{before,after}/ (threads-<round>.json, paired.jsonl,
# processes.jsonl, environment.txt); then summarize_hotpath.py prints both columns.
set -euo pipefail

[[ $# -ge 2 ]] || { sed -n '2,16p' "$0"; exit 2; }
before_jar=$1
after_jar=$2
rounds=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/results/hotpath/ab
data=${HOURMETER_BENCH_DIR:-$here/target/bench-data}
threads_benchmarks='io.hourmeter.benchmarks.(RecordBenchmark.handle(|2Threads|4Threads)|BaselineBenchmark.chronicle(Append|Append2Threads|Append4Threads|OwnQueue2Threads|OwnQueue4Threads))$'

mkdir -p "$out/before" "$out/after" "$data"
rm -f "$out"/before/* "$out"/after/*
for side in before after; do
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "side: $side"
    echo "commit: $(git -C "$here" rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "jar: $([[ $side == before ]] && echo "$before_jar ${BEFORE_CLASSES:+(classes first: $BEFORE_CLASSES)}" || echo "$after_jar")"
    echo "java: $(java -version 2>&1 | tr '\n' ' ')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  } > "$out/$side/environment.txt"
done
load() { echo "load $2: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)" >> "$out/$1/environment.txt"; }

classpath() { if [[ $1 == before ]]; then echo "${BEFORE_CLASSES:+$BEFORE_CLASSES:}$before_jar"; else echo "$after_jar"; fi; }
jarof() { if [[ $1 == before ]]; then echo "$before_jar"; else echo "$after_jar"; fi; }
jvm_flags=$(java -cp "$after_jar" io.hourmeter.benchmarks.BenchmarkJvm)

for round in $(seq 1 "$rounds"); do
  # Alternate which side goes first.
  if (( round % 2 )); then sides=(before after); else sides=(after before); fi
  for side in "${sides[@]}"; do
    load "$side" "before threads round $round"
    java -jar "$(jarof "$side")" "$threads_benchmarks" -f 1 -wi 2 -w 1s -i 4 -r 1s -bm thrpt -prof gc \
      -jvmArgsAppend "-Dhourmeter.bench.dir=$data" -rf json -rff "$out/$side/threads-$round.json" \
      > "$out/$side/threads-$round.txt"
  done
  for side in "${sides[@]}"; do
    load "$side" "before paired round $round"
    # shellcheck disable=SC2086 # the flags are a list of words
    java $jvm_flags "-Dhourmeter.bench.dir=$data" -cp "$(classpath "$side")" io.hourmeter.benchmarks.PairedRatioProbe \
      3 8 "$out/$side/paired.jsonl"
  done
  for args in "1" "4" "4 kill" "4 burst"; do
    for side in "${sides[@]}"; do
      # shellcheck disable=SC2086
      java $jvm_flags "-Dhourmeter.bench.dir=$data" -cp "$(classpath "$side")" io.hourmeter.benchmarks.ProcessLatencyProbe \
        ${args%% *} 100000 3 10 "$out/$side/processes.jsonl" $([[ $args == *" "* ]] && echo "${args#* }") label=$side \
        > /dev/null
    done
  done
done
for side in before after; do load "$side" "end"; done
python3 "$here/summarize_hotpath.py" "$out/before" "$out/after" | tee "$out/summary.txt"
