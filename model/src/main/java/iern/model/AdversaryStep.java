package iern.model;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.optim.Adam;

/**
 * The two halves of training against the conditional {@link SourceAdversary}, shared by IERN's
 * iteration (on e) and the baseline's (on b): the adversary's own step on detached features, and
 * the features' confusion loss, which the caller adds to its objective.
 */
final class AdversaryStep implements AutoCloseable {
    private final SourceAdversary adversary;
    private final double[][] target;
    final Adam adam;
    private float[] rows = new float[0];

    /** @param sourceGivenEmotion P(z | y) of the training split; null: uniform over the sources */
    AdversaryStep(IernNetwork net, TrainConfig train, double[][] sourceGivenEmotion) {
        adversary = net.adversary;
        int e = net.config.numEmotions();
        int k = net.config.numConfounders();
        if (sourceGivenEmotion == null) {
            sourceGivenEmotion = new double[e][k];
            for (double[] row : sourceGivenEmotion) {
                java.util.Arrays.fill(row, 1.0 / k);
            }
        }
        if (sourceGivenEmotion.length != e || sourceGivenEmotion[0].length != k) {
            throw new IllegalArgumentException("P(source | emotion) is " + sourceGivenEmotion.length + "x"
                    + sourceGivenEmotion[0].length + ", the model has " + e + " emotions and " + k + " sources");
        }
        target = sourceGivenEmotion;
        adam = new Adam((float) train.beta1(), (float) train.beta2(), 1e-8f, 0f);
        adam.addGroup("src_adv", adversary.parameters(), train.lr());
    }

    /** One Adam step of the adversary reading {@code features} (detached here); returns its loss. */
    double trainAdversary(Tensor features, int[] emotions, int[] sources) {
        adam.zeroGrad();
        Tensor loss = F.crossEntropy(adversary.logits(features.detach(), emotions), sources);
        loss.backward();
        adam.step();
        return loss.item();
    }

    /**
     * The features' loss against the adversary, with the adversary frozen until {@link #release}:
     * cross-entropy of its answer against P(z | y) of each item's emotion.
     */
    Tensor confusion(Tensor features, int[] emotions) {
        adversary.requiresGrad(false);
        int n = emotions.length;
        int k = target[0].length;
        if (rows.length != n * k) {
            rows = new float[n * k];
        }
        Tensor t = Tensor.of(SourceAdversary.targetRows(target, emotions, rows), n, k);
        return SourceAdversary.confusionLoss(adversary.logits(features, emotions), t);
    }

    /** Unfreezes the adversary after the caller's backward pass. */
    void release() {
        adversary.requiresGrad(true);
    }

    @Override
    public void close() {
        adam.close();
    }
}
