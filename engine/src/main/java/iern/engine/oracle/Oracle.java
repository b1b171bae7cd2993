package iern.engine.oracle;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Reduce;
import iern.engine.Backend.Unary;
import iern.engine.PoolShape;
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

    // ---------------------------------------------------------------- pooling

    public static void maxPool2dForward(PoolShape s, float[] x, float[] y, float[] argmax) {
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

    public static void maxPool2dBackward(PoolShape s, float[] dy, float[] argmax, float[] dx) {
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

    public static void avgPool2dForward(PoolShape s, float[] x, float[] y, boolean countPad) {
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

    public static void avgPool2dBackward(PoolShape s, float[] dy, float[] dx, boolean countPad) {
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

    public static void adaptiveAvgPool2dForward(int nc, int h, int w, int oh, int ow, float[] x, float[] y) {
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

    public static void adaptiveAvgPool2dBackward(int nc, int h, int w, int oh, int ow, float[] dy, float[] dx) {
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

    // ---------------------------------------------------------------- batch norm

    public static void batchNormTrainForward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                                             float[] beta, float[] y, float[] mean, float[] var) {
        double count = (double) n * hw;
        for (int g = 0; g < groups; g++) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        s += x[(((g * n + i) * c) + ch) * hw + p];
                    }
                }
                double mu = s / count;
                double v = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        double d = x[(((g * n + i) * c) + ch) * hw + p] - mu;
                        v += d * d;
                    }
                }
                v /= count;
                mean[g * c + ch] = (float) mu;
                var[g * c + ch] = (float) v;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        int at = (((g * n + i) * c) + ch) * hw + p;
                        double xhat = (x[at] - mu) / Math.sqrt(v + eps);
                        y[at] = (float) (xhat * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]));
                    }
                }
            }
        }
    }

    public static void batchNormEvalForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                                            float[] mean, float[] var, float[] y) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    int at = (i * c + ch) * hw + p;
                    double xhat = (x[at] - (double) mean[ch]) / Math.sqrt(var[ch] + (double) eps);
                    y[at] = (float) (xhat * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]));
                }
            }
        }
    }

    /**
     * dx from the chain rule through mean and variance written out term by term:
     * {@code dx = gamma*rstd*dy + dvar*2(x-mu)/M + dmu/M}.
     */
    public static void batchNormTrainBackward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                                              float[] mean, float[] var, float[] dy, float[] dx, float[] dGamma,
                                              float[] dBeta) {
        double count = (double) n * hw;
        double[] gSum = new double[c];
        double[] bSum = new double[c];
        for (int g = 0; g < groups; g++) {
            for (int ch = 0; ch < c; ch++) {
                double mu = mean[g * c + ch];
                double v = var[g * c + ch];
                double rstd = 1 / Math.sqrt(v + eps);
                double gm = gamma == null ? 1 : gamma[ch];
                double dVar = 0;
                double dMu = 0;
                double sumXmu = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        int at = (((g * n + i) * c) + ch) * hw + p;
                        double dxhat = dy[at] * gm;
                        dVar += dxhat * (x[at] - mu) * -0.5 * Math.pow(v + eps, -1.5);
                        dMu += -dxhat * rstd;
                        sumXmu += x[at] - mu;
                        gSum[ch] += dy[at] * (x[at] - mu) * rstd;
                        bSum[ch] += dy[at];
                    }
                }
                dMu += dVar * -2 * sumXmu / count;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        int at = (((g * n + i) * c) + ch) * hw + p;
                        dx[at] = (float) (dy[at] * gm * rstd + dVar * 2 * (x[at] - mu) / count + dMu / count);
                    }
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            if (dGamma != null) {
                dGamma[ch] = (float) gSum[ch];
            }
            if (dBeta != null) {
                dBeta[ch] = (float) bSum[ch];
            }
        }
    }
}
