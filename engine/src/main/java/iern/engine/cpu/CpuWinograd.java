package iern.engine.cpu;

import iern.engine.ConvShape;

/**
 * 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray 2016):
 * each 2x2 block of outputs comes from a 4x4 block of inputs with 16 multiplications per
 * channel pair instead of 36, 2.25x fewer. The 16 multiplications of every tile and channel
 * pair become 16 independent GEMMs over the transform points {@code xi}:
 * <pre>
 *   U[xi][cOut][cIn] = (G g G^T)[xi]          weights, 3x3 -> 4x4
 *   V[xi][cIn][T]    = (B^T d B)[xi]          input tiles, 4x4 -> 4x4, T tiles of a group of images
 *   M[xi][cOut][T]   = U[xi] V[xi]            16 GEMMs
 *   y tile           = A^T M A                4x4 -> 2x2 (+ bias)
 * </pre>
 * The backward passes are the exact adjoints of these linear maps, so they share the transforms:
 * {@code dM = A dy A^T}; backward-data {@code dV[xi] = U[xi]^T dM[xi]}, then {@code B dV B^T}
 * added into the overlapping input tiles; backward-weight {@code dU[xi] = dM[xi] V[xi]^T}
 * summed over tiles, then {@code G^T dU G}. Tiles cover the output map; inputs outside the
 * image are zero, outputs outside it are dropped, so any padding works. The transforms'
 * coefficients are 0, +-1 and +-1/2, so the results are as accurate as the GEMM lowering's
 * to within a few ulps of the sums (CpuWinogradTest checks the oracle's tolerances).
 * Workspaces are per calling thread and only grow.
 */
final class CpuWinograd {

    /** Transform points: a 4x4 tile. */
    private static final int P = 16;

    /**
     * Images per pass are bounded so that V or M holds at most this many floats (16 MiB); the
     * GEMMs stay wide (a 7x7 map gives 16 tiles per image, a 56x56 map 784).
     */
    private static final int MAX_TILE_FLOATS = 4 << 20;

    /**
     * Off by default: on the project VM (2 cores, little memory bandwidth per core) this path
     * was slower than the GEMM lowering on every IERN and ResNet-18 3x3 shape but one (see
     * bench/README.md, "Winograd"): its GEMMs take 45% of the lowering's time, but the
     * transforms stream U, V and M, each 16/9 to 4x the size of what they transform, through
     * memory. {@code -Diern.conv.winograd=true} routes every 3x3 stride-1 convolution here, a
     * number N those with at least N input and output channels.
     */
    static final int MIN_CHANNELS = minChannels(System.getProperty("iern.conv.winograd", "false"));

    private static final ThreadLocal<float[][]> WORKSPACE = ThreadLocal.withInitial(
            () -> new float[][] {new float[0], new float[0], new float[0]});

    private CpuWinograd() {}

