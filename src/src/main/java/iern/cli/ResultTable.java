package iern.cli;

import iern.engine.io.Json;
import iern.model.grid.RunResult;
import iern.model.grid.Summary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a {@link Summary}: the experiment table as text, {@code summary.json}, the figure
 * {@code summary.png} and, per run, source leak against accuracy in {@code leak-vs-accuracy.png}. {@code iern train} shows the runs it just made, {@code iern summarize}
 * the runs any number of processes made.
 */
final class ResultTable {
    private ResultTable() {}

    /** Prints the table, writes {@code summary.json}, {@code summary.png} and {@code leak-vs-accuracy.png} into {@code out}. */
    static String render(Summary summary, Path out) {
        String pooledOver = summary.folds() > 1 ? ", pooled over " + summary.folds() + " folds" : "";
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("setting"));
        for (String v : summary.variants()) {
            header.add(v);
            header.add("leak");
        }
        rows.add(header);
        Map<String, Map<String, double[]>> figure = new LinkedHashMap<>();
        summary.cells().forEach((setting, cells) -> {
            List<String> row = new ArrayList<>(List.of(setting + (setting.equals("bias0") ? " (ceiling)" : "")));
            for (String v : summary.variants()) {
                Summary.Cell cell = cells.get(v);
                if (cell == null) {
                    row.add("");
                    row.add("");
                    continue;
                }
                List<Double> accs = cell.accuracies();
                int runs = cell.seeds().stream().mapToInt(x -> x.folds().size()).sum();
                int full = accs.size() * summary.folds();
                String count = accs.size() > 1 ? accs.size() + " seeds" : "";
                if (runs < full) {   // some seed lacks a fold: say so, its pooled figure covers fewer images
                    count += (count.isEmpty() ? "" : ", ") + runs + " of " + full + " runs";
                }
                row.add(Report.meanSpread(accs) + (count.isEmpty() ? "" : " (" + count + ")"));
                row.add(Report.meanSpread(cell.leaks()));
                figure.computeIfAbsent(setting, x -> new LinkedHashMap<>()).put(v, Summary.meanSd(accs));
            }
            rows.add(row);
        });
        writeJson(out.resolve("summary.json"), summary.toJson());
        Charts.bars(out.resolve("summary.png"), "Accuracy" + pooledOver + ", mean and sd over seeds"
                + " (bias0: unseen people; else OOD)", figure);
        leakage(summary, out.resolve(LEAKAGE_PNG));
        return String.format(Locale.ROOT, "Accuracy%s (mean ± sd over seeds): out of distribution (test images of"
                + " held-out cells) for bias100 and bias90, on unseen people for the bias0 ceiling. Beside each, leak:"
                + " a fresh linear probe's accuracy naming the source from the pooled emotion features (IERN's e, the"
                + " baseline's backbone), fitted on training images, scored on test images (chance about %s; lower is"
                + " better):%n", pooledOver, Report.pct(summary.chance())) + Report.table(rows)
                + String.format(Locale.ROOT, "(written to %s, %s and %s)%n", out.resolve("summary.json"),
                    out.resolve("summary.png"), out.resolve(LEAKAGE_PNG));
    }

    static final String LEAKAGE_PNG = "leak-vs-accuracy.png";

    /**
     * Why a method fails where it does: every run of a biased setting as one point, its source
     * leak against its accuracy; a variant keeps one colour, a setting one marker. Runs that keep the source in
     * their features sit to the right; if they are also the ones low down, the leak explains the
     * failures.
     */
    private static void leakage(Summary summary, Path png) {
        Map<String, Map<String, List<double[]>>> series = new LinkedHashMap<>();
        for (RunResult r : summary.runs()) {
            if (!r.setting().equals("bias0")) {
                series.computeIfAbsent(r.setting(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.variant(), k -> new ArrayList<>()).add(new double[] {r.leak(), r.accuracy()});
            }
        }
        Charts.scatter(png, "Each run of a biased setting: source leak against out-of-distribution accuracy",
                "source leak of the emotion features (%; chance about " + Report.pct(summary.chance()) + ")",
                "out-of-distribution accuracy (%)", series);
    }

    static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, Json.pretty(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
