#!/usr/bin/env bash
# Warms the per-actor baseline from archived audit logs: runs dev.cronsentinel.WarmupJob in an embedded Flink
# MiniCluster over the files and writes a savepoint that the streaming job starts from (docs/CONTEXT.md).
#
#   scripts/warm-up.sh ARCHIVE SAVEPOINT_DIR [--key=value ...]
#     ARCHIVE        an audit log file or a directory of them (.gz works), ideally one lookback (14 days) or more
#     SAVEPOINT_DIR  a new directory for the savepoint
#
# On a cluster, the same job from the shaded jar:
#   flink run -c dev.cronsentinel.WarmupJob cronsentinel.jar --config conf/cronsentinel.yaml \
#       --input.file.paths=ARCHIVE --savepoint=SAVEPOINT_URI
#   flink run -s SAVEPOINT_URI cronsentinel.jar --config conf/cronsentinel.yaml ...
set -euo pipefail

if [[ $# -lt 2 || "$1" == --* || "$2" == --* ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
archive="$(abs "$1")"
mkdir -p "$(dirname "$2")"
savepoint="$(abs "$2")"
shift 2
cd "$(dirname "$0")/.."

mvn -q -B -Dstyle.color=never -DskipTests compile dependency:build-classpath \
  -Dmdep.includeScope=compile -Dmdep.outputFile=target/local-classpath.txt >&2

opens="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"

# shellcheck disable=SC2086
java $opens -Xmx1g -Dlog4j.configurationFile="$PWD/conf/log4j2-local.properties" \
  -cp "target/classes:$(cat target/local-classpath.txt)" dev.cronsentinel.WarmupJob \
  --config conf/cronsentinel.yaml --input.file.paths="$archive" --savepoint="file://$savepoint" "$@"
echo "baseline savepoint: file://$savepoint" >&2
