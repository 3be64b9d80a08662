#!/usr/bin/env bash
# Failover run: a JobManager and two TaskManagers as separate JVMs on deploy/config.yaml, a Kafka
# broker in its own JVM and a redis-server, all on 127.0.0.1; the job jar submitted through Flink's
# REST API; simulated traffic while a TaskManager is killed with SIGKILL --kills times (20 by
# default) at random moments, a replacement started each time, and the broker restarted once. Then
# a read_committed consumer checks that every alert and hold the input implies appears exactly
# once and that the Redis hold records agree. Prints every recovery time and a RESULT line.
#
#   scripts/failover.sh [--kills N] [--seed S]
#
# Files go under fraud-job/target/ (the processes' logs stay there); every process it started is
# stopped when it exits, also on failure or Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "${1:-}" == "--help" ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

echo "Building the job jar and the test classpath (./mvnw -q -pl fraud-job -am package -DskipTests) ..."
./mvnw -q -B -pl fraud-job -am package -DskipTests

target="$root/fraud-job/target"
java_cmd="java"
if [[ -n "${JAVA_HOME:-}" ]]; then
  java_cmd="$JAVA_HOME/bin/java"
fi
opens=""
for p in java.util java.lang java.lang.invoke java.net java.io java.nio sun.nio.ch java.time \
         java.util.concurrent java.util.concurrent.atomic; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done

# The run and every process it starts (Flink JVMs, the broker, redis-server) share one process
# group of their own, so the trap can stop them all even if the Java side dies abruptly.
cleanup() {
  if [[ -n "${run_pid:-}" ]] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM -- "-$run_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 -- "-$run_pid" 2>/dev/null || break
      sleep 1
    done
  fi
  if [[ -n "${run_pid:-}" ]]; then
    kill -KILL -- "-$run_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# FailoverRun, the cluster and the broker keep their files under target/ of the job module.
cd "$root/fraud-job"
setsid "$java_cmd" -Xmx768m $opens -Djava.io.tmpdir="$target" \
  -Dlog4j2.configurationFile="$root/scripts/failover-log4j2.properties" \
  -cp "$target/test-classes:$target/classes:$(cat "$target/test.classpath")" \
  dev.fraudmonitor.job.FailoverRun \
  --config "$root/deploy/config.yaml" \
  --jar "$target/fraud-job-0.1.0-SNAPSHOT-cluster.jar" "$@" &
run_pid=$!
set +e
wait "$run_pid"
status=$?
set -e
exit "$status"
