package iern.engine.oracle;

import iern.engine.ConvShape;

/**
 * Naive reference versions of SGEMM and the three convolution kernels. Every sum is
 * accumulated in double, so the fast float kernels can be judged against something whose own
 * rounding error is negligible. Slow on purpose: loops follow the definitions literally.
 */
public final class GemmConvOracle {

    private GemmConvOracle() {}

    /** Same contract as {@code Sgemm.sgemm}: row-major, C = alpha op(A) op(B) + beta C. */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                double old = beta == 0f ? 0.0 : (double) beta * c[ci];
                c[ci] = (float) (alpha * sum + old);
            }
        }
    }

    /** y[n, co, oy, ox] = bias[co] + sum over ci, ky, kx of x[n, ci, iy, ix] * w[co, ci, ky, kx]. */
    public static void conv2dForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        int oh = s.outH(), ow = s.outW();
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double sum = bias == null ? 0.0 : bias[co];
                        for (int ci = 0; ci < s.cIn(); ci++) {
                            for (int ky = 0; ky < s.kh(); ky++) {
                                int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                                if (iy < 0 || iy >= s.h()) {
                                    continue;
                                }
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                                    if (ix < 0 || ix >= s.w()) {
                                        continue;
                                    }
                                    sum += (double) x[xIndex(s, n, ci, iy, ix)]
                                            * w[wIndex(s, co, ci, ky, kx)];
                                }
                            }
                        }
                        y[((n * s.cOut() + co) * oh + oy) * ow + ox] = (float) sum;
                    }
                }
            }
        }
    }

    /** dx = the input-gradient of the forward pass for output gradient dy (overwrites dx). */
    public static void conv2dBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        int oh = s.outH(), ow = s.outW();
        double[] acc = new double[s.n() * s.cIn() * s.h() * s.w()];
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((n * s.cOut() + co) * oh + oy) * ow + ox];
                        for (int ci = 0; ci < s.cIn(); ci++) {
                            for (int ky = 0; ky < s.kh(); ky++) {
                                int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                                if (iy < 0 || iy >= s.h()) {
                                    continue;
                                }
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                                    if (ix < 0 || ix >= s.w()) {
                                        continue;
                                    }
                                    acc[xIndex(s, n, ci, iy, ix)] += g * w[wIndex(s, co, ci, ky, kx)];
                                }
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

    /** dw = weight-gradient, dBias (when not null) = sum of dy over n, oy, ox; both overwritten. */
    public static void conv2dBackwardWeight(ConvShape s, float[] x, float[] dy, float[] dw,
                                            float[] dBias) {
        int oh = s.outH(), ow = s.outW();
        double[] acc = new double[s.cOut() * s.cIn() * s.kh() * s.kw()];
        double[] accBias = new double[s.cOut()];
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < s.cOut(); co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((n * s.cOut() + co) * oh + oy) * ow + ox];
                        accBias[co] += g;
                        for (int ci = 0; ci < s.cIn(); ci++) {
                            for (int ky = 0; ky < s.kh(); ky++) {
                                int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                                if (iy < 0 || iy >= s.h()) {
                                    continue;
                                }
                                for (int kx = 0; kx < s.kw(); kx++) {
                                    int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                                    if (ix < 0 || ix >= s.w()) {
                                        continue;
                                    }
                                    acc[wIndex(s, co, ci, ky, kx)] += g * x[xIndex(s, n, ci, iy, ix)];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            dw[i] = (float) acc[i];
        }
        if (dBias != null) {
            for (int i = 0; i < accBias.length; i++) {
                dBias[i] = (float) accBias[i];
            }
        }
    }

    private static int xIndex(ConvShape s, int n, int c, int y, int x) {
        return ((n * s.cIn() + c) * s.h() + y) * s.w() + x;
    }

    private static int wIndex(ConvShape s, int co, int ci, int ky, int kx) {
        return ((co * s.cIn() + ci) * s.kh() + ky) * s.kw() + kx;
    }
}
