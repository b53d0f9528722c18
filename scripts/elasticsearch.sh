#!/usr/bin/env bash
# A local Elasticsearch node for CronSentinel demos: the real 8.x server from Maven Central's distribution zip
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch), one node on 127.0.0.1, security off. Everything
# it writes stays under var/elasticsearch/. Elasticsearch refuses to run as root: when this script runs as root it
# creates the system user cronsentinel-es (first time) and starts the node as that user with runuser.
#
#   scripts/elasticsearch.sh start          # fetch and unpack the zip (first time), start, wait until healthy
#   scripts/elasticsearch.sh status
#   scripts/elasticsearch.sh alerts [N]     # the N latest alerts of cronsentinel-alerts (default 10), one per line
#   scripts/elasticsearch.sh stop           # stop the node; its data stays in var/elasticsearch/data
#   scripts/elasticsearch.sh clean          # stop and delete the data, logs and config
#
# Then run the job with --output.type=elasticsearch (and --dead-letters.type=elasticsearch); the defaults in
# conf/cronsentinel.yaml point at http://127.0.0.1:9200. Kibana, if you run one, reads the same node.
#
# Settings (environment): ES_PORT (9200), ES_TRANSPORT_PORT (9300), ES_HEAP (512m), ES_VERSION (8.19.21),
# ES_DIR (var/elasticsearch; must be reachable by the node's user when running as root), ES_INDEX
# (cronsentinel-alerts, for the alerts command). Needs Java 17 and Maven; curl for the alerts command.
set -euo pipefail

cd "$(dirname "$0")/.."
root="$PWD"
version="${ES_VERSION:-8.19.21}"
home="${ES_DIR:-$root/var/elasticsearch}"
dist="$home/dist/elasticsearch-$version"
config="$home/config"
data="$home/data"
logs="$home/logs"
tmp="$home/tmp"
pid_file="$home/elasticsearch.pid"
port="${ES_PORT:-9200}"
transport_port="${ES_TRANSPORT_PORT:-9300}"
heap="${ES_HEAP:-512m}"
index="${ES_INDEX:-cronsentinel-alerts}"
os_user="cronsentinel-es"
url="http://127.0.0.1:$port"

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }

as_root() { [[ "$(id -u)" == 0 ]]; }

java_home() {
  command -v java >/dev/null || die "java is not on the PATH (Java 17 or later is needed)"
  java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.home/ { print $2; exit }'
}

