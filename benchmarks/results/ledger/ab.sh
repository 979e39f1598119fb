#!/usr/bin/env bash
# The report ledger's A/B run: rounds that alternate which implementation goes first, each running
# LedgerBenchmark.startup, LedgerBenchmark.commit and LedgerDiskProbe (24 simulated hours) from
#   /tmp/ledger-bench/old.jar  benchmarks.jar built at the single-file ledger (8c00651) with the
#                              ledger benchmark classes added (they use only the public provider)
#   /tmp/ledger-bench/new.jar  benchmarks.jar built at the segmented ledger
# It waits for another JMH run's lock (a shared machine) up to 15 minutes, then runs regardless.
# usage: ab.sh outdir rounds; then summarize_ledger.py outdir
set -uo pipefail
out=$1; rounds=$2
mkdir -p "$out"; data=/tmp/ledger-bench/data; mkdir -p $data
waited=0
jmh() { # jar, then JMH args; waits for another JMH run to finish (its lock), up to 15 minutes
  local jar=$1; shift
  while true; do
    local extra=()
    if (( waited > 900 )); then extra=(-Djmh.ignoreLock=true); fi
    java "${extra[@]}" -jar "$jar" "$@" -jvmArgsAppend "-Dhourmeter.bench.dir=$data" > /tmp/ledger-bench/jmh-last.txt 2>&1
    if grep -q "Unable to acquire the JMH lock" /tmp/ledger-bench/jmh-last.txt; then
      sleep 15; waited=$((waited + 15)); continue
    fi
    cat /tmp/ledger-bench/jmh-last.txt; return
  done
}
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then order="new old"; else order="old new"; fi
  for label in $order; do
    jar=/tmp/ledger-bench/$label.jar
    echo "round $round $label start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/environment.txt"
    jmh "$jar" 'io.hourmeter.benchmarks.LedgerBenchmark.startup' -f 1 -wi 1 -i 5 -rf json -rff "$out/startup-$label-$round.json" > "$out/startup-$label-$round.txt"
    jmh "$jar" 'io.hourmeter.benchmarks.LedgerBenchmark.commit' -f 1 -wi 1 -w 5s -i 3 -r 10s -rf json -rff "$out/commit-$label-$round.json" > "$out/commit-$label-$round.txt"
    flags=$(java -cp "$jar" io.hourmeter.benchmarks.BenchmarkJvm)
    java $flags -Dhourmeter.bench.dir=$data -cp "$jar" io.hourmeter.benchmarks.LedgerDiskProbe 100000 10 24 "$label-$round" "$out/disk.jsonl" > "$out/disk-$label-$round.txt" 2>&1
    echo "round $round $label end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) waited-for-lock ${waited}s" >> "$out/environment.txt"
  done
done
echo ALLDONE >> "$out/environment.txt"
