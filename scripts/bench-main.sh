#!/usr/bin/env bash
# Runs one of the benchmark harness programs in src/test/java/dev/cronsentinel/bench (programs with a main that
# print figures) on the test classpath, e.g.
#   scripts/bench-main.sh dev.cronsentinel.bench.PipelineThroughputBenchmark --help
# JVM options go in BENCH_JAVA_OPTS (default: -Xmx8g). Use scripts/bench.sh for the JMH benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
main="${1:?usage: scripts/bench-main.sh MAIN_CLASS [args...]}"
shift
mvn -q -B -Dstyle.color=never -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
# The same --add-opens as the surefire configuration: Flink's serializers and the MiniCluster need them on Java 17.
opens=$(sed -n 's:.*<flink.jvm.opens>\(.*\)</flink.jvm.opens>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
exec java ${BENCH_JAVA_OPTS:--Xmx8g} $opens -Dcronsentinel.shared="$PWD/../shared" \
    -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" "$main" "$@"
