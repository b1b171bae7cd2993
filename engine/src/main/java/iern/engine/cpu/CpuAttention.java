package iern.engine.cpu;

import java.util.Arrays;
import static iern.engine.cpu.VectorLoops.axpy;
import static iern.engine.cpu.VectorLoops.dot;


/**
 * Scaled dot-product attention and the confounder-weighted intervention on the CPU. Attention
 * splits over batches (heads are folded into the batch by the caller); each thread owns whole
 * batches, so the sums over queries in dK and dV run in a fixed order.
 */
final class CpuAttention {
    private CpuAttention() {}

    // shapes: q [b, lq, d], k [b, lk, d], v [b, lk, dv], mask [lq, lk] at i * maskStride, probs [b, lq, lk], out [b, lq, dv]
    static void attentionForward(int b, int lq, int lk, int d, int dv, float scale, float[] q, float[] k, float[] v,
                                 float[] mask, int maskStride, float[] probs, float[] out) {
        Parallel.forRange(b * lq, Math.max(1, (1 << 13) / Math.max(1, lk * (d + dv))), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int bi = r / lq;
                int qi = r % lq;
                int qo = r * d;
                int po = r * lk;
                float m = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < lk; j++) {
                    float s = (float) dot(q, qo, k, (bi * lk + j) * d, d) * scale;
                    if (mask != null) {
                        s += mask[bi * maskStride + qi * lk + j];
                    }
                    probs[po + j] = s;
                    m = Math.max(m, s);
                }
                double sum = 0;
                for (int j = 0; j < lk; j++) {
                    sum += Math.exp(probs[po + j] - m);
                }
                double inv = 1.0 / sum;
                for (int j = 0; j < lk; j++) {
                    probs[po + j] = (float) (Math.exp(probs[po + j] - m) * inv);
                }
                int oo = r * dv;
                Arrays.fill(out, oo, oo + dv, 0f);
                for (int j = 0; j < lk; j++) {
                    axpy(probs[po + j], v, (bi * lk + j) * dv, out, oo, dv);
                }
            }
        });
    }

    static void attentionBackward(int b, int lq, int lk, int d, int dv, float scale, float[] q, float[] k, float[] v,
                                  float[] probs, float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        Parallel.forRange(b, 1, (b0, b1) -> {
            float[] ds = new float[lk];
            for (int bi = b0; bi < b1; bi++) {
                if (dk != null) {
                    Arrays.fill(dk, bi * lk * d, (bi + 1) * lk * d, 0f);
                }
                if (dvOut != null) {
                    Arrays.fill(dvOut, bi * lk * dv, (bi + 1) * lk * dv, 0f);
                }
                for (int qi = 0; qi < lq; qi++) {
                    int r = bi * lq + qi;
                    int po = r * lk;
                    int go = r * dv;
                    double dot = 0;
                    for (int j = 0; j < lk; j++) {
                        float dp = (float) dot(dOut, go, v, (bi * lk + j) * dv, dv);
                        ds[j] = dp;
                        dot += (double) dp * probs[po + j];
                    }
                    for (int j = 0; j < lk; j++) {
                        ds[j] = (float) (probs[po + j] * (ds[j] - dot)) * scale;
                    }
                    if (dq != null) {
                        int qo = r * d;
                        Arrays.fill(dq, qo, qo + d, 0f);
                        for (int j = 0; j < lk; j++) {
                            axpy(ds[j], k, (bi * lk + j) * d, dq, qo, d);
                        }
                    }
                    for (int j = 0; j < lk; j++) {
                        if (dk != null) {
                            axpy(ds[j], q, r * d, dk, (bi * lk + j) * d, d);
                        }
                        if (dvOut != null) {
                            axpy(probs[po + j], dOut, go, dvOut, (bi * lk + j) * dv, dv);
                        }
                    }
                }
            }
        });
    }

    // w [n, k] at i * ws (0: shared), z [k, d] at i * zs (0: shared), out [n, d]
    static void interventionForward(int n, int k, int d, float[] w, int ws, float[] z, int zs, float[] out) {
        Parallel.forRange(n, Math.max(1, (1 << 14) / Math.max(1, k * d)), (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int oo = i * d;
                Arrays.fill(out, oo, oo + d, 0f);
                for (int j = 0; j < k; j++) {
                    axpy(w[i * ws + j], z, i * zs + j * d, out, oo, d);
                }
            }
        });
    }

    static void interventionBackward(int n, int k, int d, float[] w, int ws, float[] z, int zs, float[] dOut,
                                     float[] dw, float[] dz) {
        if (dw != null) {
            // One line per (item, stratum), or per stratum summed over items when the weights are shared.
            int lines = ws == 0 ? k : n * k;
            Parallel.forRange(lines, Math.max(1, (1 << 14) / Math.max(1, d * (ws == 0 ? n : 1))), (l0, l1) -> {
                for (int l = l0; l < l1; l++) {
                    int i0 = ws == 0 ? 0 : l / k;
                    int i1 = ws == 0 ? n : i0 + 1;
                    int j = l % k;
                    double s = 0;
                    for (int i = i0; i < i1; i++) {
                        s += dot(dOut, i * d, z, i * zs + j * d, d);
                    }
                    dw[ws == 0 ? j : i0 * ws + j] = (float) s;
                }
            });
        }
        if (dz != null) {
            if (zs == 0) {
                // dz[j] = sum_i w[i, j] dOut[i], item by item over a run of RUN features at a time
                // (the run stays in L1; the item order is fixed, so threads do not change sums).
                int runs = (d + RUN - 1) / RUN;
                Parallel.forRange(k * runs, Math.max(1, (1 << 14) / (n * RUN)), (t0, t1) -> {
                    for (int t = t0; t < t1; t++) {
                        int j = t / runs;
                        int e0 = t % runs * RUN, len = Math.min(RUN, d - e0);
                        int zo = j * d + e0;
                        Arrays.fill(dz, zo, zo + len, 0f);
                        for (int i = 0; i < n; i++) {
                            axpy(w[i * ws + j], dOut, i * d + e0, dz, zo, len);
                        }
                    }
                });
            } else {
                Parallel.forRange(n * k, Math.max(1, (1 << 14) / Math.max(1, d)), (l0, l1) -> {
                    for (int l = l0; l < l1; l++) {
                        int i = l / k;
                        int j = l % k;
                        float wij = w[i * ws + j];
                        int zo = i * zs + j * d;
                        for (int e = 0; e < d; e++) {
                            dz[zo + e] = wij * dOut[i * d + e];
                        }
                    }
                });
            }
        }
    }

    /** Features per task of the shared-strata gradient: a run of dz stays in L1 while items are added. */
    private static final int RUN = 1024;
}
