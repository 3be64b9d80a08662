#!/usr/bin/env sh
# Simulated checkout traffic (normal customers, attacks, benign look-alikes) produced to an
# external Kafka, e.g. as a load generator for a job running on a real cluster:
#
#   scripts/simulate.sh --bootstrap kafka:9092 --topic checkout.events --rate 500 --duration 10m
#   scripts/simulate.sh --out events.jsonl --duration 60s      # JSON lines to a file instead
#   scripts/simulate.sh --help
#
# It prints the redis-cli commands that put its block-listed values on the job's block lists.
set -eu
cd "$(dirname "$0")/.."
exec ./mvnw -q -B -pl demo -am package -DskipTests exec:exec \
  -Ddemo.main=dev.fraudmonitor.demo.CheckoutSimulator -Ddemo.args="$*"
