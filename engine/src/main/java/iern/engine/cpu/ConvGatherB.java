package iern.engine.cpu;

import static iern.engine.cpu.GemmMicroKernel.NR;

import iern.engine.ConvShape;

/**
 * Implicit im2col: a convolution GEMM's B panels gathered from a zero-padded copy of the input
 * group, one precomputed offset per column (its window in the copy) plus one per row (the tap:
 * channel, ky, kx). Every element is one load and one store with no bounds tests, and the
 * column matrix (kh*kw times the input) is never written out and read back. Packs col for the
 * forward GEMM {@code y = W col} and col^T for the weight gradient {@code dW = dy col^T}.
 * It replaced explicit im2col on narrow maps and a packer of row runs on wide ones: figures in
 * bench/README.md, "Gathered B".
 */
final class ConvGatherB implements GemmBSource {

    // The workspace's arrays, refilled by each call (one gatherer per workspace, like its arrays).
    private float[] padded;
    private int[] column;
    private int[] tap;
    private boolean transposed;

    /**
     * Copies images {@code n0 .. n0+gn-1} of x, padded, into the workspace and lays out the
     * offsets. Packs col (rows: taps, columns: pixels) or, {@code transposed}, col^T.
     */
    ConvGatherB fill(ConvShape s, float[] x, int n0, int gn, ConvWorkspace ws, boolean transposed) {
        this.transposed = transposed;
        int hp = s.h() + 2 * s.padH(), wp = s.w() + 2 * s.padW(), plane = hp * wp;
        int oh = s.outH(), ow = s.outW(), taps = s.kh() * s.kw();
        padded = ws.padded(gn * s.cIn() * plane);
        column = ws.columnOffsets(gn * oh * ow);
        tap = ws.tapOffsets(s.cIn() * taps);
        for (int img = 0, j = 0; img < gn; img++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++, j++) {
                    column[j] = img * s.cIn() * plane + oy * s.strideH() * wp + ox * s.strideW();
                }
            }
        }
        for (int ci = 0, r = 0; ci < s.cIn(); ci++) {
            for (int ky = 0; ky < s.kh(); ky++) {
                for (int kx = 0; kx < s.kw(); kx++, r++) {
                    tap[r] = ci * plane + ky * s.dilH() * wp + kx * s.dilW();
                }
            }
        }
        ConvLowering.pad(s, x, n0, gn, padded);
        return this;
    }

    @Override
    public void pack(int pc, int kc, int jc, int nc, float[] bp) {
        if (transposed) {
            gather(tap, column, pc, kc, jc, nc, bp);
        } else {
            gather(column, tap, pc, kc, jc, nc, bp);
        }
    }

    /**
     * Panels of B(q, j) = padded[rowOffset[q] + colOffset[j]]: col when the rows are taps and
     * the columns pixels, col^T the other way round.
     */
    private void gather(int[] colOffset, int[] rowOffset, int pc, int kc, int jc, int nc, float[] bp) {
        float[] src = padded;
        int[] col = colOffset;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr), c0 = jc + jr;
            for (int q = 0, dst = jr * kc; q < kc; q++, dst += NR) {
                int t = rowOffset[pc + q];
                for (int j = 0; j < nr; j++) {
                    bp[dst + j] = src[col[c0 + j] + t];
                }
                for (int j = nr; j < NR; j++) {
                    bp[dst + j] = 0f;
                }
            }
        }
    }
}
