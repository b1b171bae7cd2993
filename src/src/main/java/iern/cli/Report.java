package iern.cli;

import iern.model.Accuracy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Plain-text tables of results for the terminal and the README. */
public final class Report {
    private Report() {}

    /** One model's accuracy: overall, in/out of distribution, per emotion, per source, with counts. */
    public static String accuracy(String title, Accuracy a) {
        StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        row(b, "overall", a.count((s, e, in) -> true));
        row(b, "out of distribution", a.count((s, e, in) -> !in));
        row(b, "in distribution", a.count((s, e, in) -> in));
        b.append(String.format(Locale.ROOT, "  %-22s %7s%n", "mean per emotion", pct(a.meanPerEmotion())));
        b.append("  per emotion:\n");
        for (int e = 0; e < a.emotions().size(); e++) {
            int emotion = e;
            row(b, "  " + a.emotions().get(e), a.count((s, t, in) -> t == emotion));
        }
        b.append("  per source:\n");
        for (int s = 0; s < a.sources().size(); s++) {
            int source = s;
            row(b, "  " + a.sources().get(s), a.count((src, t, in) -> src == source));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, long[] ct) {
        if (ct[1] == 0) {
            b.append(String.format(Locale.ROOT, "  %-22s %7s  (no images)%n", name, "-"));
        } else {
            b.append(String.format(Locale.ROOT, "  %-22s %7s  (%d/%d)%n", name, pct(Accuracy.ratio(ct)), ct[0], ct[1]));
        }
    }

    public static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    /** Mean and sample standard deviation (0 for one value) of {@code values}, as percentages. */
    public static String meanSpread(List<Double> values) {
        List<Double> finite = new ArrayList<>();
        for (double v : values) {
            if (!Double.isNaN(v)) {
                finite.add(v);
            }
        }
        if (finite.isEmpty()) {
            return "-";
        }
        double mean = 0;
        for (double v : finite) {
            mean += v;
        }
        mean /= finite.size();
        if (finite.size() == 1) {
            return String.format(Locale.ROOT, "%.2f%%", 100 * mean);
        }
        double ss = 0;
        for (double v : finite) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (finite.size() - 1));
        return String.format(Locale.ROOT, "%.2f ± %.2f%%", 100 * mean, 100 * sd);
    }

    /**
     * The comparison table: one row per setting (e.g. {@code bias100}), one column per method,
     * each cell the mean ± spread over seeds of the accuracy {@code metric} picks from results
     * pooled over folds. {@code results.get(setting).get(method)} lists one pooled tally per seed.
     */
    public static String comparison(String metricName, Map<String, Map<String, List<Accuracy>>> results,
                                    java.util.function.ToDoubleFunction<Accuracy> metric) {
        List<String> methods = new ArrayList<>();
        for (Map<String, List<Accuracy>> perMethod : results.values()) {
            for (String m : perMethod.keySet()) {
                if (!methods.contains(m)) {
                    methods.add(m);
                }
            }
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add(metricName);
        header.addAll(methods);
        rows.add(header);
        for (Map.Entry<String, Map<String, List<Accuracy>>> setting : results.entrySet()) {
            List<String> row = new ArrayList<>();
            row.add(setting.getKey());
            for (String m : methods) {
                List<Accuracy> seeds = setting.getValue().get(m);
                if (seeds == null) {
                    row.add("");
                    continue;
                }
                List<Double> values = new ArrayList<>();
                for (Accuracy a : seeds) {
                    values.add(metric.applyAsDouble(a));
                }
                row.add(meanSpread(values) + (seeds.size() > 1 ? " (" + seeds.size() + " seeds)" : ""));
            }
            rows.add(row);
        }
        return table(rows);
    }

    /** A Markdown table (also readable as plain text) with padded columns. */
    public static String table(List<List<String>> rows) {
        int cols = 0;
        for (List<String> r : rows) {
            cols = Math.max(cols, r.size());
        }
        int[] width = new int[cols];
        for (List<String> r : rows) {
            for (int c = 0; c < r.size(); c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            line(b, rows.get(i), width);
            if (i == 0) {
                List<String> rule = new ArrayList<>();
                for (int c = 0; c < cols; c++) {
                    rule.add("-".repeat(Math.max(3, width[c])));
                }
                line(b, rule, width);
            }
        }
        return b.toString();
    }

    private static void line(StringBuilder b, List<String> cells, int[] width) {
        b.append('|');
        for (int c = 0; c < width.length; c++) {
            String v = c < cells.size() ? cells.get(c) : "";
            b.append(' ').append(v).append(" ".repeat(Math.max(0, width[c] - v.length()))).append(" |");
        }
        b.append('\n');
    }

    /** Per-emotion accuracies of several pooled results side by side (rows: emotions). */
    public static String perEmotion(Map<String, Accuracy> byMethod) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("emotion");
        header.addAll(byMethod.keySet());
        rows.add(header);
        Accuracy any = byMethod.values().iterator().next();
        Map<String, java.util.function.ToDoubleFunction<Accuracy>> lines = new LinkedHashMap<>();
        for (int e = 0; e < any.emotions().size(); e++) {
            int emotion = e;
            lines.put(any.emotions().get(e), a -> a.emotion(emotion));
        }
        lines.put("overall", Accuracy::overall);
        for (Map.Entry<String, java.util.function.ToDoubleFunction<Accuracy>> l : lines.entrySet()) {
            List<String> row = new ArrayList<>();
            row.add(l.getKey());
            for (Accuracy a : byMethod.values()) {
                row.add(pct(l.getValue().applyAsDouble(a)));
            }
            rows.add(row);
        }
        return table(rows);
    }
}
