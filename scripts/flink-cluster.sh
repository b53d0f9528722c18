#!/usr/bin/env bash
# A local standalone Flink session cluster for CronSentinel: one JobManager process and TaskManager processes,
# on localhost, from the Flink jars on Maven Central (scripts/flink-pom.xml; Maven Central has no flink-dist).
# It runs what the distribution's bin/ scripts would run, with conf/flink/config.yaml plus local values
# (addresses, ports, memory, checkpoint and savepoint directories under var/flink/). Everything it writes
# stays under var/flink/.
#
#   scripts/flink-cluster.sh start [-Dkey=value ...]   # JobManager + one TaskManager; waits until it registered;
#                                              # -D options override Flink settings of this cluster
#   scripts/flink-cluster.sh submit [--from-savepoint PATH [--allow-non-restored-state]] [job options ...]
#                                              # the shaded job jar (built if missing) with conf/cronsentinel.yaml
#                                              # and any overrides, e.g. --input.type=kafka; prints the job id
#   scripts/flink-cluster.sh jobs              # running and finished jobs
#   scripts/flink-cluster.sh savepoint [JOB]   # a savepoint of the running job; prints its path
#   scripts/flink-cluster.sh stop-job [JOB] [--drain]   # stop with a savepoint (--drain: fire all timers first)
#   scripts/flink-cluster.sh cancel [JOB]
#   scripts/flink-cluster.sh kill-taskmanager [N]   # SIGKILL a TaskManager (the newest one by default)
#   scripts/flink-cluster.sh start-taskmanager      # one more TaskManager; waits until it registered
#   scripts/flink-cluster.sh status
#   scripts/flink-cluster.sh logs [jobmanager|taskmanager-N] [.out]  # the last lines of a log (.out: its stdout)
#   scripts/flink-cluster.sh stop              # stop every TaskManager and the JobManager
#   scripts/flink-cluster.sh clean             # stop, and delete checkpoints, savepoints and logs
#
# JOB defaults to the one running job. Web UI: http://localhost:8081 (FLINK_REST_PORT).
# Settings (environment): FLINK_REST_PORT (8081), FLINK_RPC_PORT (6123), FLINK_PROM_PORTS (9249-9260),
# FLINK_SLOTS (2 per TaskManager), FLINK_PARALLELISM (2), FLINK_JM_MEMORY (1024m), FLINK_TM_MEMORY (1536m),
# FLINK_WORK_DIR (var/flink), FLINK_CONFIG (conf/flink/config.yaml), JOB_JAR (target/cronsentinel-*.jar),
# JOB_CONFIG (conf/cronsentinel.yaml). Needs Java 17, Maven and curl.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"
work="$(mkdir -p "${FLINK_WORK_DIR:-var/flink}" && cd "${FLINK_WORK_DIR:-var/flink}" && pwd)"
# Under the work dir, so a read-only checkout works; it only names jars in ~/.m2, resolved once per work dir.
classpath_file="$work/classpath.txt"
conf="$work/conf"
log="$work/log"
rest_port="${FLINK_REST_PORT:-8081}"
rpc_port="${FLINK_RPC_PORT:-6123}"
prom_ports="${FLINK_PROM_PORTS:-9249-9260}"
rest="http://localhost:$rest_port"
# No plugins here (the Prometheus reporter is on the classpath); an empty folder keeps Flink from warning.
export FLINK_PLUGINS_DIR="$work/plugins"
flink_config="${FLINK_CONFIG:-$root/conf/flink/config.yaml}"
job_config="${JOB_CONFIG:-$root/conf/cronsentinel.yaml}"
job_jar="${JOB_JAR:-}"

die() { echo "flink-cluster.sh: $*" >&2; exit 1; }
say() { echo "flink-cluster.sh: $*" >&2; }

