#!/usr/bin/env bash
# Short benchmark run: our JMH suites and the numpy / PyTorch references at 1 and 2 threads,
# interleaved shape by shape (ours, then the reference, on the same shape) so that load from
# anything else on the machine hits both sides alike; then one table of GFLOP/s and ratios.
# Build first:  ./mvnw -B -ntp -q -pl bench -am package -DskipTests
# Then:         bench/run.sh            (environment knobs below)
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
JAR=${JAR:-bench/target/benchmarks.jar}
THREADS=${THREADS:-"1 2"}
SUITES=${SUITES:-"gemm conv"}
# Three warm-up seconds: on a loaded machine C2 may need that long to compile the kernels.
JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 3 -w 1s -i 4 -r 1s"}
FAIR=${FAIR:-$(cd .. && pwd)/shared/bench/fair-reference}
OUT=${OUT:-bench/results/$(date -u +%Y%m%d-%H%M%S)}
PY=/usr/bin/python3
mkdir -p "$OUT"

[ -f "$JAR" ] || { echo "run.sh: $JAR not found; build it with ./mvnw -B -ntp -q -pl bench -am package -DskipTests" >&2; exit 2; }
[ -x "$FAIR" ] || { echo "run.sh: fair-reference not found at $FAIR (set FAIR=...)" >&2; exit 2; }

# The JIT directives keep C1 off the GEMM micro-kernel (see the iern launcher): without them a
# fork can time the kernel in a tier without Vector API intrinsics, at a tenth of its speed.
jvm="--add-modules jdk.incubator.vector -Xms2g -Xmx2g -XX:+UseTransparentHugePages -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=src/jit-directives.json"
# Other people may run JMH on this shared machine at the same time; do not wait for their lock.
host="-Djmh.ignoreLock=true"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "jmh: $JMH_OPTS; threads $THREADS; suites $SUITES"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

shapes() { $PY -c "import sys; sys.path.insert(0, 'bench/torch'); import shapes; print(' '.join(shapes.$1))"; }

ours() { # ours THREADS BENCH-REGEX SHAPE
  # shellcheck disable=SC2086
  "$JAVA" $jvm $host -jar "$JAR" "$2" -p shape="$3" $JMH_OPTS -jvmArgsAppend "$jvm -Diern.threads=$1" \
      -rf json -rff "$OUT/jmh-t$1-$3.json" >> "$OUT/jmh-t$1.log" 2>&1
}

for t in $THREADS; do
  case " $SUITES " in *" gemm "*)
    for s in $(shapes GEMM); do
      echo "== $t thread(s) gemm $s" >&2
      ours "$t" '^iern\.bench\.GemmBench\.' "$s"
      "$FAIR" "$t" $PY bench/torch/gemm_numpy.py "$s" >> "$OUT/ref-t$t.jsonl"
    done ;;
  esac
  case " $SUITES " in *" conv "*)
    for s in $(shapes CONV_ORDER); do
      echo "== $t thread(s) conv $s" >&2
      ours "$t" '^iern\.bench\.ConvBench\.' "$s"
      "$FAIR" "$t" $PY bench/torch/conv_torch.py "$t" "$s" >> "$OUT/ref-t$t.jsonl"
    done ;;
  esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
$PY bench/torch/table.py "$OUT" | tee "$OUT/table.txt"
