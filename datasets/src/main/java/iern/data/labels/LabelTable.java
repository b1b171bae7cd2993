package iern.data.labels;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.DataFiles;
import iern.data.Printable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Image key to label name, read from a CSV ({@code key,label} per line) or from the authors'
 * {@code emotion_labels.pkl}. Keeps where each entry came from so a later error can point at it.
 */
public final class LabelTable {
    private final Path file;
    private final Map<String, String> labels;
    private final Map<String, Integer> lineOf;

    private LabelTable(Path file, Map<String, String> labels, Map<String, Integer> lineOf) {
        this.file = file;
        this.labels = Collections.unmodifiableMap(labels);
        this.lineOf = lineOf;
    }

    /** Reads {@code .pkl} with the safe unpickler and anything else as CSV. */
    public static LabelTable read(Path file, BadInput bad) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".pkl") || name.endsWith(".pickle") ? readPickle(file) : readCsv(file, bad);
    }

    public static LabelTable readPickle(Path file) {
        Map<String, String> map = SafeUnpickler.readStringDict(file);
        if (map.isEmpty()) throw new DataException(file, 0, "the pickled label dict is empty; expected key -> label entries");
        return new LabelTable(file, map, Map.of());
    }

    /**
     * CSV: one {@code key,label} per line; an optional first line {@code key,emotion} (or {@code key,label}) is a
     * header; blank lines are ignored. Keys may not repeat. UTF-8 (a leading byte-order mark is skipped).
     */
    public static LabelTable readCsv(Path file, BadInput bad) {
        Map<String, String> map = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        boolean[] first = {true};
        DataFiles.forEachLine(file, "label file", (lineNo, line) -> {
            String raw = line.strip();
            if (raw.isEmpty()) return;
            boolean header = first[0] && isHeader(raw);
            first[0] = false;
            if (header) return;
            int comma = raw.indexOf(',');
            if (comma <= 0 || comma == raw.length() - 1 || raw.indexOf(',', comma + 1) >= 0) {
                bad.report(new DataException(file, lineNo, Printable.quote(raw) + " is not 'key,label' (two non-empty fields)"));
                return;
            }
            String key = raw.substring(0, comma).strip();
            String label = raw.substring(comma + 1).strip();
            Integer earlier = lineOf.get(key);
            if (earlier != null) {
                bad.report(new DataException(file, lineNo, "duplicate key " + Printable.quote(key) + " (first on line "
                        + earlier + "); expected each key once"));
                return;
            }
            map.put(key, label);
            lineOf.put(key, lineNo);
        });
        if (map.isEmpty()) throw new DataException(file, 0, "no labels; expected lines of 'key,label'");
        return new LabelTable(file, map, lineOf);
    }

    private static boolean isHeader(String line) {
        String l = line.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
        return l.equals("key,emotion") || l.equals("key,label");
    }

    public static LabelTable of(Path file, Map<String, String> labels) {
        return new LabelTable(file, new LinkedHashMap<>(labels), Map.of());
    }

    public Path file() {
        return file;
    }

    public Map<String, String> asMap() {
        return labels;
    }

    public String get(String key) {
        return labels.get(key);
    }

    /** "file line n" for CSV entries, the file name for pickles. */
    public String originOf(String key) {
        Integer line = lineOf.get(key);
        String name = Printable.of(file.toString());
        return line == null ? name : name + " line " + line;
    }

    public int size() {
        return labels.size();
    }

    /** Writes the table as the CSV that {@link #readCsv} reads, with a header, sorted by key. */
    public static void writeCsv(Path file, Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("key,emotion\n");
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(e.getKey()).append(',').append(e.getValue()).append('\n'));
        try {
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
