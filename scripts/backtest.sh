#!/usr/bin/env sh
# Replays recorded checkout events through the job's engine with a candidate rule set and reports
# what it would have done (per rule, totals, the difference against the rules in force, precision
# and recall when labels are known). Writes nothing to Kafka or Redis. Needs only a JDK 17+.
#
#   scripts/backtest.sh --events events.jsonl --rules candidate.json --baseline-rules rules/default-rules.json
#   scripts/backtest.sh --kafka kafka:9092 --from 2026-03-02T00:00:00Z --to 2026-03-03T00:00:00Z \
#       --rules candidate.json --redis redis://redis:6379 --labels-topic fraud.labels --json report.json
#   scripts/backtest.sh --help
#
# Builds what it needs first (quietly, tests skipped) in one Maven reactor: nothing is installed
# into ~/.m2. BACKTEST_JAVA_OPTS adds JVM options (default heap: -Xmx2g).
set -eu
# Paths in the options are the caller's: build in the repository, run java where we were called.
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$ROOT" && ./mvnw -q -B -pl backtest -am package -DskipTests >&2)
CP="$ROOT/backtest/target/classes:$(cat "$ROOT/backtest/target/classpath.txt")"
exec java ${BACKTEST_JAVA_OPTS:--Xmx2g} \
  -Dlog4j2.configurationFile=log4j2-backtest.properties \
  -cp "$CP" dev.fraudmonitor.backtest.BacktestMain "$@"
