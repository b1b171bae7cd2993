package iern.model;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.optim.Adam;

/**
 * The two halves of training against the conditional {@link SourceAdversary}, shared by IERN's
 * iteration (on e) and the baseline's (on b): the adversary's own step on detached features, and
 * the features' confusion loss, which the caller adds to its objective.
 */
final class AdversaryStep {
    private final SourceAdversary adversary;
    private final double[][] target;
    private final Adam adam; // closed with the step's other optimisers
    private float[] rows = new float[0];

    /** @param priors the training split's cell counts: the target is their P(z | y) */
    private AdversaryStep(IernNetwork net, TrainConfig train, SplitPriors priors) {
        adversary = net.adversary;
        int e = net.config.numEmotions();
        int k = net.config.numConfounders();
        if (priors.emotions() != e || priors.sources() != k) {
            throw new IllegalArgumentException("the split's priors are " + priors.emotions() + "x" + priors.sources()
                    + ", the model has " + e + " emotions and " + k + " sources");
        }
        target = priors.sourceGivenEmotion();
        adam = new Adam((float) train.beta1(), (float) train.beta2(), 1e-8f, 0f);
        adam.addGroup("src_adv", adversary.parameters(), train.lr());
    }

    /**
     * The adversary's training when the network has one, its optimiser registered as {@code adv}
     * beside the step's others (so checkpoints keep it); null without an adversary.
     */
    static AdversaryStep attach(IernNetwork net, TrainConfig train, SplitPriors priors,
                                java.util.Map<String, iern.engine.optim.Optimizer> optimizers) {
        if (net.adversary == null) {
            return null;
        }
        AdversaryStep step = new AdversaryStep(net, train, priors);
        optimizers.put("adv", step.adam);
        return step;
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
}
