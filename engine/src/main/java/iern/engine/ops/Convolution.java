package iern.engine.ops;

import static iern.engine.BackendArgs.notNull;
import static iern.engine.BackendArgs.optionalRange;
import static iern.engine.BackendArgs.range;

import iern.engine.Backend;
import iern.engine.ConvShape;
import iern.engine.KernelOp;
import iern.engine.Storage;
import iern.engine.Tensor;
import iern.engine.cpu.CpuConv2d;
import iern.engine.oracle.GemmConvOracle;
import java.util.Arrays;

/**
 * 2-d convolution (cross-correlation, as PyTorch) over NCHW tensors, the whole op in one file:
 * <pre>
 * tensor op   {@link #conv2d}: x [n, cIn, h, w], weight [cOut, cIn, kh, kw], optional bias [cOut]
 *             -> [n, cOut, outH, outW]; backward: {@link #BACKWARD_DATA} (x),
 *             {@link #BACKWARD_WEIGHT} (weight and bias)
 * kernels     {@link #FORWARD} (conv2dForward), {@link #BACKWARD_DATA} (conv2dBackwardData),
 *             {@link #BACKWARD_WEIGHT} (conv2dBackwardWeight); contract in each one's check
 * CPU         iern.engine.cpu.CpuConv2d (GEMM lowering on Sgemm; Winograd for 3x3 stride 1
 *             when -Diern.conv.winograd asks for it)
 * GPU         iern.kernels.gpu.GpuConvolution with conv.cl and gemm.cl (kernels module)
 * oracle      {@link #oracleForward}, {@link #oracleBackwardData}, {@link #oracleBackwardWeight}
 *             (below; they run iern.engine.oracle.GemmConvOracle, which the CPU kernels' own
 *             tests share)
 * test        iern.engine.testing.OpConformance (engine test-jar; every backend)
 * </pre>
 * The geometry is {@link ConvShape} (in {@code iern.engine}, which the CPU kernels share).
 */
public final class Convolution {
    private Convolution() {}

    private static long in(ConvShape s) {
        return (long) s.n() * s.cIn() * s.h() * s.w();
    }

    private static long out(ConvShape s) {
        return (long) s.n() * s.cOut() * s.outH() * s.outW();
    }

    private static long weight(ConvShape s) {
        return (long) s.cOut() * s.cIn() * s.kh() * s.kw();
    }

    /** Inputs {@code x}, {@code w}, {@code bias} (null: none); output {@code y}. */
    public static final KernelOp<ConvShape> FORWARD = new KernelOp<>("conv2dForward", 3, "x", "w", "bias", "y") {
        @Override
        protected void check(ConvShape s, Storage[] io) {
            notNull(name(), "s", s);
            range(name(), "x", io[0], 0, in(s));
            range(name(), "w", io[1], 0, weight(s));
            optionalRange(name(), "bias", io[2], s.cOut());
            range(name(), "y", io[3], 0, out(s));
        }

        @Override
        protected long extent(ConvShape s, int arg) {
            return switch (arg) {
                case 0 -> in(s);
                case 1 -> weight(s);
                case 2 -> s.cOut();
                default -> out(s);
            };
        }

        @Override
        protected void cpu(ConvShape s, float[][] io) {
            CpuConv2d.forward(s, io[0], io[1], io[2], io[3]);
        }
    };

    /** The input gradient: inputs {@code dy}, {@code w}; output {@code dx} (overwritten). */
    public static final KernelOp<ConvShape> BACKWARD_DATA =
            new KernelOp<>("conv2dBackwardData", 2, "dy", "w", "dx") {
                @Override
                protected void check(ConvShape s, Storage[] io) {
                    notNull(name(), "s", s);
                    range(name(), "dy", io[0], 0, out(s));
                    range(name(), "w", io[1], 0, weight(s));
                    range(name(), "dx", io[2], 0, in(s));
                }

                @Override
                protected long extent(ConvShape s, int arg) {
                    return switch (arg) {
                        case 0 -> out(s);
                        case 1 -> weight(s);
                        default -> in(s);
                    };
                }

                @Override
                protected void cpu(ConvShape s, float[][] io) {
                    CpuConv2d.backwardData(s, io[0], io[1], io[2]);
                }
            };

