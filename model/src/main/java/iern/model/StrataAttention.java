package iern.model;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.nn.Linear;
import iern.engine.nn.Module;
import java.util.SplittableRandom;

/**
 * The attention form of the backdoor adjustment (NWGM, one pass instead of K): the emotion
 * feature asks which strata matter, {@code w = softmax(q(e) · k(z)^T / sqrt(d)) * P(z)} with
 * {@code q}, {@code k} linear maps of the pooled features, and Recons sees the single mixed
 * confounder {@code sum_z w_z z}. Trained in the classification step.
 */
public final class StrataAttention extends Module {
    private final Linear query;
    private final Linear key;

    public StrataAttention(int channels, int dim, SplittableRandom rng) {
        query = registerModule("query", new Linear(channels, dim, false, rng));
        key = registerModule("key", new Linear(channels, dim, false, rng));
    }

    /** Weights {@code [n, K]} for emotion features {@code e [n, C, f, f]} over strata {@code z [K, C, f, f]}. */
    public Tensor weights(Tensor e, Tensor z, Tensor prior) {
        Tensor q = query.forward(e.mean(new int[] {2, 3}, false));
        Tensor k = key.forward(z.mean(new int[] {2, 3}, false));
        return F.attentionWeights(q, k, prior);
    }
}
