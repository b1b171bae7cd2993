package iern.engine.nn;

import iern.engine.Tensor;
import java.util.SplittableRandom;

/**
 * In training mode zeroes each element with probability {@code p} and scales the survivors by
 * {@code 1 / (1 - p)}; the identity in evaluation mode. Each call draws a fresh mask from a
 * stream seeded at construction, so a run is reproducible.
 */
public class Dropout extends Module {

    public final float p;
    private final SplittableRandom seeds;

    public Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: probability " + p + " outside [0, 1)");
        }
        this.p = p;
        this.seeds = new SplittableRandom(seed);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0f) {
            return x;
        }
        return x.dropout(p, true, seeds.nextLong());
    }

    @Override
    protected String describe() {
        return "Dropout(" + p + ")";
    }
}
