package iern.bench;

import iern.engine.cpu.Sgemm;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * SGEMM C = A B (row-major, dense) on square sizes and the GEMMs behind IERN's convolutions
 * (3x3 512->512 and 1024->512 forward, backward-data, backward-weight; the discriminator's
 * 4x4 conv). Throughput in calls per second; GFLOP/s = 2 m n k * ops/s.
 * Threads: {@code -jvmArgsAppend -Diern.threads=N}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmBench {

    @Param({"512x512x512", "1024x1024x1024", "2048x2048x2048", "512x392x4608", "512x392x9216",
            "4608x392x512", "512x4608x392", "512x72x8192"})
    public String shape;

    /**
     * "nn": C = A B; "tn": C = A^T B with A stored k x m (a convolution's backward-data product);
     * "nt": C = A B^T with B stored n x k (its backward-weight product).
     */
    @Param({"nn"})
    public String layout;

    private int m, n, k;
    private float[] a, b, c;

    @Setup
    public void setup() {
        int[] s = BenchShapes.gemm(shape);
        m = s[0];
        n = s[1];
        k = s[2];
        a = Checks.random(m * k, 1);
        b = Checks.random(k * n, 2);
        c = new float[m * n];
        sgemm();
        Checks.gemm(m, n, k, transA() ? transpose(a, k, m) : a, transB() ? transpose(b, n, k) : b, c);
    }

    @Benchmark
    public float[] sgemm() {
        Sgemm.sgemm(transA(), transB(), m, n, k, 1f, a, 0, transA() ? m : k, b, 0, transB() ? k : n, 0f, c, 0, n);
        return c;
    }

    private boolean transA() {
        return layout.equals("tn");
    }

    private boolean transB() {
        return layout.equals("nt");
    }

    private static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }
}
