#!/usr/bin/env bash
# Runs CronSentinel locally in an embedded Flink MiniCluster over an audit log file and prints alerts as
# JSON lines on stdout (dead letters go to stderr).
#
#   scripts/run-local.sh                          # the bundled sample, samples/audit.log
#   scripts/run-local.sh path/to/audit.log        # your own file or directory (.gz works)
#   scripts/run-local.sh audit.log --detection.profile=splunk   # any config override
#
# Needs Java 17 and Maven; the first run downloads the dependencies from Maven Central.
set -euo pipefail

input="${1:-}"
if [[ -n "$input" && "$input" != --* ]]; then
  shift
  input="$(cd "$(dirname "$input")" && pwd)/$(basename "$input")"
else
  input=""
fi
cd "$(dirname "$0")/.."
input="${input:-$PWD/samples/audit.log}"

mvn -q -B -Dstyle.color=never -DskipTests compile dependency:build-classpath \
  -Dmdep.includeScope=compile -Dmdep.outputFile=target/local-classpath.txt >&2

opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"

# shellcheck disable=SC2086
exec java $opens -Xmx1g -Dlog4j.configurationFile="$PWD/conf/log4j2-local.properties" \
  -cp "target/classes:$(cat target/local-classpath.txt)" dev.cronsentinel.CronSentinelJob \
  --config conf/cronsentinel.yaml --input.file.paths="$input" "$@"
