package iern.bench.opencl;

import iern.engine.Backend;
import iern.engine.ConvShape;
import iern.engine.Storage;
import iern.engine.ops.Convolution;
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
 * conv2d forward, backward-data and backward-weight through the {@code Backend} interface,
 * OpenCL beside CPU, on IERN shapes at batch 8: the 3x3 512->512 head at 7x7 and the
 * discriminator's 4x4 stride-2 conv. ms per call; GFLOP/s = {@link ConvShape#flops()} / time.
 * {@code java -jar bench/target/benchmarks.jar 'opencl.OpenClConvBench'}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx3g",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class OpenClConvBench {

    @Param({"opencl", "cpu"})
    public String backend;

    /** N,Cin,H,W,Cout,K,stride,pad. */
    @Param({"8,512,7,7,512,3,1,1", "8,512,7,7,512,4,2,1"})
    public String shape;

    private BackendPair pair;
    private Backend be;
    private ConvShape s;
    private Storage x, w, bias, y, dy, dx, dw, db;

    @Setup(Level.Trial)
    public void setup() {
        pair = new BackendPair(backend);
        be = pair.timed;
        String[] p = shape.split(",");
        int[] v = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            v[i] = Integer.parseInt(p[i]);
        }
        s = ConvShape.of(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
        int xn = s.n() * s.cIn() * s.h() * s.w(), wn = s.cOut() * s.cIn() * s.kh() * s.kw();
        int yn = s.n() * s.cOut() * s.outH() * s.outW();
        float[] xh = BackendPair.random(xn, 3), wh = BackendPair.random(wn, 4), bh = BackendPair.random(s.cOut(), 5);
        float[] dyh = BackendPair.random(yn, 6);
        x = pair.upload(be, xh);
        w = pair.upload(be, wh);
        bias = pair.upload(be, bh);
        dy = pair.upload(be, dyh);
        y = be.allocate(yn);
        dx = be.allocate(xn);
        dw = be.allocate(wn);
        db = be.allocate(s.cOut());
        forward();
        backwardData();
        backwardWeight();
        Backend ref = pair.reference;
        try (Storage rx = pair.upload(ref, xh); Storage rw = pair.upload(ref, wh); Storage rb = pair.upload(ref, bh);
             Storage rdy = pair.upload(ref, dyh); Storage ry = ref.allocate(yn); Storage rdx = ref.allocate(xn);
             Storage rdw = ref.allocate(wn); Storage rdb = ref.allocate(s.cOut())) {
            Convolution.forward(ref, s, rx, rw, rb, ry);
            Convolution.backwardData(ref, s, rdy, rw, rdx);
            Convolution.backwardWeight(ref, s, rx, rdy, rdw, rdb);
            BackendPair.check("conv forward", BackendPair.download(ref, ry), BackendPair.download(be, y), 1e-3, 1e-4);
            BackendPair.check("conv backward data", BackendPair.download(ref, rdx), BackendPair.download(be, dx), 1e-3, 1e-4);
            BackendPair.check("conv backward weight", BackendPair.download(ref, rdw), BackendPair.download(be, dw), 1e-3, 1e-4);
            BackendPair.check("conv backward bias", BackendPair.download(ref, rdb), BackendPair.download(be, db), 1e-3, 1e-4);
        }
    }

    @Benchmark
    public void forward() {
        Convolution.forward(be, s, x, w, bias, y);
        be.synchronize();
    }

    @Benchmark
    public void backwardData() {
        Convolution.backwardData(be, s, dy, w, dx);
        be.synchronize();
    }

    @Benchmark
    public void backwardWeight() {
        Convolution.backwardWeight(be, s, x, dy, dw, db);
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pair.close();
    }
}
