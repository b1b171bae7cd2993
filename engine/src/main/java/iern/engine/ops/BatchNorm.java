package iern.engine.ops;

import static iern.engine.BackendArgs.atLeast;
import static iern.engine.BackendArgs.optionalRange;
import static iern.engine.BackendArgs.range;

import iern.engine.Backend;
import iern.engine.Grad;
import iern.engine.KernelOp;
import iern.engine.Storage;
import iern.engine.Tensor;
import iern.engine.cpu.CpuBatchNorm;
import java.util.Arrays;

/**
 * Batch norm over NCHW tensors, with statistics per group of the batch and channel (groups = 1
 * is ordinary BatchNorm2d; groups = K runs K strata through one layer as K separate passes
 * would), the whole op in one file:
 * <pre>
 * tensor op   {@link #batchNorm2d}: training mode is {@link #TRAIN_FORWARD} with the backward rule
 *             {@link #TRAIN_BACKWARD}; eval mode is {@link #EVAL_FORWARD} when no gradient is needed,
 *             else the same formula from elementwise ops, so gradients reach x, gamma and beta
 * kernels     {@link #TRAIN_FORWARD} (batchNormTrainForward), {@link #EVAL_FORWARD} (batchNormEvalForward),
 *             {@link #TRAIN_BACKWARD} (batchNormTrainBackward); contract in each one's check
 * CPU         iern.engine.cpu.CpuBatchNorm
 * GPU         iern.kernels.gpu.GpuBatchNorm with batchnorm.cl (kernels module)
 * oracle      {@link #oracleTrainForward}, {@link #oracleEvalForward}, {@link #oracleTrainBackward} (below)
 * test        iern.engine.testing.OpConformance (engine test-jar; every backend)
 * </pre>
 */
public final class BatchNorm {
    private BatchNorm() {}

    /** Training mode over {@code x [groups * n, c, hw]}: statistics per (group, channel). */
    public record Train(int groups, int n, int c, int hw, float eps) {}

    /** Eval mode over {@code x [n, c, hw]} with given running statistics {@code [c]}. */
    public record Eval(int n, int c, int hw, float eps) {}

    private static void geometry(String op, int groups, int n, int c, int hw) {
        atLeast(op, "groups", groups, 1);
        atLeast(op, "n", n, 1);
        atLeast(op, "c", c, 1);
        atLeast(op, "hw", hw, 1);
    }

    private static void affine(String op, Storage gamma, Storage beta, int c) {
        if ((gamma == null) != (beta == null)) {
            throw new IllegalArgumentException(op + " " + (gamma == null ? "gamma" : "beta")
                    + ": storage is null while " + (gamma == null ? "beta" : "gamma") + " is given (both or neither)");
        }
        optionalRange(op, "gamma", gamma, c);
        optionalRange(op, "beta", beta, c);
    }

    private static long total(Train p) {
        return (long) p.groups() * p.n() * p.c() * p.hw();
    }

    /**
     * Inputs {@code x [groups * n, c, hw]}, {@code gamma}, {@code beta} {@code [c]} (both null:
     * no affine); outputs {@code y}, the batch {@code mean} and the biased batch {@code var}
     * {@code [groups, c]}.
     */
    public static final KernelOp<Train> TRAIN_FORWARD =
            new KernelOp<>("batchNormTrainForward", 3, "x", "gamma", "beta", "y", "mean", "var") {
                @Override
                protected void check(Train p, Storage[] io) {
                    geometry(name(), p.groups(), p.n(), p.c(), p.hw());
                    range(name(), "x", io[0], 0, total(p));
                    affine(name(), io[1], io[2], p.c());
                    range(name(), "y", io[3], 0, total(p));
                    range(name(), "mean", io[4], 0, (long) p.groups() * p.c());
                    range(name(), "var", io[5], 0, (long) p.groups() * p.c());
                }

                @Override
                protected long extent(Train p, int arg) {
                    return switch (arg) {
                        case 0, 3 -> total(p);
                        case 1, 2 -> p.c();
                        default -> (long) p.groups() * p.c();
                    };
                }

                @Override
                protected void cpu(Train p, float[][] io) {
                    CpuBatchNorm.trainForward(p.groups(), p.n(), p.c(), p.hw(), p.eps(), io[0], io[1], io[2], io[3],
                            io[4], io[5]);
                }
            };

