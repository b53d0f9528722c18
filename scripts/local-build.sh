# Sourced by scripts/run-local.sh and scripts/hunt.sh: the work directory, a build of the job's classes under it
# (reused while src/main and pom.xml are unchanged), and the JVM options an embedded Flink cluster needs.
# Nothing is written into the checkout outside target/, and nothing at all when the checkout is read-only.
#
# Settings (environment): CRONSENTINEL_WORK_DIR (default target/local when the checkout is writable, else
# $XDG_STATE_HOME/cronsentinel, i.e. ~/.local/state/cronsentinel).

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

work_dir() {
  local dir="${CRONSENTINEL_WORK_DIR:-}"
  if [[ -z "$dir" ]]; then
    if mkdir -p "$root/target/local" 2>/dev/null && [[ -w "$root/target/local" ]]; then
      dir="$root/target/local"
    else
      dir="${XDG_STATE_HOME:-$HOME/.local/state}/cronsentinel"
    fi
  fi
  mkdir -p "$dir" && cd "$dir" && pwd
}

# ensure_build WORK: compiles src/main into WORK/build/classes and resolves the compile classpath into
# WORK/build/classpath.txt, only when a source, resource or pom.xml is newer than the last build. Sets $job_cp.
ensure_build() {
  local build="$1/build" stamp="$1/build/stamp"
  if [[ ! -f "$stamp" || -n "$(find "$root/src/main" "$root/pom.xml" -newer "$stamp" -print -quit)" ]]; then
    echo "building the job classes into $build (once; reused while sources are unchanged)" >&2
    rm -rf "$build" && mkdir -p "$build/classes"
    if ! mvn -q -B -o -Dstyle.color=never -f "$root/pom.xml" dependency:build-classpath -Dmdep.includeScope=compile \
        -Dmdep.outputFile="$build/classpath.txt" >"$build/mvn.log" 2>&1 \
      && ! mvn -q -B -Dstyle.color=never -f "$root/pom.xml" dependency:build-classpath -Dmdep.includeScope=compile \
        -Dmdep.outputFile="$build/classpath.txt" >"$build/mvn.log" 2>&1; then
      cat "$build/mvn.log" >&2
      echo "could not resolve the job's dependencies (see above)" >&2
      return 1
    fi
    find "$root/src/main/java" -name '*.java' > "$build/sources.txt"
    javac -nowarn --release 17 -parameters -encoding UTF-8 -d "$build/classes" -cp "$(cat "$build/classpath.txt")" \
      @"$build/sources.txt" >&2
    if [[ -d "$root/src/main/resources" ]]; then
      cp -R "$root/src/main/resources/." "$build/classes/"
    fi
    touch "$stamp"
  fi
  job_cp="$build/classes:$(cat "$build/classpath.txt")"
}

# The module openings Flink's serializers need on Java 17.
java_opens=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
)
