package iern.model;

/**
 * The (emotion, source) cell counts of a training split, {@code counts[e][z]}, and the two priors
 * the de-confounding variants read from them: P(z | y), the conditional adversary's target, and
 * P(y | z), the source's label prior that {@link PriorAdjustment} adds to the logits.
 */
public record SplitPriors(int[][] counts) {
    /** Floor of P(y | z) before the log: a cell the split never shows weighs like one in 1000. */
    public static final double FLOOR = 1e-3;

    public SplitPriors {
        if (counts.length == 0 || counts[0].length == 0) {
            throw new IllegalArgumentException("need at least one emotion and one source");
        }
        int[][] copy = new int[counts.length][];
        for (int e = 0; e < counts.length; e++) {
            if (counts[e].length != counts[0].length) {
                throw new IllegalArgumentException("row " + e + " has " + counts[e].length + " sources, row 0 "
                        + counts[0].length);
            }
            copy[e] = counts[e].clone();
        }
        counts = copy;
    }

    /** Every cell seen once: uniform priors. */
    public static SplitPriors uniform(int emotions, int sources) {
        int[][] c = new int[emotions][sources];
        for (int[] row : c) {
            java.util.Arrays.fill(row, 1);
        }
        return new SplitPriors(c);
    }

    public int emotions() {
        return counts.length;
    }

    public int sources() {
        return counts[0].length;
    }

    /** P(z | y), {@code [E][K]}; an emotion never shown gets the uniform row. */
    public double[][] sourceGivenEmotion() {
        return SourceAdversary.sourceGivenEmotion(counts);
    }

    /** log max(P(y | z), FLOOR), {@code [K][E]}; a source never shown gets the uniform row. */
    public double[][] logEmotionGivenSource() {
        double[][] out = new double[sources()][emotions()];
        for (int z = 0; z < sources(); z++) {
            long total = 0;
            for (int e = 0; e < emotions(); e++) {
                total += counts[e][z];
            }
            for (int e = 0; e < emotions(); e++) {
                double p = total == 0 ? 1.0 / emotions() : (double) counts[e][z] / total;
                out[z][e] = Math.log(Math.max(p, FLOOR));
            }
        }
        return out;
    }
}
