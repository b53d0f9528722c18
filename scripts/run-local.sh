#!/usr/bin/env bash
# Runs CronSentinel locally in an embedded Flink MiniCluster over an audit log file and prints alerts as
# JSON lines on stdout (dead letters go to stderr).
#
#   scripts/run-local.sh                          # the bundled sample, samples/audit.log
#   scripts/run-local.sh path/to/audit.log        # your own file or directory (.gz works)
#   scripts/run-local.sh audit.log --detection.profile=splunk   # any config override
#
# The job's classes are built once into the work directory and reused while src/main and pom.xml are unchanged
# (scripts/local-build.sh; nothing is written into the checkout outside target/). Needs Java 17 and Maven; the
# first run downloads the dependencies from Maven Central. For a bounded hunt with progress and a report, see
# scripts/hunt.sh.
set -euo pipefail
# shellcheck source=scripts/local-build.sh
source "$(dirname "$0")/local-build.sh"

input="${1:-}"
if [[ -n "$input" && "$input" != --* ]]; then
  shift
  input="$(cd "$(dirname "$input")" && pwd)/$(basename "$input")"
else
  input="$root/samples/audit.log"
fi

work="$(work_dir)"
ensure_build "$work"
mkdir -p "$work/tmp"
cd "$root"
exec java "${java_opens[@]}" -Xmx1g -Djava.io.tmpdir="$work/tmp" -Dlog4j.configurationFile="$root/conf/log4j2-local.properties" \
  -cp "$job_cp" dev.cronsentinel.CronSentinelJob \
  --config "$root/conf/cronsentinel.yaml" --input.file.paths="$input" "$@"
