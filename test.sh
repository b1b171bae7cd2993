#!/usr/bin/env bash
# Runs every test of every module. Extra arguments go to Maven (e.g. -Diern.require=opencl).
set -euo pipefail
cd "$(dirname "$0")"
if [ -z "${JAVA_HOME:-}" ]; then
  for d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25*; do
    if [ -x "$d/bin/java" ]; then export JAVA_HOME="$d"; break; fi
  done
fi
exec ./mvnw -B -ntp verify "$@"
