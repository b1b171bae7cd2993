package iern.model;

import iern.engine.Seed;
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
    /** 1 once {@link #startAt} has placed the centres (kept in checkpoints, so a resumed run keeps them). */
    public final Tensor started;
    private final int channels;
    private final int side;
    private boolean startedSeen;

    /**
     * Centres are drawn standard normal, as the authors' {@code torch.randn}, and then moved onto
     * the data by {@link #startAt} at the first training step.
     */
    public ConfounderMemory(int confounders, int channels, int side, long seed) {
        this.channels = channels;
        this.side = side;
        centers = registerParameter("centers", Tensor.randn(Seed.of(seed), confounders, channels * side * side));
        started = registerBuffer("started", Tensor.zeros(1));
    }

    /**
     * On the first call only: each centre becomes the mean of its source's {@code c} in this batch
     * (a source absent from it: the batch mean). The authors' randn centres move about lr per Adam
     * step, about 4 in their ~40k steps, so they became prototypes of c only slowly; at a few
     * hundred steps randn centres would stay random vectors at the wrong scale, and the strata the
     * intervention averages over would not be the confounders at all.
     */
    public void startAt(Tensor c, int[] confounderLabels) {
        if (startedSeen || (startedSeen = started.item() != 0f)) {
            return;
        }
        int n = c.dim(0);
        int d = channels * side * side;
        if (confounderLabels.length != n || c.numel() != (long) n * d) {
            throw new IllegalArgumentException("startAt: " + confounderLabels.length + " labels, c " +
                    java.util.Arrays.toString(c.shape()) + ", centres of " + d);
        }
        float[] x = c.detach().toArray();
        int k = count();
        double[][] sum = new double[k + 1][d];
        int[] count = new int[k + 1];
        for (int i = 0; i < n; i++) {
            for (int slot : new int[] {confounderLabels[i], k}) {
                count[slot]++;
                for (int j = 0; j < d; j++) {
                    sum[slot][j] += x[i * d + j];
                }
            }
        }
        float[] out = new float[k * d];
        for (int z = 0; z < k; z++) {
            int slot = count[z] > 0 ? z : k;
            for (int j = 0; j < d; j++) {
                out[z * d + j] = (float) (sum[slot][j] / count[slot]);
            }
        }
        centers.write(out);
        started.write(new float[] {1f});
        startedSeen = true;
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
