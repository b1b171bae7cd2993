package iern.kernels.opencl;

/**
 * Batch norm launches (batchnorm.cl) over x [groups * n, c, hw]: statistics per (group,
 * channel) with one work-group each, then elementwise passes. Backward needs two sums per
 * (group, channel), kept in a pooled scratch buffer [groups * c, 2].
 */
final class ClBatchNorm {
    private ClBatchNorm() {}

    private static void checkGeometry(String op, int groups, int n, int c, int hw) {
        if (groups < 1 || n < 1 || c < 1 || hw < 1) {
            throw new IllegalArgumentException(op + ": groups, n, c and hw must be positive (got groups " + groups
                    + ", n " + n + ", c " + c + ", hw " + hw + ")");
        }
    }

    static void trainForward(OpenClBackend be, ClLaunch launch, int groups, int n, int c, int hw, float eps,
                             ClStorage x, ClStorage gamma, ClStorage beta, ClStorage y, ClStorage mean,
                             ClStorage var) {
        checkGeometry("batchNormTrainForward", groups, n, c, hw);
        long total = (long) groups * n * c * hw;
        OpenClBackend.checkRange("batchNormTrainForward x", x, 0, total);
        OpenClBackend.checkRange("batchNormTrainForward y", y, 0, total);
        OpenClBackend.checkRange("batchNormTrainForward mean", mean, 0, (long) groups * c);
        OpenClBackend.checkRange("batchNormTrainForward var", var, 0, (long) groups * c);
        checkAffine("batchNormTrainForward", gamma, beta, c);
        if (be.byItem((long) groups * c)) {
            launch.kernel("batchnorm.cl", "bn_stats_by_item").mem(x).mem(mean).mem(var).i(groups).i(n).i(c).i(hw)
                    .items((long) groups * c);
        } else {
            launch.kernel("batchnorm.cl", "bn_stats").mem(x).mem(mean).mem(var).i(n).i(c).i(hw)
                    .groups((long) groups * c, launch.reductionLocalSize((long) n * hw));
        }
        apply(be, launch, groups, n, c, hw, eps, x, gamma, beta, mean, var, y);
    }

    static void evalForward(OpenClBackend be, ClLaunch launch, int n, int c, int hw, float eps, ClStorage x,
                            ClStorage gamma, ClStorage beta, ClStorage mean, ClStorage var, ClStorage y) {
        checkGeometry("batchNormEvalForward", 1, n, c, hw);
        long total = (long) n * c * hw;
        OpenClBackend.checkRange("batchNormEvalForward x", x, 0, total);
        OpenClBackend.checkRange("batchNormEvalForward y", y, 0, total);
        OpenClBackend.checkRange("batchNormEvalForward mean", mean, 0, c);
        OpenClBackend.checkRange("batchNormEvalForward var", var, 0, c);
        checkAffine("batchNormEvalForward", gamma, beta, c);
        apply(be, launch, 1, n, c, hw, eps, x, gamma, beta, mean, var, y);
    }

    private static void checkAffine(String op, ClStorage gamma, ClStorage beta, int c) {
        if ((gamma == null) != (beta == null)) {
            throw new IllegalArgumentException(op + ": gamma and beta must both be given or both be null");
        }
        if (gamma != null) {
            OpenClBackend.checkRange(op + " gamma", gamma, 0, c);
            OpenClBackend.checkRange(op + " beta", beta, 0, c);
        }
    }

    private static void apply(OpenClBackend be, ClLaunch launch, int groups, int n, int c, int hw, float eps,
                              ClStorage x, ClStorage gamma, ClStorage beta, ClStorage mean, ClStorage var,
                              ClStorage y) {
        boolean affine = gamma != null;
        launch.kernel("batchnorm.cl", "bn_apply").mem(x).mem(mean).mem(var).mem(affine ? gamma : be.dummy())
                .mem(affine ? beta : be.dummy()).flag(affine).mem(y).i(groups).i(n).i(c).i(hw).f(eps)
                .items((long) groups * n * c * hw);
    }

    static void trainBackward(OpenClBackend be, ClLaunch launch, int groups, int n, int c, int hw, float eps,
                              ClStorage x, ClStorage gamma, ClStorage mean, ClStorage var, ClStorage dy,
                              ClStorage dx, ClStorage dGamma, ClStorage dBeta) {
        checkGeometry("batchNormTrainBackward", groups, n, c, hw);
        long total = (long) groups * n * c * hw;
        OpenClBackend.checkRange("batchNormTrainBackward x", x, 0, total);
        OpenClBackend.checkRange("batchNormTrainBackward dy", dy, 0, total);
        OpenClBackend.checkRange("batchNormTrainBackward dx", dx, 0, total);
        OpenClBackend.checkRange("batchNormTrainBackward mean", mean, 0, (long) groups * c);
        OpenClBackend.checkRange("batchNormTrainBackward var", var, 0, (long) groups * c);
        if (gamma != null) {
            OpenClBackend.checkRange("batchNormTrainBackward gamma", gamma, 0, c);
        }
        if (dGamma != null) {
            OpenClBackend.checkRange("batchNormTrainBackward dGamma", dGamma, 0, c);
        }
        if (dBeta != null) {
            OpenClBackend.checkRange("batchNormTrainBackward dBeta", dBeta, 0, c);
        }
        try (ClStorage sums = be.allocateRaw(2L * groups * c)) {
            if (be.byItem((long) groups * c)) {
                launch.kernel("batchnorm.cl", "bn_backward_sums_by_item").mem(x).mem(mean).mem(var).mem(dy)
                        .mem(sums).i(groups).i(n).i(c).i(hw).f(eps).items((long) groups * c);
            } else {
                launch.kernel("batchnorm.cl", "bn_backward_sums").mem(x).mem(mean).mem(var).mem(dy).mem(sums)
                        .i(n).i(c).i(hw).f(eps).groups((long) groups * c, launch.reductionLocalSize((long) n * hw));
            }
            launch.kernel("batchnorm.cl", "bn_backward_dx").mem(x).mem(gamma == null ? be.dummy() : gamma)
                    .flag(gamma != null).mem(mean).mem(var).mem(sums).mem(dy).mem(dx).i(groups).i(n).i(c).i(hw)
                    .f(eps).items(total);
            if (dGamma != null || dBeta != null) {
                launch.kernel("batchnorm.cl", "bn_backward_params").mem(sums)
                        .mem(dGamma == null ? be.dummy() : dGamma).flag(dGamma != null)
                        .mem(dBeta == null ? be.dummy() : dBeta).flag(dBeta != null).i(groups).i(c)
                        .groups((c + 63) / 64, 64);
            }
        }
    }
}
