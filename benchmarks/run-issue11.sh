#!/usr/bin/env bash
# The issue-11 run in one go: W1–W4 in both shapes beside plain pgjdbc, the physical twin, the crypto floor and the
# peers; W3 at 1,000 and 100,000 rows; the client paths without the server (W4B, W3B); thread scaling, 100,000
# SQL texts and 200 connections; cold start; the storage options; pass-through. Every step prints the load average
# at its start and end; all output goes to one directory.
#
#   benchmarks/run-issue11.sh [output-dir]
#
# Environment: VEIL_BENCH_JDBC_URL (a plain pgjdbc URL; default jdbc:postgresql://127.0.0.1:5432/<one database per
# step>), VEIL_BENCH_AWS_JAR (a jar of the AWS Advanced JDBC Wrapper with its KMS plugin, built outside this
# repository — see benchmarks/README.md; without it that peer is left out and the run says so),
# VEIL_BENCH_QUICK=1 (a smoke run: few rounds, small tables; its numbers mean nothing).
# The server needs max_connections above 230 for the 200-connection step.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-benchmarks/target/issue11-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
cp=$jar
if [[ -n "${VEIL_BENCH_AWS_JAR:-}" ]]; then
    cp=$jar:$VEIL_BENCH_AWS_JAR
fi
if [[ "${VEIL_BENCH_QUICK:-0}" == 1 ]]; then
    orm="rounds=1 warmup=0 scale=0.05 rows=5000" w3big="w3=5000 rows=5000" cold=2 jmh="-wi 1 -i 1 -w 1s -r 1s"
    scale="threads=1,2 seconds=1 rounds=1 texts=2000 connections=20 rows=5000" storage="rows=5000 rounds=1"
else
    orm="rounds=14 warmup=2 scale=0.8" w3big="w3=100000" cold=11 jmh="-wi 3 -i 5 -w 2s -r 2s"
    scale="threads=1,2,4,8 seconds=5 rounds=8 texts=100000 connections=200" storage="rows=100000 rounds=9"
fi
base=${VEIL_BENCH_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/}
url() { # one database per step, unless the caller fixed the URL
    if [[ -n "${VEIL_BENCH_JDBC_URL:-}" ]]; then echo "$VEIL_BENCH_JDBC_URL"; else echo "${base}veil_bench_$1"; fi
}
step() { # step <name> <command…>
    local name=$1
    shift
    echo "== $name: $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/steps.txt"
    "$@" >"$out/$name.txt" 2>&1
    echo "   done $(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/steps.txt"
}

{
    echo "tree: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ' (with uncommitted changes)')"
    echo "java: $(java -version 2>&1 | head -1)"
    echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
    echo "server: $(psql -h 127.0.0.1 -U postgres -Atc 'SELECT version()' postgres 2>/dev/null || echo unknown)"
    echo "aws wrapper jar: ${VEIL_BENCH_AWS_JAR:-none}"
} | tee "$out/environment.txt"

mvn -B -q package -Ppeers -pl benchmarks -am -DskipTests

step orm java -Dveil.bench.jdbc-url="$(url orm)" -cp "$cp" dev.veil.benchmarks.OrmAlternation $orm
step w3-1000 java -Dveil.bench.jdbc-url="$(url w3)" -cp "$jar" dev.veil.benchmarks.OrmAlternation \
    workloads=W3 shapes=orm peers=none w3=1000 ${VEIL_BENCH_QUICK:+rows=5000 rounds=1 warmup=0}
step w3-100000 java -Dveil.bench.jdbc-url="$(url w3)" -cp "$jar" dev.veil.benchmarks.OrmAlternation \
    workloads=W3 shapes=orm peers=none $w3big ${VEIL_BENCH_QUICK:+rounds=1 warmup=0}
step w4-client java -Dveil.bench.jdbc-url="$(url w4client)" -cp "$jar" dev.veil.benchmarks.OrmAlternation \
    workloads=W4B shapes=orm,reuse peers=none rows=10000 scale=2 ${VEIL_BENCH_QUICK:+rounds=1 warmup=0}
step w3-client java -Dveil.bench.jdbc-url="$(url w3client)" -cp "$jar" dev.veil.benchmarks.OrmAlternation \
    workloads=W3B shapes=orm peers=none rows=10000 rounds=14 warmup=2 scale=1 ${VEIL_BENCH_QUICK:+rounds=1 warmup=0}
step scale java -Dveil.bench.jdbc-url="$(url scale)" -cp "$jar" dev.veil.benchmarks.ScaleRun $scale
step cold-start java -Dveil.bench.jdbc-url="$(url cold)" -cp "$cp" dev.veil.benchmarks.ColdStart $cold
step storage java -Dveil.bench.jdbc-url="$(url storage)" -cp "$jar" dev.veil.benchmarks.StorageOptions $storage
step alloc-gc java -Dveil.bench.jdbc-url="$(url gc)" -jar "$jar" 'OrmBenchmark.w[23]' -p shape=orm \
    -p side=plain,floor,veil -prof gc $jmh
step pass-through java -Dveil.bench.jdbc-url="$(url passthrough)" -jar "$jar" PassThroughBenchmark -f 1 $jmh
echo "results in $out" | tee -a "$out/steps.txt"
