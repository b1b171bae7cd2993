package iern.cli;

import iern.model.Accuracy;
import iern.model.StepLosses;
import iern.model.Trainer;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shows a run as it trains (on a terminal a progress bar per epoch with the step's losses; one
 * line per epoch everywhere) and keeps its record: {@code metrics.jsonl}, {@code losses.png},
 * {@code accuracy.png}, and at the end {@code confusion.png}; and the same numbers and chart as
 * TensorBoard event files ({@link TensorBoardLog}).
 */
final class TrainingDisplay implements Trainer.Listener, AutoCloseable {
    private final PrintWriter out;
    private final PrintStream bars;
    private final Path dir;
    private final boolean baseline;
    private final MetricsLog log;
    private final TensorBoardLog tensorboard; // null: off
    private int lastEpoch;
    private final boolean interactive;
    private ProgressBar bar;
    private long epochStart;

    TrainingDisplay(PrintWriter out, Path dir, boolean baseline) {
        this(out, dir, baseline, true);
    }

    TrainingDisplay(PrintWriter out, Path dir, boolean baseline, boolean tensorboard) {
        this.out = out;
        this.dir = dir;
        this.baseline = baseline;
        this.log = new MetricsLog(dir.resolve("metrics.jsonl"));
        this.tensorboard = tensorboard ? new TensorBoardLog(dir, this::info) : null;
        this.interactive = ProgressBar.terminal();
        this.bars = System.err;
    }

    @Override
    public void info(String line) {
        out.println("  " + line);
        out.flush();
    }

    @Override
    public void started(int epochsDone) {
        String note = log.keepEpochs(epochsDone);
        if (note != null) {
            info(note);
        }
        lastEpoch = epochsDone;
        note = tensorboard == null ? null : tensorboard.keepEpochs(epochsDone);
        if (note != null) {
            info(note);
        }
    }

    @Override
    public void epochStart(int epoch, int epochs, int steps) {
        epochStart = System.nanoTime();
        newBar(String.format(Locale.ROOT, "  epoch %d/%d", epoch + 1, epochs), steps, true);
    }

    private void newBar(String label, long total, boolean itemRate) {
        close();
        bar = new ProgressBar(bars, interactive, label, total, itemRate);
    }

    /** Ends the bar on screen, if one is drawing (also when training stops with an error). */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void step(int epoch, int step, int steps, StepLosses l) {
        String detail = baseline
                ? String.format(Locale.ROOT, "cls %.3f", l.cls())
                : String.format(Locale.ROOT, "dis %.3f feat %.3f cls %.3f", l.dis(), l.feat(), l.cls());
        if (bar != null) {
            bar.step(l.images(), detail);
        }
    }

    @Override
    public void evalStart(int batches) {
        // evaluation reports batches, not images: the bar shows batches done and time left, no rate
        newBar("  evaluating", batches, false);
    }

    @Override
    public void evalStep(int done) {
        if (bar != null) {
            bar.step(0, "");
        }
    }

    @Override
    public void epochEnd(Map<String, Object> record) {
        close();
        log.append(record);
        lastEpoch = record.get("epoch") instanceof Number e ? e.intValue() : lastEpoch + 1;
        if (tensorboard != null) {
            tensorboard.scalars(lastEpoch, record);
        }
        double seconds = (System.nanoTime() - epochStart) / 1e9;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "  epoch %s/%s", record.get("epoch"), record.get("epochs")));
        if (!baseline) {
            b.append(String.format(Locale.ROOT, "  dis %.3f  feat %.3f (gen %.4f center %.3f recons %.3f)",
                    num(record, "dis"), num(record, "feat"), num(record, "gen"), num(record, "center"),
                    num(record, "recons")));
        }
        if (!Double.isNaN(num(record, "adv"))) {
            b.append(String.format(Locale.ROOT, "  src_dis %.3f adv %.3f", num(record, "src_dis"), num(record, "adv")));
        }
        b.append(String.format(Locale.ROOT, "  cls %.3f  train %s", num(record, "cls"), Report.pct(num(record, "train_acc"))));
        if (record.containsKey("ood_acc")) {
            double ood = num(record, "ood_acc");
            // a split without held-out cells (bias0) tests unseen people: show its overall accuracy
            b.append(Double.isNaN(ood) ? "  test " + Report.pct(num(record, "test_acc"))
                    : "  test ood " + Report.pct(ood));
        }
        if (record.containsKey("source_leak")) {
            b.append(String.format(Locale.ROOT, "  source leak %s (chance %s)", Report.pct(num(record, "source_leak")),
                    Report.pct(num(record, "source_leak_chance"))));
        }
        b.append(String.format(Locale.ROOT, "  %.0f img/s  %s", num(record, "images_per_s"), ProgressBar.duration(seconds)));
        out.println(b);
        out.flush();
        charts();
    }

    private static double num(Map<String, Object> r, String key) {
        return r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Redraws the curves from the whole log (so a resumed run shows all its epochs). */
    void charts() {
        List<Map<String, Object>> records = log.read();
        Map<String, double[]> losses = new LinkedHashMap<>();
        for (String k : baseline ? new String[] {"cls", "src_dis", "adv"}
                : new String[] {"dis", "feat", "gen", "center", "recons", "cls", "src_dis", "adv"}) {
            double[] col = MetricsLog.column(records, k);
            if (measured(col)) {
                losses.put(k, col);
            }
        }
        Charts.lines(dir.resolve("losses.png"), "Training losses (mean per epoch)", "epoch", "loss", losses, false);
        Map<String, double[]> acc = new LinkedHashMap<>();
        acc.put("train (running, per batch)", MetricsLog.column(records, "train_acc"));
        double[] ood = MetricsLog.column(records, "ood_acc");
        boolean anyOod = measured(ood);
        acc.put(anyOod ? "test, out of distribution" : "test (unseen people)",
                anyOod ? ood : MetricsLog.column(records, "test_acc"));
        double[] id = MetricsLog.column(records, "id_acc");
        if (measured(id)) {
            acc.put("test, in distribution", id);
        }
        Charts.lines(dir.resolve("accuracy.png"), "Accuracy", "epoch", "accuracy", acc, true);
        Map<String, double[]> leak = new LinkedHashMap<>();
        String[][] diag = {{"source_leak", "source from the emotion features (probe)"},
            {"source_leak_chance", "  its chance"}, {"emotion_leak_c", "emotion from c (probe)"},
            {"condis_acc_c", "ConDis on c"}, {"condis_acc_e", "ConDis on e"}};
        for (String[] d : diag) {
            double[] col = MetricsLog.column(records, d[0]);
            if (measured(col)) {
                leak.put(d[1], col);
            }
        }
        if (!leak.isEmpty()) {
            Charts.lines(dir.resolve("leakage.png"), "Leakage on test images", "epoch", "accuracy", leak, true);
        }
    }

    /** True when some epoch of the column has a value (the method has the metric and it was measured). */
    private static boolean measured(double[] column) {
        for (double v : column) {
            if (!Double.isNaN(v)) {
                return true;
            }
        }
        return false;
    }

    void finish(Accuracy a, List<String> emotions) {
        Path png = dir.resolve("confusion.png");
        Charts.confusion(png, "Confusion on the test split (" + Report.pct(a.overall()) + ")", emotions, a.confusion());
        if (tensorboard != null) {
            tensorboard.confusion(lastEpoch, png);
        }
    }
}
