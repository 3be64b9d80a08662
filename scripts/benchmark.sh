#!/usr/bin/env sh
# Benchmarks on real parts (in-JVM Kafka broker, real redis-server, Flink MiniCluster); separate
# from the test run. Needs only a JDK 17+ (Maven comes with ./mvnw).
#
#   scripts/benchmark.sh                 # full: 2,000,000 events, latency, state at 1,000,000 keys
#   scripts/benchmark.sh --quick         # small sizes: checks every figure is produced (CI)
#   scripts/benchmark.sh --events 500000 --repeats 1
#   scripts/benchmark.sh --jmh [JMH options, e.g. -f 1 -wi 2 -i 3]   # rule-engine microbenchmarks
#   scripts/benchmark.sh --help
#
# Figures go to stdout and to benchmarks/target/benchmark-results.md. Builds what it needs first
# (quietly, tests skipped) in one Maven reactor: nothing is installed into ~/.m2.
set -eu
cd "$(dirname "$0")/.."
./mvnw -q -B -pl benchmarks -am package -DskipTests
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
if [ "${1:-}" = "--jmh" ]; then
  shift
  exec java -Xmx1g -cp "$CP" org.openjdk.jmh.Main "$@"
fi
# Flink on Java 17 needs these opens; temp files (broker logs, checkpoints, RocksDB) stay in target/.
exec java -Xmx6g \
  --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED \
  --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens=java.base/java.time=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
  -Djava.io.tmpdir="$PWD/benchmarks/target" \
  -Dlog4j2.configurationFile=log4j2-bench.properties \
  ${BENCH_JAVA_OPTS:-} \
  -cp "$CP" dev.fraudmonitor.bench.Benchmark --out benchmarks/target/benchmark-results.md "$@"
