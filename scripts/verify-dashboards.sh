#!/usr/bin/env bash
# Evaluates every query of every Grafana dashboard in dashboards/ through a real Prometheus that
# scrapes the embedded demo (real Kafka, Redis, the fraud job in a Flink MiniCluster, simulated
# traffic with attacks), and fails listing any panel query that returns no data.
#
#   scripts/verify-dashboards.sh
#
# Installs Prometheus with apt-get when it is missing (as root); where that is impossible it says
# "skipped: ..." and exits 0. Prometheus listens on loopback only and keeps its data in a temp
# directory under target/; everything the script starts is stopped and removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STARTED=$(date +%s)

say() { printf 'verify-dashboards: %s\n' "$*"; }
skip() {
  say "skipped: Prometheus cannot be installed here ($1)"
  exit 0
}

# ------------------------------------------------------------------ Prometheus
install_prometheus() {
  command -v apt-get >/dev/null 2>&1 || skip "no apt-get on this machine"
  [ "$(id -u)" = 0 ] || skip "not running as root, so apt-get install is not possible"
  local log policy_created=""
  log=$(mktemp)
  # The package starts a system-wide Prometheus service unless policy-rc.d says no; this script
  # must not leave one running.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    policy_created=1
  fi
  say "installing Prometheus (apt-get install prometheus)..."
  local ok=""
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >"$log" 2>&1; then
    ok=1
  elif DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$log" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >>"$log" 2>&1; then
    ok=1
  fi
  [ -n "$policy_created" ] && rm -f /usr/sbin/policy-rc.d
  local reason
  reason=$(grep -E '^E:' "$log" | tail -1 || true)
  rm -f "$log"
  [ -n "$ok" ] || skip "apt-get install prometheus failed: ${reason:-see apt-get output}"
  command -v prometheus >/dev/null 2>&1 || skip "the prometheus package installed no prometheus binary"
}
for tool in ps setsid; do
  command -v "$tool" >/dev/null 2>&1 || {
    say "needs $tool (procps, util-linux) to keep track of the demo's processes"
    exit 1
  }
done
command -v prometheus >/dev/null 2>&1 || install_prometheus
say "$(prometheus --version 2>&1 | head -1)"

# ------------------------------------------------------------------ cleanup
mkdir -p target
WORK=$(mktemp -d "$ROOT/target/verify-dashboards.XXXXXX")
DEMO_PGID=""
PROM_PID=""

await_group() { # await_group PGID SECONDS: true once no process of the group runs
  local i
  for ((i = 0; i <= $2 * 2; i++)); do
    # Zombies do not count: the group's leader stays one until this script waits for it.
    ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ {n++} END {exit n ? 0 : 1}' || return 0
    [ "$i" -lt $(($2 * 2)) ] && sleep 0.5
  done
  return 1
}

stop_demo() {
  # The demo JVM first, as Ctrl-C would stop it: it takes down the job, MiniCluster, Kafka and
  # Redis in order and removes their files; a signal to the whole group would kill its
  # redis-server under it. Then Maven, which waits for it, and anything left.
  local demo_jvm
  demo_jvm=$(ps -e -o pid=,pgid=,args= |
    awk -v g="$DEMO_PGID" '$2 == g && /dev\.fraudmonitor\.demo\.Demo/ {print $1}')
  [ -n "$demo_jvm" ] && kill -TERM "$demo_jvm" 2>/dev/null
  await_group "$DEMO_PGID" 60 && return 0
  kill -TERM -- "-$DEMO_PGID" 2>/dev/null
  await_group "$DEMO_PGID" 30 && return 0
  say "the demo did not stop; killing its processes:"
  ps -e -o pid=,pgid=,args= | awk -v g="$DEMO_PGID" '$2 == g' | cut -c1-160
  kill -KILL -- "-$DEMO_PGID" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$PROM_PID" ]; then
    kill -TERM "$PROM_PID" 2>/dev/null || true
    wait "$PROM_PID" 2>/dev/null || true
  fi
  if [ -n "$DEMO_PGID" ]; then
    say "stopping the demo..."
    stop_demo
    wait "$DEMO_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  rm -f */target/verify-dashboards-classpath.txt target/verify-dashboards-classpath.txt
  say "finished in $(($(date +%s) - STARTED)) s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { # a port nothing on loopback listens on
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

# ------------------------------------------------------------------ build, demo
say "building (tests skipped) and resolving the checker's classpath..."
./mvnw -q -B -pl demo,dashboards -am package -DskipTests dependency:build-classpath \
  -Dmdep.outputFile=target/verify-dashboards-classpath.txt >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log"
  say "build failed"
  exit 1
}
CHECK_CP="dashboards/target/classes:$(cat dashboards/target/verify-dashboards-classpath.txt)"

# The default rules plus a SHADOW candidate, as an analyst would try a stricter limit before
# switching it on: the demo's traffic fires no default SHADOW rule, and the SHADOW panels need one.
grep -q '^  "rules": \[$' rules/default-rules.json || {
  say "rules/default-rules.json no longer has a '  \"rules\": [' line to add the SHADOW candidate after"
  exit 1
}
sed '/^  "rules": \[$/a\
    {"id": "brute-force-account-strict", "version": 1, "kind": "VELOCITY", "mode": "SHADOW", "weight": 60,\
     "description": "{observed} failed logins for this account in {window}; limit {threshold}",\
     "groupBy": "USERNAME", "aggregate": "COUNT", "window": "PT10M", "threshold": 2,\
     "filter": {"types": ["LOGIN"], "outcome": "FAILURE"}},' rules/default-rules.json >"$WORK/rules.json"

