package iern.cli;

import iern.engine.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per line per epoch ({@code metrics.jsonl}); appending keeps earlier epochs
 * when a run resumes, and every line is flushed so a killed run keeps what it logged. A NaN or
 * infinite value (a diverged loss) is logged as {@code null}, as {@link Json} writes every
 * non-finite number, so each line stays valid JSON; {@link #column} reads it back as NaN.
 */
public final class MetricsLog {
    private final Path file;

    public MetricsLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public void append(Map<String, Object> record) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.writeString(file, Json.write(record) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics log " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes the log hold exactly one record for each of the first {@code epochs} epochs, as the
     * checkpoint a run starts from says: drops a line torn by a kill, records of epochs the
     * checkpoint does not hold (written just before a kill, about to be repeated) and earlier
     * duplicates. Rewrites the file atomically; returns a note of what was dropped, or null.
     */
    public String keepEpochs(int epochs) {
        if (!Files.exists(file)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metrics log " + file + ": " + e.getMessage(), e);
        }
        String[] kept = new String[epochs];
        int unreadable = 0;
        int later = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> r;
            try {
                r = Json.parseObject(line, file.toString());
            } catch (IllegalArgumentException e) {
                unreadable++;
                continue;
            }
            int epoch = r.get("epoch") instanceof Number n ? n.intValue() : 0;
            if (epoch >= 1 && epoch <= epochs) {
                kept[epoch - 1] = line.strip();
            } else {
                later++;
            }
        }
        StringBuilder text = new StringBuilder();
        int missing = 0;
        for (String k : kept) {
            if (k == null) {
                missing++;
            } else {
                text.append(k).append('\n');
            }
        }
        int dropped = (int) lines.stream().filter(l -> !l.isBlank()).count() - (epochs - missing);
        if (dropped == 0) {
            return null;
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot repair metrics log " + file + ": " + e.getMessage(), e);
        }
        return "metrics log: kept epochs 1-" + epochs + (missing > 0 ? " (" + missing + " without a record)" : "")
                + "; dropped " + dropped + " line(s): " + unreadable + " unreadable, " + later
                + " of epochs the checkpoint does not hold, the rest repeated";
    }

    /** Every record so far; a line that is not JSON is an error naming the line. */
    public List<Map<String, Object>> read() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.isEmpty()) {
                    out.add(Json.parseObject(line, file + " line " + (i + 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metrics log " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The numeric values of {@code key} over the records, NaN where absent or null; later epochs
     * replace earlier duplicates.
     */
    public static double[] column(List<Map<String, Object>> records, String key) {
        int maxEpoch = 0;
        for (Map<String, Object> r : records) {
            if (r.get("epoch") instanceof Number n) {
                maxEpoch = Math.max(maxEpoch, n.intValue());
            }
        }
        double[] out = new double[maxEpoch];
        java.util.Arrays.fill(out, Double.NaN);
        for (Map<String, Object> r : records) {
            if (r.get("epoch") instanceof Number e && r.get(key) instanceof Number v && e.intValue() >= 1) {
                out[e.intValue() - 1] = v.doubleValue();
            }
        }
        return out;
    }

    /**
     * How far the unfinished run in {@code runDir} got, for a list of missing runs: {@code " (epoch
     * 3 of 10)"}, {@code " (not started)"}, or {@code " (log unreadable)"}.
     */
    public static String progress(Path runDir) {
        Path log = runDir.resolve("metrics.jsonl");
        if (!Files.isRegularFile(log)) {
            return " (not started)";
        }
        try {
            List<Map<String, Object>> records = new MetricsLog(log).read();
            if (records.isEmpty()) {
                return " (started, no epoch finished)";
            }
            Map<String, Object> last = records.getLast();
            return last.get("epoch") instanceof Number e && last.get("epochs") instanceof Number n
                    ? " (epoch " + e.intValue() + " of " + n.intValue() + " done)" : " (started)";
        } catch (RuntimeException e) {
            return " (log unreadable: " + e.getMessage() + ")";
        }
    }
}
