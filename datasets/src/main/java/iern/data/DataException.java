package iern.data;

import java.nio.file.Path;

/**
 * Bad input data. The message always names the file, the line (or byte offset) when there is one, what was found
 * and what was expected, so a user can fix the input without reading code. The file name is passed through
 * {@link Printable}; text from inside files must be too ({@code Printable.quote}) before it reaches the problem.
 */
public final class DataException extends RuntimeException {
    private final Path file;
    private final long line;
    private final String problem;

    public DataException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    public DataException(Path file, long line, String problem, Throwable cause) {
        super(where(file, line) + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not tied to a line. */
    public long line() {
        return line;
    }

    /** The message without the file and line in front. */
    public String problem() {
        return problem;
    }

    static String where(Path file, long line) {
        String name = Printable.of(String.valueOf(file));
        return line > 0 ? name + " line " + line : name;
    }
}
