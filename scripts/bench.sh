#!/usr/bin/env bash
# Runs the JMH benchmarks (src/test/java/dev/cronsentinel/bench). Arguments go to JMH, e.g.
#   scripts/bench.sh DecodeBenchmark -p mix=realistic
#   scripts/bench.sh -f 3 -wi 5 -i 10            # more forks and iterations for publishable figures
#   scripts/bench.sh -l                          # list benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -Dstyle.color=never -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" org.openjdk.jmh.Main "$@"
