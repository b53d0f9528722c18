#!/usr/bin/env bash
# A local Kafka broker for CronSentinel, as its own process: one KRaft node (broker and controller in one),
# on localhost, from the Kafka jars on Maven Central. Everything it writes stays under var/kafka/.
#
#   scripts/kafka.sh start                 # download the jars (first time), format, start, wait until ready
#   scripts/kafka.sh create-topics         # the audit input, alert and dead-letter topics of conf/cronsentinel.yaml
#   scripts/kafka.sh replay FILE [TOPIC]   # one audit event (or EventList) per line into the input topic; .gz works
#   scripts/kafka.sh consume TOPIC [--follow]   # committed records (read_committed) with headers and key; exits
#                                          # after 5 s without records unless --follow
#   scripts/kafka.sh status
#   scripts/kafka.sh stop                  # stop the broker; its data stays in var/kafka/data
#   scripts/kafka.sh clean                 # stop and delete var/kafka/data
#
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP (512m),
# AUDIT_TOPIC (k8s-audit), ALERTS_TOPIC (cronsentinel-alerts), DEAD_LETTER_TOPIC (cronsentinel-dead-letters).
# Needs Java 17 and Maven.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"
home="$root/var/kafka"
lib="$home/lib"
data="$home/data"
pid_file="$home/kafka.pid"
props="$home/server.properties"
log4j="$home/log4j2.properties"

port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
heap="${KAFKA_HEAP:-512m}"
bootstrap="localhost:$port"
audit_topic="${AUDIT_TOPIC:-k8s-audit}"
alerts_topic="${ALERTS_TOPIC:-cronsentinel-alerts}"
dead_letter_topic="${DEAD_LETTER_TOPIC:-cronsentinel-dead-letters}"

die() { echo "kafka.sh: $*" >&2; exit 1; }

# The broker's and the tools' classpath, copied once from Maven Central by a pom of its own.
ensure_jars() {
  if [[ ! -f "$lib/.complete" ]]; then
    echo "kafka.sh: fetching the Kafka jars into $lib (first run only)" >&2
    rm -rf "$lib"
    mkdir -p "$home"
    if ! mvn -q -B -f scripts/kafka-pom.xml dependency:copy-dependencies \
        -DoutputDirectory="$lib" -DincludeScope=runtime >"$home/mvn.log" 2>&1; then
      cat "$home/mvn.log" >&2
      die "could not fetch the Kafka jars (see above)"
    fi
    touch "$lib/.complete"
  fi
}

tool() { # tool MAIN_CLASS ARGS...: one of Kafka's command-line tools, logging only warnings to stderr
  local main="$1"; shift
  java -Xmx256m -Dlog4j2.configurationFile="$log4j" -Dkafka.logs.dir="$home" -cp "$lib/*" "$main" "$@"
}

write_config() {
  mkdir -p "$home" "$data"
  cat > "$props" <<EOF
# Written by scripts/kafka.sh: one local KRaft node, broker and controller in one process.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$controller_port
listeners=PLAINTEXT://localhost:$port,CONTROLLER://localhost:$controller_port
advertised.listeners=PLAINTEXT://localhost:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=2
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  cat > "$log4j" <<EOF
# Written by scripts/kafka.sh: the broker logs to var/kafka/server.log, tools print warnings only.
rootLogger.level = \${sys:kafka.log.level:-WARN}
rootLogger.appenderRef.out.ref = \${sys:kafka.log.appender:-stderr}
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n
appender.file.type = File
appender.file.name = file
appender.file.fileName = $home/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
EOF
}

running() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/localhost/$port") 2>/dev/null
}