    private static int minChannels(String v) {
        if (v.equalsIgnoreCase("false") || v.equalsIgnoreCase("off")) {
            return Integer.MAX_VALUE;
        }
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("on")) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Diern.conv.winograd: expected true, false or a channel count, got '" + v + "'");
        }
    }

    /** A 3x3, stride-1, undilated kernel: the shapes F(2x2, 3x3) computes. */
    static boolean fits(ConvShape s) {
        return s.kh() == 3 && s.kw() == 3 && s.strideH() == 1 && s.strideW() == 1
                && s.dilH() == 1 && s.dilW() == 1 && s.outH() > 0 && s.outW() > 0;
    }

    /** Whether the convolution layer routes {@code s} here by default. */
    static boolean preferred(ConvShape s) {
        return fits(s) && s.cIn() >= MIN_CHANNELS && s.cOut() >= MIN_CHANNELS;
    }

    // ---- the three passes ---------------------------------------------------------------------

    static void forward(boolean simd, ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        Tiles t = new Tiles(s);
        float[][] ws = workspace(t);
        float[] u = ws[0], v = ws[1], m = ws[2];
        transformWeights(s, t, w, u);
        int tw = t.images * t.perImage;
        for (int n0 = 0; n0 < s.n(); n0 += t.images) {
            int gn = Math.min(t.images, s.n() - n0);
            int cols = gn * t.perImage;
            transformInput(s, t, x, n0, gn, v);
            gemms(simd, false, false, s.cOut(), cols, s.cIn(), u, t.uStride, s.cIn(),
                    v, t.vStride, tw, m, t.mStride, tw, 0f);
            transformOutput(s, t, m, bias, n0, gn, y);
        }
    }

    static void backwardData(boolean simd, ConvShape s, float[] dy, float[] w, float[] dx) {
        Tiles t = new Tiles(s);
        float[][] ws = workspace(t);
        float[] u = ws[0], dv = ws[1], dm = ws[2];
        transformWeights(s, t, w, u);
        int tw = t.images * t.perImage;
        for (int n0 = 0; n0 < s.n(); n0 += t.images) {
            int gn = Math.min(t.images, s.n() - n0);
            int cols = gn * t.perImage;
            transformOutputGradient(s, t, dy, n0, gn, dm);
            gemms(simd, true, false, s.cIn(), cols, s.cOut(), u, t.uStride, s.cIn(),
                    dm, t.mStride, tw, dv, t.vStride, tw, 0f);
            transformInputGradient(s, t, dv, n0, gn, dx);
        }
    }

    static void backwardWeight(boolean simd, ConvShape s, float[] x, float[] dy, float[] dw, float[] dBias) {
        Tiles t = new Tiles(s);
        float[][] ws = workspace(t);
        float[] du = ws[0], v = ws[1], dm = ws[2];
        int tw = t.images * t.perImage;
        for (int n0 = 0; n0 < s.n(); n0 += t.images) {
            int gn = Math.min(t.images, s.n() - n0);
            int cols = gn * t.perImage;
            transformInput(s, t, x, n0, gn, v);
            transformOutputGradient(s, t, dy, n0, gn, dm);
            gemms(simd, false, true, s.cOut(), s.cIn(), cols, dm, t.mStride, tw,
                    v, t.vStride, tw, du, t.uStride, s.cIn(), n0 == 0 ? 0f : 1f);
        }
        transformWeightGradient(s, t, du, dw);
        if (dBias != null) {
            ConvLowering.sumBias(dy, s.n(), s.cOut(), s.outH() * s.outW(), dBias);
        }
    }

    // ---- geometry and scratch -----------------------------------------------------------------

    /**
     * The output map in 2x2 tiles, how many images one pass takes, and the distance between
     * transform points in U, V and M. Those are padded off powers of two: the transforms write
     * (or read) all 16 points of a tile at once, and 16 streams a power of two apart would fall
     * into one cache set (512x512 weights: U's 11.4 ms fell to about 1 ms with the padding).
     */
    private record Tiles(int rows, int cols, int perImage, int images, int uStride, int vStride, int mStride) {
        Tiles(ConvShape s) {
            this(s, (s.outH() + 1) / 2, (s.outW() + 1) / 2);
        }

        private Tiles(ConvShape s, int rows, int cols) {
            this(s, rows, cols, imagesPerPass(s, rows * cols));
        }

        private Tiles(ConvShape s, int rows, int cols, int images) {
            this(rows, cols, rows * cols, images, padded((long) s.cOut() * s.cIn()),
                    padded((long) s.cIn() * images * rows * cols), padded((long) s.cOut() * images * rows * cols));
        }

        private static int padded(long size) {
            if ((size + 32) * P > Integer.MAX_VALUE - 1024) {
                throw new IllegalArgumentException("conv2d (Winograd): a workspace of " + size * P + " floats is too large");
            }
            return (int) size + 32;
        }

        private static int imagesPerPass(ConvShape s, int perImage) {
            long perImageFloats = (long) P * Math.max(s.cIn(), s.cOut()) * perImage;
            return (int) Math.max(1, Math.min(s.n(), MAX_TILE_FLOATS / perImageFloats));
        }
    }

    private static float[][] workspace(Tiles t) {
        float[][] ws = WORKSPACE.get();
        ws[0] = atLeast(ws[0], P * t.uStride);
        ws[1] = atLeast(ws[1], P * t.vStride);
        ws[2] = atLeast(ws[2], P * t.mStride);
        return ws;
    }

    private static float[] atLeast(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }

    /**
     * The 16 GEMMs {@code C[xi] = op(A[xi]) op(B[xi]) + beta C[xi]}, split over the pool by
     * transform point: each runs on one thread (inner parallel regions run inline).
     */
    private static void gemms(boolean simd, boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aStride, int lda, float[] b, int bStride, int ldb,
                              float[] c, int cStride, int ldc, float beta) {
        Parallel.forRange(P, 1, (p0, p1) -> {
            for (int xi = p0; xi < p1; xi++) {
                Sgemm.sgemm(simd, transA, transB, m, n, k, 1f, a, xi * aStride, lda, b, xi * bStride, ldb,
                        beta, c, xi * cStride, ldc);
            }
        });
    }

    // ---- transforms ---------------------------------------------------------------------------
    // Each works on whole rows: the vertical half of a 4x4 transform is a combination of four
    // image rows (contiguous, vectorisable loops), the horizontal half walks the tiles of a row
    // and writes (or reads) each of the 16 transform points as a stream contiguous in the tile
    // index. Scratch rows come from Rows, one set per chunk of planes.

    /** Weight pairs transformed together: their taps are first gathered tap-major (contiguous loops). */
    private static final int PAIR_BLOCK = 64;

    /** U[xi][o][i] = (G g G^T)[xi] for every weight {@code g = w[o][i]}. */
    private static void transformWeights(ConvShape s, Tiles t, float[] w, float[] u) {
        int pairs = s.cOut() * s.cIn(), us = t.uStride, nbMax = PAIR_BLOCK;
        Parallel.forRange(pairs, 1024, (q0, q1) -> {
            float[][] sc = scratch(12 * nbMax);
            float[] g = sc[0], a = sc[1];
            for (int qb = q0; qb < q1; qb += nbMax) {
                int nb = Math.min(nbMax, q1 - qb);
                for (int j = 0; j < nb; j++) {             // taps of nb pairs, tap-major
                    for (int e = 0; e < 9; e++) {
                        g[e * nbMax + j] = w[(qb + j) * 9 + e];
                    }
                }
                for (int c = 0; c < 3; c++) {              // G g, column c: rows 0..3 from the kernel's rows
                    int k0 = c * nbMax, k1 = (3 + c) * nbMax, k2 = (6 + c) * nbMax;
                    int a0 = c * nbMax, a1 = (3 + c) * nbMax, a2 = (6 + c) * nbMax, a3 = (9 + c) * nbMax;
                    for (int j = 0; j < nb; j++) {
                        float g0 = g[k0 + j], g1 = g[k1 + j], g2 = g[k2 + j];
                        a[a0 + j] = g0;
                        a[a1 + j] = 0.5f * (g0 + g1 + g2);
                        a[a2 + j] = 0.5f * (g0 - g1 + g2);
                        a[a3 + j] = g2;
                    }
                }
                for (int i = 0; i < 4; i++) {
                    int o = i * 4 * us + qb, ai = 3 * i * nbMax;   // (G g) G^T, row i: four streams
                    for (int j = 0; j < nb; j++) {
                        float a0 = a[ai + j], a1 = a[ai + nbMax + j], a2 = a[ai + 2 * nbMax + j];
                        u[o + j] = a0;
                        u[o + us + j] = 0.5f * (a0 + a1 + a2);
                        u[o + 2 * us + j] = 0.5f * (a0 - a1 + a2);
                        u[o + 3 * us + j] = a2;
                    }
                }
            }
        });
    }

    /** dw[o][i] = G^T dU G, the adjoint of {@link #transformWeights}. */
    private static void transformWeightGradient(ConvShape s, Tiles t, float[] du, float[] dw) {
        int pairs = s.cOut() * s.cIn(), us = t.uStride, nbMax = PAIR_BLOCK;
        Parallel.forRange(pairs, 1024, (q0, q1) -> {
            float[] g = scratch(9 * nbMax)[0];
            for (int qb = q0; qb < q1; qb += nbMax) {
                int nb = Math.min(nbMax, q1 - qb);
                java.util.Arrays.fill(g, 0, 9 * nbMax, 0f);
                for (int i = 0; i < 4; i++) {
                    // G^T's column i: how row i of dU G adds into the three rows of dw
                    float c0 = i == 0 ? 1f : i == 3 ? 0f : 0.5f;
                    float c1 = i == 1 ? 0.5f : i == 2 ? -0.5f : 0f;
                    float c2 = i == 3 ? 1f : i == 0 ? 0f : 0.5f;
                    int o = i * 4 * us + qb;
                    for (int j = 0; j < nb; j++) {          // row i of dU G, then into dw's rows
                        float u0 = du[o + j], u1 = du[o + us + j], u2 = du[o + 2 * us + j], u3 = du[o + 3 * us + j];
                        float b0 = u0 + 0.5f * (u1 + u2), b1 = 0.5f * (u1 - u2), b2 = 0.5f * (u1 + u2) + u3;
                        g[j] += c0 * b0;
                        g[nbMax + j] += c0 * b1;
                        g[2 * nbMax + j] += c0 * b2;
                        g[3 * nbMax + j] += c1 * b0;
                        g[4 * nbMax + j] += c1 * b1;
                        g[5 * nbMax + j] += c1 * b2;
                        g[6 * nbMax + j] += c2 * b0;
                        g[7 * nbMax + j] += c2 * b1;
                        g[8 * nbMax + j] += c2 * b2;
                    }
                }
                for (int j = 0; j < nb; j++) {
                    for (int e = 0; e < 9; e++) {
                        dw[(qb + j) * 9 + e] = g[e * nbMax + j];
                    }
                }
            }
        });
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[8][0]);

    /**
     * This thread's eight scratch rows of at least {@code width} floats, grown on demand: the
     * chunks a thread runs come one after another, so one set per thread serves every call.
     * The row transforms take a width that covers every tile of a row (2 values per tile + 2).
     */
    private static float[][] scratch(int width) {
        float[][] s = SCRATCH.get();
        if (s[0].length < width) {
            for (int i = 0; i < s.length; i++) {
                s[i] = new float[width];
            }
        }
        return s;
    }

    /** V[xi][c][tile] = (B^T d B)[xi] for the 4x4 input block {@code d} of every tile. */
    private static void transformInput(ConvShape s, Tiles t, float[] x, int n0, int gn, float[] v) {
        int tw = t.images * t.perImage, h = s.h(), w = s.w(), plane = h * w, cIn = s.cIn(), vs = t.vStride;
        int width = 2 * t.cols + 2;
        Parallel.forRange(gn * cIn, 1, (q0, q1) -> {
            float[][] r = scratch(width);
            float[] in0 = r[4], in1 = r[5], in2 = r[6], in3 = r[7];
            float[] r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
            for (int q = q0; q < q1; q++) {
                int img = q / cIn, c = q % cIn;
                int src = ((n0 + img) * cIn + c) * plane;
                for (int ty = 0; ty < t.rows; ty++) {
                    int y0 = ty * 2 - s.padH();
                    loadRow(x, src, y0, h, w, s.padW(), in0, width);
                    loadRow(x, src, y0 + 1, h, w, s.padW(), in1, width);
                    loadRow(x, src, y0 + 2, h, w, s.padW(), in2, width);
                    loadRow(x, src, y0 + 3, h, w, s.padW(), in3, width);
                    for (int j = 0; j < width; j++) {       // B^T d: rows of the block
                        r0[j] = in0[j] - in2[j];
                        r1[j] = in1[j] + in2[j];
                        r2[j] = in2[j] - in1[j];
                        r3[j] = in1[j] - in3[j];
                    }
                    int o = c * tw + img * t.perImage + ty * t.cols;
                    for (int i = 0; i < 4; i++) {           // (B^T d) B: columns, 4 streams per row
                        float[] ri = r[i];
                        int p0 = o + 4 * i * vs, p1 = p0 + vs, p2 = p1 + vs, p3 = p2 + vs;
                        for (int tx = 0; tx < t.cols; tx++) {
                            float d0 = ri[2 * tx], d1 = ri[2 * tx + 1], d2 = ri[2 * tx + 2], d3 = ri[2 * tx + 3];
                            v[p0 + tx] = d0 - d2;
                            v[p1 + tx] = d1 + d2;
                            v[p2 + tx] = d2 - d1;
                            v[p3 + tx] = d1 - d3;
                        }
                    }
                }
            }
        });
    }

    /** Row {@code yy} of a plane shifted right by {@code pad} into {@code row[0, width)}, zero outside the image. */
    private static void loadRow(float[] x, int src, int yy, int h, int w, int pad, float[] row, int width) {
        java.util.Arrays.fill(row, 0, width, 0f);
        if (yy < 0 || yy >= h) {
            return;
        }
        int from = Math.max(0, -pad);                      // first image column that lands in the row
        int to = Math.min(w, width - pad);
        if (to > from) {
            System.arraycopy(x, src + yy * w + from, row, from + pad, to - from);
        }
    }

    /** y = A^T M A per tile, plus the bias, dropping outputs beyond the map. */
    private static void transformOutput(ConvShape s, Tiles t, float[] m, float[] bias,
                                        int n0, int gn, float[] y) {
        int cOut = s.cOut(), outH = s.outH(), outW = s.outW(), plane = outH * outW;
        int tw = t.images * t.perImage, ms = t.mStride;
        Parallel.forRange(gn * cOut, 1, (q0, q1) -> {
            float[][] r = scratch(2 * t.cols + 2);
            for (int q = q0; q < q1; q++) {
                int img = q / cOut, c = q % cOut;
                float b = bias == null ? 0f : bias[c];
                int dst = ((n0 + img) * cOut + c) * plane;
                for (int ty = 0; ty < t.rows; ty++) {
                    int o = c * tw + img * t.perImage + ty * t.cols;
                    for (int i = 0; i < 4; i++) {           // M A: row i of every tile, 2 values each
                        float[] ri = r[i];
                        int p0 = o + 4 * i * ms, p1 = p0 + ms, p2 = p1 + ms, p3 = p2 + ms;
                        for (int tx = 0; tx < t.cols; tx++) {
                            float m0 = m[p0 + tx], m1 = m[p1 + tx], m2 = m[p2 + tx], m3 = m[p3 + tx];
                            ri[2 * tx] = m0 + m1 + m2;
                            ri[2 * tx + 1] = m1 - m2 - m3;
                        }
                    }
                    float[] r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
                    int oy = ty * 2;                        // A^T (M A): two output rows
                    int row = dst + oy * outW;
                    for (int j = 0; j < outW; j++) {
                        y[row + j] = r0[j] + r1[j] + r2[j] + b;
                    }
                    if (oy + 1 < outH) {
                        row += outW;
                        for (int j = 0; j < outW; j++) {
                            y[row + j] = r1[j] - r2[j] - r3[j] + b;
                        }
                    }
                }
            }
        });
    }

    /** dM[xi][c][tile] = (A dy A^T)[xi], the adjoint of {@link #transformOutput}; zero beyond the map. */
    private static void transformOutputGradient(ConvShape s, Tiles t, float[] dy, int n0, int gn, float[] dm) {
        int cOut = s.cOut(), outH = s.outH(), outW = s.outW(), plane = outH * outW;
        int tw = t.images * t.perImage, ms = t.mStride;
        int width = 2 * t.cols + 2;
        Parallel.forRange(gn * cOut, 1, (q0, q1) -> {
            float[][] r = scratch(width);
            float[] in0 = r[4], in1 = r[5];
            for (int q = q0; q < q1; q++) {
                int img = q / cOut, c = q % cOut;
                int src = ((n0 + img) * cOut + c) * plane;
                for (int ty = 0; ty < t.rows; ty++) {
                    loadRow(dy, src, ty * 2, outH, outW, 0, in0, width);
                    loadRow(dy, src, ty * 2 + 1, outH, outW, 0, in1, width);
                    float[] r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
                    for (int j = 0; j < width; j++) {       // A dy: four rows from two
                        float a = in0[j], b = in1[j];
                        r0[j] = a;
                        r1[j] = a + b;
                        r2[j] = a - b;
                        r3[j] = -b;
                    }
                    int o = c * tw + img * t.perImage + ty * t.cols;
                    for (int i = 0; i < 4; i++) {           // (A dy) A^T: 4 streams per row
                        float[] ri = r[i];
                        int p0 = o + 4 * i * ms, p1 = p0 + ms, p2 = p1 + ms, p3 = p2 + ms;
                        for (int tx = 0; tx < t.cols; tx++) {
                            float a = ri[2 * tx], b = ri[2 * tx + 1];
                            dm[p0 + tx] = a;
                            dm[p1 + tx] = a + b;
                            dm[p2 + tx] = a - b;
                            dm[p3 + tx] = -b;
                        }
                    }
                }
            }
        });
    }

    /** dx = sum over tiles of B dV B^T in each tile's 4x4 input block, the adjoint of {@link #transformInput}. */
    private static void transformInputGradient(ConvShape s, Tiles t, float[] dv, int n0, int gn, float[] dx) {
        int cIn = s.cIn(), h = s.h(), w = s.w(), plane = h * w;
        int tw = t.images * t.perImage, vs = t.vStride, pad = s.padW();
        int width = 2 * t.cols + 2;
        Parallel.forRange(gn * cIn, 1, (q0, q1) -> {
            float[][] r = scratch(width);
            float[] out = r[4];
            for (int q = q0; q < q1; q++) {
                int img = q / cIn, c = q % cIn;
                int dst = ((n0 + img) * cIn + c) * plane;
                java.util.Arrays.fill(dx, dst, dst + plane, 0f);
                for (int ty = 0; ty < t.rows; ty++) {
                    int o = c * tw + img * t.perImage + ty * t.cols;
                    for (int i = 0; i < 4; i++) {           // dV B^T: row i of every block, overlapping
                        float[] ri = r[i];
                        java.util.Arrays.fill(ri, 0, width, 0f);
                        int p0 = o + 4 * i * vs, p1 = p0 + vs, p2 = p1 + vs, p3 = p2 + vs;
                        for (int tx = 0; tx < t.cols; tx++) {
                            float v0 = dv[p0 + tx], v1 = dv[p1 + tx], v2 = dv[p2 + tx], v3 = dv[p3 + tx];
                            ri[2 * tx] += v0;
                            ri[2 * tx + 1] += v1 - v2 + v3;
                            ri[2 * tx + 2] += v1 + v2 - v0;
                            ri[2 * tx + 3] -= v3;
                        }
                    }
                    float[] r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
                    int y0 = ty * 2 - s.padH();
                    for (int k = 0; k < 4; k++) {           // B (dV B^T): the block's four rows
                        int yy = y0 + k;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        if (k == 0) {
                            System.arraycopy(r0, 0, out, 0, width);
                        } else if (k == 1) {
                            for (int j = 0; j < width; j++) {
                                out[j] = r1[j] - r2[j] + r3[j];
                            }
                        } else if (k == 2) {
                            for (int j = 0; j < width; j++) {
                                out[j] = r1[j] + r2[j] - r0[j];
                            }
                        } else {
                            for (int j = 0; j < width; j++) {
                                out[j] = -r3[j];
                            }
                        }
                        int from = Math.max(0, -pad), to = Math.min(w, width - pad);
                        int row = dst + yy * w;
                        for (int xx = from; xx < to; xx++) {
                            dx[row + xx] += out[xx + pad];
                        }
                    }
                }
            }
        });
    }
}
