package iern.engine.ops;

import static iern.engine.BackendArgs.atLeast;
import static iern.engine.BackendArgs.batched;
import static iern.engine.BackendArgs.range;
import static iern.engine.cpu.VectorLoops.axpy;
import static iern.engine.cpu.VectorLoops.dot;

import iern.engine.Backend;
import iern.engine.KernelOp;
import iern.engine.Storage;
import iern.engine.Tensor;
import iern.engine.cpu.Parallel;
import java.util.Arrays;

/**
 * The confounder-weighted intervention (backdoor adjustment), the whole op in one file:
 * <pre>
 * tensor op   {@link #apply}: w [n, K] or [K], z [K, D] or [n, K, D] -> [n, D]; backward:
 *             {@link #BACKWARD} (shared operands get gradients summed over n)
 * kernels     {@link #FORWARD} (interventionForward), {@link #BACKWARD} (interventionBackward);
 *             contract in each one's check
 * CPU         {@link #cpuForward}, {@link #cpuBackward} (below)
 * OpenCL      iern.kernels.opencl.ClIntervention with its source intervention.cl (kernels module)
 * oracle      {@link #oracleForward}, {@link #oracleBackward} (below)
 * test        iern.engine.testing.OpConformance (engine test-jar; every backend)
 * </pre>
 */
public final class Intervention {
    private Intervention() {}

    /**
     * Kernel parameters: per item {@code i < n}, weights {@code [k]} at {@code w + i *
     * wBatchStride} (0: one weight vector for all items, e.g. uniform 1/K or the prior P(z))
     * and strata {@code [k, d]} at {@code z + i * zBatchStride} (0: one shared memory of K
     * confounder vectors).
     */
    public record Dims(int n, int k, int d, long wBatchStride, long zBatchStride) {}

    /** {@code out[i, :] = sum_j w[i, j] * z_i[j, :]}: inputs {@code w, z}, output {@code out [n, d]}. */
    public static final KernelOp<Dims> FORWARD = new KernelOp<>("interventionForward", 2, "w", "z", "out") {
        @Override
        protected void check(Dims p, Storage[] io) {
            shared(name(), p, io[0], io[1]);
            range(name(), "out", io[2], 0, (long) p.n() * p.d());
        }

        @Override
        protected long extent(Dims p, int arg) {
            return arg == 2 ? (long) p.n() * p.d() : sharedExtent(p, arg);
        }

        @Override
        protected void cpu(Dims p, float[][] io) {
            cpuForward(p.n(), p.k(), p.d(), io[0], Math.toIntExact(p.wBatchStride()), io[1],
                    Math.toIntExact(p.zBatchStride()), io[2]);
        }
    };

    /**
     * Backward of {@link #FORWARD}: {@code dw[i, j] = <dOut[i], z_i[j]>} and
     * {@code dz_i[j] = w[i, j] * dOut[i]}; inputs {@code w, z, dOut}, outputs {@code dw, dz}
     * (laid out as w and z, overwritten, either may be null). When a batch stride is 0 the
     * gradient of the shared tensor is summed over items.
     */
    public static final KernelOp<Dims> BACKWARD =
            new KernelOp<>("interventionBackward", 3, "w", "z", "dOut", "dw", "dz") {
                @Override
                protected void check(Dims p, Storage[] io) {
                    shared(name(), p, io[0], io[1]);
                    range(name(), "dOut", io[2], 0, (long) p.n() * p.d());
                    if (io[3] != null) {
                        batched(name(), "dw", io[3], p.wBatchStride(), p.n(), p.k());
                    }
                    if (io[4] != null) {
                        batched(name(), "dz", io[4], p.zBatchStride(), p.n(), (long) p.k() * p.d());
                    }
                }

                @Override
                protected long extent(Dims p, int arg) {
                    return switch (arg) {
                        case 2 -> (long) p.n() * p.d();
                        case 3 -> sharedExtent(p, 0);
                        case 4 -> sharedExtent(p, 1);
                        default -> sharedExtent(p, arg);
                    };
                }

                @Override
                protected void cpu(Dims p, float[][] io) {
                    cpuBackward(p.n(), p.k(), p.d(), io[0], Math.toIntExact(p.wBatchStride()), io[1],
                            Math.toIntExact(p.zBatchStride()), io[2], io[3], io[4]);
                }
            };

    private static void shared(String op, Dims p, Storage w, Storage z) {
        atLeast(op, "n", p.n(), 0);
        atLeast(op, "k", p.k(), 0);
        atLeast(op, "d", p.d(), 0);
        atLeast(op, "wBatchStride", p.wBatchStride(), 0);
        atLeast(op, "zBatchStride", p.zBatchStride(), 0);
        batched(op, "w", w, p.wBatchStride(), p.n(), p.k());
        batched(op, "z", z, p.zBatchStride(), p.n(), (long) p.k() * p.d());
    }

    /** Floats of w (0) or z (1): n items at their batch stride. */
    private static long sharedExtent(Dims p, int arg) {
        long extent = arg == 0 ? p.k() : (long) p.k() * p.d();
        long stride = arg == 0 ? p.wBatchStride() : p.zBatchStride();
        return p.n() == 0 || extent == 0 ? 0 : (p.n() - 1) * stride + extent;
    }

    /** {@link #FORWARD} with its parameters spelled out. */
    public static void forward(Backend be, int n, int k, int d, Storage w, long wBatchStride, Storage z,
                               long zBatchStride, Storage out) {
        FORWARD.run(be, new Dims(n, k, d, wBatchStride, zBatchStride), w, z, out);
    }

