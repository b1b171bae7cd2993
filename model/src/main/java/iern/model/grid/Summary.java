package iern.model.grid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The experiment table from finished runs: each (setting, variant, seed) pooled over its folds
 * (accuracy by counts, as the authors pool folds; source leakage as the mean of the folds'
 * probes), then mean and sample sd over seeds. One process's grid and the runs of many workers
 * pooled by {@code iern summarize} go through this one path, in one order, so both give the same
 * {@code summary.json}.
 */
public final class Summary {
    /** One seed of a cell: its folds' counts pooled. */
    public record Seed(long seed, List<Integer> folds, long correct, long images, double leak) {
        public double accuracy() {
            return images == 0 ? Double.NaN : (double) correct / images;
        }
    }

    /** One (setting, variant) cell: its seeds in order. */
    public record Cell(List<Seed> seeds) {
        public List<Double> accuracies() {
            return seeds.stream().map(Seed::accuracy).toList();
        }

        public List<Double> leaks() {
            return seeds.stream().map(Seed::leak).toList();
        }
    }

    private final Map<String, Map<String, Cell>> cells;
    private final List<String> variants;
    private final int folds;
    private final double chance;
    private final List<RunResult> runs;

    private Summary(Map<String, Map<String, Cell>> cells, List<String> variants, int folds, double chance,
                    List<RunResult> runs) {
        this.cells = cells;
        this.variants = variants;
        this.folds = folds;
        this.chance = chance;
        this.runs = runs;
    }

    /** Pools the runs, ordered as tables show them: bias0 (the ceiling), bias100, bias90; baseline before IERN. */
    public static Summary of(List<RunResult> runs) {
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing((RunResult r) -> settingRank(r.setting()))
                .thenComparing(r -> variantKey(r.variant())).thenComparingInt(RunResult::fold)
                .thenComparingLong(RunResult::seed));
        record Acc(long[] counts, List<Double> leaks, TreeSet<Integer> folds) {}
        Map<String, Map<String, Map<Long, Acc>>> pooled = new LinkedHashMap<>();
        List<String> variants = new ArrayList<>();
        double chance = Double.NaN;
        for (RunResult r : sorted) {
            if (!variants.contains(r.variant())) {
                variants.add(r.variant());
            }
            Acc a = pooled.computeIfAbsent(r.setting(), x -> new LinkedHashMap<>())
                    .computeIfAbsent(r.variant(), x -> new LinkedHashMap<>())
                    .computeIfAbsent(r.seed(), x -> new Acc(new long[2], new ArrayList<>(), new TreeSet<>()));
            a.counts()[0] += r.correct();
            a.counts()[1] += r.total();
            a.leaks().add(r.leak());
            a.folds().add(r.fold());
            chance = Double.isNaN(r.chance()) ? chance : r.chance();
        }
        Map<String, Map<String, Cell>> cells = new LinkedHashMap<>();
        pooled.forEach((setting, byVariant) -> {
            Map<String, Cell> row = new LinkedHashMap<>();
            byVariant.forEach((variant, bySeed) -> {
                List<Seed> seeds = new ArrayList<>();
                bySeed.forEach((seed, a) -> seeds.add(new Seed(seed, List.copyOf(a.folds()), a.counts()[0],
                        a.counts()[1], mean(a.leaks()))));
                row.put(variant, new Cell(seeds));
            });
            cells.put(setting, row);
        });
        variants.sort(Comparator.comparing(Summary::variantKey));
        int folds = (int) runs.stream().map(RunResult::fold).distinct().count();
        return new Summary(cells, variants, folds, chance, List.copyOf(sorted));
    }

    /** bias0 (the ceiling) first, then bias100, bias90, anything else by name. */
    static String settingRank(String setting) {
        int i = List.of("bias0", "bias100", "bias90").indexOf(setting);
        return i < 0 ? "9" + setting : Integer.toString(i);
    }

    /** Baseline before IERN, each plain before its adversary and adjusted variants. */
    static String variantKey(String variant) {
        int plus = variant.indexOf('+');
        String name = plus < 0 ? variant : variant.substring(0, plus);
        return (name.startsWith("baseline") ? "0" : "1") + name + "\u0000" + (plus < 0 ? "" : variant.substring(plus));
    }

    /** Settings (rows) to variants (columns) to cells; a variant not run in a setting is absent. */
    public Map<String, Map<String, Cell>> cells() {
        return cells;
    }

    /** Every variant, in column order. */
    public List<String> variants() {
        return variants;
    }

    /** The runs pooled, in table order (setting, variant, fold, seed). */
    public List<RunResult> runs() {
        return runs;
    }

    /** How many distinct folds the runs cover. */
    public int folds() {
        return folds;
    }

    /** The leak probe's chance level (the last run's that has one). */
    public double chance() {
        return chance;
    }

    /** What {@code summary.json} holds: per setting and variant, mean and sd of accuracy and leak, and each seed. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        cells.forEach((setting, row) -> {
            Map<String, Object> perVariant = new LinkedHashMap<>();
            row.forEach((variant, cell) -> {
                List<Object> perSeed = new ArrayList<>();
                for (Seed s : cell.seeds()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seed", s.seed());
                    m.put("folds", s.folds());
                    m.put("accuracy", s.accuracy());
                    m.put("correct", s.correct());
                    m.put("images", s.images());
                    m.put("source_leak", s.leak());
                    perSeed.add(m);
                }
                double[] acc = meanSd(cell.accuracies());
                double[] leak = meanSd(cell.leaks());
                Map<String, Object> agg = new LinkedHashMap<>();
                agg.put("accuracy_mean", acc[0]);
                agg.put("accuracy_sd", acc[1]);
                agg.put("source_leak_mean", leak[0]);
                agg.put("source_leak_sd", leak[1]);
                agg.put("seeds", perSeed);
                perVariant.put(variant, agg);
            });
            json.put(setting, perVariant);
        });
        return json;
    }

    static double mean(List<Double> values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return values.isEmpty() ? Double.NaN : s / values.size();
    }

    /** {mean, sample sd} (sd 0 for one value). */
    public static double[] meanSd(List<Double> values) {
        double m = mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return new double[] {m, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0};
    }
}
