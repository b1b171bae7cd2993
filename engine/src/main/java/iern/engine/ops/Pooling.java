package iern.engine.ops;

import static iern.engine.BackendArgs.atLeast;
import static iern.engine.BackendArgs.notNull;
import static iern.engine.BackendArgs.range;

import iern.engine.Backend;
import iern.engine.KernelOp;
import iern.engine.PoolShape;
import iern.engine.Storage;
import iern.engine.Tensor;
import iern.engine.cpu.CpuPool;
import java.util.Arrays;

/**
 * 2-d pooling over NCHW tensors (max, average, adaptive average), the whole family in one file:
 * <pre>
 * tensor ops  {@link #maxPool2d}, {@link #avgPool2d}, {@link #adaptiveAvgPool2d}; backward rules recorded there
 * kernels     {@link #MAX_FORWARD} (maxPool2dForward), {@link #MAX_BACKWARD} (maxPool2dBackward, with the
 *             saved argmax), {@link #AVG_FORWARD}, {@link #AVG_BACKWARD}, {@link #ADAPTIVE_FORWARD},
 *             {@link #ADAPTIVE_BACKWARD}; contract in each one's check
 * CPU         iern.engine.cpu.CpuPool
 * GPU         iern.kernels.gpu.GpuPooling with pool.cl (kernels module)
 * oracle      {@link #oracleMaxForward} and the other oracle* methods (below)
 * test        iern.engine.testing.OpConformance (engine test-jar; every backend)
 * </pre>
 * The window geometry is {@link PoolShape} (in {@code iern.engine}, which the CPU kernels share).
 */
public final class Pooling {
    private Pooling() {}

    /** Average pooling: the window and whether the divisor counts padding (PyTorch's default). */
    public record Avg(PoolShape shape, boolean countIncludePad) {}

    /**
     * Adaptive average pooling of {@code [nc, h, w]} to {@code [nc, oh, ow]} with PyTorch's
     * windows: {@code start = floor(o*h/oh)}, {@code end = ceil((o+1)*h/oh)}.
     */
    public record Adaptive(int nc, int h, int w, int oh, int ow) {}

    private static long in(PoolShape s) {
        return (long) s.n() * s.c() * s.h() * s.w();
    }

    private static long out(PoolShape s) {
        return (long) s.n() * s.c() * s.outH() * s.outW();
    }

    /**
     * Max pooling, padding -infinity: input {@code x}, outputs {@code y} and {@code argmax}
     * (per output element, the index within its input plane, {@code ih * w + iw}, as a float, of
     * the first maximum).
     */
    public static final KernelOp<PoolShape> MAX_FORWARD = new KernelOp<>("maxPool2dForward", 1, "x", "y", "argmax") {
        @Override
        protected void check(PoolShape s, Storage[] io) {
            notNull(name(), "s", s);
            range(name(), "x", io[0], 0, in(s));
            range(name(), "y", io[1], 0, out(s));
            range(name(), "argmax", io[2], 0, out(s));
        }

        @Override
        protected long extent(PoolShape s, int arg) {
            return arg == 0 ? in(s) : out(s);
        }

        @Override
        protected void cpu(PoolShape s, float[][] io) {
            CpuPool.maxForward(s, io[0], io[1], io[2]);
        }
    };

    /**
     * Backward of {@link #MAX_FORWARD}: inputs {@code dy, argmax}; {@code dx} (overwritten) gets
     * each dy at its argmax.
     */
    public static final KernelOp<PoolShape> MAX_BACKWARD =
            new KernelOp<>("maxPool2dBackward", 2, "dy", "argmax", "dx") {
                @Override
                protected void check(PoolShape s, Storage[] io) {
                    notNull(name(), "s", s);
                    range(name(), "dy", io[0], 0, out(s));
                    range(name(), "argmax", io[1], 0, out(s));
                    range(name(), "dx", io[2], 0, in(s));
                }

                @Override
                protected long extent(PoolShape s, int arg) {
                    return arg == 2 ? in(s) : out(s);
                }

                @Override
                protected void cpu(PoolShape s, float[][] io) {
                    CpuPool.maxBackward(s, io[0], io[1], io[2]);
                }
            };

