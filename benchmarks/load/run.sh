#!/usr/bin/env bash
# Side-by-side load benchmark of nlb4j, HAProxy and nginx stream (and a direct connection), each proxy on one
# pinned CPU. See benchmarks/README.md ("Load benchmark") for the method; --help for the options.
#
#   (cd "$(git rev-parse --show-toplevel)" && mvn -B -ntp -q -DskipTests package)   # builds samples/target/nlb4j.jar
#   benchmarks/load/run.sh                  # warm-up + 5 rounds of 5 s, every target
#   benchmarks/load/run.sh --quick          # smoke run: 2 rounds of 2 s
#   benchmarks/load/run.sh --only nlb4j,haproxy --check
#
# Extra JVM flags for nlb4j go in NLB4J_JAVA_OPTS (-XX:ActiveProcessorCount=1 is always given).
# Extra runner options go in NLB4J_ARGS, such as NLB4J_ARGS='--transport EPOLL'.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! command -v python3 >/dev/null 2>&1; then
  echo "run.sh: python3 is required (apt-get install python3)" >&2
  exit 2
fi
exec python3 "$here/bench.py" "$@"
