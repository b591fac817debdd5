#!/usr/bin/env bash
# mlctl testcluster: MiniKdc + secure MiniDFSCluster + secure MiniYARNCluster in one JVM.
#
#   run.sh build                 build if needed (mvn -q -B package; the first build downloads ~155 MB)
#   run.sh run DIR [flags]       foreground; prints "READY DIR/cluster.json"; stop with Ctrl-C / SIGTERM
#   run.sh up DIR [flags]        background; waits for READY (TESTCLUSTER_TIMEOUT, default 120 s),
#                                writes DIR/pid, prints the path of DIR/cluster.json
#   run.sh down DIR              SIGTERM, wait (up to 60 s), then SIGKILL
#
# Flags (see --help): --insecure, --rpc-protection authentication|integrity|privacy,
# --transfer https|http, --realm R, --user U, --truststore-type jks|pkcs12, --nm-memory-mb N, --nm-vcores N.
# JVM options: TESTCLUSTER_JAVA_OPTS (default: -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR="$HERE/target/testcluster-0.1.0.jar"
CP_FILE="$HERE/target/classpath.txt"
JAVA=${JAVA:-java}
JAVA_OPTS=${TESTCLUSTER_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# Java 17: YARN's Guice needs java.lang opened; the rest are what Hadoop's own tests open on 17.
ADD_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
)

die() { echo "testcluster: $*" >&2; exit 1; }

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

needs_build() {
  [[ -f "$JAR" && -f "$CP_FILE" ]] || return 0
  [[ -n "$(find "$HERE/pom.xml" "$HERE/src" -newer "$JAR" -print -quit)" ]] && return 0
  [[ "$HERE/pom.xml" -nt "$CP_FILE" ]] && return 0
  return 1
}

build() {
  if needs_build; then
    command -v mvn >/dev/null || die "mvn not found (install maven and a JDK 17)"
    echo "testcluster: building (mvn -q -B package)..." >&2
    (cd "$HERE" && mvn -q -B package -DskipTests) >&2 || die "build failed"
    # maven-jar-plugin leaves an unchanged jar untouched: mark the build done.
    touch "$JAR" "$CP_FILE"
  fi
}

abs_dir() {
  mkdir -p "$1"
  (cd "$1" && pwd)
}

# Runs the JVM in the foreground of this shell (exec), with DIR/server and DIR/conf first on the classpath:
# the NodeManager's localizer reads core-site.xml/hdfs-site.xml from the classpath only, and Hadoop's SSL
# set-up reads ssl-server.xml/ssl-client.xml as classpath resources.
exec_java() {
  local dir=$1; shift
  mkdir -p "$dir/conf" "$dir/server"
  local cp="$dir/server:$dir/conf:$JAR:$(cat "$CP_FILE")"
  # shellcheck disable=SC2086
  exec "$JAVA" $JAVA_OPTS "${ADD_OPENS[@]}" -Djava.net.preferIPv4Stack=true \
    -cp "$cp" mlctl.testcluster.TestCluster --dir "$dir" "$@"
}

alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

cmd_up() {
  local dir; dir=$(abs_dir "$1"); shift
  local timeout=${TESTCLUSTER_TIMEOUT:-120}
  if [[ -f "$dir/pid" ]] && alive "$(cat "$dir/pid")"; then
    die "already running in $dir (pid $(cat "$dir/pid")); run.sh down $dir first"
  fi
  rm -f "$dir/pid" "$dir/cluster.json"
  build
  local out="$dir/testcluster.out"
  : >"$out"
  # setsid: the cluster outlives this shell and is not hit by the caller's terminal signals.
  setsid "$0" run "$dir" "$@" </dev/null >"$out" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"
  local waited=0
  while (( waited < timeout * 10 )); do
    if grep -q '^READY ' "$out"; then
      sed -n 's/^READY //p' "$out" | head -1
      return 0
    fi
    if ! alive "$pid"; then
      echo "testcluster: exited before READY; last lines of $out:" >&2
      tail -n 30 "$out" >&2
      rm -f "$dir/pid"
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "testcluster: not READY after ${timeout}s; stopping it. Last lines of $out:" >&2
  tail -n 30 "$out" >&2
  cmd_down "$dir" >&2 || true
  exit 1
}

cmd_down() {
  local dir; dir=$(abs_dir "$1")
  [[ -f "$dir/pid" ]] || { echo "testcluster: no pid file in $dir (not running)" >&2; return 0; }
  local pid; pid=$(cat "$dir/pid")
  if alive "$pid"; then
    kill -TERM "$pid"
    local i
    for ((i = 0; i < 600; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      echo "testcluster: pid $pid still alive after 60 s, killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$dir/pid" "$dir/cluster.json"
}

[[ $# -ge 1 ]] || usage
cmd=$1; shift
case "$cmd" in
  build) build; echo "$JAR" ;;
  run)   [[ $# -ge 1 ]] || usage; build; d=$(abs_dir "$1"); shift; exec_java "$d" "$@" ;;
  up)    [[ $# -ge 1 ]] || usage; cmd_up "$@" ;;
  down)  [[ $# -ge 1 ]] || usage; cmd_down "$1" ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
