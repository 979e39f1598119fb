#!/usr/bin/env bash
# Runs Hourmeter's whole benchmark suite and writes the results under benchmarks/results/<mode>/:
#   hotpath-<round>-{thrpt,sample}.json/.txt  record() against its same-run baselines (throughput with
#                       -prof gc; SampleTime for record() and the raw Chronicle append)
#   drainer.json/.txt   drainer aggregation and recovery after a restart
#   outage-<round>.json/.txt  record() latency while the local endpoint is healthy / throttling and failing
#   footprint.jsonl     disk bytes per record and retained heap, one forked JVM per record count
#   ledger.json/.txt    the report ledger at SaaS size: start-up with 1 M live reports, commit cost
#   ledger-disk.jsonl   disk bytes per live report over simulated hours of puts and removes
#   paired.jsonl        handle / raw append and by-name / handle from paired blocks on one thread
#   environment.txt     JDK, CPU, commit, load average before and after each phase
#   summary.txt         ratios first, absolute figures second, each target met or missed
#
# With --fleet it runs only the fleet probes (a real Kafka broker in a child JVM) into results/fleet/:
#   aggregator.jsonl    FleetAggregatorProbe: partials/s summed and deduplicated, close to last final
#   host-paired.jsonl   FleetHostPairedProbe: record() shipping partials / sending directly, paired blocks
#
# Usage: benchmarks/run.sh [--quick] [--no-build] [--fleet] [--hotpath <label>]
#   --quick     few iterations, one fork, 1 M records instead of 10 M: a few minutes
#   --no-build  use the benchmarks jar already in benchmarks/target
#   --hotpath <label>  only issue 14's set (threads 1/2/4 against raw queues shared and per thread,
#               paired 1-thread ratio, processes 1/4 and kill-a-peer, recovery at 10 M and 50 M, drainer
#               over 1 and 4 writers, footprint, outage): ~25 minutes; results in results/hotpath/<label>/;
#               HOTPATH_PHASES="processes recovery" (a subset of: threads paired cadence processes recovery
#               drainer footprint outage; cadence needs a meter with drainInterval) reruns only those phases, replacing only their files
# The scratch journals go to $HOURMETER_BENCH_DIR (default benchmarks/target/bench-data), which must be
# on a real disk with a few GB free; they are deleted as each benchmark ends.
set -euo pipefail

original_args=("$@")
mode=full
build=1
hotpath_label=
while (( $# )); do
  arg=$1
  shift
  case "$arg" in
    --quick) mode=quick ;;
    --no-build) build=0 ;;
    --fleet) mode=fleet ;;
    --hotpath) hotpath_label=${1:?--hotpath needs a label, e.g. before or after}; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar=${HOURMETER_BENCH_JAR:-$here/target/benchmarks.jar}
out=$here/results/$mode
[[ -z $hotpath_label ]] || out=$here/results/hotpath/$hotpath_label
data=${HOURMETER_BENCH_DIR:-$here/target/bench-data}

if [[ $build == 1 ]]; then
  (cd "$root" && mvn -B -q -pl benchmarks -am package -DskipTests)
fi
[[ -f $jar ]] || { echo "$jar is missing: build with 'mvn -B -pl benchmarks -am package -DskipTests'" >&2; exit 1; }

