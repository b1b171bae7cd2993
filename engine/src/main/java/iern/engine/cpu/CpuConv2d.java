package iern.engine.cpu;

import iern.engine.ConvShape;

/**
 * 2-d convolution on the CPU, NCHW, weight {@code [cOut, cIn, kh, kw]}, PyTorch
 * cross-correlation semantics. The three passes are GEMMs over a column matrix
 * {@code col[cIn*kh*kw][g*outH*outW]} holding a group of g images side by side, so the small
 * 7x7 feature maps of IERN give one wide GEMM (N = 8*49 = 392) instead of eight thin ones:
 * <pre>
 *   forward          out[cOut][gP]  = W[cOut][K]   * col[K][gP]      then scatter + bias
 *   backward-data    dcol[K][gP]    = W^T[K][cOut] * dy[cOut][gP]    then col2im
 *   backward-weight  dW[cOut][K]   += dy[cOut][gP] * col^T[gP][K]
 * </pre>
 * A 1x1, stride-1, unpadded kernel needs no im2col: its column matrix is the input itself
 * (one image per group) or a channel-major gather of the group. On the vector path every other
 * forward pass, and the weight gradient of small maps, never write the column matrix: their
 * GEMMs gather B from a padded copy of the input ({@link ConvGatherB}); for those 1x1 kernels
 * the group's copy and a dense pack measured faster (bench/README.md). 3x3 stride-1
 * convolutions with enough channels may go to {@link CpuWinograd} instead. Workspaces are per
 * calling thread and only grow, so steady-state training allocates no arrays here.
 */
public final class CpuConv2d {

    /** Groups are made at least this many output pixels wide (one image per group if larger). */
    private static final int GROUP_COLUMNS = 1024;

    /**
     * Weight gradients over groups at least this many pixels wide use the transposed product
     * ({@code -Diern.conv.transposedWeightGrad} moves the switch). Measured, 2 threads: 56x56x64
     * 12.6 -> 8.4 ms, 28x28x128 9.6 -> 7.6 ms; on 7x7x512 (392 pixels) it lost, 6.9 -> 8.3 ms.
     */
    static final int TRANSPOSED_WEIGHT_GRAD_COLUMNS = Integer.getInteger("iern.conv.transposedWeightGrad", 1024);

    private static final ThreadLocal<ConvWorkspace> WORKSPACE = ThreadLocal.withInitial(ConvWorkspace::new);

    private CpuConv2d() {}

    public static void forward(ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        forward(CpuSettings.SIMD, s, x, w, bias, y);
    }

    public static void backwardData(ConvShape s, float[] dy, float[] w, float[] dx) {
        backwardData(CpuSettings.SIMD, s, dy, w, dx);
    }

    public static void backwardWeight(ConvShape s, float[] x, float[] dy, float[] dw, float[] dBias) {
        backwardWeight(CpuSettings.SIMD, s, x, dy, dw, dBias);
    }

    static void forward(boolean simd, ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        checkSizes(s, x, "x", w, "w", y, "y");
        checkBias(s, bias, "bias");
        if (simd && CpuWinograd.preferred(s)) {
            CpuWinograd.forward(true, s, x, w, bias, y);
            return;
        }
        int kDim = kDim(s), p = s.outH() * s.outW(), g = groupSize(s);
        ConvWorkspace ws = WORKSPACE.get();
        for (int n0 = 0; n0 < s.n(); n0 += g) {
            int gn = Math.min(g, s.n() - n0), cols = gn * p;
            boolean direct = gn == 1 && isDirect(s);
            // One image writes straight into y; a group goes through [cOut][gP] and is regrouped.
            float[] out = gn == 1 ? y : ws.out(s.cOut() * cols);
            int outOff = gn == 1 ? n0 * s.cOut() * p : 0;
            if (simd && !isDirect(s)) {
                GemmPacked.sgemm(false, s.cOut(), cols, kDim, 1f, w, 0, kDim,
                        ws.gather.fill(s, x, n0, gn, ws, false), 0f, out, outOff, cols);
            } else {
                float[] src = x;
                int srcOff = n0 * s.cIn() * p;
                if (!direct) {
                    src = ws.col(kDim * cols);
                    srcOff = 0;
                    ConvLowering.im2col(s, x, n0, gn, src);
                }
                Sgemm.sgemm(simd, false, false, s.cOut(), cols, kDim, 1f, w, 0, kDim, src, srcOff, cols,
                        0f, out, outOff, cols);
            }
            if (gn == 1) {
                if (bias != null) {
                    ConvLowering.addBias(bias, y, outOff, s.cOut(), p);
                }
            } else {
                ConvLowering.ungroup(out, s.cOut(), gn, p, bias, y, n0 * s.cOut() * p);
            }
        }
    }

