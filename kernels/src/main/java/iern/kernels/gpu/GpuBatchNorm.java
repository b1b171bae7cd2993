package iern.kernels.gpu;

import iern.engine.Storage;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.BatchNorm.Eval;
import iern.engine.ops.BatchNorm.Train;

/**
 * The GPU kernels of {@link BatchNorm} for both GPU backends (each registers the subclasses
 * naming its backend class); their source is {@code batchnorm.cl}, over x [groups * n, c, hw]:
 * statistics per (group, channel) with one work-group each, then elementwise passes. Backward
 * needs two sums per (group, channel), kept in a pooled scratch buffer [groups * c, 2].
 * Arguments are checked by the op's check before these run; calls hold the backend's lock, as
 * its own methods do.
 */
public final class GpuBatchNorm {
    private GpuBatchNorm() {}

    /** {@link BatchNorm#TRAIN_FORWARD} on a GPU backend. */
    public abstract static class TrainForward extends GpuKernel<Train> {
        protected TrainForward(Class<? extends GpuBackend> backend) {
            super(BatchNorm.TRAIN_FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Train p, Storage[] io) {
            trainForward(be, be.launch(), p.groups(), p.n(), p.c(), p.hw(), p.eps(), be.own(io[0], "batchNorm x"),
                    be.optional(io[1], "gamma"), be.optional(io[2], "beta"), be.own(io[3], "batchNorm y"),
                    be.own(io[4], "batchNorm mean"), be.own(io[5], "batchNorm var"));
        }
    }

    /** {@link BatchNorm#EVAL_FORWARD} on a GPU backend. */
    public abstract static class EvalForward extends GpuKernel<Eval> {
        protected EvalForward(Class<? extends GpuBackend> backend) {
            super(BatchNorm.EVAL_FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Eval p, Storage[] io) {
            apply(be, be.launch(), 1, p.n(), p.c(), p.hw(), p.eps(), be.own(io[0], "batchNorm x"),
                    be.optional(io[1], "gamma"), be.optional(io[2], "beta"), be.own(io[3], "batchNorm mean"),
                    be.own(io[4], "batchNorm var"), be.own(io[5], "batchNorm y"));
        }
    }

    /** {@link BatchNorm#TRAIN_BACKWARD} on a GPU backend. */
    public abstract static class TrainBackward extends GpuKernel<Train> {
        protected TrainBackward(Class<? extends GpuBackend> backend) {
            super(BatchNorm.TRAIN_BACKWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Train p, Storage[] io) {
            trainBackward(be, be.launch(), p.groups(), p.n(), p.c(), p.hw(), p.eps(), be.own(io[0], "batchNorm x"),
                    be.optional(io[1], "gamma"), be.own(io[2], "batchNorm mean"), be.own(io[3], "batchNorm var"),
                    be.own(io[4], "batchNorm dy"), be.own(io[5], "batchNorm dx"), be.optional(io[6], "dGamma"),
                    be.optional(io[7], "dBeta"));
        }
    }

    static void trainForward(GpuBackend be, GpuLaunch launch, int groups, int n, int c, int hw, float eps,
                             GpuStorage x, GpuStorage gamma, GpuStorage beta, GpuStorage y, GpuStorage mean,
                             GpuStorage var) {
        if (be.byItem((long) groups * c)) {
            launch.kernel("batchnorm.cl", "bn_stats_by_item").mem(x).mem(mean).mem(var).i(groups).i(n).i(c).i(hw)
                    .items((long) groups * c);
        } else {
            launch.kernel("batchnorm.cl", "bn_stats").mem(x).mem(mean).mem(var).i(n).i(c).i(hw)
                    .groups((long) groups * c, launch.reductionLocalSize((long) n * hw));
        }
        apply(be, launch, groups, n, c, hw, eps, x, gamma, beta, mean, var, y);
    }

    private static void apply(GpuBackend be, GpuLaunch launch, int groups, int n, int c, int hw, float eps,
                              GpuStorage x, GpuStorage gamma, GpuStorage beta, GpuStorage mean, GpuStorage var,
                              GpuStorage y) {
        boolean affine = gamma != null;
        launch.kernel("batchnorm.cl", "bn_apply").mem(x).mem(mean).mem(var).mem(affine ? gamma : be.dummy())
                .mem(affine ? beta : be.dummy()).flag(affine).mem(y).i(groups).i(n).i(c).i(hw).f(eps)
                .items((long) groups * n * c * hw);
    }

    static void trainBackward(GpuBackend be, GpuLaunch launch, int groups, int n, int c, int hw, float eps,
                              GpuStorage x, GpuStorage gamma, GpuStorage mean, GpuStorage var, GpuStorage dy,
                              GpuStorage dx, GpuStorage dGamma, GpuStorage dBeta) {
        try (GpuStorage sums = be.allocateRaw(2L * groups * c)) {
            if (be.byItem((long) groups * c)) {
                launch.kernel("batchnorm.cl", "bn_backward_sums_by_item").mem(x).mem(mean).mem(var).mem(dy)
                        .mem(sums).i(groups).i(n).i(c).i(hw).f(eps).items((long) groups * c);
            } else {
                launch.kernel("batchnorm.cl", "bn_backward_sums").mem(x).mem(mean).mem(var).mem(dy).mem(sums)
                        .i(n).i(c).i(hw).f(eps).groups((long) groups * c, launch.reductionLocalSize((long) n * hw));
            }
            launch.kernel("batchnorm.cl", "bn_backward_dx").mem(x).mem(gamma == null ? be.dummy() : gamma)
                    .flag(gamma != null).mem(mean).mem(var).mem(sums).mem(dy).mem(dx).i(groups).i(n).i(c).i(hw)
                    .f(eps).items((long) groups * n * c * hw);
            if (dGamma != null || dBeta != null) {
                launch.kernel("batchnorm.cl", "bn_backward_params").mem(sums)
                        .mem(dGamma == null ? be.dummy() : dGamma).flag(dGamma != null)
                        .mem(dBeta == null ? be.dummy() : dBeta).flag(dBeta != null).i(groups).i(c)
                        .groups((c + 63) / 64, 64);
            }
        }
    }
}