# The cluster's classpath: the jars of scripts/flink-pom.xml in the local Maven repository, resolved once.
ensure_classpath() {
  local stale=false jar
  if [[ ! -s "$classpath_file" || "$root/scripts/flink-pom.xml" -nt "$classpath_file" ]]; then
    stale=true
  else
    for jar in $(tr ':' ' ' < "$classpath_file"); do
      [[ -f "$jar" ]] || { stale=true; break; }   # the local repository was cleaned since
    done
  fi
  if [[ "$stale" == true ]]; then
    say "resolving the Flink jars (first run only; Maven downloads them from Maven Central)"
    mkdir -p "$(dirname "$classpath_file")"
    if ! mvn -q -B -Dstyle.color=never -f "$root/scripts/flink-pom.xml" dependency:build-classpath \
        -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file.tmp" >"$work/mvn.log" 2>&1; then
      cat "$work/mvn.log" >&2
      die "could not resolve the Flink jars (see above)"
    fi
    mv "$classpath_file.tmp" "$classpath_file"
  fi
  cp="$(cat "$classpath_file")"
}

bash_java_utils() { # BashJavaUtils COMMAND ARGS...: Flink's own helper, as the distribution's scripts call it
  java -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" org.apache.flink.runtime.util.bash.BashJavaUtils "$@" 2>"$work/bash-java-utils.log" \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

# conf/config.yaml: conf/flink/config.yaml flattened by Flink itself, with this machine's values on top.
write_config() {
  mkdir -p "$conf" "$log" "$work/checkpoints" "$work/savepoints" "$FLINK_PLUGINS_DIR"
  local src
  src="$(mktemp -d)"
  cp "$flink_config" "$src/config.yaml"
  local local_values=(
    -Djobmanager.rpc.address=localhost -Djobmanager.bind-host=localhost -Djobmanager.rpc.port="$rpc_port"
    -Drest.address=localhost -Drest.bind-address=localhost -Drest.port="$rest_port"
    -Dtaskmanager.host=localhost -Dtaskmanager.bind-host=localhost
    -Djobmanager.memory.process.size="${FLINK_JM_MEMORY:-1024m}"
    -Dtaskmanager.memory.process.size="${FLINK_TM_MEMORY:-1536m}"
    -Dtaskmanager.numberOfTaskSlots="${FLINK_SLOTS:-2}" -Dparallelism.default="${FLINK_PARALLELISM:-2}"
    -Dexecution.checkpointing.dir="file://$work/checkpoints"
    -Dexecution.checkpointing.savepoint-dir="file://$work/savepoints"
    -Dmetrics.reporter.prom.port="$prom_ports"
    # A TaskManager that died is noticed after two failed heartbeats (4 s here), not after the 50 s timeout.
    -Dheartbeat.interval=2s -Dheartbeat.timeout=20s
    -Dweb.submit.enable=true -Dweb.cancel.enable=true
    -Dio.tmp.dirs="$work/tmp"
  )
  mkdir -p "$work/tmp"
  {
    echo "# Written by scripts/flink-cluster.sh from $flink_config plus local values; edit that file, not this one."
    bash_java_utils UPDATE_AND_GET_FLINK_CONFIGURATION --configDir "$src" "${local_values[@]}" "$@" -flatten
  } > "$conf/config.yaml.tmp"
  rm -rf "$src"
  grep -q '^jobmanager.rpc.port:' "$conf/config.yaml.tmp" || { cat "$work/bash-java-utils.log" >&2; die "Flink rejected $flink_config (see above)"; }
  mv "$conf/config.yaml.tmp" "$conf/config.yaml"
  cat > "$conf/log4j.properties" <<'EOF'
# Written by scripts/flink-cluster.sh: each process logs to var/flink/log/<process>.log.
monitorInterval = 30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.filePattern = ${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 50MB
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = 3
EOF
  cat > "$conf/log4j-cli.properties" <<'EOF'
# Written by scripts/flink-cluster.sh: the command-line client prints warnings only.
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = ConsoleAppender
appender.console.name = ConsoleAppender
appender.console.type = Console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n
# It probes for the YARN command line on every start; this cluster has none.
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = ERROR
EOF
}

config_value() { # the value of a flat key in conf/config.yaml, unquoted
  sed -n "s/^$1: //p" "$conf/config.yaml" | sed "s/^'\(.*\)'\$/\1/" | tail -1
}

jvm_opts() { # ROLE: the JVM options the distribution would add (env.java.default-opts.all, env.java.opts.*)
  echo "$(config_value 'env\.java\.default-opts\.all') $(config_value 'env\.java\.opts\.all') $(config_value "env\.java\.opts\.$1")"
}

pid_running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
jm_running() { pid_running "$work/jobmanager.pid"; }

taskmanager_pids() { # the pid files of running TaskManagers, oldest first
  local f
  for f in $(cd "$work" && ls 2>/dev/null | grep '^taskmanager-[0-9]*\.pid$' | sort -t- -k2 -n); do
    if pid_running "$work/$f"; then echo "$work/$f"; else rm -f "$work/$f"; fi
  done
}

rest_get() { curl -fsS --max-time 5 "$rest$1"; }

wait_for() { # SECONDS DESCRIPTION COMMAND...: poll until the command succeeds
  local limit="$1" what="$2" waited=0
  shift 2
  until "$@"; do
    if (( waited >= limit * 2 )); then
      die "$what did not happen within $limit s; see $log"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
}

start_jobmanager() {
  local params jvm dyn
  params="$(bash_java_utils GET_JM_RESOURCE_PARAMS --configDir "$conf")"
  jvm="$(sed -n 1p <<<"$params")"
  dyn="$(sed -n 2p <<<"$params")"
  [[ -n "$jvm" ]] || { cat "$work/bash-java-utils.log" >&2; die "could not size the JobManager (see above)"; }
  # shellcheck disable=SC2086
  nohup java $jvm $(jvm_opts jobmanager) -Dlog.file="$log/jobmanager.log" \
    -Dlog4j.configurationFile="file:$conf/log4j.properties" -cp "$cp" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$conf" $dyn \
    >"$log/jobmanager.out" 2>&1 &
  echo $! > "$work/jobmanager.pid"
}

start_taskmanager() {
  jm_running || die "the JobManager is not running (scripts/flink-cluster.sh start)"
  local params jvm dyn n=1
  while [[ -e "$work/taskmanager-$n.pid" || -e "$log/taskmanager-$n.log" ]]; do n=$((n + 1)); done
  params="$(bash_java_utils GET_TM_RESOURCE_PARAMS --configDir "$conf")"
  jvm="$(sed -n 1p <<<"$params")"
  dyn="$(sed -n 2p <<<"$params")"
  [[ -n "$jvm" ]] || { cat "$work/bash-java-utils.log" >&2; die "could not size the TaskManager (see above)"; }
  # shellcheck disable=SC2086
  nohup java $jvm $(jvm_opts taskmanager) -Dlog.file="$log/taskmanager-$n.log" \
    -Dlog4j.configurationFile="file:$conf/log4j.properties" -cp "$cp" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$conf" \
    -Dtaskmanager.resource-id="taskmanager-$n" $dyn \
    >"$log/taskmanager-$n.out" 2>&1 &
  echo $! > "$work/taskmanager-$n.pid"
  # shellcheck disable=SC2317
  registered() {
    pid_running "$work/taskmanager-$n.pid" || die "TaskManager $n exited; see $log/taskmanager-$n.log"
    rest_get /taskmanagers 2>/dev/null | grep -q "\"id\":\"taskmanager-$n\""
  }
  wait_for 90 "TaskManager $n registering" registered
  say "TaskManager $n running (pid $(cat "$work/taskmanager-$n.pid")), log $log/taskmanager-$n.log"
}

start() {
  if jm_running; then
    say "already running (JobManager pid $(cat "$work/jobmanager.pid")); web UI $rest"
    return
  fi
  if (exec 3<>"/dev/tcp/localhost/$rest_port") 2>/dev/null; then
    die "something else is listening on localhost:$rest_port (set FLINK_REST_PORT to use another port)"
  fi
  command -v java >/dev/null || die "java is not on the PATH (Java 17 is needed)"
  command -v curl >/dev/null || die "curl is not on the PATH"
  ensure_classpath
  write_config "$@"
  start_jobmanager
  # shellcheck disable=SC2317
  rest_up() {
    jm_running || die "the JobManager exited; see $log/jobmanager.log and $log/jobmanager.out"
    rest_get /overview >/dev/null 2>&1
  }
  wait_for 90 "the JobManager's REST endpoint coming up" rest_up
  say "JobManager running (pid $(cat "$work/jobmanager.pid")), log $log/jobmanager.log"
  start_taskmanager
  say "cluster up; web UI $rest"
}

stop_pid_file() {
  local f="$1" pid waited=0
  pid_running "$f" || { rm -f "$f"; return; }
  pid="$(cat "$f")"
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do
    (( waited >= 60 )) && die "pid $pid ($(basename "$f" .pid)) did not stop within 30 s; it is still running"
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$f"
}

stop() {
  local f
  for f in $(taskmanager_pids); do
    stop_pid_file "$f"
  done
  if jm_running; then
    stop_pid_file "$work/jobmanager.pid"
    say "stopped"
  else
    rm -f "$work/jobmanager.pid"
    say "not running"
  fi
}

require_running() {
  jm_running || die "the cluster is not running (scripts/flink-cluster.sh start)"
  [[ -f "$conf/config.yaml" ]] || die "no $conf/config.yaml; restart the cluster"
  ensure_classpath
}

cli() { # Flink's command-line client against this cluster
  # shellcheck disable=SC2046
  FLINK_CONF_DIR="$conf" java -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $(jvm_opts client) -Dlog4j.configurationFile="file:$conf/log4j-cli.properties" \
    -cp "$cp" org.apache.flink.client.cli.CliFrontend "$@"
}

running_job() { # the id of the one running job, or the id given
  if [[ -n "${1:-}" ]]; then echo "$1"; return; fi
  local ids
  ids="$(cli list -r 2>/dev/null | sed -n 's/.* : \([0-9a-f]\{32\}\) : .*(RUNNING)$/\1/p')"
  [[ -n "$ids" ]] || die "no job is running"
  [[ "$(wc -l <<<"$ids")" -eq 1 ]] || die "more than one job is running; name one: $(echo $ids)"
  echo "$ids"
}

find_job_jar() {
  if [[ -n "$job_jar" ]]; then
    [[ -f "$job_jar" ]] || die "JOB_JAR=$job_jar does not exist"
    echo "$job_jar"; return
  fi
  local jar
  jar="$(ls "$root"/target/cronsentinel-*.jar 2>/dev/null | grep -v -e '-tests\.jar$' -e 'original-' | head -1 || true)"
  if [[ -z "$jar" ]]; then
    say "building the job jar (mvn -DskipTests package)"
    (cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests package >&2)
    jar="$(ls "$root"/target/cronsentinel-*.jar | grep -v -e '-tests\.jar$' -e 'original-' | head -1)"
  fi
  echo "$jar"
}

submit() {
  require_running
  local run=(run --detached)
  if [[ "${1:-}" == "--from-savepoint" ]]; then
    [[ -n "${2:-}" ]] || die "usage: scripts/flink-cluster.sh submit --from-savepoint PATH [--allow-non-restored-state] [job options ...]"
    run+=(--fromSavepoint "$2")
    shift 2
    # Only when an upgrade removed a stateful operator: its state in the savepoint is then dropped.
    if [[ "${1:-}" == "--allow-non-restored-state" ]]; then
      run+=(--allowNonRestoredState)
      shift
    fi
  fi
  local jar args=("$@")
  jar="$(find_job_jar)"
  # The client runs the job's main(), which reads the job config; relative paths are from the project root.
  if ! printf '%s\n' "${args[@]}" | grep -q -e '^--config$' -e '^--config='; then
    args=(--config "$job_config" "${args[@]}")
  fi
  local out
  out="$(cli "${run[@]}" "$jar" "${args[@]}")" || { echo "$out" >&2; die "submission failed"; }
  local id
  id="$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' <<<"$out" | tail -1)"
  [[ -n "$id" ]] || { echo "$out" >&2; die "submission printed no job id"; }
  say "submitted $(basename "$jar") as job $id; web UI $rest/#/job/running/$id/overview"
  echo "$id"
}

savepoint_path() { sed -n 's/.*Path: \(file:[^ ]*\).*/\1/p' | tail -1; }

savepoint() {
  require_running
  local id out path
  id="$(running_job "${1:-}")"
  out="$(cli savepoint "$id" "file://$work/savepoints" 2>&1)" || { echo "$out" >&2; die "savepoint failed"; }
  path="$(savepoint_path <<<"$out")"
  [[ -n "$path" ]] || { echo "$out" >&2; die "no savepoint path in the client's output"; }
  say "savepoint of job $id taken"
  echo "$path"
}

stop_job() {
  require_running
  local id="" drain=()
  for a in "$@"; do
    case "$a" in
      --drain) drain=(--drain) ;;
      *) id="$a" ;;
    esac
  done
  id="$(running_job "$id")"
  local out path
  out="$(cli stop "${drain[@]}" --savepointPath "file://$work/savepoints" "$id" 2>&1)" \
    || { echo "$out" >&2; die "stop with savepoint failed"; }
  path="$(savepoint_path <<<"$out")"
  [[ -n "$path" ]] || { echo "$out" >&2; die "no savepoint path in the client's output"; }
  say "job $id stopped with a savepoint${drain:+ (drained)}; resume with: scripts/flink-cluster.sh submit --from-savepoint $path ..."
  echo "$path"
}

