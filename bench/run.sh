#!/usr/bin/env bash
# The short benchmark run of issue 3: our JMH suites and their numpy / PyTorch references,
# interleaved shape by shape (ours, then the reference, on the same shape) so that load from
# anything else on the machine hits both sides alike; then one table (bench/torch/table.py).
#
# Build first:  ./mvnw -B -ntp -q -pl bench -am package -DskipTests
# Then, from anywhere:
#   bench/run.sh                         all suites, 2 threads (about 15 minutes on 2 cores)
#   QUICK=1 bench/run.sh                 one or two shapes per suite, shorter iterations (about 3 minutes)
#   SUITES="attention intervention" bench/run.sh
#   THREADS="1 2" bench/run.sh           both thread counts (about twice as long)
# Knobs: JAR, THREADS, SUITES, JMH_OPTS, REF_WARMUP, REF_ITERATIONS, REF_SECONDS, OUT, FAIR, GEMM_SMALL=0|1, and the shape
# lists GEMM_SHAPES, CONV_SHAPES, OPS_SHAPES, ATTENTION_SHAPES, INTERVENTION_SHAPES, ITERATION_SHAPES
# (names from bench/torch/shapes.py).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
JAR=${JAR:-bench/target/benchmarks.jar}
THREADS=${THREADS:-2}
SUITES=${SUITES:-"gemm conv ops attention intervention iteration"}
QUICK=${QUICK:-0}
FAIR=${FAIR:-$(cd .. && pwd)/shared/bench/fair-reference}
OUT=${OUT:-bench/results/$(date -u +%Y%m%d-%H%M%S)}
PY=/usr/bin/python3
start=$(date +%s)

shapes() { $PY -c "import sys; sys.path.insert(0, 'bench/torch'); import shapes; print(' '.join(shapes.$1))"; }

if [ "$QUICK" = 1 ]; then
  # One warm-up second still lets C2 compile the kernels on a quiet machine; expect noise.
  JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 1 -w 1s -i 2 -r 1s"}
  export REF_WARMUP=${REF_WARMUP:-1} REF_ITERATIONS=${REF_ITERATIONS:-2} REF_SECONDS=${REF_SECONDS:-1.0}
  GEMM_SHAPES=${GEMM_SHAPES:-"1024x1024x1024 512x392x4608"}
  CONV_SHAPES=${CONV_SHAPES:-"iern_3x3_512_512 r18_l2_3x3_128"}
  OPS_SHAPES=${OPS_SHAPES:-"iern_7"}
  ATTENTION_SHAPES=${ATTENTION_SHAPES:-"nwgm_7"}
  INTERVENTION_SHAPES=${INTERVENTION_SHAPES:-"nwgm_7"}
  ITERATION_SHAPES=${ITERATION_SHAPES:-"r18_64"}
  GEMM_SMALL=${GEMM_SMALL:-0}
else
  # Two warm-up seconds let C2 compile the kernels on a quiet machine; on a loaded one it may need
  # three (JMH_OPTS="-f 1 -wi 3 -w 1s -i 3 -r 1s"): a row far below its neighbours is that.
  JMH_OPTS=${JMH_OPTS:-"-f 1 -wi 2 -w 1s -i 3 -r 1s"}
  export REF_WARMUP=${REF_WARMUP:-1} REF_ITERATIONS=${REF_ITERATIONS:-3} REF_SECONDS=${REF_SECONDS:-1.0}
  GEMM_SHAPES=${GEMM_SHAPES:-$(shapes GEMM)}
  CONV_SHAPES=${CONV_SHAPES:-$(shapes CONV_ORDER)}
  OPS_SHAPES=${OPS_SHAPES:-$(shapes ACTIVATION_ORDER)}
  ATTENTION_SHAPES=${ATTENTION_SHAPES:-$(shapes ATTENTION_ORDER)}
  INTERVENTION_SHAPES=${INTERVENTION_SHAPES:-$(shapes INTERVENTION_ORDER)}
  ITERATION_SHAPES=${ITERATION_SHAPES:-$(shapes ITERATION_ORDER)}
  GEMM_SMALL=${GEMM_SMALL:-1}
