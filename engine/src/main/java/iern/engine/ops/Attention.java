package iern.engine.ops;

import static iern.engine.BackendArgs.atLeast;
import static iern.engine.BackendArgs.batched;
import static iern.engine.BackendArgs.optionalRange;
import static iern.engine.BackendArgs.range;
import static iern.engine.cpu.VectorLoops.axpy;
import static iern.engine.cpu.VectorLoops.dot;

import iern.engine.Backend;
import iern.engine.Grad;
import iern.engine.KernelOp;
import iern.engine.Storage;
import iern.engine.Tensor;
import iern.engine.cpu.Parallel;
import java.util.Arrays;

/**
 * Multi-head scaled dot-product attention, the whole op in one file:
 * <pre>
 * tensor op   {@link #apply}: q [B, lq, e], k [B, lk, e], v [B, lk, ev] -> [B, lq, ev]; heads are
 *             folded into B by reshapes around the kernel; backward: {@link #BACKWARD} with the
 *             saved probabilities
 * kernels     {@link #FORWARD} (attentionForward), {@link #BACKWARD} (attentionBackward), on
 *             q [b, lq, d], k [b, lk, d], v [b, lk, dimV]; contract in each one's check
 * CPU         {@link #cpuForward}, {@link #cpuBackward} (below)
 * OpenCL      iern.kernels.opencl.ClAttention (kernels module; GEMM + row softmax)
 * oracle      {@link #oracleForward}, {@link #oracleBackward} (below)
 * test        iern.engine.testing.OpConformance (engine test-jar; every backend)
 * </pre>
 */
public final class Attention {
    private Attention() {}

    /**
     * Kernel parameters: {@code b} batches of {@code lq} queries and {@code lk} keys of width
     * {@code d}, values of width {@code dimV}; scores are scaled by {@code scale}; the mask
     * (forward only) is {@code [lq, lk]} per batch at {@code i * maskBatchStride} (0 shares it).
     */
    public record Dims(int b, int lq, int lk, int d, int dimV, float scale, long maskBatchStride) {}

    /**
     * {@code P = softmax(scale * Q K^T + mask)}, {@code out = P V}; arguments {@code q, k, v,
     * mask} (additive, may be null), outputs {@code probs [b, lq, lk]} (P, kept for the backward
     * pass) and {@code out [b, lq, dimV]}.
     */
    public static final KernelOp<Dims> FORWARD =
            new KernelOp<>("attentionForward", 4, "q", "k", "v", "mask", "probs", "out") {
                @Override
                protected void check(Dims p, Storage[] io) {
                    shared(name(), p, io[0], io[1], io[2], io[4]);
                    if (io[3] != null) {
                        atLeast(name(), "maskBatchStride", p.maskBatchStride(), 0);
                        batched(name(), "mask", io[3], p.maskBatchStride(), p.b(), (long) p.lq() * p.lk());
                    }
                    range(name(), "out", io[5], 0, (long) p.b() * p.lq() * p.dimV());
                }

                @Override
                protected long extent(Dims p, int arg) {
                    return switch (arg) {
                        case 3 -> p.b() == 0 ? 0 : (p.b() - 1) * p.maskBatchStride() + (long) p.lq() * p.lk();
                        case 5 -> (long) p.b() * p.lq() * p.dimV();
                        default -> sharedExtent(p, arg);
                    };
                }

                @Override
                protected void cpu(Dims p, float[][] io) {
                    cpuForward(p.b(), p.lq(), p.lk(), p.d(), p.dimV(), p.scale(), io[0], io[1], io[2], io[3],
                            Math.toIntExact(p.maskBatchStride()), io[4], io[5]);
                }
            };

