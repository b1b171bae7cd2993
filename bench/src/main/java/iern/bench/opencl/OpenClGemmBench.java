package iern.bench.opencl;

import iern.engine.Backend;
import iern.engine.Storage;
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
 * SGEMM C = A B through the {@code Backend} interface, OpenCL beside CPU; each call ends with
 * {@code synchronize()} so device time is measured. ms per call; GFLOP/s = 2 m n k / time.
 * Shapes: a square one and IERN's 3x3 512->512 conv as im2col GEMM (m 512, n 8*49, k 4608).
 * {@code java -jar bench/target/benchmarks.jar 'opencl.OpenClGemmBench'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx3g",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class OpenClGemmBench {

    /** {@code cpu}, {@code opencl} or {@code opencl:p:d}. */
    @Param({"opencl", "cpu"})
    public String backend;

    @Param({"512x512x512", "512x392x4608"})
    public String shape;

    private BackendPair pair;
    private Backend be;
    private int m, n, k;
    private Storage a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        pair = new BackendPair(backend);
        be = pair.timed;
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        float[] ah = BackendPair.random(m * k, 1), bh = BackendPair.random(k * n, 2);
        a = pair.upload(be, ah);
        b = pair.upload(be, bh);
        c = be.allocate((long) m * n);
        gemm();
        Backend ref = pair.reference;
        try (Storage ra = pair.upload(ref, ah); Storage rb = pair.upload(ref, bh); Storage rc = ref.allocate((long) m * n)) {
            ref.gemm(false, false, 1, m, n, k, 1f, ra, 0, 0, k, rb, 0, 0, n, 0f, rc, 0, 0, n);
            BackendPair.check("gemm " + shape, BackendPair.download(ref, rc), BackendPair.download(be, c), 1e-4, 1e-4);
        }
    }

    @Benchmark
    public void gemm() {
        be.gemm(false, false, 1, m, n, k, 1f, a, 0, 0, k, b, 0, 0, n, 0f, c, 0, 0, n);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pair.close();
    }
}