    /** Average pooling: input {@code x}, output {@code y}. */
    public static final KernelOp<Avg> AVG_FORWARD = new KernelOp<>("avgPool2dForward", 1, "x", "y") {
        @Override
        protected void check(Avg p, Storage[] io) {
            notNull(name(), "s", p.shape());
            range(name(), "x", io[0], 0, in(p.shape()));
            range(name(), "y", io[1], 0, out(p.shape()));
        }

        @Override
        protected long extent(Avg p, int arg) {
            return arg == 0 ? in(p.shape()) : out(p.shape());
        }

        @Override
        protected void cpu(Avg p, float[][] io) {
            CpuPool.avgForward(p.shape(), io[0], io[1], p.countIncludePad());
        }
    };

    /** Backward of {@link #AVG_FORWARD}: input {@code dy}, output {@code dx} (overwritten). */
    public static final KernelOp<Avg> AVG_BACKWARD = new KernelOp<>("avgPool2dBackward", 1, "dy", "dx") {
        @Override
        protected void check(Avg p, Storage[] io) {
            notNull(name(), "s", p.shape());
            range(name(), "dy", io[0], 0, out(p.shape()));
            range(name(), "dx", io[1], 0, in(p.shape()));
        }

        @Override
        protected long extent(Avg p, int arg) {
            return arg == 0 ? out(p.shape()) : in(p.shape());
        }

        @Override
        protected void cpu(Avg p, float[][] io) {
            CpuPool.avgBackward(p.shape(), io[0], io[1], p.countIncludePad());
        }
    };

    private static void adaptive(String op, Adaptive a) {
        atLeast(op, "nc", a.nc(), 1);
        atLeast(op, "h", a.h(), 1);
        atLeast(op, "w", a.w(), 1);
        atLeast(op, "oh", a.oh(), 1);
        atLeast(op, "ow", a.ow(), 1);
    }

    private static long in(Adaptive a) {
        return (long) a.nc() * a.h() * a.w();
    }

    private static long out(Adaptive a) {
        return (long) a.nc() * a.oh() * a.ow();
    }

    /** Adaptive average pooling: input {@code x [nc, h, w]}, output {@code y [nc, oh, ow]}. */
    public static final KernelOp<Adaptive> ADAPTIVE_FORWARD =
            new KernelOp<>("adaptiveAvgPool2dForward", 1, "x", "y") {
                @Override
                protected void check(Adaptive a, Storage[] io) {
                    adaptive(name(), a);
                    range(name(), "x", io[0], 0, in(a));
                    range(name(), "y", io[1], 0, out(a));
                }

                @Override
                protected long extent(Adaptive a, int arg) {
                    return arg == 0 ? in(a) : out(a);
                }

                @Override
                protected void cpu(Adaptive a, float[][] io) {
                    CpuPool.adaptiveForward(a.nc(), a.h(), a.w(), a.oh(), a.ow(), io[0], io[1]);
                }
            };

    /** Backward of {@link #ADAPTIVE_FORWARD}: input {@code dy}, output {@code dx} (overwritten). */
    public static final KernelOp<Adaptive> ADAPTIVE_BACKWARD =
            new KernelOp<>("adaptiveAvgPool2dBackward", 1, "dy", "dx") {
                @Override
                protected void check(Adaptive a, Storage[] io) {
                    adaptive(name(), a);
                    range(name(), "dy", io[0], 0, out(a));
                    range(name(), "dx", io[1], 0, in(a));
                }

                @Override
                protected long extent(Adaptive a, int arg) {
                    return arg == 0 ? out(a) : in(a);
                }

                @Override
                protected void cpu(Adaptive a, float[][] io) {
                    CpuPool.adaptiveBackward(a.nc(), a.h(), a.w(), a.oh(), a.ow(), io[0], io[1]);
                }
            };

    // ---------------------------------------------------------------- the kernels with their parameters spelled out

    public static void maxForward(Backend be, PoolShape s, Storage x, Storage y, Storage argmax) {
        MAX_FORWARD.run(be, s, x, y, argmax);
    }

    public static void maxBackward(Backend be, PoolShape s, Storage dy, Storage argmax, Storage dx) {
        MAX_BACKWARD.run(be, s, dy, argmax, dx);
    }

    public static void avgForward(Backend be, PoolShape s, Storage x, Storage y, boolean countIncludePad) {
        AVG_FORWARD.run(be, new Avg(s, countIncludePad), x, y);
    }

    public static void avgBackward(Backend be, PoolShape s, Storage dy, Storage dx, boolean countIncludePad) {
        AVG_BACKWARD.run(be, new Avg(s, countIncludePad), dy, dx);
    }