    /**
     * The weight gradient: inputs {@code x}, {@code dy}; outputs {@code dw} and, when not null,
     * {@code dBias} = the sum of dy over n, h, w (both overwritten).
     */
    public static final KernelOp<ConvShape> BACKWARD_WEIGHT =
            new KernelOp<>("conv2dBackwardWeight", 2, "x", "dy", "dw", "dBias") {
                @Override
                protected void check(ConvShape s, Storage[] io) {
                    notNull(name(), "s", s);
                    range(name(), "x", io[0], 0, in(s));
                    range(name(), "dy", io[1], 0, out(s));
                    range(name(), "dw", io[2], 0, weight(s));
                    optionalRange(name(), "dBias", io[3], s.cOut());
                }

                @Override
                protected long extent(ConvShape s, int arg) {
                    return switch (arg) {
                        case 0 -> in(s);
                        case 1 -> out(s);
                        case 2 -> weight(s);
                        default -> s.cOut();
                    };
                }

                @Override
                protected void cpu(ConvShape s, float[][] io) {
                    CpuConv2d.backwardWeight(s, io[0], io[1], io[2], io[3]);
                }
            };

    // ---------------------------------------------------------------- the kernels with their parameters spelled out

    public static void forward(Backend be, ConvShape s, Storage x, Storage w, Storage bias, Storage y) {
        FORWARD.run(be, s, x, w, bias, y);
    }

    public static void backwardData(Backend be, ConvShape s, Storage dy, Storage w, Storage dx) {
        BACKWARD_DATA.run(be, s, dy, w, dx);
    }

    public static void backwardWeight(Backend be, ConvShape s, Storage x, Storage dy, Storage dw, Storage dBias) {
        BACKWARD_WEIGHT.run(be, s, x, dy, dw, dBias);
    }

    // ================================================================ tensor op

    /** 2-d convolution of NCHW {@code x} with weight {@code [cOut, cIn, kh, kw]} and optional bias {@code [cOut]}. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return conv2d(x, w, bias, stride, stride, pad, pad, 1, 1);
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, int dilation) {
        return conv2d(x, w, bias, stride, stride, pad, pad, dilation, dilation);
    }

    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int sh, int sw, int ph, int pw, int dh, int dw) {
        return conv2d(x, w, bias, plan(null, x, w, sh, sw, ph, pw, dh, dw));
    }

    /**
     * The geometry of a convolution for one input shape and weight shape: its {@link ConvShape}
     * and output shape, made once and kept by a caller whose shapes repeat (a layer, step after
     * step) instead of made per call.
     */
    public static final class Plan {
        private final int[] xShape;
        private final int[] wShape;
        private final ConvShape shape;
        private final int[] outShape;

        private Plan(int[] xShape, int[] wShape, ConvShape shape) {
            this.xShape = xShape;
            this.wShape = wShape;
            this.shape = shape;
            this.outShape = new int[] {shape.n(), shape.cOut(), shape.outH(), shape.outW()};
        }

        public ConvShape shape() {
            return shape;
        }

        /**
         * Whether this plan is the one for these shapes and settings. Tensors of one shape share
         * its array, so comparing arrays by identity suffices (an equal copy only misses).
         */
        private boolean fits(int[] xs, int[] ws, int sh, int sw, int ph, int pw, int dh, int dw) {
            return xs == xShape && ws == wShape && sh == shape.strideH() && sw == shape.strideW()
                    && ph == shape.padH() && pw == shape.padW() && dh == shape.dilH() && dw == shape.dilW();
        }
    }

