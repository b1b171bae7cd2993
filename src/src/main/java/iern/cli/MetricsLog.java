package iern.cli;

import iern.model.Json;
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
 * when a run resumes, and every line is flushed so a killed run keeps what it logged.
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

    /** The numeric values of {@code key} over the records, NaN where absent; later epochs replace earlier duplicates. */
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
}