mkdir -p "$out" "$data"
if [[ $mode == fleet ]]; then
  # The broker's class path, written by the kafka-broker module in the build above.
  broker="-Dhourmeter.kafka.brokerClasspath=$root/kafka-broker/target/broker-classpath.txt"
  [[ -f $root/kafka-broker/target/broker-classpath.txt ]] || { echo "build first (kafka-broker writes the broker's class path)" >&2; exit 1; }
  rm -f "$out"/*.jsonl
  jvm_flags=$(java -cp "$jar" io.hourmeter.benchmarks.BenchmarkJvm)
  quiet="-Dorg.slf4j.simpleLogger.log.org.apache.kafka=error"
  { echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"; echo "commit: $(git -C "$root" rev-parse HEAD)";
    echo "java: $(java -version 2>&1 | tr '\n' ' ')"; echo "cpu: $(nproc) cores"; echo "load before: $(cat /proc/loadavg)"; } > "$out/environment.txt"
  # shellcheck disable=SC2086
  java $jvm_flags "-Dhourmeter.bench.dir=$data" "$broker" "$quiet" -cp "$jar" io.hourmeter.benchmarks.FleetAggregatorProbe \
    "$out/aggregator.jsonl" 100000 100 3 0.05 6
  for _ in 1 2 3; do
    # shellcheck disable=SC2086
    java $jvm_flags "-Dhourmeter.bench.dir=$data" "$broker" "$quiet" -cp "$jar" io.hourmeter.benchmarks.FleetHostPairedProbe \
      5 20 "$out/host-paired.jsonl"
  done
  echo "load after: $(cat /proc/loadavg)" >> "$out/environment.txt"
  exit 0
fi
hotpath_phases=${HOTPATH_PHASES:-threads paired cadence processes recovery drainer footprint outage}
if [[ -n $hotpath_label && -n ${HOTPATH_PHASES:-} ]]; then
  for phase in $hotpath_phases; do rm -f "$out/$phase"*; done
  [[ $hotpath_phases != *threads* ]] || rm -f "$out"/threads-*
else
  rm -f "$out"/*
fi
jvm_flags=$(java -cp "$jar" io.hourmeter.benchmarks.BenchmarkJvm)
data_flag="-Dhourmeter.bench.dir=$data"

# The hot path and outage benchmarks run in rounds, each one JMH run (one fork) of every benchmark, so
# that a subject and its baseline are never far apart in time on a machine whose load drifts; the
# summary quotes per-round ratios.
if [[ $mode == quick ]]; then
  rounds=1
  hot=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
  drain=(-f 1 -wi 1 -i 3 -p records=1000000)
  outage=(-f 1 -wi 1 -w 3s -i 3 -r 3s)
  foot_counts=(100000 1000000)
  foot_repeats=2
  paired=(3 8)
  paired_repeats=1
  ledger_hours=14
else
  rounds=3
  hot=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
  drain=(-f 2 -wi 1 -i 5 -p records=10000000)
  outage=(-f 1 -wi 3 -w 3s -i 5 -r 3s)
  foot_counts=(1000000 10000000)
  foot_repeats=3
  paired=(5 20)
  paired_repeats=3
  ledger_hours=24
fi
latency_benchmarks='io.hourmeter.benchmarks.(RecordBenchmark.*|BaselineBenchmark.chronicleAppend.*)'
# Issue 14: record() on 1, 2 and 4 threads against one raw queue shared by the threads and a raw queue per thread.
threads_benchmarks='io.hourmeter.benchmarks.(RecordBenchmark.handle(|2Threads|4Threads)|BaselineBenchmark.chronicle(Append|Append2Threads|Append4Threads|OwnQueue2Threads|OwnQueue4Threads))$'


env_file=$out/environment.txt
[[ -z ${HOTPATH_PHASES:-} ]] || env_file=$out/environment-$(date -u +%H%M%S).txt
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mode: $mode"
  echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet -- . ':!benchmarks/results' 2>/dev/null || echo ' (dirty)')"
  echo "java: $(java -version 2>&1 | tr '\n' ' ')"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "command: benchmarks/run.sh ${original_args[*]}"
  echo "jvm flags: $jvm_flags"
} > "$env_file"

load() { echo "load $1: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)" >> "$env_file"; }
jmh() { java -jar "$jar" "$@" -jvmArgsAppend "$data_flag"; }

# Issue 14's set (--hotpath <label>), run on its own; summarize_hotpath.py writes its summary.
hotpath_phase() {
  has() { [[ " $hotpath_phases " == *" $1 "* ]]; }
  if has threads; then
    for round in 1 2 3; do
      load "before threads round $round"
      jmh "$threads_benchmarks" -f 1 -wi 2 -w 1s -i 4 -r 1s -bm thrpt -prof gc \
        -rf json -rff "$out/threads-$round.json" | tee "$out/threads-$round.txt"
    done
  fi
  if has paired; then
    load "before paired"
    for _ in 1 2 3; do
      # shellcheck disable=SC2086 # the flags are a list of words
      java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe 3 8 "$out/paired.jsonl"
      # shellcheck disable=SC2086 # like for like: the raw queue has a live tailer, as the journal has its drainer
      java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe 3 8 "$out/paired.jsonl" raw-tailer
    done
  fi
  if has cadence; then
    load "before cadence"
    # The drainer's cadence (drainInterval) against the 1-thread paired ratio: the default's evidence.
    for _ in 1 2; do
      for interval in 0 100 250 500 1000; do
        # shellcheck disable=SC2086
        java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe 3 8 "$out/cadence.jsonl" \
          interval=$interval
      done
    done
  fi
  if has processes; then
    load "before processes"
    # 1 and 4 processes at 100,000 records/s each; 4 with a peer killed, and the same without the kill
    # (burst: the victim appends flat out around the moment, as in a kill run); alternating.
    for _ in 1 2 3; do
      for args in "1" "4" "4 kill" "4 burst"; do
        # shellcheck disable=SC2086
        java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.ProcessLatencyProbe ${args%% *} 100000 3 10 \
          "$out/processes.jsonl" $([[ $args == *" "* ]] && echo "${args#* }")
      done
    done
  fi
  if has recovery; then
    load "before recovery"
    jmh 'io.hourmeter.benchmarks.RecoveryBenchmark' -f 1 -wi 1 -i 4 -p records=10000000,50000000 \
      -p journal=unread,drained -rf json -rff "$out/recovery.json" | tee "$out/recovery.txt"
  fi
  if has drainer; then
    load "before drainer"
    jmh 'io.hourmeter.benchmarks.AggregationBenchmark.drainer' -f 1 -wi 1 -i 5 -p records=10000000 -p writers=1,4 \
      -rf json -rff "$out/drainer.json" | tee "$out/drainer.txt"
  fi
  if has footprint; then
    load "before footprint"
    # shellcheck disable=SC2086
    java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.FootprintProbe 10000000 2 "$out/footprint.jsonl"
    # shellcheck disable=SC2086
    java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.FootprintProbe 10000000 1 "$out/footprint.jsonl" saas
  fi
  if has outage; then
    load "before outage"
    for round in 1 2; do
      if (( round % 2 )); then order=healthy,outage; else order=outage,healthy; fi
      jmh 'io.hourmeter.benchmarks.OutageBenchmark' -f 1 -wi 3 -w 3s -i 5 -r 3s -p endpoint=$order \
        -rf json -rff "$out/outage-$round.json" | tee "$out/outage-$round.txt"
    done
  fi
  load "after hotpath"
  python3 "$here/summarize_hotpath.py" "$out" | tee "$out/summary.txt"
}
if [[ -n $hotpath_label ]]; then
  hotpath_phase
  exit 0
fi

load "before drainer"
jmh 'io.hourmeter.benchmarks.(AggregationBenchmark|RecoveryBenchmark)' "${drain[@]}" \
  -rf json -rff "$out/drainer.json" | tee "$out/drainer.txt"
load "after drainer"

for round in $(seq 1 "$rounds"); do
  # Alternate which state runs first, so that a drift in the machine's load favours neither.
  if (( round % 2 )); then order=healthy,outage; else order=outage,healthy; fi
  jmh 'io.hourmeter.benchmarks.OutageBenchmark' "${outage[@]}" -p endpoint=$order \
    -rf json -rff "$out/outage-$round.json" | tee "$out/outage-$round.txt"
done
load "after outage"

for count in "${foot_counts[@]}"; do
  # shellcheck disable=SC2086 # the flags are a list of words
  java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.FootprintProbe \
    "$count" "$foot_repeats" "$out/footprint.jsonl"
done
load "after footprint"

# The report ledger: iterations are set on LedgerBenchmark's methods (single shots for start-up).
jmh 'io.hourmeter.benchmarks.LedgerBenchmark' -f 1 -rf json -rff "$out/ledger.json" | tee "$out/ledger.txt"
# shellcheck disable=SC2086
java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.LedgerDiskProbe 100000 10 "$ledger_hours" ledger \
  "$out/ledger-disk.jsonl"
load "after ledger"

# The hot path last: it is the most sensitive to the machine's load, which falls as other work ends.
for round in $(seq 1 "$rounds"); do
  load "before hot path round $round"
  jmh 'io.hourmeter.benchmarks.(RecordBenchmark|BaselineBenchmark)' "${hot[@]}" -bm thrpt -prof gc \
    -rf json -rff "$out/hotpath-$round-thrpt.json" | tee "$out/hotpath-$round-thrpt.txt"
  jmh "$latency_benchmarks" "${hot[@]}" -bm sample \
    -rf json -rff "$out/hotpath-$round-sample.json" | tee "$out/hotpath-$round-sample.txt"
done
load "after hot path"

# handle / raw append and by-name / handle as paired blocks on one thread: the load-robust ratios.
for _ in $(seq 1 "$paired_repeats"); do
  # shellcheck disable=SC2086
  java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe "${paired[@]}" "$out/paired.jsonl"
  # shellcheck disable=SC2086 # like for like: the raw queue has a live tailer, as the journal has its drainer
  java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe "${paired[@]}" "$out/paired.jsonl" raw-tailer
  # shellcheck disable=SC2086
  java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe "${paired[@]}" "$out/paired.jsonl" drainer-off
  # shellcheck disable=SC2086 # diagnostic: the free-space probe change proposed for the journal
  java $jvm_flags "$data_flag" -cp "$jar" io.hourmeter.benchmarks.PairedRatioProbe "${paired[@]}" "$out/paired.jsonl" drainer-off cached-store
done
load "after paired"

python3 "$here/summarize.py" "$out" | tee "$out/summary.txt"