    public static void adaptiveForward(Backend be, int nc, int h, int w, int oh, int ow, Storage x, Storage y) {
        ADAPTIVE_FORWARD.run(be, new Adaptive(nc, h, w, oh, ow), x, y);
    }

    public static void adaptiveBackward(Backend be, int nc, int h, int w, int oh, int ow, Storage dy, Storage dx) {
        ADAPTIVE_BACKWARD.run(be, new Adaptive(nc, h, w, oh, ow), dy, dx);
    }

    // ================================================================ tensor ops

    private static void require4d(String op, Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": input of shape " + Arrays.toString(x.shape())
                    + " is not 4-d NCHW");
        }
    }

    /** Max pooling of {@code x [n, c, h, w]} with a square window; gradient to the first maximum. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int pad) {
        require4d("maxPool2d", x);
        int[] xs = KernelOp.shapeOf(x);     // read only
        PoolShape s = PoolShape.of(xs[0], xs[1], xs[2], xs[3], kernel, stride, pad);
        Backend be = x.backend();
        int[] outShape = {xs[0], xs[1], s.outH(), s.outW()};
        Tensor y = KernelOp.output(be, outShape);
        Tensor argmax = KernelOp.output(be, outShape);
        MAX_FORWARD.run(be, s, x.storage(), y.storage(), argmax.storage());
        if (!KernelOp.needsGrad(x)) {
            argmax.close();
            return y;
        }
        return KernelOp.record("maxPool2d", y, g -> {
            Tensor dx = KernelOp.output(be, xs);
            MAX_BACKWARD.run(be, s, g.storage(), argmax.storage(), dx.storage());
            return new Tensor[] {dx};
        }, x);
    }

    /** Average pooling; the divisor counts the padding (PyTorch's default). */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int pad) {
        return avgPool2d(x, kernel, stride, pad, true);
    }

    /** Average pooling; {@code countIncludePad} as PyTorch's {@code count_include_pad}. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int pad, boolean countIncludePad) {
        require4d("avgPool2d", x);
        int[] xs = KernelOp.shapeOf(x);     // read only
        Avg p = new Avg(PoolShape.of(xs[0], xs[1], xs[2], xs[3], kernel, stride, pad), countIncludePad);
        Backend be = x.backend();
        Tensor y = KernelOp.output(be, new int[] {xs[0], xs[1], p.shape().outH(), p.shape().outW()});
        AVG_FORWARD.run(be, p, x.storage(), y.storage());
        if (!KernelOp.needsGrad(x)) {
            return y;
        }
        return KernelOp.record("avgPool2d", y, g -> {
            Tensor dx = KernelOp.output(be, xs);
            AVG_BACKWARD.run(be, p, g.storage(), dx.storage());
            return new Tensor[] {dx};
        }, x);
    }

    /** Adaptive average pooling of {@code x [n, c, h, w]} to {@code [n, c, outH, outW]} (PyTorch's windows). */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        require4d("adaptiveAvgPool2d", x);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size " + outH + "x" + outW
                    + " must be positive");
        }
        int[] xs = KernelOp.shapeOf(x);     // read only
        Adaptive a = new Adaptive(xs[0] * xs[1], xs[2], xs[3], outH, outW);
        Backend be = x.backend();
        Tensor y = KernelOp.output(be, new int[] {xs[0], xs[1], outH, outW});
        ADAPTIVE_FORWARD.run(be, a, x.storage(), y.storage());
        if (!KernelOp.needsGrad(x)) {
            return y;
        }
        return KernelOp.record("adaptiveAvgPool2d", y, g -> {
            Tensor dx = KernelOp.output(be, xs);
            ADAPTIVE_BACKWARD.run(be, a, g.storage(), dx.storage());
            return new Tensor[] {dx};
        }, x);
    }

    // ================================================================ oracle

    /** Naive double-accumulating reference of {@link #MAX_FORWARD}, on host arrays. */
    public static void oracleMaxForward(PoolShape s, float[] x, float[] y, float[] argmax) {
        int oh = s.outH(), ow = s.outW();
        for (int p = 0; p < s.n() * s.c(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = -1;
                    for (int ky = 0; ky < s.kh(); ky++) {
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.strideH() - s.padH() + ky, ix = ox * s.strideW() - s.padW() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                                float v = x[p * s.h() * s.w() + iy * s.w() + ix];
                                if (at < 0 || v > best) {
                                    best = v;
                                    at = iy * s.w() + ix;
                                }
                            }
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = (float) best;
                    argmax[(p * oh + oy) * ow + ox] = at;
                }
            }
        }
    }

    /** Naive double-accumulating reference of {@link #MAX_BACKWARD}, on host arrays. */
    public static void oracleMaxBackward(PoolShape s, float[] dy, float[] argmax, float[] dx) {
        int hw = s.h() * s.w(), ohw = s.outH() * s.outW();
        double[] acc = new double[dx.length];
        for (int p = 0; p < s.n() * s.c(); p++) {
            for (int o = 0; o < ohw; o++) {
                acc[p * hw + (int) argmax[p * ohw + o]] += dy[p * ohw + o];
            }
        }
        for (int i = 0; i < s.n() * s.c() * hw; i++) {
            dx[i] = (float) acc[i];
        }
    }

    private static int avgDivisor(PoolShape s, int oy, int ox, boolean countPad) {
        int count = 0;
        for (int ky = 0; ky < s.kh(); ky++) {
            for (int kx = 0; kx < s.kw(); kx++) {
                int iy = oy * s.strideH() - s.padH() + ky, ix = ox * s.strideW() - s.padW() + kx;
                boolean inside = iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w();
                boolean inPadded = iy < s.h() + s.padH() && ix < s.w() + s.padW();
                if (countPad ? inPadded : inside) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Naive double-accumulating reference of {@link #AVG_FORWARD}, on host arrays. */
    public static void oracleAvgForward(PoolShape s, float[] x, float[] y, boolean countPad) {
        int oh = s.outH(), ow = s.outW();
        for (int p = 0; p < s.n() * s.c(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double sum = 0;
                    for (int ky = 0; ky < s.kh(); ky++) {
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.strideH() - s.padH() + ky, ix = ox * s.strideW() - s.padW() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                                sum += x[p * s.h() * s.w() + iy * s.w() + ix];
                            }
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = (float) (sum / avgDivisor(s, oy, ox, countPad));
                }
            }
        }
    }

    /** Naive double-accumulating reference of {@link #AVG_BACKWARD}, on host arrays. */
    public static void oracleAvgBackward(PoolShape s, float[] dy, float[] dx, boolean countPad) {
        int oh = s.outH(), ow = s.outW();
        double[] acc = new double[s.n() * s.c() * s.h() * s.w()];
        for (int p = 0; p < s.n() * s.c(); p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double g = dy[(p * oh + oy) * ow + ox] / (double) avgDivisor(s, oy, ox, countPad);
                    for (int ky = 0; ky < s.kh(); ky++) {
                        for (int kx = 0; kx < s.kw(); kx++) {
                            int iy = oy * s.strideH() - s.padH() + ky, ix = ox * s.strideW() - s.padW() + kx;
                            if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                                acc[p * s.h() * s.w() + iy * s.w() + ix] += g;
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            dx[i] = (float) acc[i];
        }
    }

    /** Naive double-accumulating reference of {@link #ADAPTIVE_FORWARD}, on host arrays. */
    public static void oracleAdaptiveForward(int nc, int h, int w, int oh, int ow, float[] x, float[] y) {
        for (int p = 0; p < nc; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int y0 = (int) Math.floor((double) oy * h / oh), y1 = (int) Math.ceil((double) (oy + 1) * h / oh);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = (int) Math.floor((double) ox * w / ow), x1 = (int) Math.ceil((double) (ox + 1) * w / ow);
                    double sum = 0;
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            sum += x[(p * h + iy) * w + ix];
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = (float) (sum / ((y1 - y0) * (x1 - x0)));
                }
            }
        }
    }

    /** Naive double-accumulating reference of {@link #ADAPTIVE_BACKWARD}, on host arrays. */
    public static void oracleAdaptiveBackward(int nc, int h, int w, int oh, int ow, float[] dy, float[] dx) {
        double[] acc = new double[nc * h * w];
        for (int p = 0; p < nc; p++) {
            for (int oy = 0; oy < oh; oy++) {
                int y0 = (int) Math.floor((double) oy * h / oh), y1 = (int) Math.ceil((double) (oy + 1) * h / oh);
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = (int) Math.floor((double) ox * w / ow), x1 = (int) Math.ceil((double) (ox + 1) * w / ow);
                    double g = dy[(p * oh + oy) * ow + ox] / (double) ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++) {
                        for (int ix = x0; ix < x1; ix++) {
                            acc[(p * h + iy) * w + ix] += g;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            dx[i] = (float) acc[i];
        }
    }
}
