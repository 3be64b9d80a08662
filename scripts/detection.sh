#!/usr/bin/env sh
# The detection scenario suite: simulated traffic with attack incidents and benign look-alikes,
# scored by the rule engine with a rule set; prints per typology the incidents caught, alerts per
# caught incident, benign sessions flagged and benign orders held (DETECTION.md explains them).
#
#   scripts/detection.sh                      # full run: 24 h of traffic, about 200 incidents per attack typology
#   scripts/detection.sh --quick              # 8 h of traffic, about 70 per typology: the CI check
#   scripts/detection.sh --seed 7 --rules my-rules.json --json target/detection.json
#   scripts/detection.sh --help
#
# Exit code 1 when a bar is missed (which ones is printed), 2 on a usage error. Builds what it
# needs first (quietly, tests skipped); nothing is installed into ~/.m2.
set -eu
cd "$(dirname "$0")/.."
./mvnw -q -B -pl demo -am package -DskipTests
CP="demo/target/classes:$(cat demo/target/classpath.txt)"
exec java -Xmx2g -Dlog4j2.configurationFile=log4j2-demo.properties ${DETECTION_JAVA_OPTS:-} \
  -cp "$CP" dev.fraudmonitor.demo.DetectionSuite "$@"
