package iern.kernels.gpu;

/**
 * Batch norm launches (batchnorm.cl) over x [groups * n, c, hw]: statistics per (group,
 * channel) with one work-group each, then elementwise passes. Backward needs two sums per
 * (group, channel), kept in a pooled scratch buffer [groups * c, 2]. Arguments are checked by
 * the backend ({@link iern.engine.BackendArgs}) before these run.
 */
public final class GpuBatchNorm {
    private GpuBatchNorm() {}

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

    static void evalForward(GpuBackend be, GpuLaunch launch, int n, int c, int hw, float eps, GpuStorage x,
                            GpuStorage gamma, GpuStorage beta, GpuStorage mean, GpuStorage var, GpuStorage y) {
        apply(be, launch, 1, n, c, hw, eps, x, gamma, beta, mean, var, y);
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
