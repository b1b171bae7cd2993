package iern.bench.model;

import iern.engine.Grad;
import iern.engine.Seed;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.model.IernNetwork;
import iern.model.IernStep;
import iern.model.ModelConfig;
import iern.model.StepLosses;
import iern.model.TrainConfig;
import iern.model.TrainingStep;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole IERN training iteration (DESIGN.md's three steps: features, discriminator step,
 * feature step, classification step through the K strata) on the CPU backend, batch 8,
 * 6 emotions, 3 confounders; the same work as {@code bench/torch/iern_iteration.py}.
 *
 * <ul>
 *   <li>{@code r18_224}: ResNet-18, 512 features, 224 px (7x7 features): issue 3's comparison;</li>
 *   <li>{@code r18_64}: ResNet-18, 512 features, 64 px (2x2 features);</li>
 *   <li>{@code cpu_default}: what {@code iern train} runs by default (quarter-width ResNet-18,
 *       64 features, 64 px, batch 16).</li>
 * </ul>
 * {@code strata}: {@code batched} stacks the K strata on the batch axis in one pass (batch norm
 * per stratum); {@code separate} runs them one by one as the authors do. Setup first checks that
 * both give the same interventional logits, and that an iteration's losses are finite.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar IernStepBench
 * -p config=r18_64 -prof gc} (images per second = ops/s times the batch).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class IernStepBench {

    @Param({"r18_64", "r18_224", "cpu_default"})
    public String config;

    @Param({"batched", "separate"})
    public String strata;

    private TrainingStep step;
    private Tensor x;
    private int[] emotions;
    private int[] confounders;

    static ModelConfig model(String name) {
        return switch (name) {
            case "r18_224" -> new ModelConfig(iern.model.Method.IERN, "resnet18", 1.0, 512, 224, ModelConfig.MIX_EMOTIONS,
                    ModelConfig.MIX_SOURCES, 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 64);
            case "r18_64" -> new ModelConfig(iern.model.Method.IERN, "resnet18", 1.0, 512, 64, ModelConfig.MIX_EMOTIONS,
                    ModelConfig.MIX_SOURCES, 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 64);
            case "cpu_default" -> new ModelConfig(iern.model.Method.IERN, "resnet18", 0.25, 64, 64, ModelConfig.MIX_EMOTIONS,
                    ModelConfig.MIX_SOURCES, 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 64);
            default -> throw new IllegalArgumentException("unknown config " + name);
        };
    }

    @Setup(Level.Trial)
    public void setup() {
        ModelConfig cfg = model(config);
        int batch = config.equals("cpu_default") ? 16 : 8;
        TrainConfig train = new TrainConfig(0, 1, 0, batch, 2e-4, 1e-4, 0.5, 0.999, 5e-4, 1, "none");
        IernNetwork net = new IernNetwork(cfg, 1);
        checkStrataAgree(net, cfg);
        step = new IernStep(net, train, strata.equals("batched"));
        step.startEpoch(0, train);
        x = Tensor.randn(Seed.of(2), batch, 3, cfg.imageSize(), cfg.imageSize());
        emotions = new int[batch];
        confounders = new int[batch];
        for (int i = 0; i < batch; i++) {
            emotions[i] = i % cfg.numEmotions();
            confounders[i] = i % cfg.numConfounders();
        }
        StepLosses l = step.step(x, emotions, confounders);
        if (l.firstNonFinite(false, false) != null) {
            throw new IllegalStateException("IERN iteration gave a non-finite loss: " + l);
        }
    }

    /** The batched strata pass must be the authors' K passes (eval mode, so statistics are fixed). */
    private static void checkStrataAgree(IernNetwork net, ModelConfig cfg) {
        net.eval();
        try (var s = TensorScope.open(); var g = Grad.off()) {
            Tensor e = Tensor.randn(Seed.of(5), 2, cfg.featChannels(), cfg.featSize(), cfg.featSize());
            float[] a = net.intervene(e).toArray();
            float[] b = net.interveneSeparately(e).toArray();
            for (int i = 0; i < a.length; i++) {
                if (Math.abs(a[i] - b[i]) > 1e-4 + 1e-3 * Math.abs(b[i])) {
                    throw new IllegalStateException("batched strata logit " + i + ": " + a[i] + " vs separate " + b[i]);
                }
            }
        }
        net.train();
    }

    @Benchmark
    public double iteration() {
        return step.step(x, emotions, confounders).cls();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
        x.close();
    }
}