    /**
     * The plan for convolving {@code x} with {@code w}: {@code previous} when it was made for the
     * same shapes and settings, else a new one (checking the shapes).
     */
    public static Plan plan(Plan previous, Tensor x, Tensor w, int sh, int sw, int ph, int pw, int dh, int dw) {
        int[] xs = KernelOp.shapeOf(x);     // read only
        int[] ws = KernelOp.shapeOf(w);
        if (previous != null && previous.fits(xs, ws, sh, sw, ph, pw, dh, dw)) {
            return previous;
        }
        if (xs.length != 4) {
            throw new IllegalArgumentException("conv2d: input of shape " + Arrays.toString(xs) + " is not 4-d NCHW");
        }
        if (ws.length != 4 || ws[1] != xs[1]) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(xs) + " and weight "
                    + Arrays.toString(ws) + " do not match (weight must be [cOut, " + xs[1] + ", kh, kw])");
        }
        try {
            return new Plan(xs, ws, new ConvShape(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], sh, sw, ph, pw,
                    dh, dw));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (input " + Arrays.toString(xs) + ", weight "
                    + Arrays.toString(ws) + ")", e);
        }
    }

    /** {@link #conv2d(Tensor, Tensor, Tensor, int, int, int, int, int, int)} with the plan for x's and w's shapes. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, Plan plan) {
        int[] xs = KernelOp.shapeOf(x);     // read only
        int[] ws = KernelOp.shapeOf(w);
        if (!Arrays.equals(xs, plan.xShape) || !Arrays.equals(ws, plan.wShape)) {      // same array: one compare
            throw new IllegalArgumentException("conv2d: plan made for input " + Arrays.toString(plan.xShape)
                    + " and weight " + Arrays.toString(plan.wShape) + ", given " + Arrays.toString(xs) + " and "
                    + Arrays.toString(ws));
        }
        KernelOp.requireSameBackend("conv2d", x, w);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != ws[0])) {
            throw new IllegalArgumentException("conv2d: bias " + Arrays.toString(bias.shape())
                    + " does not match weight " + Arrays.toString(ws) + " (expected [" + ws[0] + "])");
        }
        ConvShape s = plan.shape;
        Backend be = x.backend();
        Tensor y = KernelOp.output(be, plan.outShape);
        FORWARD.run(be, s, x.storage(), w.storage(), bias == null ? null : bias.storage(), y.storage());
        if (!KernelOp.needsGrad(x, w, bias)) {
            return y;
        }
        KernelOp.Backward rule = g -> {
            Tensor dx = null;
            Tensor dW = null;
            Tensor dB = null;
            if (x.requiresGrad()) {
                dx = KernelOp.output(be, xs);
                BACKWARD_DATA.run(be, s, g.storage(), w.storage(), dx.storage());
            }
            boolean needB = bias != null && bias.requiresGrad();
            if (w.requiresGrad() || needB) {
                dW = KernelOp.output(be, ws);
                dB = needB ? KernelOp.output(be, KernelOp.shapeOf(bias)) : null;
                BACKWARD_WEIGHT.run(be, s, x.storage(), g.storage(), dW.storage(), dB == null ? null : dB.storage());
                if (!w.requiresGrad()) {
                    dW = null;
                }
            }
            return new Tensor[] {dx, dW, dB};
        };
        return bias == null ? KernelOp.record("conv2d", y, rule, x, w) : KernelOp.record("conv2d", y, rule, x, w, bias);
    }

    // ================================================================ oracle

    /** Naive double-accumulating reference of {@link #FORWARD}, on host arrays. */
    public static void oracleForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        GemmConvOracle.conv2dForward(s, x, w, bias, y);
    }

    /** Naive double-accumulating reference of {@link #BACKWARD_DATA}, on host arrays. */
    public static void oracleBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        GemmConvOracle.conv2dBackwardData(s, dy, w, dx);
    }

    /** Naive double-accumulating reference of {@link #BACKWARD_WEIGHT}, on host arrays. */
    public static void oracleBackwardWeight(ConvShape s, float[] x, float[] dy, float[] dw, float[] dBias) {
        GemmConvOracle.conv2dBackwardWeight(s, x, dy, dw, dBias);
    }
}