    static void backwardData(boolean simd, ConvShape s, float[] dy, float[] w, float[] dx) {
        checkSizes(s, dx, "dx", w, "w", dy, "dy");
        if (simd && CpuWinograd.preferred(s)) {
            CpuWinograd.backwardData(true, s, dy, w, dx);
            return;
        }
        int kDim = kDim(s), p = s.outH() * s.outW(), g = groupSize(s);
        boolean direct = isDirect(s);
        ConvWorkspace ws = WORKSPACE.get();
        for (int n0 = 0; n0 < s.n(); n0 += g) {
            int gn = Math.min(g, s.n() - n0), cols = gn * p;
            float[] src = dy;
            int srcOff = n0 * s.cOut() * p;
            if (gn > 1) {
                src = ws.out(s.cOut() * cols);
                srcOff = 0;
                ConvLowering.group(dy, n0 * s.cOut() * p, s.cOut(), gn, p, src);
            }
            if (direct && gn == 1) {
                Sgemm.sgemm(simd, true, false, kDim, cols, s.cOut(), 1f, w, 0, kDim, src, srcOff, cols,
                        0f, dx, n0 * s.cIn() * p, p);
                continue;
            }
            float[] dcol = ws.col(kDim * cols);
            Sgemm.sgemm(simd, true, false, kDim, cols, s.cOut(), 1f, w, 0, kDim, src, srcOff, cols, 0f, dcol, 0, cols);
            ConvLowering.col2im(s, dcol, n0, gn, dx);
        }
    }

    static void backwardWeight(boolean simd, ConvShape s, float[] x, float[] dy, float[] dw, float[] dBias) {
        checkSizes(s, x, "x", dw, "dw", dy, "dy");
        checkBias(s, dBias, "dBias");
        if (simd && CpuWinograd.preferred(s)) {
            CpuWinograd.backwardWeight(true, s, x, dy, dw, dBias);
            return;
        }
        int kDim = kDim(s), p = s.outH() * s.outW(), g = groupSize(s);
        ConvWorkspace ws = WORKSPACE.get();
        // Large maps (ResNet's 56x56 .. 14x14 stages): dW^T = col dy^T reads the big column
        // matrix in place as the GEMM's A and packs only dy^T (cOut columns), instead of packing
        // col^T by a transposing scatter; one small transpose at the end. Small maps keep dW =
        // dy col^T, where that final transpose of a large dW would cost more than it saves.
        boolean transposed = simd && g * p >= TRANSPOSED_WEIGHT_GRAD_COLUMNS;
        float[] dwT = transposed ? ws.weightT(kDim * s.cOut()) : null;
        for (int n0 = 0; n0 < s.n(); n0 += g) {
            int gn = Math.min(g, s.n() - n0), cols = gn * p;
            float[] src = dy;
            int srcOff = n0 * s.cOut() * p;
            if (gn > 1) {
                src = ws.out(s.cOut() * cols);
                srcOff = 0;
                ConvLowering.group(dy, n0 * s.cOut() * p, s.cOut(), gn, p, src);
            }
            float beta = n0 == 0 ? 0f : 1f;
            boolean direct = gn == 1 && isDirect(s);
            if (simd && !transposed && !isDirect(s)) {
                GemmPacked.sgemm(false, s.cOut(), kDim, cols, 1f, src, srcOff, cols,
                        ws.gather.fill(s, x, n0, gn, ws, true), beta, dw, 0, kDim);
                continue;
            }
            float[] col = x;
            int colOff = n0 * s.cIn() * p;
            if (!direct) {
                col = ws.col(kDim * cols);
                colOff = 0;
                ConvLowering.im2col(s, x, n0, gn, col);
            }
            if (transposed) {
                Sgemm.sgemm(true, false, true, kDim, s.cOut(), cols, 1f, col, colOff, cols, src, srcOff, cols,
                        beta, dwT, 0, s.cOut());
            } else {
                Sgemm.sgemm(simd, false, true, s.cOut(), kDim, cols, 1f, src, srcOff, cols, col, colOff, cols,
                        beta, dw, 0, kDim);
            }
        }
        if (transposed) {
            ConvLowering.transpose(dwT, kDim, s.cOut(), dw);
        }
        if (dBias != null) {
            ConvLowering.sumBias(dy, s.n(), s.cOut(), p, dBias);
        }
    }

    /** A 1x1 kernel with unit stride and no padding reads the input plane as the column matrix. */
    static boolean isDirect(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1
                && s.padH() == 0 && s.padW() == 0;
    }

    private static int kDim(ConvShape s) {
        return s.cIn() * s.kh() * s.kw();
    }

    private static int groupSize(ConvShape s) {
        int p = s.outH() * s.outW();
        return Math.max(1, Math.min(s.n(), (GROUP_COLUMNS + p - 1) / p));
    }

    private static void checkSizes(ConvShape s, float[] in, String inName, float[] w, String wName,
                                   float[] out, String outName) {
        need(in, (long) s.n() * s.cIn() * s.h() * s.w(), inName, s);
        need(w, (long) s.cOut() * s.cIn() * s.kh() * s.kw(), wName, s);
        need(out, (long) s.n() * s.cOut() * s.outH() * s.outW(), outName, s);
    }

    private static void need(float[] a, long size, String name, ConvShape s) {
        if (a.length < size) {
            throw new IllegalArgumentException("conv2d: " + name + " has " + a.length
                    + " values, " + s + " needs " + size);
        }
    }

    /** A bias (or its gradient) may be absent; present, it needs one value per output channel. */
    private static void checkBias(ConvShape s, float[] b, String name) {
        if (b != null && b.length < s.cOut()) {
            throw new IllegalArgumentException("conv2d: " + name + " has " + b.length + " values, needs " + s.cOut());
        }
    }
}
