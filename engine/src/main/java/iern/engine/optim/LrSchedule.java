package iern.engine.optim;

/**
 * A learning-rate multiplier per epoch. {@code epoch} counts from 0: {@code factor(0)} is used
 * while training the first epoch. {@link Optimizer#applySchedule} multiplies each group's base
 * rate by it.
 */
@FunctionalInterface
public interface LrSchedule {

    double factor(int epoch);

    /** The same rate throughout. */
    static LrSchedule constant() {
        return epoch -> 1.0;
    }
}
