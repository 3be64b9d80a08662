#!/usr/bin/env sh
# The care console alone, against Kafka, Redis and PostgreSQL you name. Needs a JDK 17+.
#
#   scripts/console.sh --kafka kafka:9092 --redis redis://redis:6379 \
#       --jdbc-url jdbc:postgresql://db:5432/console --db-user console \
#       --db-password-file /run/secrets/console-db --users /etc/care-console/users.txt
#   scripts/console.sh --help            # every option and its environment variable
#   scripts/console.sh hash-password     # prints a bcrypt hash for the users file
#
# Builds the console's runnable jar first when it is missing or older than the sources (quietly,
# tests skipped; nothing is installed into ~/.m2). Relative paths are taken from where you run it.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR="$ROOT/care-console/target/care-console-0.1.0-SNAPSHOT-all.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/care-console/src" "$ROOT/models/src/main" "$ROOT/clients/src/main" -newer "$JAR" -type f 2>/dev/null | head -1)" ]; then
  echo "building the care console..." >&2
  (cd "$ROOT" && ./mvnw -q -B -pl care-console -am package -DskipTests >&2)
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -jar "$JAR" "$@"
