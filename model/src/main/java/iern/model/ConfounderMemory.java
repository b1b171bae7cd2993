package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.Module;

/**
 * The confounder strata: the centres of a centre loss on the flattened context feature
 * {@code c}, one per confounder (source data set), {@code [K, C*f*f]}. Trained in the feature
 * step, read (detached) as {@code [K, C, f, f]} by the classification step and at test time;
 * saved in checkpoints as the parameter {@code centers}.
 */
public final class ConfounderMemory extends Module {
    public final Tensor centers;
    private final int channels;
    private final int side;

    /** Centres start standard normal, as the authors' {@code torch.randn}. */
    public ConfounderMemory(int confounders, int channels, int side, long seed) {
        this.channels = channels;
        this.side = side;
        centers = registerParameter("centers", Tensor.randn(seed, confounders, channels * side * side));
    }

    public int count() {
        return centers.dim(0);
    }

    /** The strata as feature maps {@code [K, C, f, f]}, without gradient. */
    public Tensor strata() {
        return centers.detach().reshape(count(), channels, side, side);
    }

    /**
     * {@code sum_i ||flatten(c_i) - centre[y_i]||^2 / n}: the centre loss (Wen et al. 2016) as
     * the authors compute it, mean over the batch of the squared distance to the own centre.
     */
    public Tensor centerLoss(Tensor c, int[] confounderLabels) {
        int n = c.dim(0);
        if (confounderLabels.length != n) {
            throw new IllegalArgumentException("centerLoss: " + confounderLabels.length + " labels for a batch of " + n);
        }
        for (int i = 0; i < n; i++) {
            if (confounderLabels[i] < 0 || confounderLabels[i] >= count()) {
                throw new IllegalArgumentException("centerLoss: confounder label " + confounderLabels[i] + " of item "
                        + i + " outside [0, " + count() + ")");
            }
        }
        Tensor own = centers.indexSelect(0, confounderLabels);
        return c.reshape(n, -1).sub(own).square().sum().div(n);
    }
}
