package iern.bench;

import iern.engine.ConvShape;
import iern.engine.cpu.CpuConv2d;
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
 * conv2d on the IERN and ResNet-18 shapes ({@link BenchShapes}): forward, and forward plus
 * both backward passes (dX, dW, dBias) as one training step does them. FLOPs per op: the
 * forward's 2 N Cout OH OW Cin KH KW, three times that for forward+backward.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBench {

    @Param({"iern_3x3_512_512", "iern_3x3_1024_512", "dis_4x4s2_512_512", "dis_1x1_512_256",
            "base_1x1_512_512", "r18_stem_7x7s2", "r18_l1_3x3_64", "r18_l2_3x3_128",
            "r18_l3_3x3_256", "r18_l4_3x3_512", "dis_1x1_256_128", "dis_1x1_128_64", "r18_l2_down_3x3s2"})
    public String shape;

    private ConvShape s;
    private float[] x, w, bias, y, dy, dx, dw, dBias;

    @Setup
    public void setup() {
        s = BenchShapes.conv(shape);
        x = Checks.random(s.n() * s.cIn() * s.h() * s.w(), 1);
        w = Checks.random(s.cOut() * s.cIn() * s.kh() * s.kw(), 2);
        bias = Checks.random(s.cOut(), 3);
        y = new float[s.n() * s.cOut() * s.outH() * s.outW()];
        dy = Checks.random(y.length, 4);
        dx = new float[x.length];
        dw = new float[w.length];
        dBias = new float[s.cOut()];
        forwardBackward();
        Checks.convForward(s, x, w, bias, y);
        Checks.convBackwardData(s, dy, w, dx);
        Checks.convBackwardWeight(s, x, dy, dw, dBias);
    }

    @Benchmark
    public float[] forward() {
        CpuConv2d.forward(s, x, w, bias, y);
        return y;
    }

    @Benchmark
    public float[] forwardBackward() {
        CpuConv2d.forward(s, x, w, bias, y);
        CpuConv2d.backwardData(s, dy, w, dx);
        CpuConv2d.backwardWeight(s, x, dy, dw, dBias);
        return dw;
    }
}
