package iern.model;

import iern.engine.Tensor;
import iern.engine.optim.Optimizer;
import java.util.Map;

/** One training iteration of a method (IERN's three steps, or the baseline's one) and its optimisers. */
public interface TrainingStep extends AutoCloseable {

    IernNetwork network();

    /** The optimisers by the name their state is saved under. */
    Map<String, Optimizer> optimizers();

    /** Runs one iteration on images {@code x [n, 3, s, s]} with their labels; updates the weights. */
    StepLosses step(Tensor x, int[] emotions, int[] confounders);

    /** Sets every optimiser's rates for {@code epoch} (0-based) from the schedule. */
    default void startEpoch(int epoch, TrainConfig train) {
        for (Optimizer o : optimizers().values()) {
            o.applySchedule(train.schedule(), epoch);
        }
    }

    static TrainingStep of(IernNetwork net, TrainConfig train) {
        return of(net, train, null);
    }

    /** @param priors the training split's cell counts (null: uniform), read by the de-confounding variants */
    static TrainingStep of(IernNetwork net, TrainConfig train, SplitPriors priors) {
        if (priors == null) {
            priors = SplitPriors.uniform(net.config.numEmotions(), net.config.numConfounders());
        }
        return net.config.isBaseline() ? new BaselineStep(net, train, priors) : new IernStep(net, train, true, priors);
    }

    @Override
    default void close() {
        for (Optimizer o : optimizers().values()) {
            o.close();
        }
    }
}
