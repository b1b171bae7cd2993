package iern.engine.cpu;

import static iern.engine.cpu.GemmMicroKernel.NR;

import iern.engine.ConvShape;

/**
 * Implicit im2col for the forward GEMM y = W col: packs panels of the column matrix
 * {@code col[(ci, ky, kx)][(img, oy, ox)]} (images n0 .. n0+gn-1) straight from the input, so
 * the column matrix (9x the input for a 3x3 kernel) is never written out and read back.
 * It pays when output rows are long (a panel column run covers many pixels per tap: ResNet's
 * 56x56 stage runs about 1.6x faster than explicit im2col); on 7x7 maps the short runs make it
 * slower than explicit im2col, so {@link CpuConv2d} only uses it for wide outputs.
 */
final class ConvPackB implements GemmBSource {

    private final ConvShape s;
    private final float[] x;
    private final int n0;

    ConvPackB(ConvShape s, float[] x, int n0) {
        this.s = s;
        this.x = x;
        this.n0 = n0;
    }

    @Override
    public void pack(int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int base = jr * kc;
            for (int j = 0; j < nr; ) {
                j += pixelRun(jc + jr + j, nr - j, pc, kc, bp, base + j);
            }
            for (int j = nr; j < NR; j++) {
                for (int p = 0, dst = base + j; p < kc; p++, dst += NR) {
                    bp[dst] = 0f;
                }
            }
        }
    }

    /**
     * Up to {@code max} panel columns that are consecutive pixels of one output row: for each
     * tap they read one contiguous (or strided) run of an input row, so bounds are settled once
     * per run, not per element. Returns the number of columns written.
     */
    private int pixelRun(int pixel, int max, int pc, int kc, float[] bp, int dst) {
        int ow = s.outW(), p = s.outH() * ow;
        int img = pixel / p, rest = pixel - img * p;
        int oy = rest / ow, ox0 = rest - oy * ow;
        int len = Math.min(max, ow - ox0), ox1 = ox0 + len;
        int h = s.h(), w = s.w(), hw = h * w, kw = s.kw(), kh = s.kh(), sw = s.strideW();
        int iy0 = oy * s.strideH() - s.padH();
        int taps = kh * kw;
        int ci = pc / taps, t = pc - ci * taps, ky = t / kw, kx = t - ky * kw;
        int plane = ((n0 + img) * s.cIn() + ci) * hw;
        for (int q = 0; q < kc; q++, dst += NR) {
            int iy = iy0 + ky * s.dilH();
            if (iy < 0 || iy >= h) {
                java.util.Arrays.fill(bp, dst, dst + len, 0f);
            } else {
                int shift = kx * s.dilW() - s.padW();
                int lo = Math.min(ox1, Math.max(ox0, firstInside(shift, sw)));
                int hi = Math.max(lo, Math.min(ox1, firstInside(shift - w, sw)));
                java.util.Arrays.fill(bp, dst, dst + lo - ox0, 0f);
                int src = plane + iy * w + shift;
                if (sw == 1) {
                    System.arraycopy(x, src + lo, bp, dst + lo - ox0, hi - lo);
                } else {
                    for (int ox = lo; ox < hi; ox++) {
                        bp[dst + ox - ox0] = x[src + ox * sw];
                    }
                }
                java.util.Arrays.fill(bp, dst + hi - ox0, dst + len, 0f);
            }
            if (++kx == kw) {
                kx = 0;
                if (++ky == kh) {
                    ky = 0;
                    plane += hw;
                }
            }
        }
        return len;
    }

    /** Smallest ox >= 0 with ox * stride + shift >= 0. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }
}
