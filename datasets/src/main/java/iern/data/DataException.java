package iern.data;

import java.nio.file.Path;

/**
 * Bad input data. The message always names the file, the line (or byte offset) when there is one, what was found
 * and what was expected, so a user can fix the input without reading code.
 */
public final class DataException extends RuntimeException {
    private final Path file;
    private final long line;

    public DataException(Path file, long line, String problem) {
        super(where(file, line) + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public DataException(Path file, long line, String problem, Throwable cause) {
        super(where(file, line) + ": " + problem, cause);
        this.file = file;
        this.line = line;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not tied to a line. */
    public long line() {
        return line;
    }

    static String where(Path file, long line) {
        return line > 0 ? file + " line " + line : String.valueOf(file);
    }
}
