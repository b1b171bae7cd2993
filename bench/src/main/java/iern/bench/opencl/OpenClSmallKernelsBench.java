package iern.bench.opencl;

import iern.engine.Backend;
import iern.engine.Storage;
import iern.engine.ops.Attention;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.Intervention;
import iern.engine.ops.OptimizerSteps;
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
 * The memory-bound kernels of an IERN step on its feature shapes (batch 8, 512 x 7 x 7),
 * OpenCL beside CPU: grouped batch norm forward and backward (K = 3 strata), the fused Adam
 * update over a ResNet-18-sized 11.7 M parameters, a row softmax, attention over the
 * strata and the intervention. Each call ends with {@code synchronize()}. us per call.
 * {@code java -jar bench/target/benchmarks.jar 'opencl.OpenClSmallKernelsBench'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx3g",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class OpenClSmallKernelsBench {

    @Param({"opencl", "cpu"})
    public String backend;

    static final int GROUPS = 3, N = 8, C = 512, HW = 49;
    static final int PARAMS = 11_700_000;
    static final int ROWS = 8 * 49, COLS = 512;

    private BackendPair pair;
    private Backend be;
    private Storage bnX, bnGamma, bnBeta, bnY, bnMean, bnVar, bnDy, bnDx, bnDGamma, bnDBeta;
    private Storage p, g, m, v;
    private Storage sx, sy;
    private Storage q, k, vv, probs, out;
    private Storage w, z, io;

    @Setup(Level.Trial)
    public void setup() {
        pair = new BackendPair(backend);
        be = pair.timed;
        int bn = GROUPS * N * C * HW;
        float[] xh = BackendPair.random(bn, 1), gh = BackendPair.random(C, 2), bh = BackendPair.random(C, 3);
        float[] dyh = BackendPair.random(bn, 4);
        bnX = pair.upload(be, xh);
        bnGamma = pair.upload(be, gh);
        bnBeta = pair.upload(be, bh);
        bnDy = pair.upload(be, dyh);
        bnY = be.allocate(bn);
        bnDx = be.allocate(bn);
        bnMean = be.allocate(GROUPS * C);
        bnVar = be.allocate(GROUPS * C);
        bnDGamma = be.allocate(C);
        bnDBeta = be.allocate(C);
        p = pair.upload(be, BackendPair.random(PARAMS, 5));
        g = pair.upload(be, BackendPair.random(PARAMS, 6));
        m = be.allocate(PARAMS);
        v = be.allocate(PARAMS);
        sx = pair.upload(be, BackendPair.random(ROWS * COLS, 7));
        sy = be.allocate(ROWS * COLS);
        // Attention of 8 queries (one per item) over the K = 3 strata of 512 x 49 features.
        int d = C * HW;
        q = pair.upload(be, BackendPair.random(N * d, 8));
        k = pair.upload(be, BackendPair.random(N * GROUPS * d, 9));
        vv = pair.upload(be, BackendPair.random(N * GROUPS * d, 10));
        probs = be.allocate(N * GROUPS);
        out = be.allocate(N * d);
        w = pair.upload(be, new float[] {1f / 3, 1f / 3, 1f / 3});
        z = pair.upload(be, BackendPair.random(GROUPS * d, 11));
        io = be.allocate(N * d);
        batchNormForward();
        batchNormBackward();
        checkBatchNorm(xh, gh, bh, dyh);
    }

    private void checkBatchNorm(float[] xh, float[] gh, float[] bh, float[] dyh) {
        Backend ref = pair.reference;
        int bn = GROUPS * N * C * HW;
        try (Storage x = pair.upload(ref, xh); Storage ga = pair.upload(ref, gh); Storage be2 = pair.upload(ref, bh);
             Storage dy = pair.upload(ref, dyh); Storage y = ref.allocate(bn); Storage mean = ref.allocate(GROUPS * C);
             Storage var = ref.allocate(GROUPS * C); Storage dx = ref.allocate(bn); Storage dg = ref.allocate(C);
             Storage db = ref.allocate(C)) {
            BatchNorm.trainForward(ref, GROUPS, N, C, HW, 1e-5f, x, ga, be2, y, mean, var);
            BatchNorm.trainBackward(ref, GROUPS, N, C, HW, 1e-5f, x, ga, mean, var, dy, dx, dg, db);
            BackendPair.check("batch norm y", BackendPair.download(ref, y), BackendPair.download(be, bnY), 1e-4, 1e-4);
            BackendPair.check("batch norm dx", BackendPair.download(ref, dx), BackendPair.download(be, bnDx), 1e-4, 1e-3);
        }
    }

    @Benchmark
    public void batchNormForward() {
        BatchNorm.trainForward(be, GROUPS, N, C, HW, 1e-5f, bnX, bnGamma, bnBeta, bnY, bnMean, bnVar);
        be.synchronize();
    }

    @Benchmark
    public void batchNormBackward() {
        BatchNorm.trainBackward(be, GROUPS, N, C, HW, 1e-5f, bnX, bnGamma, bnMean, bnVar, bnDy, bnDx, bnDGamma, bnDBeta);
        be.synchronize();
    }

    @Benchmark
    public void adamStep() {
        OptimizerSteps.adam(be, p, g, m, v, PARAMS, 1e-9f, 0.5f, 0.999f, 1e-8f, 0f, 1f, 1);
        be.synchronize();
    }

    @Benchmark
    public void softmaxRows() {
        be.softmax(sx, sy, ROWS, COLS, 1, false);
        be.synchronize();
    }

    @Benchmark
    public void attentionOverStrata() {
        int d = C * HW;
        Attention.forward(be, N, 1, GROUPS, d, d, (float) (1 / Math.sqrt(d)), q, k, vv, null, 0, probs, out);
        be.synchronize();
    }

    @Benchmark
    public void interventionUniform() {
        Intervention.forward(be, N, GROUPS, C * HW, w, 0, z, 0, io);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pair.close();
    }
}
