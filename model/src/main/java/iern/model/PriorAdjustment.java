package iern.model;

import iern.engine.Tensor;

/**
 * Training logits with each item's source prior added, {@code logits + log P(y | z_i)}: the
 * network's own logits then need not encode which emotions a source shows (the prior does), and
 * at test time, without the prior, they score emotions as if every source showed all of them.
 * This is the logit adjustment of Menon et al. (2021) with the label prior conditioned on the
 * confounder. The log prior is computed once; the per-batch rows reuse one buffer.
 */
final class PriorAdjustment {
    private final float[][] log;
    private final int emotions;
    private float[] rows = new float[0];

    PriorAdjustment(SplitPriors priors) {
        double[][] l = priors.logEmotionGivenSource();
        emotions = priors.emotions();
        log = new float[l.length][emotions];
        for (int z = 0; z < l.length; z++) {
            for (int e = 0; e < emotions; e++) {
                log[z][e] = (float) l[z][e];
            }
        }
    }

    /** {@code logits [n, E]} plus the log prior row of each item's source. */
    Tensor adjust(Tensor logits, int[] sourceLabels) {
        int n = sourceLabels.length;
        if (logits.dim(0) != n || logits.dim(1) != emotions) {
            throw new IllegalArgumentException("adjust: logits " + java.util.Arrays.toString(logits.shape()) + " for "
                    + n + " labels and " + emotions + " emotions");
        }
        if (rows.length != n * emotions) {
            rows = new float[n * emotions]; // once: training batches are all full (drop-last)
        }
        for (int i = 0; i < n; i++) {
            if (sourceLabels[i] < 0 || sourceLabels[i] >= log.length) {
                throw new IllegalArgumentException("adjust: source " + sourceLabels[i] + " of item " + i);
            }
            System.arraycopy(log[sourceLabels[i]], 0, rows, i * emotions, emotions);
        }
        return logits.add(Tensor.of(rows, n, emotions));
    }

    /** {@code logits} adjusted when {@code adjustment} is there, else as they are. */
    static Tensor apply(PriorAdjustment adjustment, Tensor logits, int[] sourceLabels) {
        return adjustment == null ? logits : adjustment.adjust(logits, sourceLabels);
    }
}