    /**
     * Gradients of {@link #FORWARD}: inputs {@code q, k, v, probs, dOut}, outputs {@code dq, dk,
     * dv} (overwritten; any may be null).
     */
    public static final KernelOp<Dims> BACKWARD =
            new KernelOp<>("attentionBackward", 5, "q", "k", "v", "probs", "dOut", "dq", "dk", "dv") {
                @Override
                protected void check(Dims p, Storage[] io) {
                    shared(name(), p, io[0], io[1], io[2], io[3]);
                    range(name(), "dOut", io[4], 0, (long) p.b() * p.lq() * p.dimV());
                    optionalRange(name(), "dq", io[5], (long) p.b() * p.lq() * p.d());
                    optionalRange(name(), "dk", io[6], (long) p.b() * p.lk() * p.d());
                    optionalRange(name(), "dv", io[7], (long) p.b() * p.lk() * p.dimV());
                }

                @Override
                protected long extent(Dims p, int arg) {
                    return switch (arg) {
                        case 3 -> sharedExtent(p, 4);
                        case 4 -> (long) p.b() * p.lq() * p.dimV();
                        default -> sharedExtent(p, arg - 5);
                    };
                }

                @Override
                protected void cpu(Dims p, float[][] io) {
                    cpuBackward(p.b(), p.lq(), p.lk(), p.d(), p.dimV(), p.scale(), io[0], io[1], io[2], io[3],
                            io[4], io[5], io[6], io[7]);
                }
            };

    private static void shared(String op, Dims p, Storage q, Storage k, Storage v, Storage probs) {
        atLeast(op, "b", p.b(), 0);
        atLeast(op, "lq", p.lq(), 0);
        atLeast(op, "lk", p.lk(), 0);
        atLeast(op, "d", p.d(), 0);
        atLeast(op, "dimV", p.dimV(), 0);
        range(op, "q", q, 0, (long) p.b() * p.lq() * p.d());
        range(op, "k", k, 0, (long) p.b() * p.lk() * p.d());
        range(op, "v", v, 0, (long) p.b() * p.lk() * p.dimV());
        range(op, "probs", probs, 0, (long) p.b() * p.lq() * p.lk());
    }

    /** Extents of q (0), k (1), v (2) and probs (4) of the forward kernel's argument order. */
    private static long sharedExtent(Dims p, int arg) {
        return switch (arg) {
            case 0 -> (long) p.b() * p.lq() * p.d();
            case 1 -> (long) p.b() * p.lk() * p.d();
            case 2 -> (long) p.b() * p.lk() * p.dimV();
            case 4 -> (long) p.b() * p.lq() * p.lk();
            default -> throw new IllegalArgumentException("attention: no argument " + arg);
        };
    }

    /** {@link #FORWARD} with its parameters spelled out. */
    public static void forward(Backend be, int b, int lq, int lk, int d, int dimV, float scale, Storage q,
                               Storage k, Storage v, Storage mask, long maskBatchStride, Storage probs,
                               Storage out) {
        FORWARD.run(be, new Dims(b, lq, lk, d, dimV, scale, maskBatchStride), q, k, v, mask, probs, out);
    }

    /** {@link #BACKWARD} with its parameters spelled out. */
    public static void backward(Backend be, int b, int lq, int lk, int d, int dimV, float scale, Storage q,
                                Storage k, Storage v, Storage probs, Storage dOut, Storage dq, Storage dk,
                                Storage dv) {
        BACKWARD.run(be, new Dims(b, lq, lk, d, dimV, scale, 0), q, k, v, probs, dOut, dq, dk, dv);
    }

    // ================================================================ tensor op