    /**
     * Inputs {@code x [n, c, hw]}, {@code gamma} and {@code beta} (both or neither), running
     * {@code mean} and {@code var} {@code [c]}; output {@code y}.
     */
    public static final KernelOp<Eval> EVAL_FORWARD =
            new KernelOp<>("batchNormEvalForward", 5, "x", "gamma", "beta", "mean", "var", "y") {
                @Override
                protected void check(Eval p, Storage[] io) {
                    geometry(name(), 1, p.n(), p.c(), p.hw());
                    long total = (long) p.n() * p.c() * p.hw();
                    range(name(), "x", io[0], 0, total);
                    affine(name(), io[1], io[2], p.c());
                    range(name(), "mean", io[3], 0, p.c());
                    range(name(), "var", io[4], 0, p.c());
                    range(name(), "y", io[5], 0, total);
                }

                @Override
                protected long extent(Eval p, int arg) {
                    return arg == 0 || arg == 5 ? (long) p.n() * p.c() * p.hw() : p.c();
                }

                @Override
                protected void cpu(Eval p, float[][] io) {
                    CpuBatchNorm.evalForward(p.n(), p.c(), p.hw(), p.eps(), io[0], io[1], io[2], io[3], io[4], io[5]);
                }
            };

    /**
     * Backward of {@link #TRAIN_FORWARD}: inputs {@code x}, {@code gamma} (may be null),
     * {@code mean}, {@code var}, {@code dy}; outputs {@code dx} and, when not null,
     * {@code dGamma}, {@code dBeta} {@code [c]} (summed over groups).
     */
    public static final KernelOp<Train> TRAIN_BACKWARD = new KernelOp<>("batchNormTrainBackward", 5, "x", "gamma",
            "mean", "var", "dy", "dx", "dGamma", "dBeta") {
        @Override
        protected void check(Train p, Storage[] io) {
            geometry(name(), p.groups(), p.n(), p.c(), p.hw());
            range(name(), "x", io[0], 0, total(p));
            optionalRange(name(), "gamma", io[1], p.c());
            range(name(), "mean", io[2], 0, (long) p.groups() * p.c());
            range(name(), "var", io[3], 0, (long) p.groups() * p.c());
            range(name(), "dy", io[4], 0, total(p));
            range(name(), "dx", io[5], 0, total(p));
            optionalRange(name(), "dGamma", io[6], p.c());
            optionalRange(name(), "dBeta", io[7], p.c());
        }

        @Override
        protected long extent(Train p, int arg) {
            return switch (arg) {
                case 0, 4, 5 -> total(p);
                case 2, 3 -> (long) p.groups() * p.c();
                default -> p.c();
            };
        }

        @Override
        protected void cpu(Train p, float[][] io) {
            CpuBatchNorm.trainBackward(p.groups(), p.n(), p.c(), p.hw(), p.eps(), io[0], io[1], io[2], io[3], io[4],
                    io[5], io[6], io[7]);
        }
    };

    // ---------------------------------------------------------------- the kernels with their parameters spelled out

    public static void trainForward(Backend be, int groups, int n, int c, int hw, float eps, Storage x, Storage gamma,
                                    Storage beta, Storage y, Storage mean, Storage var) {
        TRAIN_FORWARD.run(be, new Train(groups, n, c, hw, eps), x, gamma, beta, y, mean, var);
    }

    public static void evalForward(Backend be, int n, int c, int hw, float eps, Storage x, Storage gamma,
                                   Storage beta, Storage mean, Storage var, Storage y) {
        EVAL_FORWARD.run(be, new Eval(n, c, hw, eps), x, gamma, beta, mean, var, y);
    }

    public static void trainBackward(Backend be, int groups, int n, int c, int hw, float eps, Storage x,
                                     Storage gamma, Storage mean, Storage var, Storage dy, Storage dx,
                                     Storage dGamma, Storage dBeta) {
        TRAIN_BACKWARD.run(be, new Train(groups, n, c, hw, eps), x, gamma, mean, var, dy, dx, dGamma, dBeta);
    }

    // ================================================================ tensor op

    private static Storage storage(Tensor t) {
        return t == null ? null : t.storage();
    }