METRICS_PORT=$(free_port)
PROM_PORT=$(free_port)
DEMO_SECONDS=150
say "starting the demo (scripts/demo.sh --duration ${DEMO_SECONDS}s, metrics port $METRICS_PORT)..."
# Its own process group, so everything it starts can be found and stopped; its temp files (Kafka
# and Redis data) go into this script's directory, removed whatever happens.
mkdir -p "$WORK/tmp"
JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$WORK/tmp" setsid scripts/demo.sh --duration "${DEMO_SECONDS}s" \
  --rate 60 --attack-ratio 0.3 --metrics-port "$METRICS_PORT" --rules "$WORK/rules.json" \
  >"$WORK/demo.log" 2>&1 </dev/null &
DEMO_PID=$!
DEMO_PGID=$(ps -o pgid= -p "$DEMO_PID" | tr -d ' ')

metrics_url=""
for _ in $(seq 1 600); do
  metrics_url=$(grep -o 'metrics *http://localhost:[0-9]*/metrics' "$WORK/demo.log" | grep -o 'http.*' || true)
  [ -n "$metrics_url" ] && break
  if await_group "$DEMO_PGID" 0; then
    tail -40 "$WORK/demo.log"
    say "the demo stopped before it served metrics"
    exit 1
  fi
  sleep 1
done
[ -n "$metrics_url" ] || {
  tail -40 "$WORK/demo.log"
  say "the demo did not start within 10 minutes"
  exit 1
}
DEMO_END=$(($(date +%s) + DEMO_SECONDS))
target=${metrics_url#http://}
target=${target%/metrics}
target=127.0.0.1:${target#localhost:}
say "demo running, job metrics at $metrics_url"
# The care console runs beside the job; its rule-precision panel needs a rep's verdict.
console_url=$(grep -o 'console *http://localhost:[0-9]*/' "$WORK/demo.log" | grep -o 'http.*' | head -1 || true)
console_password=$(grep -o 'user demo, password [^)]*' "$WORK/demo.log" | awk '{print $4}' | head -1 || true)
console_target=$(grep -o 'console scrape target [0-9.:]*' "$WORK/demo.log" | awk '{print $4}' | head -1 || true)
[ -n "$console_url" ] && [ -n "$console_password" ] && [ -n "$console_target" ] || {
  tail -40 "$WORK/demo.log"
  say "the demo printed no care console URL, login or scrape target"
  exit 1
}
say "care console at $console_url, its metrics at $console_target"

# ------------------------------------------------------------------ Prometheus on loopback
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
scrape_configs:
  - job_name: fraud-job
    metrics_path: /metrics
    static_configs:
      - targets: ['$target']
  - job_name: care-console
    metrics_path: /metrics
    static_configs:
      - targets: ['$console_target']
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
say "Prometheus on http://127.0.0.1:$PROM_PORT scraping $target and $console_target every 2 s"

# ------------------------------------------------------------------ a rep's verdict
# What a rep does in the browser, over HTTP: log in, open the first case in the queue, confirm
# fraud with a reason (the demo's cases come from simulated attacks). The label this writes is
# what the rule-precision panel shows; without one that panel has nothing to show.
command -v curl >/dev/null 2>&1 || {
  say "needs curl to act in the care console as a rep"
  exit 1
}
rep_confirms_one_case() {
  local jar="$WORK/console-cookies" page csrf case_id
  # A fresh login each try: a logged-in session gets no login form (and so no CSRF token) back.
  rm -f "$jar"
  page=$(curl -fsS -c "$jar" -b "$jar" "${console_url}login") || return 1
  csrf=$(printf '%s' "$page" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "username=demo" --data-urlencode "password=$console_password" "${console_url}login" || return 1
  case_id=$(curl -fsS -b "$jar" "$console_url" | grep -o 'data-case-id="[^"]*"' | head -1 | sed 's/.*="//; s/"$//')
  [ -n "$case_id" ] || return 1
  page=$(curl -fsS -b "$jar" "${console_url}cases/$case_id") || return 1
  csrf=$(printf '%s' "$page" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -fsS -o /dev/null -b "$jar" --data-urlencode "_csrf=$csrf" --data-urlencode "verdict=FRAUD" \
    --data-urlencode "reason=verify-dashboards: simulated attack, confirmed as a rep would" \
    "${console_url}cases/$case_id/decide" || return 1
  say "confirmed case $case_id as fraud in the care console"
}
labelled=""
for _ in $(seq 1 90); do
  if rep_confirms_one_case 2>/dev/null; then
    labelled=1
    break
  fi
  sleep 1
done
[ -n "$labelled" ] || {
  say "could not confirm a case in the care console within 90 s"
  exit 1
}

# ------------------------------------------------------------------ every dashboard query
# Done well before the demo's traffic stops, so rates are of live traffic.
set +e
"${JAVA_HOME:+$JAVA_HOME/bin/}java" -cp "$CHECK_CP" \
  dev.fraudmonitor.dashboards.PrometheusDashboardCheck \
  --prometheus "http://127.0.0.1:$PROM_PORT" --dashboards dashboards \
  --rate-interval 1m --interval 10s --range 5m --timeout "$((DEMO_SECONDS - 30))s"
check=$?
set -e
if ! kill -0 "$PROM_PID" 2>/dev/null; then
  tail -20 "$WORK/prometheus.log"
  say "Prometheus stopped"
fi

# The demo stops by itself after its duration, in order (job, MiniCluster, Kafka, Redis): the
# clean way down, so wait for it rather than signal it.
say "waiting for the demo to finish its ${DEMO_SECONDS}s run..."
if await_group "$DEMO_PGID" $((DEMO_END - $(date +%s) + 90)); then
  wait "$DEMO_PID" 2>/dev/null || true
  DEMO_PGID=""
  grep -E '^events sent' "$WORK/demo.log" || true
fi
exit $check
