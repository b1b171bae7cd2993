#!/usr/bin/env bash
# Short benchmark run: our JMH suites and the numpy / PyTorch references, 1 and 2 threads,
# alternating ours and the reference per thread count, then one table (GFLOP/s and ratios).
# Build first:  ./mvnw -B -ntp -q -pl bench -am package -DskipTests
# Then:         bench/run.sh            (environment knobs below)
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
JAR=${JAR:-bench/target/benchmarks.jar}
THREADS=${THREADS:-"1 2"}
SUITES=${SUITES:-"GemmBench ConvBench"}
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -w 1s -i 5 -r 1s"}
ROUNDS=${ROUNDS:-1}
FAIR=${FAIR:-$(cd .. && pwd)/shared/bench/fair-reference}
OUT=${OUT:-bench/results/$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

[ -f "$JAR" ] || { echo "run.sh: $JAR not found; build it with ./mvnw -B -ntp -q -pl bench -am package -DskipTests" >&2; exit 2; }
[ -x "$FAIR" ] || { echo "run.sh: fair-reference not found at $FAIR (set FAIR=...)" >&2; exit 2; }

jvm="--add-modules jdk.incubator.vector -Xms2g -Xmx2g -XX:+UseTransparentHugePages"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "jmh: $SUITES $JMH_OPTS; rounds $ROUNDS; threads $THREADS"
} | tee "$OUT/machine.txt"

for round in $(seq 1 "$ROUNDS"); do
  for t in $THREADS; do
    suffix=t$t
    [ "$ROUNDS" -gt 1 ] && suffix=t$t-r$round
    echo "== round $round, $t thread(s): ours" >&2
    # shellcheck disable=SC2086
    "$JAVA" $jvm -jar "$JAR" $SUITES $JMH_OPTS -jvmArgsAppend "$jvm -Diern.threads=$t" \
        -rf json -rff "$OUT/jmh-$suffix.json" > "$OUT/jmh-$suffix.log"
    echo "== round $round, $t thread(s): references" >&2
    : > "$OUT/ref-$suffix.jsonl"
    case " $SUITES " in *" GemmBench "*)
      "$FAIR" "$t" /usr/bin/python3 bench/torch/gemm_numpy.py >> "$OUT/ref-$suffix.jsonl" ;; esac
    case " $SUITES " in *" ConvBench "*)
      "$FAIR" "$t" /usr/bin/python3 bench/torch/conv_torch.py "$t" >> "$OUT/ref-$suffix.jsonl" ;; esac
  done
done
/usr/bin/python3 bench/torch/table.py "$OUT" | tee "$OUT/table.txt"
