package iern.model.grid;

import iern.engine.InvalidInput;
import iern.engine.io.Json;
import iern.model.Accuracy;
import iern.model.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished run as the experiment table needs it: its headline accuracy as counts (bias0:
 * every test image, unseen people; bias100/bias90: the test images of the held-out cells) and
 * its source-leak probe. {@link #write} stores a run's {@code result.json}, {@link #read} reads
 * one back; a run is complete when that file exists.
 */
public record RunResult(String setting, String variant, int fold, long seed, long correct, long total, double leak,
                        double chance) {
    public static final String FILE = "result.json";

    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** Whether the run in {@code dir} has finished (its result is written last, after its checkpoint). */
    public static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** The headline counts {correct, total} of a run. */
    public static long[] headline(Run run, Accuracy a) {
        return run.isCeiling() ? a.count((src, e, in) -> true) : a.count((src, e, in) -> !in);
    }

    /** Writes {@code dir/result.json} whole (a temporary file moved into place) and returns what the table reads of it. */
    public static RunResult write(Path dir, Run run, Trainer.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bias", run.bias());
        m.put("fold", run.fold());
        m.put("variant", run.variant().name());
        m.put("seed", run.seed());
        m.put("epochs_done", r.epochsDone());
        m.put("seconds", r.seconds());
        m.put("accuracy", r.accuracy().toMap());
        long[] ct = headline(run, r.accuracy());
        m.put("headline", Map.of("correct", ct[0], "images", ct[1]));
        m.put("diagnostics", r.diagnostics());
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FILE + ".tmp");
            Files.writeString(tmp, Json.pretty(m), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return read(file);
    }

    /** One run's result; a malformed file is an error that names it and what was expected. */
    public static RunResult read(Path file) {
        Map<String, Object> r;
        try {
            r = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no result " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(file + ": not a run result (" + e.getMessage() + ")", e);
        }
        if (!(r.get("accuracy") instanceof Map<?, ?> acc) || !(acc.get("images") instanceof Number images)
                || !(r.get("variant") instanceof String variant) || !(r.get("seed") instanceof Number seed)
                || !(r.get("bias") instanceof String bias) || !(r.get("fold") instanceof Number fold)) {
            throw new InvalidInput(file + ": expected bias, fold, variant, seed and accuracy.images");
        }
        String setting = bias.isEmpty() ? "custom split" : "bias" + bias;
        long correct;
        long total;
        if (r.get("headline") instanceof Map<?, ?> h && h.get("correct") instanceof Number c
                && h.get("images") instanceof Number n) {
            correct = c.longValue();
            total = n.longValue();
        } else { // written before the headline counts: every test image of a fold split is in the headline
            Object ratio = setting.equals("bias0") ? acc.get("overall") : acc.get("out_of_distribution");
            double headline = ratio instanceof Number x ? x.doubleValue() : Double.NaN;
            total = Double.isNaN(headline) ? 0 : images.longValue();
            correct = Math.round(headline * total);
        }
        Map<?, ?> diag = r.get("diagnostics") instanceof Map<?, ?> d ? d : Map.of();
        return new RunResult(setting, variant, fold.intValue(), seed.longValue(), correct, total,
                diag.get("source_leak") instanceof Number l ? l.doubleValue() : Double.NaN,
                diag.get("source_leak_chance") instanceof Number c ? c.doubleValue() : Double.NaN);
    }
}