    /**
     * Multi-head attention on tensors: {@code q [b, lq, e]},
     * {@code k [b, lk, e]}, {@code v [b, lk, ev]}, {@code heads} dividing e and ev; {@code mask}
     * (additive, no gradient, may be null) is {@code [lq, lk]} or {@code [b, lq, lk]}.
     */
    public static Tensor apply(Tensor q, Tensor k, Tensor v, Tensor mask, int heads) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        if (qs.length != 3 || ks.length != 3 || vs.length != 3 || qs[0] != ks[0] || ks[0] != vs[0]
                || qs[2] != ks[2] || ks[1] != vs[1]) {
            throw new IllegalArgumentException("attention: q " + Arrays.toString(qs) + ", k " + Arrays.toString(ks)
                    + ", v " + Arrays.toString(vs) + " must be [b, lq, e], [b, lk, e], [b, lk, ev]");
        }
        int b = qs[0], lq = qs[1], lk = ks[1], e = qs[2], ev = vs[2];
        if (heads < 1 || e % heads != 0 || ev % heads != 0) {
            throw new IllegalArgumentException("attention: " + heads + " heads do not divide widths " + e + " and " + ev);
        }
        long maskStride = 0;
        Tensor m = null;
        if (mask != null) {
            int[] ms = mask.shape();
            boolean shared = Arrays.equals(ms, new int[] {lq, lk});
            boolean perItem = Arrays.equals(ms, new int[] {b, lq, lk});
            if (!shared && !perItem) {
                throw new IllegalArgumentException("attention: mask " + Arrays.toString(ms) + " must be [" + lq
                        + ", " + lk + "] or [" + b + ", " + lq + ", " + lk + "]");
            }
            try (var off = Grad.off()) {
                if (perItem && heads > 1) {
                    m = mask.reshape(b, 1, lq, lk).expand(b, heads, lq, lk);
                } else {
                    m = mask.detach();
                }
            }
            maskStride = perItem ? (long) lq * lk : 0;
        }
        int d = e / heads, dv = ev / heads;
        if (heads == 1) {
            return core(q, k, v, m, maskStride, b, lq, lk, d, dv);
        }
        Tensor qh = q.reshape(b, lq, heads, d).permute(0, 2, 1, 3).reshape(b * heads, lq, d);
        Tensor kh = k.reshape(b, lk, heads, d).permute(0, 2, 1, 3).reshape(b * heads, lk, d);
        Tensor vh = v.reshape(b, lk, heads, dv).permute(0, 2, 1, 3).reshape(b * heads, lk, dv);
        Tensor oh = core(qh, kh, vh, m, maskStride, b * heads, lq, lk, d, dv);
        return oh.reshape(b, heads, lq, dv).permute(0, 2, 1, 3).reshape(b, lq, ev);
    }

    private static Tensor core(Tensor q, Tensor k, Tensor v, Tensor mask, long maskStride, int b, int lq, int lk,
                               int d, int dv) {
        Backend be = q.backend();
        KernelOp.requireSameBackend("attention", q, k);
        KernelOp.requireSameBackend("attention", q, v);
        float scale = (float) (1.0 / Math.sqrt(d));
        Tensor probs = Tensor.zeros(be, b, lq, lk);
        Tensor out = Tensor.zeros(be, b, lq, dv);
        Dims p = new Dims(b, lq, lk, d, dv, scale, maskStride);
        FORWARD.run(be, p, q.storage(), k.storage(), v.storage(), mask == null ? null : mask.storage(),
                probs.storage(), out.storage());
        if (!KernelOp.needsGrad(q, k, v)) {
            probs.close();
            return out;
        }
        return KernelOp.record("attention", out, g -> {
            Tensor dq = q.requiresGrad() ? Tensor.zeros(be, q.shape()) : null;
            Tensor dk = k.requiresGrad() ? Tensor.zeros(be, k.shape()) : null;
            Tensor dvT = v.requiresGrad() ? Tensor.zeros(be, v.shape()) : null;
            BACKWARD.run(be, p, q.storage(), k.storage(), v.storage(), probs.storage(), g.storage(),
                    dq == null ? null : dq.storage(), dk == null ? null : dk.storage(),
                    dvT == null ? null : dvT.storage());
            return new Tensor[] {dq, dk, dvT};
        }, q, k, v);
    }

    // ================================================================ CPU kernels

    /*
     * Split over rows (forward) and batches (backward; heads are folded into the batch by the
     * caller): each thread owns whole batches, so the sums over queries in dK and dV run in a
     * fixed order.
     */

    /** q [b, lq, d], k [b, lk, d], v [b, lk, dv], mask [lq, lk] at i * maskStride, probs [b, lq, lk], out [b, lq, dv]. */
    static void cpuForward(int b, int lq, int lk, int d, int dv, float scale, float[] q, float[] k, float[] v,
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

    static void cpuBackward(int b, int lq, int lk, int d, int dv, float scale, float[] q, float[] k, float[] v,
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

    // ================================================================ oracle

    /** Naive double-accumulating reference of {@link #FORWARD}, on host arrays. */
    public static void oracleForward(int b, int lq, int lk, int d, int dv, float scale, float[] q, float[] k,
                                     float[] v, float[] mask, long maskBatchStride, float[] probs, float[] out) {
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < lq; i++) {
                double[] s = new double[lk];
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < lk; j++) {
                    double dot = 0;
                    for (int e = 0; e < d; e++) {
                        dot += (double) q[(bi * lq + i) * d + e] * k[(bi * lk + j) * d + e];
                    }
                    s[j] = scale * dot + (mask == null ? 0 : mask[(int) (bi * maskBatchStride) + i * lk + j]);
                    m = Math.max(m, s[j]);
                }
                double z = 0;
                for (int j = 0; j < lk; j++) {
                    z += Math.exp(s[j] - m);
                }
                for (int j = 0; j < lk; j++) {
                    probs[(bi * lq + i) * lk + j] = (float) (Math.exp(s[j] - m) / z);
                }
                for (int e = 0; e < dv; e++) {
                    double acc = 0;
                    for (int j = 0; j < lk; j++) {
                        acc += Math.exp(s[j] - m) / z * v[(bi * lk + j) * dv + e];
                    }
                    out[(bi * lq + i) * dv + e] = (float) acc;
                }
            }
        }
    }

    /** Naive double-accumulating reference of {@link #BACKWARD}, on host arrays. */
    public static void oracleBackward(int b, int lq, int lk, int d, int dv, float scale, float[] q, float[] k,
                                      float[] v, float[] probs, float[] dOut, float[] dq, float[] dk, float[] dvOut) {
        for (int bi = 0; bi < b; bi++) {
            double[][] dS = new double[lq][lk];
            for (int i = 0; i < lq; i++) {
                double[] dP = new double[lk];
                double rowDot = 0;
                for (int j = 0; j < lk; j++) {
                    for (int e = 0; e < dv; e++) {
                        dP[j] += (double) dOut[(bi * lq + i) * dv + e] * v[(bi * lk + j) * dv + e];
                    }
                    rowDot += dP[j] * probs[(bi * lq + i) * lk + j];
                }
                for (int j = 0; j < lk; j++) {
                    dS[i][j] = probs[(bi * lq + i) * lk + j] * (dP[j] - rowDot) * scale;
                }
            }
            for (int i = 0; i < lq && dq != null; i++) {
                for (int e = 0; e < d; e++) {
                    double acc = 0;
                    for (int j = 0; j < lk; j++) {
                        acc += dS[i][j] * k[(bi * lk + j) * d + e];
                    }
                    dq[(bi * lq + i) * d + e] = (float) acc;
                }
            }
            for (int j = 0; j < lk; j++) {
                for (int e = 0; e < d && dk != null; e++) {
                    double acc = 0;
                    for (int i = 0; i < lq; i++) {
                        acc += dS[i][j] * q[(bi * lq + i) * d + e];
                    }
                    dk[(bi * lk + j) * d + e] = (float) acc;
                }
                for (int e = 0; e < dv && dvOut != null; e++) {
                    double acc = 0;
                    for (int i = 0; i < lq; i++) {
                        acc += (double) probs[(bi * lq + i) * lk + j] * dOut[(bi * lq + i) * dv + e];
                    }
                    dvOut[(bi * lk + j) * dv + e] = (float) acc;
                }
            }
        }
    }
}