cancel() {
  require_running
  local id
  id="$(running_job "${1:-}")"
  cli cancel "$id" >/dev/null
  say "job $id cancelled"
}

kill_taskmanager() {
  local f
  if [[ -n "${1:-}" ]]; then
    f="$work/taskmanager-$1.pid"
    pid_running "$f" || die "TaskManager $1 is not running"
  else
    f="$(taskmanager_pids | tail -1)"
    [[ -n "$f" ]] || die "no TaskManager is running"
  fi
  local pid
  pid="$(cat "$f")"
  # SIGKILL: no shutdown hooks, no goodbye to the JobManager, open Kafka transactions left dangling.
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$f"
  say "killed $(basename "$f" .pid) (pid $pid) with SIGKILL"
}

status() {
  if ! jm_running; then
    say "not running"
    return
  fi
  echo "JobManager pid $(cat "$work/jobmanager.pid"); web UI $rest"
  local f
  for f in $(taskmanager_pids); do
    echo "$(basename "$f" .pid) pid $(cat "$f")"
  done
  echo "overview: $(rest_get /overview || echo unreachable)"
}

logs() {
  local name="${1:-jobmanager}" ext=".log"
  [[ "${2:-}" == ".out" || "$name" == *.out ]] && ext=".out"
  name="${name%.out}"
  [[ -f "$log/$name$ext" ]] || die "no log $log/$name$ext (have: $(cd "$log" 2>/dev/null && ls | tr '\n' ' '))"
  tail -n "${LINES:-100}" "$log/$name$ext"
}

clean() {
  stop
  rm -rf "$work/checkpoints" "$work/savepoints" "$log" "$work/tmp"
  say "removed checkpoints, savepoints and logs under $work"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  submit) shift; submit "$@" ;;
  jobs) require_running; cli list -a ;;
  savepoint) shift; savepoint "$@" ;;
  stop-job) shift; stop_job "$@" ;;
  cancel) shift; cancel "$@" ;;
  kill-taskmanager) shift; kill_taskmanager "$@" ;;
  start-taskmanager) require_running; start_taskmanager ;;
  logs) shift; logs "$@" ;;
  clean) clean ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
