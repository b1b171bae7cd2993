package iern.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The experiment table, from finished runs: each (setting, variant, seed) pooled over its folds
 * (accuracy by counts, source leakage as the mean of the folds' probes), then mean ± sample sd
 * over seeds. {@code iern train} builds it from the runs it just made, {@code iern summarize}
 * from the {@code result.json} files of runs made by any number of processes.
 */
final class ResultTable {
    private ResultTable() {}

    /**
     * One finished run: its headline accuracy as counts (bias0: all test images, unseen people;
     * bias100/bias90: the held-out cells) and its source-leak probe.
     */
    record Run(String setting, String variant, int fold, long seed, long correct, long total, double leak,
               double chance) {}

    private record Pooled(long correct, long total, List<Double> leaks, TreeSet<Integer> folds) {}

    /** Prints the table, writes {@code summary.json} and {@code summary.png} into {@code out}. */
    static String render(List<Run> runs, Path out) {
        Map<String, Map<String, Map<Long, Pooled>>> pooled = new LinkedHashMap<>();
        List<String> variants = new ArrayList<>();
        double chance = Double.NaN;
        for (Run r : runs) {
            if (!variants.contains(r.variant())) {
                variants.add(r.variant());
            }
            Map<Long, Pooled> bySeed = pooled.computeIfAbsent(r.setting(), x -> new LinkedHashMap<>())
                    .computeIfAbsent(r.variant(), x -> new LinkedHashMap<>());
            Pooled p = bySeed.getOrDefault(r.seed(), new Pooled(0, 0, new ArrayList<>(), new TreeSet<>()));
            p.leaks().add(r.leak());
            p.folds().add(r.fold());
            bySeed.put(r.seed(), new Pooled(p.correct() + r.correct(), p.total() + r.total(), p.leaks(), p.folds()));
            chance = Double.isNaN(r.chance()) ? chance : r.chance();
        }
        int folds = (int) runs.stream().map(Run::fold).distinct().count();
        String pooledOver = folds > 1 ? ", pooled over " + folds + " folds" : "";
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("setting"));
        for (String v : variants) {
            header.add(v);
            header.add("leak");
        }
        rows.add(header);
        Map<String, Map<String, double[]>> figure = new LinkedHashMap<>();
        Map<String, Object> json = new LinkedHashMap<>();
        for (var s : pooled.entrySet()) {
            String setting = s.getKey();
            List<String> row = new ArrayList<>(List.of(setting + (setting.equals("bias0") ? " (ceiling)" : "")));
            Map<String, Object> perVariant = new LinkedHashMap<>();
            for (String v : variants) {
                Map<Long, Pooled> bySeed = s.getValue().get(v);
                if (bySeed == null) {
                    row.add("");
                    row.add("");
                    continue;
                }
                List<Double> accs = new ArrayList<>();
                List<Double> leaks = new ArrayList<>();
                List<Object> perSeed = new ArrayList<>();
                for (var seed : bySeed.entrySet()) {
                    Pooled p = seed.getValue();
                    double a = p.total() == 0 ? Double.NaN : (double) p.correct() / p.total();
                    double l = mean(p.leaks());
                    accs.add(a);
                    leaks.add(l);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("seed", seed.getKey());
                    m.put("folds", new ArrayList<>(p.folds()));
                    m.put("accuracy", a);
                    m.put("correct", p.correct());
                    m.put("images", p.total());
                    m.put("source_leak", l);
                    perSeed.add(m);
                }
                row.add(Report.meanSpread(accs) + (accs.size() > 1 ? " (" + accs.size() + " seeds)" : ""));
                row.add(Report.meanSpread(leaks));
                Map<String, Object> agg = new LinkedHashMap<>();
                double[] acc = meanSd(accs);
                double[] leak = meanSd(leaks);
                agg.put("accuracy_mean", acc[0]);
                agg.put("accuracy_sd", acc[1]);
                agg.put("source_leak_mean", leak[0]);
                agg.put("source_leak_sd", leak[1]);
                agg.put("seeds", perSeed);
                perVariant.put(v, agg);
                figure.computeIfAbsent(setting, x -> new LinkedHashMap<>()).put(v, acc);
            }
            rows.add(row);
            json.put(setting, perVariant);
        }
        TrainCommand.writeJson(out.resolve("summary.json"), json);
        Charts.bars(out.resolve("summary.png"), "Accuracy" + pooledOver + ", mean and sd over seeds"
                + " (bias0: unseen people; else OOD)", figure);
        return String.format(Locale.ROOT, "Accuracy%s (mean ± sd over seeds): out of distribution (test images of"
                + " held-out cells) for bias100 and bias90, on unseen people for the bias0 ceiling. Beside each, leak:"
                + " a fresh linear probe's accuracy naming the source from the pooled emotion features (IERN's e, the"
                + " baseline's backbone), fitted on training images, scored on test images (chance about %s; lower is"
                + " better):%n", pooledOver, Report.pct(chance)) + Report.table(rows)
                + String.format(Locale.ROOT, "(written to %s and %s)%n", out.resolve("summary.json"),
                    out.resolve("summary.png"));
    }

    static double mean(List<Double> values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return values.isEmpty() ? Double.NaN : s / values.size();
    }

    static double[] meanSd(List<Double> values) {
        double m = mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return new double[] {m, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0};
    }
}