fi
# Nine small single-fork benchmarks (3 sizes x ours, EJML, oracle): shorter iterations suffice.
GEMM_SMALL_OPTS=${GEMM_SMALL_OPTS:-"-f 1 -wi 1 -w 1s -i 2 -r 1s"}
mkdir -p "$OUT"

[ -f "$JAR" ] || { echo "run.sh: $JAR not found; build it with ./mvnw -B -ntp -q -pl bench -am package -DskipTests" >&2; exit 2; }
[ -x "$FAIR" ] || { echo "run.sh: fair-reference not found at $FAIR (set FAIR=...)" >&2; exit 2; }
for s in $SUITES; do
  case $s in gemm|conv|ops|attention|intervention|iteration) ;;
    *) echo "run.sh: unknown suite '$s' in SUITES (known: gemm conv ops attention intervention iteration)" >&2; exit 2 ;;
  esac
done

# The JIT directives keep C1 off the GEMM micro-kernel (see the iern launcher): without them a
# fork can time the kernel in a tier without Vector API intrinsics, at a tenth of its speed.
# A command-line -jvmArgsAppend replaces the @Fork one, so this list must hold all a fork needs.
directives="-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=src/jit-directives.json"
jvm="--add-modules jdk.incubator.vector -Xms2g -Xmx2g -XX:+UseTransparentHugePages $directives"
# The whole iteration (ResNet-18 at 224, batch 8, 3 strata) needs more heap than one kernel.
jvm_iteration="--add-modules jdk.incubator.vector -Xms4g -Xmx4g -XX:+UseTransparentHugePages $directives"
# Other people may run JMH on this shared machine at the same time; do not wait for their lock.
host="-Djmh.ignoreLock=true"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- engine 2>/dev/null || echo ' (engine/ has uncommitted changes)')"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
  echo "java: $("$JAVA" -version 2>&1 | grep -m1 -i 'runtime environment' || "$JAVA" -version 2>&1 | head -1)"
  echo "python: $($PY -c 'import numpy, torch; print("numpy", numpy.__version__, "/ torch", torch.__version__)')"
  echo "run: QUICK=$QUICK THREADS=\"$THREADS\" SUITES=\"$SUITES\"; jmh $JMH_OPTS; references $REF_ITERATIONS x ${REF_SECONDS}s after $REF_WARMUP warm-up"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
echo "run.sh: results go to $OUT; progress below, the table at the end" >&2

step() { echo "== $(date -u +%H:%M:%S) $*" >&2; }
# A failed check or crash is written down and the run goes on; table.py lists the failures.
failed() { echo "run.sh: $*" | tee -a "$OUT/failures.txt" >&2; }

ours() { # ours THREADS SUITE BENCH-REGEX SHAPE [MORE JMH ARGUMENTS]
  # shellcheck disable=SC2086
  "$JAVA" $jvm $host -jar "$JAR" "$3" -p shape="$4" "${@:5}" $JMH_OPTS -jvmArgsAppend "$jvm -Diern.threads=$1" \
      -foe true -rf json -rff "$OUT/jmh-t$1-$2-$4.json" >> "$OUT/jmh-t$1.log" 2>&1 \
      || failed "$3 $4 ($1 threads) failed, see $OUT/jmh-t$1.log"
}

ref() { # ref THREADS COMMAND...
  local t=$1; shift
  "$FAIR" "$t" "$@" >> "$OUT/ref-t$t.jsonl" 2>> "$OUT/ref-t$t.log" \
      || failed "reference '$*' ($t threads) failed, see $OUT/ref-t$t.log"
}

has() { case " $SUITES " in *" $1 "*) return 0 ;; esac; return 1; }

