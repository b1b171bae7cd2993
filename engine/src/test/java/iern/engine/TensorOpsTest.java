package iern.engine;

import static iern.engine.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Unary;
import iern.engine.ops.Convolution;
import iern.engine.ops.Pooling;
import iern.engine.oracle.GemmConvOracle;
import iern.engine.oracle.Oracle;
import iern.engine.testing.GradCheck;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every Tensor op: forward against the oracle (or a direct formula), gradient against finite differences. */
class TensorOpsTest {

    private static Tensor param(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(Seed.of(seed), shape).mul(hi - lo).add(lo).detach().requiresGrad(true);
    }

    /** Values in [lo, hi) but at least {@code gap} away from 0 (kinks of relu, abs, ...). */
    private static Tensor awayFromZero(long seed, float gap, int... shape) {
        float[] v = Tensor.rand(Seed.of(seed), shape).mul(2f).sub(1f).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] >= 0 ? v[i] + gap : v[i] - gap;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    /** Distinct values 0.05 apart in a shuffled order: finite differences never cross a tie of max/min. */
    private static Tensor spread(long seed, int... shape) {
        int n = (int) Tensor.numelOf(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2) * 0.05f;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (RandomBits.uniform(seed, i) * (i + 1));
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.of(v, shape).requiresGrad(true);
    }

    private static void grad(String what, Function<List<Tensor>, Tensor> f, Tensor... in) {
        GradCheck.check(what, f, List.of(in), 1e-2, 2e-3, 2e-2);
    }

    // ---------------------------------------------------------------- elementwise

    @Test
    void unaryOpsForwardAndGradient() {
        record Case(String name, Unary op, float a, float b, Function<Tensor, Tensor> f, boolean positive) {}
        List<Case> cases = List.of(
                new Case("neg", Unary.NEG, 0, 0, Tensor::neg, false),
                new Case("exp", Unary.EXP, 0, 0, Tensor::exp, false),
                new Case("log", Unary.LOG, 0, 0, Tensor::log, true),
                new Case("sqrt", Unary.SQRT, 0, 0, Tensor::sqrt, true),
                new Case("rsqrt", Unary.RSQRT, 0, 0, Tensor::rsqrt, true),
                new Case("square", Unary.SQUARE, 0, 0, Tensor::square, false),
                new Case("abs", Unary.ABS, 0, 0, Tensor::abs, false),
                new Case("reciprocal", Unary.RECIPROCAL, 0, 0, Tensor::reciprocal, true),
                new Case("relu", Unary.RELU, 0, 0, Tensor::relu, false),
                new Case("leakyRelu", Unary.LEAKY_RELU, 0.01f, 0, t -> t.leakyRelu(0.01f), false),
                new Case("sigmoid", Unary.SIGMOID, 0, 0, Tensor::sigmoid, false),
                new Case("tanh", Unary.TANH, 0, 0, Tensor::tanh, false),
                new Case("pow", Unary.POW_SCALAR, 2.5f, 0, t -> t.pow(2.5f), true),
                new Case("clamp", Unary.CLAMP, -0.4f, 0.6f, t -> t.clamp(-0.4f, 0.6f), false),
                new Case("add", Unary.ADD_SCALAR, 0.7f, 0, t -> t.add(0.7f), false),
                new Case("sub", Unary.ADD_SCALAR, -0.7f, 0, t -> t.sub(0.7f), false),
                new Case("mul", Unary.MUL_SCALAR, -1.3f, 0, t -> t.mul(-1.3f), false),
                new Case("div", Unary.MUL_SCALAR, 1f / 3, 0, t -> t.div(3f), false));
        for (Case c : cases) {
            Tensor x = c.positive ? param(c.name.length(), 0.5f, 2f, 3, 7) : awayFromZero(c.name.length(), 0.05f, 3, 7);
            if (c.op == Unary.CLAMP) {
                float[] v = x.toArray();
                for (int i = 0; i < v.length; i++) {
                    if (Math.abs(v[i] + 0.4f) < 0.03f || Math.abs(v[i] - 0.6f) < 0.03f) {
                        v[i] += 0.07f;
                    }
                }
                x.write(v);
            }
            float[] expected = new float[21];
            Oracle.unary(c.op, x.toArray(), 0, expected, 0, 21, c.a, c.b);
            assertClose(c.name + " forward", expected, c.f.apply(x).toArray(), 1e-6, 1e-5);
            grad(c.name, in -> c.f.apply(in.get(0)), x);
        }
    }