start() {
  if running; then
    echo "kafka.sh: already running (pid $(cat "$pid_file")) on $bootstrap"
    return
  fi
  if port_open; then
    die "something else is listening on localhost:$port (set KAFKA_PORT to use another port)"
  fi
  command -v java >/dev/null || die "java is not on the PATH (Java 17 is needed)"
  ensure_jars
  write_config
  if [[ ! -f "$data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(tool kafka.tools.StorageTool random-uuid)"
    tool kafka.tools.StorageTool format -t "$cluster_id" -c "$props" >/dev/null
  fi
  nohup java "-Xms$heap" "-Xmx$heap" -Dkafka.log.level=INFO -Dkafka.log.appender=file \
    -Dlog4j2.configurationFile="$log4j" -Dkafka.logs.dir="$home" \
    -cp "$lib/*" kafka.Kafka "$props" >"$home/server.out" 2>&1 &
  echo $! > "$pid_file"
  # Ready = the port accepts connections and the broker answers a metadata request.
  local waited=0
  until port_open && tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list >/dev/null 2>&1; do
    if ! running; then
      rm -f "$pid_file"
      die "the broker exited; see $home/server.out and $home/server.log"
    fi
    if (( waited >= 120 )); then
      die "the broker did not become ready within 60 s; see $home/server.log"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "kafka.sh: broker running (pid $(cat "$pid_file")) on $bootstrap; data in $data"
}

stop() {
  if ! running; then
    rm -f "$pid_file"
    echo "kafka.sh: not running"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= 60 )); then
      die "broker (pid $pid) did not stop within 30 s; it is still running"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "kafka.sh: stopped"
}

require_running() {
  running || die "the broker is not running (scripts/kafka.sh start)"
}

create_topics() {
  require_running
  # The alerts topic is an upsert stream keyed by alert id (a grouped alert or an escalation comes again
  # with a higher count): compacted, so the broker keeps the latest version of every alert for good, and
  # min.compaction.lag.ms keeps every version readable for an hour before compaction may drop older ones.
  # A delete policy would instead drop every version of an alert, the latest too, once retention.ms passes.
  local spec name partitions configs
  for spec in "$audit_topic:2:" "$alerts_topic:2:cleanup.policy=compact,min.compaction.lag.ms=3600000"       "$dead_letter_topic:1:"; do
    IFS=: read -r name partitions configs <<<"$spec"
    local extra=()
    [[ -n "$configs" ]] && for c in ${configs//,/ }; do extra+=(--config "$c"); done
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --if-not-exists \
      --topic "$name" --partitions "$partitions" --replication-factor 1 "${extra[@]}" >/dev/null
    echo "kafka.sh: topic $name ($partitions partitions${configs:+, $configs})"
  done
}

replay() {
  require_running
  local file="${1:-}" topic="${2:-$audit_topic}"
  [[ -n "$file" ]] || die "usage: scripts/kafka.sh replay FILE [TOPIC]"
  [[ -f "$file" ]] || die "no such file: $file"
  local reader=(cat "$file")
  [[ "$file" == *.gz ]] && reader=(gzip -dc "$file")
  # One record per non-blank line; acks=all so the command returns only when the broker has them all.
  "${reader[@]}" | grep -v '^[[:space:]]*$' | tool org.apache.kafka.tools.ConsoleProducer \
    --bootstrap-server "$bootstrap" --topic "$topic" \
    --command-property acks=all --command-property max.request.size=16777216
  echo "kafka.sh: replayed $file into $topic"
}

consume() {
  require_running
  local topic="${1:-}"
  [[ -n "$topic" ]] || die "usage: scripts/kafka.sh consume TOPIC [--follow]"
  local idle=(--timeout-ms 5000)
  [[ "${2:-}" == "--follow" ]] && idle=()
  # Alerts are written in transactions: read_committed shows exactly what a SOC consumer would see.
  tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$bootstrap" --topic "$topic" \
    --from-beginning --isolation-level read_committed "${idle[@]}" \
    --formatter-property print.key=true --formatter-property print.headers=true \
    --formatter-property key.separator=' | ' --formatter-property headers.separator=', ' \
    2> >(grep -v -e 'TimeoutException' -e 'Error processing message' -e 'Processed a total' >&2) || true
}

status() {
  if running; then
    echo "kafka.sh: running (pid $(cat "$pid_file")) on $bootstrap; data in $data"
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list
  else
    echo "kafka.sh: not running"
  fi
}

clean() {
  stop
  rm -rf "$data" "$home/server.log" "$home/server.out"
  echo "kafka.sh: removed $data"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  create-topics) create_topics ;;
  replay) shift; replay "$@" ;;
  consume) shift; consume "$@" ;;
  clean) clean ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
