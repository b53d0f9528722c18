#!/usr/bin/env bash
# A bounded retro-hunt over archived audit logs, on the production topology and rules, in an embedded Flink
# cluster: a progress line on stderr while it runs, a summary table on stdout at the end.
#
#   scripts/hunt.sh samples/                                  # files, directories, .gz archives
#   scripts/hunt.sh /evidence/ --since 2026-11-01 --until 2026-11-21T00:00:00Z   # alerts by event time
#   scripts/hunt.sh /evidence/ --report /tmp/hunt-report      # alerts.jsonl, summary.json, report.html
#   scripts/hunt.sh audit.log --grouping.period=2h            # any config override
#
# It writes only under its work directory (scripts/local-build.sh: target/local, or $XDG_STATE_HOME/cronsentinel
# for a read-only checkout) and the --report directory. Needs Java 17 and Maven.
set -euo pipefail
# shellcheck source=scripts/local-build.sh
source "$(dirname "$0")/local-build.sh"

# Paths are made absolute before the working directory changes.
args=()
expect=""   # path: the next word is a path; raw: a time
for a in "$@"; do
  if [[ "$expect" == path ]]; then
    [[ "$a" == /* ]] || a="$PWD/$a"
    expect=""
  elif [[ "$expect" == raw ]]; then
    expect=""
  elif [[ "$a" == --report || "$a" == --config ]]; then
    expect=path
  elif [[ "$a" == --since || "$a" == --until ]]; then
    expect=raw
  elif [[ "$a" == --report=* || "$a" == --config=* ]]; then
    value="${a#*=}"; [[ "$value" == /* ]] || value="$PWD/$value"; a="${a%%=*}=$value"
  elif [[ "$a" != --* && "$a" != /* && -n "$a" ]]; then
    a="$PWD/$a"
  fi
  args+=("$a")
done
[[ ${#args[@]} -gt 0 ]] || { sed -n '2,11p' "$0" >&2; exit 2; }

work="$(work_dir)"
ensure_build "$work"
mkdir -p "$work/tmp"
cd "$root"
# conf/flink/config.yaml (or FLINK_CONF_DIR's) is applied, with checkpoints under the work dir (LocalFlinkConfiguration).
exec java "${java_opens[@]}" -Xmx1g -Djava.io.tmpdir="$work/tmp" -Dcronsentinel.work-dir="$work" \
  -Dlog4j.configurationFile="$root/conf/log4j2-local.properties" \
  -cp "$job_cp" dev.cronsentinel.hunt.HuntMain --config="$root/conf/cronsentinel.yaml" "${args[@]}"
