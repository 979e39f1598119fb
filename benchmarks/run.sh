#!/usr/bin/env bash
# Runs Hourmeter's whole benchmark suite and writes the results under benchmarks/results/<mode>/:
#   hotpath.json/.txt   record() against its same-run baselines (throughput, SampleTime, -prof gc)
#   drainer.json/.txt   drainer aggregation and recovery after a restart
#   outage.json/.txt    record() latency while the local endpoint is healthy / throttling and failing
#   footprint.jsonl     disk bytes per record and retained heap, one forked JVM per record count
#   environment.txt     JDK, CPU, commit, load average before and after each phase
#   summary.txt         ratios first, absolute figures second, each target met or missed
#
# Usage: benchmarks/run.sh [--quick] [--no-build]
#   --quick     few iterations, one fork, 1 M records instead of 10 M: a few minutes
#   --no-build  use the benchmarks jar already in benchmarks/target
# The scratch journals go to $HOURMETER_BENCH_DIR (default benchmarks/target/bench-data), which must be
# on a real disk with a few GB free; they are deleted as each benchmark ends.
set -euo pipefail

mode=full
build=1
for arg in "$@"; do
  case "$arg" in
    --quick) mode=quick ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=$here/target/benchmarks.jar
out=$here/results/$mode
data=${HOURMETER_BENCH_DIR:-$here/target/bench-data}

if [[ $build == 1 ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
[[ -f $jar ]] || { echo "$jar is missing: build with 'mvn -B -pl benchmarks -am package -DskipTests'" >&2; exit 1; }

mkdir -p "$out" "$data"
rm -f "$out"/*
jvm_flags=$(java -cp "$jar" io.hourmeter.benchmarks.BenchmarkJvm)
data_flag="-Dhourmeter.bench.dir=$data"

if [[ $mode == quick ]]; then
  hot=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  drain=(-f 1 -wi 1 -i 3 -p records=1000000)
  outage=(-f 1 -wi 1 -w 3s -i 3 -r 3s)
  foot_counts=(100000 1000000)
  foot_repeats=2
else
  hot=(-f 2 -wi 3 -w 2s -i 5 -r 2s)
  drain=(-f 2 -wi 2 -i 5 -p records=10000000)
  outage=(-f 2 -wi 2 -w 5s -i 5 -r 5s)
  foot_counts=(1000000 10000000)
  foot_repeats=3
fi

env_file=$out/environment.txt
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mode: $mode"
  echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (dirty)')"
  echo "java: $(java -version 2>&1 | tr '\n' ' ')"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "command: benchmarks/run.sh $*"
  echo "jvm flags: $jvm_flags"
} > "$env_file"

load() { echo "load $1: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)" >> "$env_file"; }
jmh() { java -jar "$jar" "$@" -jvmArgsAppend "$data_flag"; }

load "before hot path"
jmh 'io.hourmeter.benchmarks.(RecordBenchmark|BaselineBenchmark)' "${hot[@]}" -prof gc \
  -rf json -rff "$out/hotpath.json" | tee "$out/hotpath.txt"
load "after hot path"

jmh 'io.hourmeter.benchmarks.(AggregationBenchmark|RecoveryBenchmark)' "${drain[@]}" \
  -rf json -rff "$out/drainer.json" | tee "$out/drainer.txt"
load "after drainer"

if java -jar "$jar" -l | grep -q OutageBenchmark; then
  jmh 'io.hourmeter.benchmarks.OutageBenchmark' "${outage[@]}" \
    -rf json -rff "$out/outage.json" | tee "$out/outage.txt"
  load "after outage"
fi

for count in "${foot_counts[@]}"; do
  # shellcheck disable=SC2086 # the flags are a list of words
  java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.FootprintProbe \
    "$count" "$foot_repeats" "$out/footprint.jsonl"
done
load "after footprint"

python3 "$here/summarize.py" "$out" | tee "$out/summary.txt"
