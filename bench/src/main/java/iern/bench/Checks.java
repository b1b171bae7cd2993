package iern.bench;

import iern.engine.ConvShape;
import java.util.SplittableRandom;

/**
 * Result checks run once in each benchmark's setup, before anything is timed. Large shapes are
 * checked on a random sample of entries, each recomputed from its definition in double.
 */
public final class Checks {

    private static final int SAMPLES = 400;

    private Checks() {}

    public static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    /** C = A B, all row-major and dense (beta 0, alpha 1). */
    public static void gemm(int m, int n, int k, float[] a, float[] b, float[] c) {
        SplittableRandom r = new SplittableRandom(42);
        for (int s = 0; s < SAMPLES; s++) {
            int i = r.nextInt(m), j = r.nextInt(n);
            double sum = 0;
            for (int p = 0; p < k; p++) {
                sum += (double) a[i * k + p] * b[p * n + j];
            }
            expect("gemm C[" + i + "," + j + "]", sum, c[i * n + j], k);
        }
    }

    public static void convForward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        SplittableRandom r = new SplittableRandom(43);
        int oh = s.outH(), ow = s.outW();
        for (int t = 0; t < SAMPLES; t++) {
            int n = r.nextInt(s.n()), co = r.nextInt(s.cOut()), oy = r.nextInt(oh), ox = r.nextInt(ow);
            double sum = bias == null ? 0 : bias[co];
            for (int ci = 0; ci < s.cIn(); ci++) {
                for (int ky = 0; ky < s.kh(); ky++) {
                    for (int kx = 0; kx < s.kw(); kx++) {
                        int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                        int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                        if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                            sum += (double) x[((n * s.cIn() + ci) * s.h() + iy) * s.w() + ix]
                                    * w[((co * s.cIn() + ci) * s.kh() + ky) * s.kw() + kx];
                        }
                    }
                }
            }
            expect("conv y[" + n + "," + co + "," + oy + "," + ox + "]", sum,
                    y[((n * s.cOut() + co) * oh + oy) * ow + ox], s.cIn() * s.kh() * s.kw());
        }
    }

    public static void convBackwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        SplittableRandom r = new SplittableRandom(44);
        int oh = s.outH(), ow = s.outW();
        for (int t = 0; t < SAMPLES; t++) {
            int n = r.nextInt(s.n()), ci = r.nextInt(s.cIn()), iy = r.nextInt(s.h()), ix = r.nextInt(s.w());
            double sum = 0;
            for (int co = 0; co < s.cOut(); co++) {
                for (int ky = 0; ky < s.kh(); ky++) {
                    int ty = iy + s.padH() - ky * s.dilH();
                    if (ty < 0 || ty % s.strideH() != 0 || ty / s.strideH() >= oh) {
                        continue;
                    }
                    for (int kx = 0; kx < s.kw(); kx++) {
                        int tx = ix + s.padW() - kx * s.dilW();
                        if (tx < 0 || tx % s.strideW() != 0 || tx / s.strideW() >= ow) {
                            continue;
                        }
                        sum += (double) dy[((n * s.cOut() + co) * oh + ty / s.strideH()) * ow + tx / s.strideW()]
                                * w[((co * s.cIn() + ci) * s.kh() + ky) * s.kw() + kx];
                    }
                }
            }
            expect("conv dx[" + n + "," + ci + "," + iy + "," + ix + "]", sum,
                    dx[((n * s.cIn() + ci) * s.h() + iy) * s.w() + ix], s.cOut() * s.kh() * s.kw());
        }
    }

    public static void convBackwardWeight(ConvShape s, float[] x, float[] dy, float[] dw, float[] dBias) {
        SplittableRandom r = new SplittableRandom(45);
        int oh = s.outH(), ow = s.outW();
        for (int t = 0; t < SAMPLES / 4; t++) {
            int co = r.nextInt(s.cOut()), ci = r.nextInt(s.cIn()), ky = r.nextInt(s.kh()), kx = r.nextInt(s.kw());
            double sum = 0, bsum = 0;
            for (int n = 0; n < s.n(); n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((n * s.cOut() + co) * oh + oy) * ow + ox];
                        bsum += g;
                        int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                        int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                        if (iy >= 0 && iy < s.h() && ix >= 0 && ix < s.w()) {
                            sum += g * x[((n * s.cIn() + ci) * s.h() + iy) * s.w() + ix];
                        }
                    }
                }
            }
            int reduction = s.n() * oh * ow;
            expect("conv dw[" + co + "," + ci + "," + ky + "," + kx + "]", sum,
                    dw[((co * s.cIn() + ci) * s.kh() + ky) * s.kw() + kx], reduction);
            if (dBias != null) {
                expect("conv dBias[" + co + "]", bsum, dBias[co], reduction);
            }
        }
    }

    /**
     * Every entry of {@code got} within {@code abs + rel * |ref|} of the oracle's; on failure the
     * message names the first mismatches with their index.
     */
    public static void expectClose(String what, float[] ref, float[] got, double abs, double rel) {
        if (ref.length != got.length) {
            throw new IllegalStateException(what + ": oracle has " + ref.length + " values, result " + got.length);
        }
        StringBuilder first = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!(Math.abs(ref[i] - got[i]) <= abs + rel * Math.abs(ref[i]))) {
                if (bad++ < 5) {
                    first.append(String.format("%n  %s[%d]: expected %s, got %s", what, i, ref[i], got[i]));
                }
            }
        }
        if (bad > 0) {
            throw new IllegalStateException("benchmark result check failed: " + bad + " of " + ref.length + " values of "
                    + what + " off by more than " + abs + " + " + rel + " * |expected|" + first);
        }
    }

    private static void expect(String what, double expected, float actual, int reduction) {
        double tol = 1e-5 * Math.sqrt(reduction) + 1e-4 * Math.abs(expected);
        if (!(Math.abs(actual - expected) <= tol)) {
            throw new IllegalStateException("benchmark result check failed: " + what + " expected "
                    + expected + " got " + actual + " (tolerance " + tol + ")");
        }
    }
}