    /**
     * Batch norm over NCHW {@code x}. In training mode statistics come from the batch; with
     * {@code groups > 1}, {@code x = [groups * n, c, h, w]} is normalised per group (as
     * {@code groups} separate passes would) and the running statistics are updated once per
     * group in order, PyTorch's formula {@code r = (1 - momentum) r + momentum * stat} with
     * the unbiased variance. In eval mode the running statistics normalise. {@code gamma},
     * {@code beta} may be null; the running tensors may be null in training mode (no update).
     */
    public static Tensor batchNorm2d(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                     boolean training, float momentum, float eps, int groups) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("batchNorm2d: input of shape " + Arrays.toString(x.shape())
                    + " is not 4-d NCHW");
        }
        int[] xs = KernelOp.shapeOf(x);     // read only
        int c = xs[1];
        int hw = xs[2] * xs[3];
        requireChannels(gamma, c, xs);
        requireChannels(beta, c, xs);
        requireChannels(runningMean, c, xs);
        requireChannels(runningVar, c, xs);
        if (groups < 1 || xs[0] % groups != 0) {
            throw new IllegalArgumentException("batchNorm2d: batch " + xs[0] + " does not split into " + groups
                    + " groups");
        }
        Backend be = x.backend();
        if (!training) {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batchNorm2d: eval mode needs running mean and variance");
            }
            if (!KernelOp.needsGrad(x, gamma, beta)) {
                Tensor y = KernelOp.output(be, xs);
                EVAL_FORWARD.run(be, new Eval(xs[0], c, hw, eps), x.storage(), storage(gamma), storage(beta),
                        runningMean.storage(), runningVar.storage(), y.storage());
                return y;
            }
            int[] bc = {1, c, 1, 1};
            Tensor scale;
            try (var off = Grad.off()) {
                scale = runningVar.add(eps).rsqrt().reshape(bc);
            }
            Tensor y = x.sub(runningMean.detach().reshape(bc)).mul(scale);
            if (gamma != null) {
                y = y.mul(gamma.reshape(bc));
            }
            if (beta != null) {
                y = y.add(beta.reshape(bc));
            }
            return y;
        }
        int n = xs[0] / groups;
        long count = (long) n * hw;
        if (count < 2) {
            throw new IllegalArgumentException("batchNorm2d: training needs more than one value per channel, got input "
                    + Arrays.toString(xs) + " in " + groups + " group(s)");
        }
        Train p = new Train(groups, n, c, hw, eps);
        Tensor y = KernelOp.output(be, xs);
        int[] stats = {groups, c};
        Tensor mean = KernelOp.output(be, stats);
        Tensor var = KernelOp.output(be, stats);
        TRAIN_FORWARD.run(be, p, x.storage(), storage(gamma), storage(beta), y.storage(), mean.storage(),
                var.storage());
        if (runningMean != null && runningVar != null) {
            float unbias = (float) ((double) count / (count - 1));
            updateRunning(be, mean, stats, runningMean, momentum, momentum);
            updateRunning(be, var, stats, runningVar, momentum, momentum * unbias);
        }
        if (!KernelOp.needsGrad(x, gamma, beta)) {
            mean.close();
            var.close();
            return y;
        }
        return KernelOp.record("batchNorm2d", y, dy -> {
            Tensor dx = KernelOp.output(be, xs);
            Tensor dGamma = gamma != null && gamma.requiresGrad() ? KernelOp.output(be, new int[] {c}) : null;
            Tensor dBeta = beta != null && beta.requiresGrad() ? KernelOp.output(be, new int[] {c}) : null;
            TRAIN_BACKWARD.run(be, p, x.storage(), storage(gamma), mean.storage(), var.storage(), dy.storage(),
                    dx.storage(), storage(dGamma), storage(dBeta));
            return new Tensor[] {dx, dGamma, dBeta};
        }, x, gamma, beta);
    }

    private static void requireChannels(Tensor p, int c, int[] xs) {
        if (p != null && (p.rank() != 1 || p.dim(0) != c)) {
            throw new IllegalArgumentException("batchNorm2d: parameter of shape " + Arrays.toString(p.shape())
                    + " does not match " + c + " channels of input " + Arrays.toString(xs));
        }
    }

    private static final long[] UNIT_STRIDE = {1};

    /**
     * {@code running = running * (1 - momentum) + stat[g] * factor} for each group g in order:
     * the tensor formula's ops (each product rounded to float, then their sum) run straight on
     * the storages, in place, with one scratch tensor per call instead of a dozen tensors
     * (selects, products, sums) per group.
     */
    private static void updateRunning(Backend be, Tensor stat, int[] statShape, Tensor running, float momentum,
                                      float factor) {
        int groups = statShape[0], c = statShape[1];
        int[] shape = KernelOp.shapeOf(running);
        Tensor scaled = KernelOp.output(be, statShape);
        try {
            be.unary(Backend.Unary.MUL_SCALAR, stat.storage(), 0, scaled.storage(), 0, (long) groups * c, factor, 0f);
            Storage r = running.storage();
            for (int g = 0; g < groups; g++) {
                be.unary(Backend.Unary.MUL_SCALAR, r, 0, r, 0, c, 1f - momentum, 0f);
                // running += scaled[g]: the same float sum as running + scaled[g] (addition commutes)
                be.copy(scaled.storage(), (long) g * c, UNIT_STRIDE, r, 0, UNIT_STRIDE, shape, true);
            }
        } finally {
            scaled.close();
        }
    }

    // ================================================================ oracle

    /** Naive double-accumulating reference of {@link #TRAIN_FORWARD}, on host arrays. */
    public static void oracleTrainForward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                                          float[] beta, float[] y, float[] mean, float[] var) {
        double count = (double) n * hw;
        for (int g = 0; g < groups; g++) {
            for (int ch = 0; ch < c; ch++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        s += x[(((g * n + i) * c) + ch) * hw + p];
                    }
                }
                double mu = s / count;
                double v = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        double d = x[(((g * n + i) * c) + ch) * hw + p] - mu;
                        v += d * d;
                    }
                }
                v /= count;
                mean[g * c + ch] = (float) mu;
                var[g * c + ch] = (float) v;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        int at = (((g * n + i) * c) + ch) * hw + p;
                        double xhat = (x[at] - mu) / Math.sqrt(v + eps);
                        y[at] = (float) (xhat * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]));
                    }
                }
            }
        }
    }

    /** Naive double-precision reference of {@link #EVAL_FORWARD}, on host arrays. */
    public static void oracleEvalForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                                         float[] mean, float[] var, float[] y) {
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    int at = (i * c + ch) * hw + p;
                    double xhat = (x[at] - (double) mean[ch]) / Math.sqrt(var[ch] + (double) eps);
                    y[at] = (float) (xhat * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]));
                }
            }
        }
    }

    /**
     * Naive double-accumulating reference of {@link #TRAIN_BACKWARD}, on host arrays: dx from the
     * chain rule through mean and variance written out term by term:
     * {@code dx = gamma*rstd*dy + dvar*2(x-mu)/M + dmu/M}.
     */
    public static void oracleTrainBackward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                                           float[] mean, float[] var, float[] dy, float[] dx, float[] dGamma,
                                           float[] dBeta) {
        double count = (double) n * hw;
        double[] gSum = new double[c];
        double[] bSum = new double[c];
        for (int g = 0; g < groups; g++) {
            for (int ch = 0; ch < c; ch++) {
                double mu = mean[g * c + ch];
                double v = var[g * c + ch];
                double rstd = 1 / Math.sqrt(v + eps);
                double gm = gamma == null ? 1 : gamma[ch];
                double dVar = 0;
                double dMu = 0;
                double sumXmu = 0;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        int at = (((g * n + i) * c) + ch) * hw + p;
                        double dxhat = dy[at] * gm;
                        dVar += dxhat * (x[at] - mu) * -0.5 * Math.pow(v + eps, -1.5);
                        dMu += -dxhat * rstd;
                        sumXmu += x[at] - mu;
                        gSum[ch] += dy[at] * (x[at] - mu) * rstd;
                        bSum[ch] += dy[at];
                    }
                }
                dMu += dVar * -2 * sumXmu / count;
                for (int i = 0; i < n; i++) {
                    for (int p = 0; p < hw; p++) {
                        int at = (((g * n + i) * c) + ch) * hw + p;
                        dx[at] = (float) (dy[at] * gm * rstd + dVar * 2 * (x[at] - mu) / count + dMu / count);
                    }
                }
            }
        }
        for (int ch = 0; ch < c; ch++) {
            if (dGamma != null) {
                dGamma[ch] = (float) gSum[ch];
            }
            if (dBeta != null) {
                dBeta[ch] = (float) bSum[ch];
            }
        }
    }
}
