package iern.bench;

import iern.engine.Backend;
import iern.engine.Storage;
import iern.engine.cpu.CpuBackend;
import iern.engine.ops.Attention;
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
 * The CPU backend's scaled dot-product attention, forward ({@code P = softmax(QK^T / sqrt(d))},
 * {@code out = P V}) and backward (dQ, dK, dV from the kept P), on the shapes of
 * {@link BenchShapes#attention}: IERN's NWGM intervention at 224 and 64 px and an ordinary
 * 8-head self-attention over 7x7 positions. Setup checks both passes once against the double
 * oracle before anything is timed. Reference: {@code bench/torch/ops_torch.py} (bmm, softmax, bmm).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AttentionBench {

    @Param({"nwgm_7", "nwgm_2", "self_7x7_h8"})
    public String shape;

    private final Backend be = new CpuBackend();
    private BenchShapes.Attention s;
    private float scale;
    private Storage q, k, v, probs, out, dOut, dq, dk, dv;

    private Storage put(float[] a) {
        Storage st = be.allocate(a.length);
        be.write(st, 0, a, 0, a.length);
        return st;
    }

    private float[] get(Storage st) {
        float[] a = new float[(int) st.size()];
        be.read(st, 0, a, 0, a.length);
        return a;
    }

    @Setup
    public void setup() {
        s = BenchShapes.attention(shape);
        scale = (float) (1.0 / Math.sqrt(s.d()));
        float[] qs = Checks.random(s.b() * s.lq() * s.d(), 1);
        float[] ks = Checks.random(s.b() * s.lk() * s.d(), 2);
        float[] vs = Checks.random(s.b() * s.lk() * s.dv(), 3);
        float[] gs = Checks.random(s.b() * s.lq() * s.dv(), 4);
        q = put(qs);
        k = put(ks);
        v = put(vs);
        dOut = put(gs);
        probs = be.allocate((long) s.b() * s.lq() * s.lk());
        out = be.allocate(gs.length);
        dq = be.allocate(qs.length);
        dk = be.allocate(ks.length);
        dv = be.allocate(vs.length);
        forward();
        backward();

        float[] pRef = new float[(int) probs.size()], oRef = new float[gs.length];
        Attention.oracleForward(s.b(), s.lq(), s.lk(), s.d(), s.dv(), scale, qs, ks, vs, null, 0, pRef, oRef);
        float[] dqRef = new float[qs.length], dkRef = new float[ks.length], dvRef = new float[vs.length];
        Attention.oracleBackward(s.b(), s.lq(), s.lk(), s.d(), s.dv(), scale, qs, ks, vs, pRef, gs, dqRef, dkRef, dvRef);
        // Float sums of up to max(d, dv, lq) terms against the oracle's double ones.
        double abs = 2e-6 * Math.sqrt(Math.max(Math.max(s.d(), s.dv()), s.lq())) + 1e-6;
        Checks.expectClose("attention probs", pRef, get(probs), 1e-6, 1e-5);
        Checks.expectClose("attention out", oRef, get(out), abs, 1e-4);
        Checks.expectClose("attention dq", dqRef, get(dq), abs, 1e-3);
        Checks.expectClose("attention dk", dkRef, get(dk), abs, 1e-3);
        Checks.expectClose("attention dv", dvRef, get(dv), abs, 1e-4);
    }

    @Benchmark
    public Storage forward() {
        Attention.forward(be, s.b(), s.lq(), s.lk(), s.d(), s.dv(), scale, q, k, v, null, 0, probs, out);
        return out;
    }

    @Benchmark
    public Storage backward() {
        Attention.backward(be, s.b(), s.lq(), s.lk(), s.d(), s.dv(), scale, q, k, v, probs, dOut, dq, dk, dv);
        return dq;
    }

    @TearDown
    public void tearDown() {
        be.close();
    }
}
