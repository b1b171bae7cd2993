package iern.bench;

import iern.engine.Backend;
import iern.engine.PoolShape;
import iern.engine.Storage;
import iern.engine.cpu.CpuBackend;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.OptimizerSteps;
import iern.engine.ops.Pooling;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The memory-bound kernels of an IERN iteration on the CPU backend, on the shapes it runs them:
 * batch norm forward and backward (training statistics), ReLU backward, 3x3/2 max pooling, and one
 * Adam update of a 3x3 512->512 conv weight (2.4M parameters; an iteration updates about 70M).
 * Setup checks each result once against the double oracle before anything is timed.
 *
 * <ul>
 *   <li>{@code r18_stem}: [8, 64, 112, 112], ResNet-18's first batch norm and the max pool input;</li>
 *   <li>{@code r18_l1}: [8, 64, 56, 56], layer 1;</li>
 *   <li>{@code iern_7}: [24, 512, 7, 7], the heads at 224 px with the 3 strata batched.</li>
 * </ul>
 * Bytes moved per op divided by the time gives the memory bandwidth reached.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NormOptimBench {

    @Param({"r18_stem", "r18_l1", "iern_7"})
    public String shape;

    private final Backend be = new CpuBackend();
    private int n, c, hw, h;
    private Storage x, gamma, beta, y, mean, var, dy, dx, dGamma, dBeta;
    private Storage pooled, argmax;
    private PoolShape pool;
    private Storage p, g, m, v;
    private int adamN;
    private int adamStep;

    private Storage put(float[] a) {
        Storage s = be.allocate(a.length);
        be.write(s, 0, a, 0, a.length);
        return s;
    }

    private float[] get(Storage s) {
        float[] a = new float[(int) s.size()];
        be.read(s, 0, a, 0, a.length);
        return a;
    }

    @Setup
    public void setup() {
        BenchShapes.Activation a = BenchShapes.activation(shape);
        n = a.n();
        c = a.c();
        h = a.size();
        hw = h * h;
        int total = n * c * hw;
        float[] xs = Checks.random(total, 1), gs = Checks.random(c, 2), bs = Checks.random(c, 3);
        float[] dys = Checks.random(total, 4);
        x = put(xs);
        gamma = put(gs);
        beta = put(bs);
        dy = put(dys);
        y = be.allocate(total);
        dx = be.allocate(total);
        mean = be.allocate(c);
        var = be.allocate(c);
        dGamma = be.allocate(c);
        dBeta = be.allocate(c);
        pool = PoolShape.of(n, c, h, h, 3, 2, 1);
        pooled = be.allocate((long) n * c * pool.outH() * pool.outW());
        argmax = be.allocate(pooled.size());
        adamN = 512 * 512 * 9;
        p = put(Checks.random(adamN, 5));
        g = put(Checks.random(adamN, 6));
        m = be.allocate(adamN);
        v = be.allocate(adamN);
        check(xs, gs, bs, dys);
    }

    private void check(float[] xs, float[] gs, float[] bs, float[] dys) {
        int total = xs.length;
        batchNormForward();
        batchNormBackward();
        float[] yRef = new float[total], meanRef = new float[c], varRef = new float[c];
        BatchNorm.oracleTrainForward(1, n, c, hw, 1e-5f, xs, gs, bs, yRef, meanRef, varRef);
        float[] dxRef = new float[total], dgRef = new float[c], dbRef = new float[c];
        BatchNorm.oracleTrainBackward(1, n, c, hw, 1e-5f, xs, gs, meanRef, varRef, dys, dxRef, dgRef, dbRef);
        Checks.expectClose("batch norm y", yRef, get(y), 1e-5, 1e-5);
        Checks.expectClose("batch norm dx", dxRef, get(dx), 1e-5, 1e-4);
        Checks.expectClose("batch norm dGamma", dgRef, get(dGamma), 1e-4, 1e-4);
        maxPool();
        float[] pRef = new float[(int) pooled.size()], aRef = new float[pRef.length];
        Pooling.oracleMaxForward(pool, xs, pRef, aRef);
        Checks.expectClose("max pool", pRef, get(pooled), 0, 0);
        float[] p0 = get(p), g0 = get(g), m0 = new float[adamN], v0 = new float[adamN];
        adam();
        OptimizerSteps.oracleAdam(p0, g0, m0, v0, adamN, 2e-4f, 0.5f, 0.999f, 1e-8f, 0f, 1f, 1);
        Checks.expectClose("adam p", p0, get(p), 1e-6, 1e-5);
    }

    @Benchmark
    public Storage batchNormForward() {
        BatchNorm.trainForward(be, 1, n, c, hw, 1e-5f, x, gamma, beta, y, mean, var);
        return y;
    }

    @Benchmark
    public Storage batchNormBackward() {
        BatchNorm.trainBackward(be, 1, n, c, hw, 1e-5f, x, gamma, mean, var, dy, dx, dGamma, dBeta);
        return dx;
    }

    @Benchmark
    public Storage reluBackward() {
        // ReLU's derivative reads x only; y is passed because every backend requires it.
        be.unaryBackward(Backend.Unary.RELU, x, y, dy, dx, (long) n * c * hw, 0f, 0f, false);
        return dx;
    }

    @Benchmark
    public Storage maxPool() {
        Pooling.maxForward(be, pool, x, pooled, argmax);
        return pooled;
    }

    /** Step 1 each time, so repeated updates stay comparable (the cost does not depend on the step). */
    @Benchmark
    public Storage adam() {
        OptimizerSteps.adam(be, p, g, m, v, adamN, 2e-4f, 0.5f, 0.999f, 1e-8f, 0f, 1f, 1);
        return p;
    }

    @TearDown
    public void tearDown() {
        be.close();
    }
}
