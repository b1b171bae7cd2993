package iern.bench;

import iern.engine.cpu.Sgemm;
import iern.engine.oracle.GemmConvOracle;
import java.util.concurrent.TimeUnit;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
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

/** Square SGEMM, ours against EJML (pure-Java BLAS-like) and the naive double oracle. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
public class GemmSmallBench {

    @Param({"64", "128", "256"})
    public int size;

    private float[] a, b, c;
    private FMatrixRMaj ea, eb, ec;

    @Setup
    public void setup() {
        a = Checks.random(size * size, 1);
        b = Checks.random(size * size, 2);
        c = new float[size * size];
        ea = FMatrixRMaj.wrap(size, size, a);
        eb = FMatrixRMaj.wrap(size, size, b);
        ec = new FMatrixRMaj(size, size);
        iern();
        ejml();
        float[] expected = new float[size * size];
        GemmConvOracle.gemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, expected, 0, size);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-4 * Math.sqrt(size) + 1e-4 * Math.abs(expected[i]);
            if (Math.abs(c[i] - expected[i]) > tol || Math.abs(ec.data[i] - expected[i]) > tol) {
                throw new IllegalStateException("check failed at " + i + ": oracle " + expected[i]
                        + " iern " + c[i] + " ejml " + ec.data[i]);
            }
        }
    }

    @Benchmark
    public float[] iern() {
        Sgemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        CommonOps_FDRM.mult(ea, eb, ec);
        return ec;
    }

    @Benchmark
    public float[] oracle() {
        GemmConvOracle.gemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        return c;
    }
}
