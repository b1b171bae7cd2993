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

    private enum Kind { IM2COL, COL2IM, PAD, UNGROUP, GROUP, TRANSPOSE, SUM_BIAS }

    /**
     * The parallel body of one move: its kind and arguments (each kind reads the fields its
     * range method takes). One per thread, lent to one call at a time; a move has run inside
     * a parallel region of a convolution's GEMM and would otherwise be a capturing lambda per
     * call, thousands per training step.
     */
    private static final class Move implements Parallel.RangeBody {
        Kind kind;
        ConvShape s;
        float[] src;
        float[] dst;
        float[] bias;
        int n0;
        int gn;
        int c;
        int p;
        int off;
        int rows;
        int cols;

        @Override
        public void run(int start, int end) {
            switch (kind) {
                case IM2COL -> im2colRows(s, src, n0, gn, dst, start, end);
                case COL2IM -> col2imChannels(s, src, n0, gn, dst, start, end);
                case PAD -> padPlanes(s, src, n0, dst, start, end);
                case UNGROUP -> ungroupChannels(src, c, gn, p, bias, dst, off, start, end);
                case GROUP -> groupChannels(src, off, c, gn, p, dst, start, end);
                case TRANSPOSE -> transposeBlocks(src, rows, cols, dst, start, end);
                case SUM_BIAS -> sumBiasChannels(src, gn, c, p, dst, start, end);
            }
        }
    }

    private static final Parallel.Lender<Move> MOVES = new Parallel.Lender<>(Move::new);

    private static Move move(Kind kind, ConvShape s, float[] src, float[] dst) {
        Move m = MOVES.borrow();
        m.kind = kind;
        m.s = s;
        m.src = src;
        m.dst = dst;
        return m;
    }

    /** Runs {@code m} over [0, n) and gives it back emptied (callers compute the grain before borrowing). */
    private static void run(Move m, int n, int grain) {
        try {
            Parallel.forRange(n, grain, m);
        } finally {
            m.s = null;
            m.src = null;
            m.dst = null;
            m.bias = null;
            MOVES.giveBack(m);
        }
    }

    /** col[(ci*kh + ky)*kw + kx][img*P + oy*ow + ox] = x[n0+img][ci][iy][ix], 0 in the padding. */
    static void im2col(ConvShape s, float[] x, int n0, int gn, float[] col) {
        int cols = gn * s.outH() * s.outW();
        int grain = Math.max(1, 8192 / cols);
        Move m = move(Kind.IM2COL, s, x, col);
        m.n0 = n0;
        m.gn = gn;
        run(m, s.cIn() * s.kh() * s.kw(), grain);
    }

    private static void im2colRows(ConvShape s, float[] x, int n0, int gn, float[] col, int r0, int r1) {
        int oh = s.outH(), ow = s.outW(), p = oh * ow, cols = gn * p;
        int taps = s.kh() * s.kw();
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
    }

    /** The adjoint of {@link #im2col}: dx[n0+img] = sum of the column entries that read each pixel. */
    static void col2im(ConvShape s, float[] dcol, int n0, int gn, float[] dx) {
        int cols = gn * s.outH() * s.outW();
        int grain = Math.max(1, 8192 / (s.kh() * s.kw() * cols));
        Move m = move(Kind.COL2IM, s, dcol, dx);
        m.n0 = n0;
        m.gn = gn;
        run(m, s.cIn(), grain);
    }

    private static void col2imChannels(ConvShape s, float[] dcol, int n0, int gn, float[] dx, int c0, int c1) {
        int oh = s.outH(), ow = s.outW(), p = oh * ow, cols = gn * p;
        int taps = s.kh() * s.kw();
        int hw = s.h() * s.w();
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
    }

    /** dst[img][c] = x[n0+img][c] with padH rows and padW columns of zeros around it. */
    static void pad(ConvShape s, float[] x, int n0, int gn, float[] dst) {
        int plane = (s.h() + 2 * s.padH()) * (s.w() + 2 * s.padW());
        int grain = Math.max(1, 16384 / plane);
        Move m = move(Kind.PAD, s, x, dst);
        m.n0 = n0;
        run(m, gn * s.cIn(), grain);
    }

    private static void padPlanes(ConvShape s, float[] x, int n0, float[] dst, int p0, int p1) {
        int h = s.h(), w = s.w(), ph = s.padH(), pw = s.padW(), wp = w + 2 * pw, plane = (h + 2 * ph) * wp;
        for (int q = p0; q < p1; q++) {
            int out = q * plane, in = (n0 * s.cIn() + q) * h * w;
            Arrays.fill(dst, out, out + ph * wp + pw, 0f);
            for (int y = 0; y < h; y++) {
                int row = out + (ph + y) * wp + pw;
                System.arraycopy(x, in + y * w, dst, row, w);
                Arrays.fill(dst, row + w, Math.min(out + plane, row + w + 2 * pw), 0f);
            }
            Arrays.fill(dst, Math.min(out + plane, out + (ph + h) * wp + pw), out + plane, 0f);
        }
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
        int grain = Math.max(1, 16384 / (gn * p));
        Move m = move(Kind.UNGROUP, null, out, y);
        m.c = c;
        m.gn = gn;
        m.p = p;
        m.bias = bias;
        m.off = off;
        run(m, c, grain);
    }

    private static void ungroupChannels(float[] out, int c, int gn, int p, float[] bias, float[] y, int off,
                                        int c0, int c1) {
        int cols = gn * p;
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
    }

    /** dst[ch][img*p + i] = src[off + (img*c + ch)*p + i]. */
    static void group(float[] src, int off, int c, int gn, int p, float[] dst) {
        int grain = Math.max(1, 16384 / (gn * p));
        Move m = move(Kind.GROUP, null, src, dst);
        m.off = off;
        m.c = c;
        m.gn = gn;
        m.p = p;
        run(m, c, grain);
    }

    private static void groupChannels(float[] src, int off, int c, int gn, int p, float[] dst, int c0, int c1) {
        int cols = gn * p;
        for (int ch = c0; ch < c1; ch++) {
            for (int img = 0; img < gn; img++) {
                System.arraycopy(src, off + (img * c + ch) * p, dst, ch * cols + img * p, p);
            }
        }
    }

    /** dst[j][i] = src[i][j] for src [rows][cols], in 32x32 blocks (both sides stay in cache). */
    static void transpose(float[] src, int rows, int cols, float[] dst) {
        int grain = Math.max(1, 16384 / (rows * TRANSPOSE_BLOCK));
        Move m = move(Kind.TRANSPOSE, null, src, dst);
        m.rows = rows;
        m.cols = cols;
        run(m, (cols + TRANSPOSE_BLOCK - 1) / TRANSPOSE_BLOCK, grain);
    }

    private static final int TRANSPOSE_BLOCK = 32;

    private static void transposeBlocks(float[] src, int rows, int cols, float[] dst, int b0, int b1) {
        int block = TRANSPOSE_BLOCK;
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
        int grain = Math.max(1, 16384 / (n * p));
        Move m = move(Kind.SUM_BIAS, null, dy, dBias);
        m.gn = n;
        m.c = c;
        m.p = p;
        run(m, c, grain);
    }

    private static void sumBiasChannels(float[] dy, int n, int c, int p, float[] dBias, int c0, int c1) {
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
    }
}
