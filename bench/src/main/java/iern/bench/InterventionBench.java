package iern.bench;

import iern.engine.Backend;
import iern.engine.Storage;
import iern.engine.cpu.CpuBackend;
import iern.engine.ops.Intervention;
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
 * The CPU backend's confounder-weighted intervention {@code out[i] = sum_j w[i, j] z_i[j]},
 * forward and backward (dw and dz, the shared tensor's gradient summed over items), on the
 * shapes of {@link BenchShapes#intervention}: IERN's uniform mix of the K strata's logits, the
 * attention form's mix of the confounder memory at 224 and 64 px, and a larger per-item case.
 * Setup checks both passes once against the double oracle before anything is timed.
 * Reference: {@code bench/torch/ops_torch.py} (mm / bmm).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class InterventionBench {

    @Param({"logits_k3", "nwgm_7", "nwgm_2", "per_item_16x8_7"})
    public String shape;

    private final Backend be = new CpuBackend();
    private BenchShapes.Intervention s;
    private Storage w, z, out, dOut, dw, dz;

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
        s = BenchShapes.intervention(shape);
        float[] ws = Checks.random(s.weightsSize(), 1);
        float[] zs = Checks.random(s.strataSize(), 2);
        float[] gs = Checks.random(s.n() * s.d(), 3);
        w = put(ws);
        z = put(zs);
        dOut = put(gs);
        out = be.allocate(gs.length);
        dw = be.allocate(ws.length);
        dz = be.allocate(zs.length);
        forward();
        backward();

        float[] oRef = new float[gs.length], dwRef = new float[ws.length], dzRef = new float[zs.length];
        Intervention.oracleForward(s.n(), s.k(), s.d(), ws, s.weightsStride(), zs, s.strataStride(), oRef);
        Intervention.oracleBackward(s.n(), s.k(), s.d(), ws, s.weightsStride(), zs, s.strataStride(), gs, dwRef, dzRef);
        // dw sums d products, a shared dz sums n; out sums only k.
        Checks.expectClose("intervention out", oRef, get(out), 1e-6, 1e-5);
        Checks.expectClose("intervention dw", dwRef, get(dw), 2e-6 * Math.sqrt(s.d()), 1e-4);
        Checks.expectClose("intervention dz", dzRef, get(dz), 2e-6 * Math.sqrt(s.n()), 1e-5);
    }

    @Benchmark
    public Storage forward() {
        Intervention.forward(be, s.n(), s.k(), s.d(), w, s.weightsStride(), z, s.strataStride(), out);
        return out;
    }

    @Benchmark
    public Storage backward() {
        Intervention.backward(be, s.n(), s.k(), s.d(), w, s.weightsStride(), z, s.strataStride(), dOut, dw, dz);
        return dz;
    }

    @TearDown
    public void tearDown() {
        be.close();
    }
}
