package iern.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts of predictions per (source, true emotion, predicted emotion). Everything the report
 * shows is a ratio of these counts, so pooling over folds, as the authors do, is adding the
 * counts ({@link #add(Accuracy)}), never averaging percentages.
 *
 * <p>A test image is "in distribution" when its (source, emotion) cell was present in the
 * training split and "out of distribution" when training never showed that emotion from that
 * source (bias100's test cells). The label is fixed when the image is recorded, so results of
 * folds that hold out different cells pool correctly.
 */
public final class Accuracy {
    private final List<String> emotions;
    private final List<String> sources;
    // [0: out of distribution, 1: in distribution][source][true][pred]: each image is counted
    // under the label its cell had in its own fold, so pooled folds keep them apart.
    private final long[][][][] counts;
    private final boolean[][] seenInTraining;   // [source][emotion], for images recorded from now on

    public Accuracy(List<String> emotions, List<String> sources, boolean[][] seenInTraining) {
        this.emotions = List.copyOf(emotions);
        this.sources = List.copyOf(sources);
        this.counts = new long[2][sources.size()][emotions.size()][emotions.size()];
        this.seenInTraining = new boolean[sources.size()][emotions.size()];
        if (seenInTraining != null) {
            for (int s = 0; s < sources.size(); s++) {
                System.arraycopy(seenInTraining[s], 0, this.seenInTraining[s], 0, emotions.size());
            }
        }
    }

    public List<String> emotions() {
        return emotions;
    }

    public List<String> sources() {
        return sources;
    }

    public void record(int source, int trueEmotion, int predicted) {
        counts[seenInTraining[source][trueEmotion] ? 1 : 0][source][trueEmotion][predicted]++;
    }

    /** Adds another tally's counts (another fold or seed); the class lists must match. */
    public void add(Accuracy other) {
        if (!emotions.equals(other.emotions) || !sources.equals(other.sources)) {
            throw new IllegalArgumentException("cannot pool results over different classes: " + emotions + "/"
                    + sources + " vs " + other.emotions + "/" + other.sources);
        }
        for (int in = 0; in < 2; in++) {
            for (int s = 0; s < sources.size(); s++) {
                for (int t = 0; t < emotions.size(); t++) {
                    for (int p = 0; p < emotions.size(); p++) {
                        counts[in][s][t][p] += other.counts[in][s][t][p];
                    }
                }
            }
        }
    }

    /** Correct and total counts over the cells {@code filter} accepts. */
    public long[] count(CellFilter filter) {
        long correct = 0;
        long total = 0;
        for (int in = 0; in < 2; in++) {
            for (int s = 0; s < sources.size(); s++) {
                for (int t = 0; t < emotions.size(); t++) {
                    if (!filter.accept(s, t, in == 1)) {
                        continue;
                    }
                    for (int p = 0; p < emotions.size(); p++) {
                        total += counts[in][s][t][p];
                        if (p == t) {
                            correct += counts[in][s][t][p];
                        }
                    }
                }
            }
        }
        return new long[] {correct, total};
    }

    @FunctionalInterface
    public interface CellFilter {
        boolean accept(int source, int emotion, boolean inDistribution);
    }

    public long total() {
        return count((s, e, in) -> true)[1];
    }

    /** Correct / total, or NaN when there is nothing to count. */
    public static double ratio(long[] ct) {
        return ct[1] == 0 ? Double.NaN : (double) ct[0] / ct[1];
    }

    public double overall() {
        return ratio(count((s, e, in) -> true));
    }

    public double emotion(int e) {
        return ratio(count((s, t, in) -> t == e));
    }

    public double source(int s) {
        return ratio(count((src, t, in) -> src == s));
    }

    public double inDistribution() {
        return ratio(count((s, e, in) -> in));
    }

    public double outOfDistribution() {
        return ratio(count((s, e, in) -> !in));
    }

    /** The mean of the per-emotion accuracies (the classes with test images only). */
    public double meanPerEmotion() {
        double sum = 0;
        int n = 0;
        for (int e = 0; e < emotions.size(); e++) {
            double a = emotion(e);
            if (!Double.isNaN(a)) {
                sum += a;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Confusion counts summed over sources, [true][predicted]. */
    public long[][] confusion() {
        long[][] m = new long[emotions.size()][emotions.size()];
        for (long[][][] part : counts) {
            for (long[][] perSource : part) {
                for (int t = 0; t < emotions.size(); t++) {
                    for (int p = 0; p < emotions.size(); p++) {
                        m[t][p] += perSource[t][p];
                    }
                }
            }
        }
        return m;
    }

    /** Everything as a JSON-ready map: counts and ratios. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", total());
        m.put("overall", overall());
        m.put("out_of_distribution", outOfDistribution());
        m.put("in_distribution", inDistribution());
        m.put("mean_per_emotion", meanPerEmotion());
        Map<String, Object> perEmotion = new LinkedHashMap<>();
        for (int e = 0; e < emotions.size(); e++) {
            perEmotion.put(emotions.get(e), emotion(e));
        }
        m.put("per_emotion", perEmotion);
        Map<String, Object> perSource = new LinkedHashMap<>();
        for (int s = 0; s < sources.size(); s++) {
            perSource.put(sources.get(s), source(s));
        }
        m.put("per_source", perSource);
        List<Object> rows = new ArrayList<>();
        for (long[] row : confusion()) {
            List<Object> r = new ArrayList<>();
            for (long v : row) {
                r.add(v);
            }
            rows.add(r);
        }
        m.put("confusion", rows);
        return m;
    }
}
