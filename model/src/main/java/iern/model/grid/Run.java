package iern.model.grid;

/**
 * One training run of a grid: a split setting ({@code "100"}, {@code "90"}, {@code "0"}, or empty
 * for a user's own split files), a fold (0 for those), a variant and a seed.
 */
public record Run(String bias, int fold, Variant variant, long seed) {
    /** The run's directory under the grid's output: {@code bias100-fold1/iern+la-seed2}. */
    public String dir() {
        return setting().replace(" ", "") + (fold > 0 ? "-fold" + fold : "") + "/" + variant.name() + "-seed" + seed;
    }

    /** How tables name the split: {@code bias100}, {@code bias0}, or {@code custom split}. */
    public String setting() {
        return bias.isEmpty() ? "custom split" : "bias" + bias;
    }

    /** The bias0 ceiling holds out people, not cells: its headline is every test image. */
    public boolean isCeiling() {
        return bias.equals("0");
    }
}
