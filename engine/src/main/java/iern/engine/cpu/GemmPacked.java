package iern.engine.cpu;

import static iern.engine.cpu.GemmMicroKernel.MR;
import static iern.engine.cpu.GemmMicroKernel.NR;

import jdk.incubator.vector.FloatVector;

/**
 * Blocked, packed SGEMM (the Goto/BLIS loop nest). For each NC-wide column block and
 * KC-deep slice, B is packed into NR-wide panels (kept in L2/L3 and, one panel at a time, in
 * L1); for each MC-high row block A is packed into MR-high panels (kept in L2), alpha folded
 * in. The micro-kernel then sweeps every MR x NR tile. C is split into one rectangle per
 * thread; each thread packs into its own reused buffers, so a call allocates no arrays.
 */
final class GemmPacked {

    static final int KC = Integer.getInteger("iern.gemm.kc", 256);
    static final int MC = roundUp(Integer.getInteger("iern.gemm.mc", 192), MR);
    static final int NC = roundUp(Integer.getInteger("iern.gemm.nc", 2048), NR);
    /**
     * A block at most this many NR-panels wide reads A in place instead of packing it: packing
     * touches every element of A once, the multiply only {@code panels} times, so for thin
     * products (7x7 and 2x2 feature maps in IERN's heads) packing costs as much as the math.
     */
    static final int DIRECT_A_PANELS = Integer.getInteger("iern.gemm.directPanels", 16);
    /** {@link #DIRECT_A_PANELS}, or another bound set by tests to reach both paths on any shape. */
    static int directPanels = DIRECT_A_PANELS;

    /** Per-thread packing buffers: [0] A block, [1] B block, [2] one edge tile. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[][] {
            new float[MC * KC], new float[KC * NC], new float[MR * NR]});

    private GemmPacked() {}

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        DenseB source = DENSE_B.borrow();
        source.transB = transB;
        source.b = b;
        source.bOff = bOff;
        source.ldb = ldb;
        try {
            sgemm(transA, m, n, k, alpha, a, aOff, lda, source, beta, c, cOff, ldc);
        } finally {
            source.b = null;
            DENSE_B.giveBack(source);
        }
    }

    /** B read from a dense matrix; one per thread, lent to one call at a time (no lambda per call). */
    private static final class DenseB implements GemmBSource {
        boolean transB;
        float[] b;
        int bOff;
        int ldb;

        @Override
        public void pack(int pc, int kc, int jc, int nc, float[] bp) {
            packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
        }
    }

    private static final Parallel.Lender<DenseB> DENSE_B = new Parallel.Lender<>(DenseB::new);

