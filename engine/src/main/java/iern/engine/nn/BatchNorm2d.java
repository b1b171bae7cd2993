package iern.engine.nn;

import iern.engine.Tensor;
import iern.engine.ops.BatchNorm;
import java.util.Arrays;

/**
 * Batch normalisation over NCHW input with learnable scale/shift {@code [c]} and running
 * statistics (buffers {@code running_mean}, {@code running_var}; PyTorch's momentum update
 * with the unbiased variance). Training mode normalises with batch statistics, evaluation
 * mode with the running ones.
 *
 * <p>{@link #forward(Tensor, int)} with {@code groups = K} treats {@code [K * n, c, h, w]} as K
 * strata stacked on the batch axis: each is normalised with its own statistics and the running
 * statistics are updated K times in order, exactly as K separate calls would do. IERN uses it to
 * run the K confounder strata through the reconstruction network in one pass.
 */
public class BatchNorm2d extends Module {

    public final int channels;
    public final float eps;
    public final float momentum;
    /** Null when built without affine parameters. */
    public final Tensor weight, bias;
    public final Tensor runningMean, runningVar;

    /** PyTorch's defaults: eps 1e-5, momentum 0.1, affine. */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5f, 0.1f, true);
    }

    public BatchNorm2d(int channels, float eps, float momentum, boolean affine) {
        if (channels < 1 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d: invalid settings channels=" + channels + " eps=" + eps
                    + " momentum=" + momentum);
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(channels)) : null;
        this.runningMean = registerBuffer("running_mean", Tensor.zeros(channels));
        this.runningVar = registerBuffer("running_var", Tensor.ones(channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 1);
    }

    /** Normalises {@code x = [groups * n, c, h, w]} with per-group batch statistics in training mode. */
    public Tensor forward(Tensor x, int groups) {
        if (x.rank() != 4 || x.dim(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d(" + channels + "): input of shape "
                    + Arrays.toString(x.shape()) + " is not [n, " + channels + ", h, w]");
        }
        if (groups < 1 || x.dim(0) % groups != 0) {
            throw new IllegalArgumentException("BatchNorm2d: batch of " + x.dim(0) + " does not split into "
                    + groups + " groups");
        }
        return BatchNorm.batchNorm2d(x, weight, bias, runningMean, runningVar, isTraining(), momentum, eps, groups);
    }

    @Override
    protected String describe() {
        return "BatchNorm2d(" + channels + ", eps=" + eps + ", momentum=" + momentum
                + (weight == null ? ", affine=false" : "") + ")";
    }
}