for t in $THREADS; do
  if has gemm; then
    for s in $GEMM_SHAPES; do
      step "$t thread(s) gemm $s"
      # numpy times C = A B: the same layout of ours.
      ours "$t" gemm '^iern\.bench\.GemmBench\.' "$s" -p layout=nn
      ref "$t" $PY bench/torch/gemm_numpy.py "$s"
    done
    if [ "$GEMM_SMALL" = 1 ]; then
      step "$t thread(s) gemm-small (ours, EJML, the scalar oracle)"
      # shellcheck disable=SC2086
      "$JAVA" $jvm $host -jar "$JAR" '^iern\.bench\.GemmSmallBench\.' $GEMM_SMALL_OPTS -jvmArgsAppend "$jvm -Diern.threads=$t" \
          -foe true -rf json -rff "$OUT/jmh-t$t-gemm-small.json" >> "$OUT/jmh-t$t.log" 2>&1 \
          || failed "GemmSmallBench ($t threads) failed, see $OUT/jmh-t$t.log"
    fi
  fi
  if has conv; then
    for s in $CONV_SHAPES; do
      step "$t thread(s) conv $s"
      ours "$t" conv '^iern\.bench\.ConvBench\.' "$s"
      ref "$t" $PY bench/torch/conv_torch.py "$t" "$s"
    done
  fi
  for suite in ops attention intervention; do
    has $suite || continue
    case $suite in
      ops) bench=NormOptimBench; list=$OPS_SHAPES ;;
      attention) bench=AttentionBench; list=$ATTENTION_SHAPES ;;
      intervention) bench=InterventionBench; list=$INTERVENTION_SHAPES ;;
    esac
    first=1
    for s in $list; do
      step "$t thread(s) $suite $s"
      if [ $suite = ops ] && [ $first = 0 ]; then
        # The Adam update does not depend on the activation shape: time it with the first shape only.
        ours "$t" $suite "^iern\\.bench\\.$bench\\.(batchNorm|relu|maxPool)" "$s"
        ref "$t" $PY bench/torch/ops_torch.py "$t" $suite "$s" --no-adam
      else
        ours "$t" $suite "^iern\\.bench\\.$bench\\." "$s"
        ref "$t" $PY bench/torch/ops_torch.py "$t" $suite "$s"
      fi
      first=0
    done
  done
  if has iteration; then
    for s in $ITERATION_SHAPES; do
      size=$($PY -c "import sys; sys.path.insert(0, 'bench/torch'); import shapes; print(shapes.ITERATION['$s'])")
      if [ "$size" -ge 224 ]; then warm=2 iters=3; else warm=3 iters=5; fi
      [ "$QUICK" = 1 ] && warm=2 iters=3
      step "$t thread(s) iteration $s (ours: strata batched; reference: strata separate, the authors' way)"
      # shellcheck disable=SC2086
      "$JAVA" $jvm_iteration -Diern.threads="$t" -Diern.bench.jsonl="$OUT/ours-t$t.jsonl" \
          -cp "$JAR" iern.bench.IernIterationTiming "$s" "$iters" batched "$warm" >> "$OUT/iteration-t$t.log" 2>&1 \
          || failed "IernIterationTiming $s ($t threads) failed, see $OUT/iteration-t$t.log"
      case $s in r50*) backbone=resnet50 ;; *) backbone=resnet18 ;; esac
      "$FAIR" "$t" $PY bench/torch/iern_iteration.py --size "$size" --backbone "$backbone" --threads "$t" --warmup "$warm" --iters "$iters" \
          --strata separate --jsonl "$OUT/ref-t$t.jsonl" >> "$OUT/iteration-t$t.log" 2>&1 \
          || failed "iern_iteration.py $s ($t threads) failed, see $OUT/iteration-t$t.log"
    done
  fi
done
{
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "duration: $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
} >> "$OUT/machine.txt"
$PY bench/torch/table.py "$OUT" | tee "$OUT/table.txt"
echo "results in $OUT" >&2
