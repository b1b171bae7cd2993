package iern.data.mix;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.DataFiles;
import iern.data.Printable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The authors' split files: one image path per line, {@code MixBasic/<Dataset>/images/<name>.png}, whose first
 * component names the data root itself and is dropped; the rest is resolved under the root.
 */
public final class SplitFile {
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of(".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".tif", ".tiff");
    static final String EXPECTED = "expected a relative path like MixBasic/<Dataset>/images/<name>.png";

    /**
     * @param relative the path under the data root (first component dropped), with '/' separators
     * @param line     1-based line in the split file
     * @param text     the line as written
     */
    public record Entry(String relative, int line, String text) {}

    private SplitFile() {}

    public static List<Entry> read(Path file, BadInput bad) {
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        DataFiles.forEachLine(file, "split file", (lineNo, line) -> {
            String text = line.strip();
            if (text.isEmpty()) return;
            String problem = check(text);
            if (problem != null) {
                bad.report(new DataException(file, lineNo, problem));
                return;
            }
            Integer earlier = firstLine.putIfAbsent(text, lineNo);
            if (earlier != null) {
                bad.report(new DataException(file, lineNo, Printable.quote(text) + " duplicates line " + earlier
                        + "; expected each image once"));
                return;
            }
            String relative = text.substring(text.indexOf('/') + 1);
            entries.add(new Entry(relative, lineNo, text));
        });
        if (entries.isEmpty()) {
            throw new DataException(file, 0, "split has no usable image paths"
                    + (bad.skippedCount() > 0 ? " (" + bad.skippedCount() + " bad lines skipped)" : "")
                    + "; " + EXPECTED + ", one per line");
        }
        return entries;
    }

    /** Returns why the line is unacceptable, or null. */
    static String check(String text) {
        String quoted = Printable.quote(text);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
                return quoted + " contains the control character " + Printable.of(String.valueOf(c)) + " at column "
                        + (i + 1) + "; " + EXPECTED;
        }
        String unified = text.replace('\\', '/');
        if (unified.startsWith("/") || (unified.length() > 1 && unified.charAt(1) == ':'))
            return quoted + " is an absolute path and escapes the data root; " + EXPECTED;
        String[] parts = unified.split("/");
        for (String part : parts) {
            if (part.equals("..")) return quoted + " contains '..' and escapes the data root; " + EXPECTED;
        }
        if (!unified.equals(text)) return quoted + " uses '\\' separators; " + EXPECTED;
        if (parts.length < 2) return quoted + " has no folder to drop; " + EXPECTED;
        if (!isImageName(parts[parts.length - 1]))
            return quoted + " is not an image file name; expected one of " + IMAGE_EXTENSIONS;
        return null;
    }

    /** Whether a file name ends in one of {@link #IMAGE_EXTENSIONS} (any case). */
    public static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && IMAGE_EXTENSIONS.contains(name.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** Writes one path per line with a trailing newline, in the given order. */
    public static void write(Path file, List<String> paths) {
        StringBuilder sb = new StringBuilder();
        for (String p : paths) sb.append(p).append('\n');
        try {
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
