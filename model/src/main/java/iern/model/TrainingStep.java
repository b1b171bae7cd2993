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

    /**
     * @param sourceGivenEmotion P(z | y) of the training split, {@code [E][K]}: the target of a
     *                           conditional source adversary (null: uniform over the sources)
     */
    static TrainingStep of(IernNetwork net, TrainConfig train, double[][] sourceGivenEmotion) {
        return net.config.isBaseline() ? new BaselineStep(net, train, sourceGivenEmotion)
                : new IernStep(net, train, true, sourceGivenEmotion);
    }

    @Override
    default void close() {
        for (Optimizer o : optimizers().values()) {
            o.close();
        }
    }
}