    /** {@link #BACKWARD} with its parameters spelled out. */
    public static void backward(Backend be, int n, int k, int d, Storage w, long wBatchStride, Storage z,
                                long zBatchStride, Storage dOut, Storage dw, Storage dz) {
        BACKWARD.run(be, new Dims(n, k, d, wBatchStride, zBatchStride), w, z, dOut, dw, dz);
    }

    // ================================================================ tensor op

    /**
     * The backdoor adjustment with a shared confounder memory:
     * {@code out[i] = sum_j w[i, j] z[j]}. {@code w} is {@code [n, K]} (per item, e.g. attention
     * weights) or {@code [K]} (shared, e.g. uniform 1/K or the prior P(z), then n = 1);
     * {@code z} is {@code [K, ...]}; the result is {@code [n, ...]}.
     */
    public static Tensor shared(Tensor w, Tensor z) {
        return apply(w, z, false);
    }

    /**
     * As {@link #shared} with strata per item: {@code z [n, K, ...]}, {@code w [n, K]} or shared
     * {@code [K]}; the result is {@code [n, ...]}.
     */
    public static Tensor perItem(Tensor w, Tensor z) {
        return apply(w, z, true);
    }

    /**
     * The intervention on tensors (see {@link #shared} and {@link #perItem}):
     * strata {@code z [K, ...]} shared, or {@code [n, K, ...]} with {@code perItem}; weights
     * {@code [K]} shared or {@code [n, K]}; result {@code [n, ...]}.
     */
    public static Tensor apply(Tensor w, Tensor z, boolean perItem) {
        KernelOp.requireSameBackend("intervention", w, z);
        int[] ws = KernelOp.shapeOf(w), zs = KernelOp.shapeOf(z);     // read only
        int minRank = perItem ? 3 : 2;
        if (zs.length < minRank) {
            throw new IllegalArgumentException("intervention: strata of shape " + Arrays.toString(zs) + " must be "
                    + (perItem ? "[n, K, ...]" : "[K, ...]"));
        }
        int k = zs[perItem ? 1 : 0];
        int zItems = perItem ? zs[0] : 1;
        int[] rest = Arrays.copyOfRange(zs, perItem ? 2 : 1, zs.length);
        long restSize = 1;
        for (int r : rest) {
            restSize *= r;
        }
        int dsz = Math.toIntExact(restSize);
        int n;
        long wStride;
        if (ws.length == 1 && ws[0] == k) {
            n = zItems;
            wStride = 0;
        } else if (ws.length == 2 && ws[1] == k && (!perItem || ws[0] == zItems)) {
            n = ws[0];
            wStride = k;
        } else {
            throw new IllegalArgumentException("intervention: weights " + Arrays.toString(ws) + " do not match strata "
                    + Arrays.toString(zs) + " (expected [" + k + "] or [" + (perItem ? zItems : "n") + ", " + k + "])");
        }
        long zStride = perItem ? (long) k * dsz : 0;
        int[] outShape = new int[rest.length + 1];
        outShape[0] = n;
        System.arraycopy(rest, 0, outShape, 1, rest.length);
        Backend be = w.backend();
        Tensor out = Tensor.zeros(be, outShape);
        Dims p = new Dims(n, k, dsz, wStride, zStride);
        FORWARD.run(be, p, w.storage(), z.storage(), out.storage());
        if (!KernelOp.needsGrad(w, z)) {
            return out;
        }
        return KernelOp.record("intervention", out, g -> {
            Tensor dw = w.requiresGrad() ? Tensor.zeros(be, ws) : null;
            Tensor dz = z.requiresGrad() ? Tensor.zeros(be, zs) : null;
            BACKWARD.run(be, p, w.storage(), z.storage(), g.storage(), dw == null ? null : dw.storage(),
                    dz == null ? null : dz.storage());
            return new Tensor[] {dw, dz};
        }, w, z);
    }

    // ================================================================ CPU kernels

    /** w [n, k] at i * ws (0: shared), z [k, d] at i * zs (0: shared), out [n, d]. */
    static void cpuForward(int n, int k, int d, float[] w, int ws, float[] z, int zs, float[] out) {
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

    static void cpuBackward(int n, int k, int d, float[] w, int ws, float[] z, int zs, float[] dOut,
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

    // ================================================================ oracle

    /** Naive double-accumulating reference of {@link #FORWARD}, on host arrays. */
    public static void oracleForward(int n, int k, int d, float[] w, long wBatchStride, float[] z,
                                     long zBatchStride, float[] out) {
        for (int i = 0; i < n; i++) {
            for (int e = 0; e < d; e++) {
                double acc = 0;
                for (int j = 0; j < k; j++) {
                    acc += (double) w[(int) (i * wBatchStride) + j] * z[(int) (i * zBatchStride) + j * d + e];
                }
                out[i * d + e] = (float) acc;
            }
        }
    }

    /** Naive double-accumulating reference of {@link #BACKWARD}, on host arrays. */
    public static void oracleBackward(int n, int k, int d, float[] w, long wBatchStride, float[] z,
                                      long zBatchStride, float[] dOut, float[] dw, float[] dz) {
        double[] gw = new double[wBatchStride == 0 ? k : (int) ((n - 1) * wBatchStride + k)];
        double[] gz = new double[zBatchStride == 0 ? k * d : (int) ((n - 1) * zBatchStride + (long) k * d)];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                int wi = (int) (i * wBatchStride) + j;
                for (int e = 0; e < d; e++) {
                    int zi = (int) (i * zBatchStride) + j * d + e;
                    gw[wi] += (double) dOut[i * d + e] * z[zi];
                    gz[zi] += (double) w[wi] * dOut[i * d + e];
                }
            }
        }
        for (int i = 0; dw != null && i < gw.length; i++) {
            dw[i] = (float) gw[i];
        }
        for (int i = 0; dz != null && i < gz.length; i++) {
            dz[i] = (float) gz[i];
        }
    }
}