    @Test
    void binaryOpsBroadcastForwardAndGradient() {
        record Case(String name, Binary op, java.util.function.BinaryOperator<Tensor> f) {}
        List<Case> cases = List.of(
                new Case("add", Binary.ADD, Tensor::add), new Case("sub", Binary.SUB, Tensor::sub),
                new Case("mul", Binary.MUL, Tensor::mul), new Case("div", Binary.DIV, Tensor::div),
                new Case("pow", Binary.POW, Tensor::pow), new Case("maximum", Binary.MAX, Tensor::maximum),
                new Case("minimum", Binary.MIN, Tensor::minimum));
        int[][][] shapes = {{{3, 1, 7}, {5, 1}}, {{13}, {1}}, {{1}, {2, 3}}, {{2, 3}, {2, 3}}};
        for (Case c : cases) {
            for (int[][] s : shapes) {
                boolean positive = c.op == Binary.POW || c.op == Binary.DIV;
                Tensor a = positive ? param(1, 0.5f, 2f, s[0]) : param(1, -1f, 1f, s[0]);
                Tensor b = positive ? param(2, 0.5f, 2f, s[1]) : param(2, -1f, 1f, s[1]);
                if (c.op == Binary.MAX || c.op == Binary.MIN) {
                    // a in [-1, -0.1) or [1.1, 2), b in [0.2, 0.8): |a - b| stays well above the step
                    a = param(1, -1f, -0.1f, s[0]);
                    b = param(2, 0.2f, 0.8f, s[1]);
                    float[] av = a.toArray();
                    for (int i = 0; i < av.length; i += 2) {
                        av[i] += 2.1f;
                    }
                    a.write(av);
                }
                Tensor out = c.f.apply(a, b);
                int[] shape = out.shape();
                float[] expected = new float[(int) out.numel()];
                Oracle.binary(c.op, a.toArray(), 0, Elementwise.broadcastStrides(s[0], shape), b.toArray(), 0,
                        Elementwise.broadcastStrides(s[1], shape), expected, 0, shape);
                String what = c.name + " " + java.util.Arrays.toString(s[0]) + " " + java.util.Arrays.toString(s[1]);
                assertClose(what, expected, out.toArray(), 1e-6, 1e-5);
                grad(what, in -> c.f.apply(in.get(0), in.get(1)), a, b);
            }
        }
    }

