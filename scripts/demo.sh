#!/usr/bin/env sh
# The whole product on this machine: a real Kafka broker and Redis on loopback, the default
# rules, the fraud job in a Flink MiniCluster and simulated checkout traffic with attacks,
# with a live view of the alerts. Needs only a JDK 17+ (Maven comes with ./mvnw).
#
#   scripts/demo.sh                      # until Ctrl-C
#   scripts/demo.sh --duration 2m --rate 100 --attack-ratio 0.2
#   scripts/demo.sh --help
#
# Builds what it needs first (quietly, tests skipped), in one Maven reactor: nothing is
# installed into ~/.m2.
set -eu
cd "$(dirname "$0")/.."
exec ./mvnw -q -B -pl demo -am package -DskipTests exec:exec -Ddemo.args="$*"
