package iern.engine.cpu;

import iern.engine.ConvShape;

/**
 * 2-d convolution on the CPU, NCHW, weight {@code [cOut, cIn, kh, kw]}, PyTorch
 * cross-correlation semantics. Each image is lowered to a column matrix
 * {@code col[cIn*kh*kw, outH*outW]} (im2col) so the three passes become GEMMs:
 * forward {@code y = W col}, backward-data {@code dcol = W^T dy} then col2im,
 * backward-weight {@code dW += dy col^T}.
 */
public final class Conv2dCpu {

    private Conv2dCpu() {}

    public static void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        int kDim = s.cIn() * s.kh() * s.kw();
        int p = s.outH() * s.outW();
        float[] col = direct(s) ? null : new float[kDim * p];
        for (int n = 0; n < s.n(); n++) {
            int xOff = n * s.cIn() * s.h() * s.w();
            int yOff = n * s.cOut() * p;
            float[] src = x;
            int srcOff = xOff;
            if (col != null) {
                im2col(s, x, xOff, col);
                src = col;
                srcOff = 0;
            }
            Sgemm.sgemm(false, false, s.cOut(), p, kDim, 1f, w, 0, kDim, src, srcOff, p, 0f, y, yOff, p);
            if (bias != null) {
                for (int co = 0; co < s.cOut(); co++) {
                    float bv = bias[co];
                    int o = yOff + co * p;
                    for (int i = 0; i < p; i++) {
                        y[o + i] += bv;
                    }
                }
            }
        }
    }

    public static void backwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        int kDim = s.cIn() * s.kh() * s.kw();
        int p = s.outH() * s.outW();
        boolean direct = direct(s);
        float[] col = direct ? null : new float[kDim * p];
        for (int n = 0; n < s.n(); n++) {
            int xOff = n * s.cIn() * s.h() * s.w();
            int yOff = n * s.cOut() * p;
            if (direct) {
                Sgemm.sgemm(true, false, kDim, p, s.cOut(), 1f, w, 0, kDim, dy, yOff, p, 0f, dx, xOff, p);
            } else {
                Sgemm.sgemm(true, false, kDim, p, s.cOut(), 1f, w, 0, kDim, dy, yOff, p, 0f, col, 0, p);
                col2im(s, col, dx, xOff);
            }
        }
    }

    public static void backwardWeight(ConvShape s, float[] x, float[] dy, float[] dw, float[] dBias) {
        int kDim = s.cIn() * s.kh() * s.kw();
        int p = s.outH() * s.outW();
        float[] col = direct(s) ? null : new float[kDim * p];
        for (int n = 0; n < s.n(); n++) {
            int xOff = n * s.cIn() * s.h() * s.w();
            int yOff = n * s.cOut() * p;
            float[] src = x;
            int srcOff = xOff;
            if (col != null) {
                im2col(s, x, xOff, col);
                src = col;
                srcOff = 0;
            }
            Sgemm.sgemm(false, true, s.cOut(), kDim, p, 1f, dy, yOff, p, src, srcOff, p,
                    n == 0 ? 0f : 1f, dw, 0, kDim);
        }
        if (dBias != null) {
            for (int co = 0; co < s.cOut(); co++) {
                double sum = 0;
                for (int n = 0; n < s.n(); n++) {
                    int o = (n * s.cOut() + co) * p;
                    for (int i = 0; i < p; i++) {
                        sum += dy[o + i];
                    }
                }
                dBias[co] = (float) sum;
            }
        }
    }

    /** A 1x1 kernel with unit stride and no padding reads the input plane as the column matrix. */
    static boolean direct(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1
                && s.padH() == 0 && s.padW() == 0;
    }

    static void im2col(ConvShape s, float[] x, int xOff, float[] col) {
        int oh = s.outH(), ow = s.outW(), p = oh * ow;
        int rows = s.cIn() * s.kh() * s.kw();
        for (int r = 0; r < rows; r++) {
            int kx = r % s.kw();
            int ky = (r / s.kw()) % s.kh();
            int ci = r / (s.kw() * s.kh());
            int plane = xOff + ci * s.h() * s.w();
            int o = r * p;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                boolean rowIn = iy >= 0 && iy < s.h();
                for (int ox = 0; ox < ow; ox++) {
                    int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                    col[o++] = rowIn && ix >= 0 && ix < s.w() ? x[plane + iy * s.w() + ix] : 0f;
                }
            }
        }
    }

    /** Scatters a column matrix back onto the image, summing overlaps; overwrites the image. */
    static void col2im(ConvShape s, float[] col, float[] dx, int xOff) {
        int oh = s.outH(), ow = s.outW(), p = oh * ow;
        java.util.Arrays.fill(dx, xOff, xOff + s.cIn() * s.h() * s.w(), 0f);
        int rows = s.cIn() * s.kh() * s.kw();
        for (int r = 0; r < rows; r++) {
            int kx = r % s.kw();
            int ky = (r / s.kw()) % s.kh();
            int ci = r / (s.kw() * s.kh());
            int plane = xOff + ci * s.h() * s.w();
            int o = r * p;
            for (int oy = 0; oy < oh; oy++) {
                int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                if (iy < 0 || iy >= s.h()) {
                    o += ow;
                    continue;
                }
                for (int ox = 0; ox < ow; ox++, o++) {
                    int ix = ox * s.strideW() - s.padW() + kx * s.dilW();
                    if (ix >= 0 && ix < s.w()) {
                        dx[plane + iy * s.w() + ix] += col[o];
                    }
                }
            }
        }
    }
}
