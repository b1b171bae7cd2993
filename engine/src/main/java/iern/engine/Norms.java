package iern.engine;

import java.util.Arrays;

/**
 * Batch norm: training mode is one kernel pair (statistics per group and channel); eval mode
 * is the eval kernel when no gradient is needed, else the same formula from elementwise ops
 * so gradients flow to x, gamma and beta.
 */
final class Norms {
    private Norms() {}

    static Tensor batchNorm2d(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                              boolean training, float momentum, float eps, int groups) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("batchNorm2d: input of shape " + Arrays.toString(x.shapeRef())
                    + " is not 4-d NCHW");
        }
        int[] xs = x.shapeRef();
        int c = xs[1];
        int hw = xs[2] * xs[3];
        for (Tensor p : new Tensor[] {gamma, beta, runningMean, runningVar}) {
            if (p != null && (p.rank() != 1 || p.dim(0) != c)) {
                throw new IllegalArgumentException("batchNorm2d: parameter of shape " + Arrays.toString(p.shapeRef())
                        + " does not match " + c + " channels of input " + Arrays.toString(xs));
            }
        }
        if (groups < 1 || xs[0] % groups != 0) {
            throw new IllegalArgumentException("batchNorm2d: batch " + xs[0] + " does not split into " + groups
                    + " groups");
        }
        Backend be = x.backend();
        if (!training) {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException("batchNorm2d: eval mode needs running mean and variance");
            }
            if (!Autograd.needsGrad(x, gamma, beta)) {
                Tensor y = Tensor.output(be, xs);
                be.batchNormEvalForward(xs[0], c, hw, eps, x.storage(), gamma == null ? null : gamma.storage(),
                        beta == null ? null : beta.storage(), runningMean.storage(), runningVar.storage(), y.storage());
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
        Tensor y = Tensor.output(be, xs);
        Tensor mean = Tensor.output(be, new int[] {groups, c});
        Tensor var = Tensor.output(be, new int[] {groups, c});
        be.batchNormTrainForward(groups, n, c, hw, eps, x.storage(), gamma == null ? null : gamma.storage(),
                beta == null ? null : beta.storage(), y.storage(), mean.storage(), var.storage());
        if (runningMean != null && runningVar != null) {
            float unbias = (float) ((double) count / (count - 1));
            try (var off = Grad.off()) {
                for (int g = 0; g < groups; g++) {
                    Tensor mg = mean.select(0, g);
                    Tensor vg = var.select(0, g);
                    Tensor rm = runningMean.mul(1f - momentum).add(mg.mul(momentum));
                    Tensor rv = runningVar.mul(1f - momentum).add(vg.mul(momentum * unbias));
                    runningMean.copyFrom(rm);
                    runningVar.copyFrom(rv);
                    for (Tensor t : new Tensor[] {mg, vg, rm, rv}) {
                        t.close();
                    }
                }
            }
        }
        Node.Rule rule = dy -> {
            Tensor dx = Tensor.output(be, xs);
            Tensor dGamma = gamma != null && gamma.requiresGrad() ? Tensor.output(be, new int[] {c}) : null;
            Tensor dBeta = beta != null && beta.requiresGrad() ? Tensor.output(be, new int[] {c}) : null;
            be.batchNormTrainBackward(groups, n, c, hw, eps, x.storage(), gamma == null ? null : gamma.storage(),
                    mean.storage(), var.storage(), dy.storage(), dx.storage(),
                    dGamma == null ? null : dGamma.storage(), dBeta == null ? null : dBeta.storage());
            return new Tensor[] {dx, dGamma, dBeta};
        };
        if (!Autograd.needsGrad(x, gamma, beta)) {
            mean.close();
            var.close();
            return y;
        }
        return Autograd.record("batchNorm2d", y, rule, x, gamma, beta);
    }
}
