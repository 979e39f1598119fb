#!/usr/bin/env bash
# Profiles one benchmark, to explain a missed target. Uses async-profiler when its library is at hand
# ($ASYNC_PROFILER_LIB, or the tools.profiler:async-profiler jar in the local Maven repository, fetched
# with 'mvn dependency:get -Dartifact=tools.profiler:async-profiler:4.1'), else JMH's -prof stack.
# Output goes to benchmarks/results/profiles/<name>/. PROFILE_EVENT=alloc profiles allocation (with
# PROFILE_INTERVAL in bytes) instead of CPU.
#
# Usage: benchmarks/profile.sh <benchmark regex> [extra JMH arguments...]
#   e.g. benchmarks/profile.sh 'RecordBenchmark.handle$' -bm thrpt -wi 2 -i 3
# One fork; iterations as the benchmark declares them unless given.
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,9p' "$0"; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
jar=$here/target/benchmarks.jar
[[ -f $jar ]] || { echo "$jar is missing: run benchmarks/run.sh --quick first or build the module" >&2; exit 1; }
pattern=$1; shift
name=$(echo "$pattern" | tr -c 'A-Za-z0-9.\n' '_')
out=$here/results/profiles/$name
mkdir -p "$out"
data=${HOURMETER_BENCH_DIR:-$here/target/bench-data}
mkdir -p "$data"

lib=${ASYNC_PROFILER_LIB:-}
if [[ -z $lib ]]; then
  ap_jar=$(ls ~/.m2/repository/tools/profiler/async-profiler/*/async-profiler-*.jar 2>/dev/null | sort -V | tail -1 || true)
  if [[ -n $ap_jar ]]; then
    mkdir -p "$here/target/async-profiler"
    unzip -oq "$ap_jar" 'linux-x64/libasyncProfiler.so' -d "$here/target/async-profiler"
    lib=$here/target/async-profiler/linux-x64/libasyncProfiler.so
  fi
fi
if [[ -n $lib ]]; then
  prof="async:libPath=$lib;event=${PROFILE_EVENT:-cpu};interval=${PROFILE_INTERVAL:-100000};output=text;dir=$out"
else
  prof="stack:lines=12;top=15"
fi
java -jar "$jar" "$pattern" -f 1 -prof "$prof" -jvmArgsAppend "-Dhourmeter.bench.dir=$data" "$@" \
  | tee "$out/jmh.txt"