    /** C = alpha op(A) B + beta C with B supplied by a packer (no bounds checks here: callers check). */
    static void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                      GemmBSource b, float beta, float[] c, int cOff, int ldc) {
        int threads = Parallel.threads();
        int mTiles = (m + MR - 1) / MR;
        int nTiles = (n + NR - 1) / NR;
        // Split the larger side so each thread's rectangle is as square as it can be; the other
        // operand is then packed once per thread, a small cost next to the multiply.
        boolean splitRows = mTiles * NR >= nTiles * MR;
        int tiles = splitRows ? mTiles : nTiles;
        int parts = (int) Math.min(tiles, threads);
        // Below about 2M multiply-adds (~15 us on one core) waking the pool costs more than it saves.
        if (parts <= 1 || (long) m * n * k < (1L << 21)) {
            block(transA, 0, m, 0, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
            return;
        }
        Split call = SPLITS.borrow();
        call.set(transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc, splitRows, tiles, parts);
        try {
            Parallel.forRange(parts, 1, call);
        } finally {
            call.a = null;
            call.b = null;
            call.c = null;
            SPLITS.giveBack(call);
        }
    }

    /** The parallel body of one product: C split into {@code parts} rectangles of whole tiles. */
    private static final class Split implements Parallel.RangeBody {
        boolean transA;
        int m;
        int n;
        int k;
        float alpha;
        float[] a;
        int aOff;
        int lda;
        GemmBSource b;
        float beta;
        float[] c;
        int cOff;
        int ldc;
        boolean splitRows;
        int tiles;
        int parts;

        void set(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda, GemmBSource b,
                 float beta, float[] c, int cOff, int ldc, boolean splitRows, int tiles, int parts) {
            this.transA = transA;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.splitRows = splitRows;
            this.tiles = tiles;
            this.parts = parts;
        }

        @Override
        public void run(int p0, int p1) {
            for (int part = p0; part < p1; part++) {
                int t0 = (int) ((long) tiles * part / parts);
                int t1 = (int) ((long) tiles * (part + 1) / parts);
                if (splitRows) {
                    block(transA, t0 * MR, Math.min(m, t1 * MR), 0, n, k, alpha,
                            a, aOff, lda, b, beta, c, cOff, ldc);
                } else {
                    block(transA, 0, m, t0 * NR, Math.min(n, t1 * NR), k, alpha,
                            a, aOff, lda, b, beta, c, cOff, ldc);
                }
            }
        }
    }

    private static final Parallel.Lender<Split> SPLITS = new Parallel.Lender<>(Split::new);

    /** C[i0:i1, j0:j1] on the calling thread. */
    private static void block(boolean transA, int i0, int i1, int j0, int j1, int k,
                              float alpha, float[] a, int aOff, int lda, GemmBSource b,
                              float beta, float[] c, int cOff, int ldc) {
        if (MR == 12 && alpha == 1f && (j1 - j0 + NR - 1) / NR <= directPanels) {
            blockDirectA(transA, i0, i1, j0, j1, k, a, aOff, lda, b, beta, c, cOff, ldc);
            return;
        }
        float[][] buf = BUFFERS.get();
        float[] ap = buf[0], bp = buf[1], edge = buf[2];
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                b.pack(pc, kc, jc, nc, bp);
                float betaNow = pc == 0 ? beta : 1f;
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, alpha, a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bpOff = jr * kc;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int apOff = ir * kc;
                            int cTile = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                GemmMicroKernel.tile(kc, ap, apOff, bp, bpOff, c, cTile, ldc, betaNow);
                            } else {
                                GemmMicroKernel.tile(kc, ap, apOff, bp, bpOff, edge, 0, NR, 0f);
                                mergeEdge(edge, mr, nr, betaNow, c, cTile, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #block} for thin blocks: B is packed as usual, A is read where it lies by
     * {@link GemmMicroKernel#tile12Direct}, one 12-row strip at a time across all panels (the
     * strip stays in L1). Rows past the last full strip are packed, zero-padded, as usual.
     */
    private static void blockDirectA(boolean transA, int i0, int i1, int j0, int j1, int k,
                                     float[] a, int aOff, int lda, GemmBSource b,
                                     float beta, float[] c, int cOff, int ldc) {
        float[][] buf = BUFFERS.get();
        float[] ap = buf[0], bp = buf[1], edge = buf[2];
        int aStep = transA ? lda : 1, aRow = transA ? 1 : lda;
        int fullEnd = i0 + (i1 - i0) / MR * MR;
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                b.pack(pc, kc, jc, nc, bp);
                float betaNow = pc == 0 ? beta : 1f;
                for (int ir = i0; ir < fullEnd; ir += MR) {
                    int aTile = transA ? aOff + pc * lda + ir : aOff + ir * lda + pc;
                    for (int jr = 0; jr < nc; jr += NR) {
                        GemmMicroKernel.tile12Direct(kc, a, aTile, aStep, aRow, bp, jr * kc, edge);
                        mergeEdge(edge, MR, Math.min(NR, nc - jr), betaNow, c, cOff + ir * ldc + jc + jr, ldc);
                    }
                }
                if (fullEnd < i1) {
                    packA(transA, 1f, a, aOff, lda, fullEnd, i1 - fullEnd, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        GemmMicroKernel.tile(kc, ap, 0, bp, jr * kc, edge, 0, NR, 0f);
                        mergeEdge(edge, i1 - fullEnd, Math.min(NR, nc - jr), betaNow, c, cOff + fullEnd * ldc + jc + jr, ldc);
                    }
                }
            }
        }
    }

    /** Copies the valid part of an edge tile into C, honouring beta (0 never reads C). */
    private static void mergeEdge(float[] edge, int mr, int nr, float beta, float[] c, int cTile, int ldc) {
        int vl = GemmMicroKernel.VL;
        for (int r = 0; r < mr; r++) {
            int ci = cTile + r * ldc;
            int ei = r * NR;
            if (beta == 0f) {
                System.arraycopy(edge, ei, c, ci, nr);
                continue;
            }
            int j = 0;
            if (beta == 1f) {
                for (; j + vl <= nr; j += vl) {
                    FloatVector.fromArray(GemmMicroKernel.SP, edge, ei + j)
                            .add(FloatVector.fromArray(GemmMicroKernel.SP, c, ci + j)).intoArray(c, ci + j);
                }
            }
            for (; j < nr; j++) {
                c[ci + j] = edge[ei + j] + beta * c[ci + j];
            }
        }
    }

    /**
     * Packs alpha * op(A)[ic:ic+mc, pc:pc+kc] as consecutive MR-row panels, each stored k-major
     * (MR values per k step); rows past mc are zero so edge tiles need no special kernel.
     */
    static void packA(boolean transA, float alpha, float[] a, int aOff, int lda,
                              int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (transA) {
                // op(A)(i, p) = a[p * lda + i]: rows of the panel are contiguous in memory.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        ap[dst + r] = alpha * a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        ap[dst + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < mr; r++) {
                    int src = aOff + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = alpha * a[src + p];
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column panels, k-major, zero beyond nc. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                              int jc, int nc, float[] bp) {
        if (!transB) {
            // Row by row, so the source streams through memory in order (prefetch- and TLB-friendly
            // for wide B); each row segment lands in its panel at k step p.
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + jc;
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = Math.min(NR, nc - jr);
                    int dst = jr * kc + p * NR;
                    System.arraycopy(b, src + jr, bp, dst, nr);
                    if (nr < NR) {
                        java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f);
                    }
                }
            }
            return;
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    System.arraycopy(b, src, bp, dst, nr);
                    if (nr < NR) {
                        java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f);
                    }
                }
            } else {
                // op(B)(p, j) = b[j * ldb + p]: read each stored row once, scatter with stride NR.
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = b[src + p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int to) {
        return Math.max(to, (x + to - 1) / to * to);
    }
}
