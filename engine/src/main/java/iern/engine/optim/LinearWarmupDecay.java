package iern.engine.optim;

/**
 * The authors' IERN schedule (their "warmup" policy followed by "linear"): {@code warmup}
 * epochs rising linearly, {@code constant} epochs at the full rate, then {@code decay}
 * epochs falling linearly. With 1-based epoch {@code e = epoch + 1}:
 * <ul>
 *   <li>{@code e <= warmup}: {@code e / warmup} (so the first epoch already trains at
 *       1/warmup; the rate 0 their scheduler starts at is never used for an update);</li>
 *   <li>after that: {@code 1 - max(0, e - warmup - constant) / (decay + 1)}, i.e. 1 through
 *       epoch {@code warmup + constant}, then {@code decay/(decay+1)} down to
 *       {@code 1/(decay+1)} at the last epoch (it never reaches 0 within the schedule;
 *       epochs past its end get 0).</li>
 * </ul>
 * IERN's defaults are 5 + 15 + 140 = 160 epochs. Checked against their scheduler run under
 * PyTorch 1.13: epochs 1..5 give 0.2..1.0, epoch 21 gives 140/141, epoch 160 gives 1/141.
 */
public record LinearWarmupDecay(int warmup, int constant, int decay) implements LrSchedule {

    public LinearWarmupDecay {
        if (warmup < 0 || constant < 0 || decay < 0) {
            throw new IllegalArgumentException("LinearWarmupDecay: negative epoch count (" + warmup + ", "
                    + constant + ", " + decay + ")");
        }
    }

    /** IERN's default: 5 warm-up, 15 constant, 140 decay epochs. */
    public static LinearWarmupDecay iernDefault() {
        return new LinearWarmupDecay(5, 15, 140);
    }

    /** Total number of epochs the schedule spans. */
    public int epochs() {
        return warmup + constant + decay;
    }

    @Override
    public double factor(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("LinearWarmupDecay: negative epoch " + epoch);
        }
        int e = epoch + 1;
        if (e <= warmup) {
            return (double) e / warmup;
        }
        // Past the schedule's end the rate stays at 0 rather than turning negative.
        return Math.max(0.0, 1.0 - Math.max(0, e - warmup - constant) / (double) (decay + 1));
    }
}