    @Test
    void maximumSplitsGradientOnTies() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {1, 5, 0}).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertArrayEquals(new float[] {0.5f, 0, 1}, a.grad().toArray());
        assertArrayEquals(new float[] {0.5f, 1, 0}, b.grad().toArray());
    }

    @Test
    void comparisonsGiveZeroOrOne() {
        Tensor a = Tensor.of(new float[] {1, 2, 3});
        Tensor b = Tensor.of(new float[] {2});
        assertArrayEquals(new float[] {0, 1, 0}, a.eq(b).toArray());
        assertArrayEquals(new float[] {0, 0, 1}, a.gt(b).toArray());
        assertArrayEquals(new float[] {0, 1, 1}, a.ge(b).toArray());
    }

    // ---------------------------------------------------------------- reductions

    @Test
    void sumAndMeanOverAxes() {
        Tensor x = param(3, -1, 1, 3, 5, 7);
        float[] v = x.toArray();
        float[] s1 = new float[3 * 7];
        Oracle.reduce(Backend.Reduce.SUM, v, 0, s1, 0, 3, 5, 7);
        assertClose("sum(1)", s1, x.sum(1, false).toArray(), 1e-6, 1e-5);
        assertArrayEquals(new int[] {3, 1, 7}, x.sum(1, true).shape());
        assertArrayEquals(new int[] {5}, x.sum(new int[] {0, -1}, false).shape());
        double total = 0;
        for (float f : v) {
            total += f;
        }
        assertEquals(total, x.sum().item(), 1e-4);
        assertEquals(total / v.length, x.mean().item(), 1e-6);
        assertEquals(0, x.sum().rank());
        float[] m02 = new float[5];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                for (int k = 0; k < 7; k++) {
                    m02[j] += v[(i * 5 + j) * 7 + k] / 21f;
                }
            }
        }
        assertClose("mean(0, 2)", m02, x.mean(new int[] {0, 2}, false).toArray(), 1e-6, 1e-5);
        grad("sum", in -> in.get(0).sum(), x);
        grad("sum(1)", in -> in.get(0).sum(1, true), x);
        grad("sum(0,2)", in -> in.get(0).sum(new int[] {0, 2}, false), x);
        grad("mean(2)", in -> in.get(0).mean(2, false), x);
        grad("mean", in -> in.get(0).mean(), x);
    }

    @Test
    void maxMinArgmaxAlongAxes() {
        Tensor x = spread(4, 3, 7, 5);
        float[] v = x.toArray();
        float[] mx = new float[15], mn = new float[15], am = new float[15];
        Oracle.reduce(Backend.Reduce.MAX, v, 0, mx, 0, 3, 7, 5);
        Oracle.reduce(Backend.Reduce.MIN, v, 0, mn, 0, 3, 7, 5);
        Oracle.argmax(v, 0, am, 0, 3, 7, 5);
        assertClose("max", mx, x.max(1, false).toArray(), 0, 0);
        assertClose("min", mn, x.min(1, false).toArray(), 0, 0);
        assertClose("argmax", am, x.argmax(1).toArray(), 0, 0);
        assertArrayEquals(new int[] {3, 1, 5}, x.max(1, true).shape());
        grad("max(1)", in -> in.get(0).max(1, false), x);
        grad("min(2)", in -> in.get(0).min(2, true), x);
        grad("max()", in -> in.get(0).max(), x);
        Tensor ties = Tensor.of(new float[] {2, 2, 1}).requiresGrad(true);
        ties.max(0, false).backward();
        assertArrayEquals(new float[] {1, 0, 0}, ties.grad().toArray(), "gradient goes to the first maximum only");
    }

    @Test
    void softmaxAndLogSoftmax() {
        Tensor x = param(5, -3, 3, 3, 7, 2);
        for (int dim : new int[] {0, 1, -1}) {
            int a = dim < 0 ? dim + 3 : dim;
            int[] ori = Reductions.split(x.shape(), a);
            float[] e = new float[42], el = new float[42];
            Oracle.softmax(x.toArray(), e, ori[0], ori[1], ori[2], false);
            Oracle.softmax(x.toArray(), el, ori[0], ori[1], ori[2], true);
            assertClose("softmax " + dim, e, x.softmax(dim).toArray(), 1e-6, 1e-5);
            assertClose("logSoftmax " + dim, el, x.logSoftmax(dim).toArray(), 1e-6, 1e-5);
            grad("softmax " + dim, in -> in.get(0).softmax(dim), x);
            grad("logSoftmax " + dim, in -> in.get(0).logSoftmax(dim), x);
        }
    }

    // ---------------------------------------------------------------- shape

    @Test
    void reshapeFlattenSqueezeShareValues() {
        Tensor x = param(6, -1, 1, 2, 3, 5);
        assertArrayEquals(x.toArray(), x.reshape(6, -1).toArray());
        assertArrayEquals(new int[] {6, 5}, x.reshape(6, -1).shape());
        assertArrayEquals(new int[] {2, 15}, x.flatten(1).shape());
        assertArrayEquals(new int[] {2, 1, 3, 5}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {2, 3, 5}, x.unsqueeze(-1).squeeze(3).shape());
        grad("reshape", in -> in.get(0).reshape(5, 6).mul(in.get(0).reshape(5, 6)), x);
        grad("view/flatten", in -> in.get(0).view(30).flatten(0).square(), x);
    }

    @Test
    void permuteTransposeExpand() {
        Tensor x = param(7, -1, 1, 2, 3, 5);
        float[] v = x.toArray();
        float[] p = new float[30];
        Oracle.copy(v, 0, new long[] {1, 15, 5}, p, 0, new long[] {6, 3, 1}, new int[] {5, 2, 3}, false);
        assertClose("permute", p, x.permute(2, 0, 1).toArray(), 0, 0);
        assertArrayEquals(new int[] {2, 5, 3}, x.transpose(1, 2).shape());
        assertEquals(v[1 * 15 + 2 * 5 + 4], x.transpose(-1, 0).toArray()[(4 * 3 + 2) * 2 + 1]);
        grad("permute", in -> in.get(0).permute(2, 0, 1), x);
        grad("transpose", in -> in.get(0).transpose(0, 2), x);
        Tensor b = param(8, -1, 1, 3, 1);
        Tensor e = b.expand(2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, e.shape());
        assertEquals(b.toArray()[2], e.toArray()[(1 * 3 + 2) * 4 + 3]);
        assertArrayEquals(new int[] {3, 7}, b.expand(-1, 7).shape());
        grad("expand", in -> in.get(0).expand(2, 3, 4), b);
    }

    @Test
    void sliceSelectIndexSelect() {
        Tensor x = param(9, -1, 1, 3, 7, 2);
        float[] v = x.toArray();
        Tensor s = x.slice(1, 2, 5);
        assertArrayEquals(new int[] {3, 3, 2}, s.shape());
        assertEquals(v[(2 * 7 + 4) * 2 + 1], s.toArray()[(2 * 3 + 2) * 2 + 1]);
        Tensor sel = x.select(0, 1);
        assertArrayEquals(new int[] {7, 2}, sel.shape());
        assertEquals(v[(7 + 6) * 2], sel.toArray()[6 * 2]);
        Tensor is = x.indexSelect(1, new int[] {6, 0, 6});
        assertArrayEquals(new int[] {3, 3, 2}, is.shape());
        assertEquals(v[(7 + 6) * 2 + 1], is.toArray()[(3 + 2) * 2 + 1]);
        grad("slice", in -> in.get(0).slice(1, 2, 5), x);
        grad("select", in -> in.get(0).select(2, 1), x);
        grad("indexSelect with repeats", in -> in.get(0).indexSelect(1, new int[] {6, 0, 6, 3}), x);
    }

    @Test
    void catAndStack() {
        Tensor a = param(10, -1, 1, 2, 3), b = param(11, -1, 1, 2, 1), c = param(12, -1, 1, 2, 3);
        Tensor cat = Tensor.cat(List.of(a, b, c), 1);
        assertArrayEquals(new int[] {2, 7}, cat.shape());
        float[] cv = cat.toArray();
        assertEquals(a.toArray()[3 + 2], cv[7 + 2]);
        assertEquals(b.toArray()[1], cv[7 + 3]);
        assertEquals(c.toArray()[3], cv[7 + 4]);
        grad("cat", in -> Tensor.cat(in, 1), a, b, c);
        Tensor st = Tensor.stack(List.of(a, c), 1);
        assertArrayEquals(new int[] {2, 2, 3}, st.shape());
        assertEquals(c.toArray()[3 + 1], st.toArray()[(1 * 2 + 1) * 3 + 1]);
        grad("stack", in -> Tensor.stack(in, 0), a, c);
    }

    // ---------------------------------------------------------------- linear algebra

    @Test
    void matmulTwoDimensionalAndBatchedWithBroadcast() {
        int[][][] cases = {{{3, 5}, {5, 7}}, {{1, 1}, {1, 1}}, {{2, 3, 5}, {5, 4}}, {{2, 3, 5}, {2, 5, 4}},
            {{3, 5}, {2, 5, 4}}, {{2, 1, 3, 5}, {1, 3, 5, 2}}, {{13, 7}, {7, 1}}};
        for (int[][] c : cases) {
            Tensor a = param(13, -1, 1, c[0]), b = param(14, -1, 1, c[1]);
            Tensor out = a.matmul(b);
            int[] shape = out.shape();
            int m = c[0][c[0].length - 2], k = c[0][c[0].length - 1], n = c[1][c[1].length - 1];
            int batch = (int) (out.numel() / (m * n));
            int[] batchShape = java.util.Arrays.copyOf(shape, shape.length - 2);
            Tensor ae = a.expand(concat(batchShape, m, k)), be = b.expand(concat(batchShape, k, n));
            float[] av = ae.toArray(), bv = be.toArray(), expected = new float[(int) out.numel()];
            for (int i = 0; i < batch; i++) {
                GemmConvOracle.gemm(false, false, m, n, k, 1f, av, i * m * k, k, bv, i * k * n, n, 0f, expected,
                        i * m * n, n);
            }
            String what = "matmul " + java.util.Arrays.toString(c[0]) + " " + java.util.Arrays.toString(c[1]);
            assertClose(what, expected, out.toArray(), 1e-5, 1e-4);
            grad(what, in -> in.get(0).matmul(in.get(1)), a, b);
        }
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    // ---------------------------------------------------------------- convolution and pooling

    @Test
    void conv2dForwardAndGradients() {
        Tensor x = param(15, -1, 1, 2, 3, 7, 5);
        Tensor w = param(16, -0.5f, 0.5f, 4, 3, 3, 3);
        Tensor b = param(17, -1, 1, 4);
        ConvShape s = new ConvShape(2, 3, 7, 5, 4, 3, 3, 2, 1, 1, 2, 1, 1);
        float[] y = new float[2 * 4 * s.outH() * s.outW()];
        GemmConvOracle.conv2dForward(s, x.toArray(), w.toArray(), b.toArray(), y);
        Tensor out = Convolution.conv2d(x, w, b, 2, 1, 1, 2, 1, 1);
        assertArrayEquals(new int[] {2, 4, s.outH(), s.outW()}, out.shape());
        assertClose("conv2d", y, out.toArray(), 1e-5, 1e-4);
        grad("conv2d stride 2 pad (1, 2)", in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), 2, 1, 1, 2, 1, 1),
                x, w, b);
        Tensor w2 = param(18, -0.5f, 0.5f, 2, 3, 2, 2);
        grad("conv2d dilation 2 no bias", in -> Convolution.conv2d(in.get(0), in.get(1), null, 1, 1, 2), x, w2);
    }

    @Test
    void poolingForwardAndGradients() {
        Tensor x = spread(19, 2, 3, 7, 5);
        PoolShape s = PoolShape.of(2, 3, 7, 5, 3, 2, 1);
        float[] y = new float[2 * 3 * s.outH() * s.outW()], arg = new float[y.length];
        Pooling.oracleMaxForward(s, x.toArray(), y, arg);
        assertClose("maxPool2d", y, Pooling.maxPool2d(x, 3, 2, 1).toArray(), 0, 0);
        Pooling.oracleAvgForward(s, x.toArray(), y, true);
        assertClose("avgPool2d", y, Pooling.avgPool2d(x, 3, 2, 1).toArray(), 1e-6, 1e-5);
        Pooling.oracleAvgForward(s, x.toArray(), y, false);
        assertClose("avgPool2d no pad count", y, Pooling.avgPool2d(x, 3, 2, 1, false).toArray(), 1e-6, 1e-5);
        float[] ad = new float[2 * 3 * 3 * 2];
        Pooling.oracleAdaptiveForward(6, 7, 5, 3, 2, x.toArray(), ad);
        assertClose("adaptiveAvgPool2d", ad, Pooling.adaptiveAvgPool2d(x, 3, 2).toArray(), 1e-6, 1e-5);
        grad("maxPool2d", in -> Pooling.maxPool2d(in.get(0), 3, 2, 1), x);
        grad("avgPool2d", in -> Pooling.avgPool2d(in.get(0), 3, 2, 1), x);
        grad("avgPool2d exclude pad", in -> Pooling.avgPool2d(in.get(0), 2, 2, 1, false), x);
        grad("adaptiveAvgPool2d", in -> Pooling.adaptiveAvgPool2d(in.get(0), 3, 2), x);
        grad("adaptiveAvgPool2d global", in -> Pooling.adaptiveAvgPool2d(in.get(0), 1, 1), x);
    }

    // ---------------------------------------------------------------- dropout and factories

    @Test
    void dropoutKeepsExpectedFractionAndScales() {
        Tensor x = Tensor.ones(10_000).requiresGrad(true);
        Tensor y = x.dropout(0.3f, true, 42);
        float[] v = y.toArray();
        int kept = 0;
        for (float f : v) {
            if (f != 0f) {
                kept++;
                assertEquals(1f / 0.7f, f, 1e-6);
            }
        }
        assertEquals(7000, kept, 200);
        assertArrayEquals(v, x.dropout(0.3f, true, 42).toArray(), "same seed, same mask");
        y.sum().backward();
        assertArrayEquals(v, x.grad().toArray(), "gradient is the mask");
        assertArrayEquals(x.toArray(), x.dropout(0.3f, false, 42).toArray());
        Tensor z = param(20, -1, 1, 3, 7);
        grad("dropout", in -> in.get(0).dropout(0.5f, true, 7), z);
    }

    @Test
    void factories() {
        assertArrayEquals(new float[] {0, 0, 0}, Tensor.zeros(3).toArray());
        assertArrayEquals(new float[] {1, 1}, Tensor.ones(2, 1).toArray());
        assertArrayEquals(new float[] {2.5f, 2.5f}, Tensor.full(2.5f, 2).toArray());
        assertEquals(4f, Tensor.scalar(4f).item());
        assertEquals(0, Tensor.scalar(4f).rank());
        assertArrayEquals(new float[] {0, 1, 2}, Tensor.arange(3).toArray());
        Tensor r = Tensor.rand(Seed.of(3), 1000);
        float[] rv = r.toArray();
        for (int i = 0; i < rv.length; i++) {
            assertEquals(RandomBits.uniform(3, i), rv[i]);
        }
        float[] n = Tensor.randn(Seed.of(5), 20_001).toArray();
        double mean = 0, sq = 0;
        for (float f : n) {
            mean += f;
            sq += (double) f * f;
        }
        mean /= n.length;
        assertEquals(0, mean, 0.03);
        assertEquals(1, sq / n.length - mean * mean, 0.04);
        assertArrayEquals(n, Tensor.randn(Seed.of(5), 20_001).toArray(), "randn is deterministic per seed");
        assertEquals(0, Tensor.randn(Seed.of(5)).rank(), "no shape gives a 0-d tensor");
        assertEquals(0, Tensor.rand(Seed.of(5)).rank());
        Tensor of = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new int[] {2, 3}, of.shape());
        assertEquals(3, of.dim(-1));
        assertEquals(6, of.numel());
    }
}
