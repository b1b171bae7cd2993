package iern.engine.oracle;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Reduce;
import iern.engine.Backend.Unary;
import iern.engine.RandomBits;

/**
 * Naive scalar versions of every {@link iern.engine.Backend} kernel except GEMM and
 * convolution (see {@link GemmConvOracle}), on {@code float[]} with the same arguments as the
 * backend methods. Every sum runs in double and every loop follows the definition literally;
 * this is what every backend is tested against. Slow on purpose.
 */
public final class Oracle {
    private Oracle() {}

    // ---------------------------------------------------------------- memory

    public static void copy(float[] src, long srcOff, long[] srcStrides, float[] dst, long dstOff, long[] dstStrides,
                            int[] shape, boolean accumulate) {
        int[] idx = new int[shape.length];
        long total = 1;
        for (int s : shape) {
            total *= s;
        }
        for (long t = 0; t < total; t++) {
            long rem = t;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = (int) (rem % shape[d]);
                rem /= shape[d];
            }
            long s = srcOff, o = dstOff;
            for (int d = 0; d < shape.length; d++) {
                s += idx[d] * srcStrides[d];
                o += idx[d] * dstStrides[d];
            }
            dst[(int) o] = accumulate ? dst[(int) o] + src[(int) s] : src[(int) s];
        }
    }

    public static void randomUniform(float[] dst, int off, int n, long seed) {
        for (int i = 0; i < n; i++) {
            dst[off + i] = RandomBits.uniform(seed, i);
        }
    }

    // ---------------------------------------------------------------- elementwise

    /** The op's function from the op table ({@link Unary}), in double. */
    public static double unaryValue(Unary op, double x, double a, double b) {
        return op.forward(x, a, b);
    }

    /**
     * The derivative from x alone: the table's derivative given the forward output recomputed
     * in double (backends pass their float forward output instead).
     */
    public static double unaryDerivative(Unary op, double x, double a, double b) {
        return op.derivative(x, op.forward(x, a, b), a, b);
    }

    public static void unary(Unary op, float[] x, int xOff, float[] y, int yOff, int n, float a, float b) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] = (float) unaryValue(op, x[xOff + i], a, b);
        }
    }

    public static void unaryBackward(Unary op, float[] x, float[] dy, float[] dx, int n, float a, float b,
                                     boolean accumulate) {
        for (int i = 0; i < n; i++) {
            double g = dy[i] * unaryDerivative(op, x[i], a, b);
            dx[i] = (float) (accumulate ? dx[i] + g : g);
        }
    }

    /** The op's function from the op table ({@link Binary}), in double. */
    public static double binaryValue(Binary op, double a, double b) {
        return op.forward(a, b);
    }

    public static void binary(Binary op, float[] a, long aOff, long[] aStrides, float[] b, long bOff, long[] bStrides,
                              float[] out, long outOff, int[] shape) {
        int[] idx = new int[shape.length];
        long total = 1;
        for (int s : shape) {
            total *= s;
        }
        for (long t = 0; t < total; t++) {
            long rem = t;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = (int) (rem % shape[d]);
                rem /= shape[d];
            }
            long ai = aOff, bi = bOff;
            for (int d = 0; d < shape.length; d++) {
                ai += idx[d] * aStrides[d];
                bi += idx[d] * bStrides[d];
            }
            out[(int) (outOff + t)] = (float) binaryValue(op, a[(int) ai], b[(int) bi]);
        }
    }

    // ---------------------------------------------------------------- reductions and softmax

    public static void reduce(Reduce op, float[] x, int xOff, float[] out, int outOff, int outer, int r, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double acc = op == Reduce.SUM ? 0 : op == Reduce.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                for (int j = 0; j < r; j++) {
                    double v = x[xOff + (o * r + j) * inner + i];
                    acc = switch (op) {
                        case SUM -> acc + v;
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                    };
                }
                out[outOff + o * inner + i] = (float) acc;
            }
        }
    }

    public static void argmax(float[] x, int xOff, float[] out, int outOff, int outer, int r, int inner) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int best = 0;
                for (int j = 1; j < r; j++) {
                    if (x[xOff + (o * r + j) * inner + i] > x[xOff + (o * r + best) * inner + i]) {
                        best = j;
                    }
                }
                out[outOff + o * inner + i] = best;
            }
        }
    }

    public static void softmax(float[] x, float[] y, int outer, int r, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < r; j++) {
                    m = Math.max(m, x[(o * r + j) * inner + i]);
                }
                double s = 0;
                for (int j = 0; j < r; j++) {
                    s += Math.exp(x[(o * r + j) * inner + i] - m);
                }
                for (int j = 0; j < r; j++) {
                    double v = x[(o * r + j) * inner + i] - m;
                    y[(o * r + j) * inner + i] = (float) (log ? v - Math.log(s) : Math.exp(v) / s);
                }
            }
        }
    }

    public static void softmaxBackward(float[] y, float[] dy, float[] dx, int outer, int r, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double s = 0;
                for (int j = 0; j < r; j++) {
                    int p = (o * r + j) * inner + i;
                    s += log ? dy[p] : (double) dy[p] * y[p];
                }
                for (int j = 0; j < r; j++) {
                    int p = (o * r + j) * inner + i;
                    dx[p] = (float) (log ? dy[p] - Math.exp(y[p]) * s : y[p] * (dy[p] - s));
                }
            }
        }
    }
}