# The distribution, unpacked once from the zip Maven fetches from Maven Central into the local repository.
ensure_distribution() {
  if [[ -x "$dist/bin/elasticsearch" ]]; then
    return
  fi
  echo "elasticsearch.sh: fetching Elasticsearch $version from Maven Central into $home/dist (first run only)" >&2
  mkdir -p "$home/dist"
  rm -rf "$dist"
  if ! mvn -q -B dependency:unpack \
      -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$version:zip" \
      -DoutputDirectory="$home/dist" >"$home/mvn.log" 2>&1; then
    cat "$home/mvn.log" >&2
    die "could not fetch the Elasticsearch distribution (see above)"
  fi
  chmod a+x "$dist"/bin/*
  chmod -R a+rX "$home/dist"
}

ensure_user() {
  as_root || return 0
  if ! id -u "$os_user" >/dev/null 2>&1; then
    command -v useradd >/dev/null || die "Elasticsearch refuses to run as root and useradd is missing to create $os_user"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$os_user"
    echo "elasticsearch.sh: created system user $os_user to run the node" >&2
  fi
  # The node's user must reach the distribution and its own directories through every parent directory.
  if ! runuser -u "$os_user" -- test -x "$dist/bin/elasticsearch"; then
    die "user $os_user cannot reach $dist (a parent directory is private); set ES_DIR to a directory under /tmp or /opt"
  fi
}

running() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# GET on the node; prints the body. curl when present, else a bare HTTP/1.0 request over bash's /dev/tcp.
http_get() {
  if command -v curl >/dev/null; then
    curl -sf "$url$1"
  else
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&3
    local body
    body="$(cat <&3)"
    exec 3<&-
    [[ "$body" == "HTTP/1."?" 200"* ]] || return 1
    printf '%s\n' "${body#*$'\r\n\r\n'}"
  fi
}

healthy() {
  http_get "/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null | grep -q '"status":"\(green\|yellow\)"'
}

start() {
  if running; then
    echo "elasticsearch.sh: already running (pid $(cat "$pid_file")) at $url"
    return
  fi
  if port_open; then
    die "something else is listening on 127.0.0.1:$port (set ES_PORT to use another port)"
  fi
  local jh
  jh="$(java_home)"
  ensure_distribution
  mkdir -p "$data" "$logs" "$tmp"
  if [[ ! -d "$config" ]]; then
    cp -r "$dist/config" "$config"
  fi
  local launcher=()
  if as_root; then
    ensure_user
    chown -R "$os_user" "$config" "$data" "$logs" "$tmp"
    launcher=(runuser -u "$os_user" --)
  fi
  # runuser passes SIGTERM on to Elasticsearch, so stopping the recorded pid stops the node cleanly.
  ES_JAVA_HOME="$jh" ES_PATH_CONF="$config" ES_TMPDIR="$tmp" ES_JAVA_OPTS="-Xms$heap -Xmx$heap" \
    nohup "${launcher[@]}" "$dist/bin/elasticsearch" \
      -E cluster.name=cronsentinel-local -E node.name=local \
      -E discovery.type=single-node -E network.host=127.0.0.1 \
      -E http.port="$port" -E transport.port="$transport_port" \
      -E path.data="$data" -E path.logs="$logs" \
      -E xpack.security.enabled=false \
      -E cluster.routing.allocation.disk.threshold_enabled=false \
      >"$home/console.log" 2>&1 &
  echo $! > "$pid_file"
  # Ready = the cluster health is yellow or green. (GET / answers 405 on this distribution.)
  local waited=0
  until healthy; do
    if ! running; then
      rm -f "$pid_file"
      tail -n 20 "$home/console.log" >&2 || true
      die "the node exited; see $home/console.log and $logs"
    fi
    if (( waited >= 240 )); then
      die "the node did not become healthy within 120 s; see $home/console.log"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "elasticsearch.sh: node running (pid $(cat "$pid_file")) at $url; data in $data"
}

stop() {
  if ! running; then
    rm -f "$pid_file"
    echo "elasticsearch.sh: not running"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= 120 )); then
      die "node (pid $pid) did not stop within 60 s; it is still running"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$pid_file"
  echo "elasticsearch.sh: stopped"
}

status() {
  if running && healthy; then
    echo "elasticsearch.sh: running (pid $(cat "$pid_file")) at $url; data in $data"
    http_get "/_cat/indices?v&s=index" || true
  elif running; then
    echo "elasticsearch.sh: starting or unhealthy (pid $(cat "$pid_file")); see $home/console.log"
  else
    echo "elasticsearch.sh: not running"
  fi
}

alerts() {
  running || die "the node is not running (scripts/elasticsearch.sh start)"
  command -v curl >/dev/null || die "the alerts command needs curl"
  local n="${1:-10}"
  [[ "$n" =~ ^[0-9]+$ ]] || die "usage: scripts/elasticsearch.sh alerts [N]"
  # A shard nobody searched for 30 s skips its periodic refresh; refresh so the latest alerts are visible.
  curl -sf -XPOST "$url/$index/_refresh" >/dev/null || die "no index $index yet (has the job written alerts?)"
  curl -sf "$url/$index/_search?size=$n&sort=@timestamp:desc&filter_path=hits.hits._source.@timestamp,hits.hits._source.message" \
    | grep -o '"@timestamp":"[^"]*","message":"\([^"\\]\|\\.\)*"' \
    | sed -e 's/^"@timestamp":"\([^"]*\)","message":"/\1  /' -e 's/"$//' \
    || echo "elasticsearch.sh: no alerts in $index yet"
}

clean() {
  stop
  rm -rf "$config" "$data" "$logs" "$tmp" "$home/console.log"
  echo "elasticsearch.sh: removed the node's config, data and logs under $home"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  alerts) shift; alerts "$@" ;;
  clean) clean ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
