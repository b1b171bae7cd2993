package iern.engine.cpu;

import iern.engine.ConvShape;
import java.util.Arrays;

/**
 * Layout moves around the convolution GEMMs: im2col / col2im for a group of images laid side
 * by side, and the [n][c][P] <-> [c][n*P] regrouping of activations. All split over the pool
 * by channel, so threads write disjoint rows.
 */
final class ConvLowering {

    private ConvLowering() {}

    /** col[(ci*kh + ky)*kw + kx][img*P + oy*ow + ox] = x[n0+img][ci][iy][ix], 0 in the padding. */
    static void im2col(ConvShape s, float[] x, int n0, int gn, float[] col) {
        int oh = s.outH(), ow = s.outW(), p = oh * ow, cols = gn * p;
        int taps = s.kh() * s.kw();
        int rows = s.cIn() * taps;
        Parallel.forRange(rows, Math.max(1, 8192 / cols), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ci = r / taps, ky = (r % taps) / s.kw(), kx = r % s.kw();
                int shiftX = kx * s.dilW() - s.padW();
                int lo = firstInside(shiftX, s.strideW(), ow);
                int hi = Math.max(lo, firstInside(shiftX - s.w(), s.strideW(), ow));
                for (int img = 0; img < gn; img++) {
                    int plane = ((n0 + img) * s.cIn() + ci) * s.h() * s.w();
                    int dst = r * cols + img * p;
                    for (int oy = 0; oy < oh; oy++, dst += ow) {
                        int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                        if (iy < 0 || iy >= s.h() || lo == hi) {
                            Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        Arrays.fill(col, dst, dst + lo, 0f);
                        int src = plane + iy * s.w() + shiftX;
                        if (s.strideW() == 1) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                col[dst + ox] = x[src + ox * s.strideW()];
                            }
                        }
                        Arrays.fill(col, dst + hi, dst + ow, 0f);
                    }
                }
            }
        });
    }

    /** The adjoint of {@link #im2col}: dx[n0+img] = sum of the column entries that read each pixel. */
    static void col2im(ConvShape s, float[] dcol, int n0, int gn, float[] dx) {
        int oh = s.outH(), ow = s.outW(), p = oh * ow, cols = gn * p;
        int taps = s.kh() * s.kw();
        int hw = s.h() * s.w();
        Parallel.forRange(s.cIn(), Math.max(1, 8192 / (taps * cols)), (c0, c1) -> {
            for (int ci = c0; ci < c1; ci++) {
                for (int img = 0; img < gn; img++) {
                    int plane = ((n0 + img) * s.cIn() + ci) * hw;
                    Arrays.fill(dx, plane, plane + hw, 0f);
                }
                for (int t = 0; t < taps; t++) {
                    int ky = t / s.kw(), kx = t % s.kw();
                    int r = ci * taps + t;
                    int shiftX = kx * s.dilW() - s.padW();
                    int lo = firstInside(shiftX, s.strideW(), ow);
                    int hi = Math.max(lo, firstInside(shiftX - s.w(), s.strideW(), ow));
                    for (int img = 0; img < gn; img++) {
                        int plane = ((n0 + img) * s.cIn() + ci) * hw;
                        int src = r * cols + img * p;
                        for (int oy = 0; oy < oh; oy++, src += ow) {
                            int iy = oy * s.strideH() - s.padH() + ky * s.dilH();
                            if (iy < 0 || iy >= s.h()) {
                                continue;
                            }
                            int dst = plane + iy * s.w() + shiftX;
                            if (s.strideW() == 1) {
                                VectorLoops.axpy(1f, dcol, src + lo, dx, dst + lo, hi - lo);
                            } else {
                                for (int ox = lo; ox < hi; ox++) {
                                    dx[dst + ox * s.strideW()] += dcol[src + ox];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** Smallest ox in [0, ow] with ox * stride + shift >= 0. */
    private static int firstInside(int shift, int stride, int ow) {
        if (shift >= 0) {
            return 0;
        }
        return Math.min(ow, (-shift + stride - 1) / stride);
    }

    /** y[off + (img*c + ch)*p + i] = out[ch][img*p + i] (+ bias[ch]). */
    static void ungroup(float[] out, int c, int gn, int p, float[] bias, float[] y, int off) {
        int cols = gn * p;
        Parallel.forRange(c, Math.max(1, 16384 / cols), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                float bv = bias == null ? 0f : bias[ch];
                for (int img = 0; img < gn; img++) {
                    int src = ch * cols + img * p;
                    int dst = off + (img * c + ch) * p;
                    for (int i = 0; i < p; i++) {
                        y[dst + i] = out[src + i] + bv;
                    }
                }
            }
        });
    }

    /** dst[ch][img*p + i] = src[off + (img*c + ch)*p + i]. */
    static void group(float[] src, int off, int c, int gn, int p, float[] dst) {
        int cols = gn * p;
        Parallel.forRange(c, Math.max(1, 16384 / cols), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                for (int img = 0; img < gn; img++) {
                    System.arraycopy(src, off + (img * c + ch) * p, dst, ch * cols + img * p, p);
                }
            }
        });
    }

    /** dst[j][i] = src[i][j] for src [rows][cols], in 32x32 blocks (both sides stay in cache). */
    static void transpose(float[] src, int rows, int cols, float[] dst) {
        int block = 32;
        Parallel.forRange((cols + block - 1) / block, Math.max(1, 16384 / (rows * block)), (b0, b1) -> {
            for (int jb = b0 * block; jb < Math.min(cols, b1 * block); jb += block) {
                int jEnd = Math.min(cols, jb + block);
                for (int ib = 0; ib < rows; ib += block) {
                    int iEnd = Math.min(rows, ib + block);
                    for (int j = jb; j < jEnd; j++) {
                        for (int i = ib; i < iEnd; i++) {
                            dst[j * rows + i] = src[i * cols + j];
                        }
                    }
                }
            }
        });
    }

    static void addBias(float[] bias, float[] y, int off, int c, int p) {
        for (int ch = 0; ch < c; ch++) {
            float bv = bias[ch];
            int o = off + ch * p;
            for (int i = 0; i < p; i++) {
                y[o + i] += bv;
            }
        }
    }

    /** dBias[ch] = sum over images and pixels of dy, accumulated in double. */
    static void sumBias(float[] dy, int n, int c, int p, float[] dBias) {
        Parallel.forRange(c, Math.max(1, 16384 / (n * p)), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double sum = 0;
                for (int img = 0; img < n; img++) {
                    int o = (img * c + ch) * p;
                    for (int i = 0; i < p; i++) {
                        sum += dy[o + i];
                    }
                }
                dBias[ch] = (float) sum;
            }
        });
    }
}
