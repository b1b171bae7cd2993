package iern.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reading data files that may be hostile or clumsy: only regular files (a FIFO would block forever, a device
 * like {@code /dev/zero} never ends), never more than a size cap (checked before reading), and text strictly as
 * UTF-8 with the line and column of a bad byte. Every problem is a {@link DataException} naming the file.
 */
public final class DataFiles {
    /** Default cap for label, split and pickle files: 80 times the authors' pickle or the synthetic CSV (~200 KB). */
    public static final long DEFAULT_MAX_BYTES = 16L << 20;

    private static volatile long maxBytes = DEFAULT_MAX_BYTES;

    private DataFiles() {}

    /** The cap on label, split and pickle files, in bytes. */
    public static long maxBytes() {
        return maxBytes;
    }

    /** Sets the cap on label, split and pickle files for this process (1 byte to 1 GiB). */
    public static void setMaxBytes(long bytes) {
        if (bytes < 1 || bytes > 1L << 30)
            throw new IllegalArgumentException("label/split file size cap " + bytes + ": expected 1 to " + (1L << 30) + " bytes");
        maxBytes = bytes;
    }

    /** The whole file, if it is a regular file of at most {@link #maxBytes()}; {@code what} names it ("label file"). */
    public static byte[] read(Path file, String what) {
        return read(file, what, maxBytes);
    }

    /** The whole file, if it is a regular file of at most {@code cap} bytes. */
    public static byte[] read(Path file, String what, long cap) {
        if (requireRegular(file, what) > cap) throw tooBig(file, what, cap);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(cap + 1, Integer.MAX_VALUE - 8)); // the file may grow meanwhile
        } catch (IOException e) {
            throw problem(file, what, e);
        }
        if (bytes.length > cap) throw tooBig(file, what, cap);
        return bytes;
    }

    /**
     * Checks that a file can be read without blocking or running forever: it exists, is a regular file (links
     * followed) and is readable. Returns its size in bytes.
     */
    public static long requireRegular(Path file, String what) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class); // follows links: the target is what counts
        } catch (IOException e) {
            throw problem(file, what, e);
        }
        if (a.isDirectory()) throw new DataException(file, 0, what + " is a directory; expected a regular file");
        if (!a.isRegularFile())
            throw new DataException(file, 0, what + " is not a regular file (a FIFO, device or socket); expected a regular file");
        if (!Files.isReadable(file)) throw new DataException(file, 0, what + ": permission denied");
        return a.size();
    }

    private static DataException tooBig(Path file, String what, long cap) {
        return new DataException(file, 0, what + " is larger than the limit of " + cap + " bytes; expected a small text"
                + " or pickle file (raise the limit if it really is this big)");
    }

    /** A file-system error as a message a user can act on: missing, permission denied, or the system's words. */
    public static DataException problem(Path file, String what, IOException e) {
        if (e instanceof NoSuchFileException) return new DataException(file, 0, what + " does not exist", e);
        if (e instanceof AccessDeniedException) return new DataException(file, 0, what + ": permission denied", e);
        return new DataException(file, 0, "cannot read " + what + ": " + Printable.of(String.valueOf(e.getMessage())), e);
    }

    /** Receives one line of a text file. */
    @FunctionalInterface
    public interface LineHandler {
        /** @param line 1-based line number; @param text the line without its line end */
        void accept(int line, String text);
    }

    /**
     * Reads a UTF-8 text file line by line (lines end at {@code \n}, an {@code \r} before it is dropped). A
     * leading byte-order mark is skipped, as editors on Windows write one. A byte that is not UTF-8 is an error
     * naming its line and column. Lines are handed over one at a time, so memory follows what the caller keeps.
     */
    public static void forEachLine(Path file, String what, LineHandler handler) {
        byte[] b = read(file, what);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = b.length >= 3 && (b[0] & 0xff) == 0xef && (b[1] & 0xff) == 0xbb && (b[2] & 0xff) == 0xbf ? 3 : 0;
        int line = 1;
        while (start < b.length) {
            int nl = start;
            while (nl < b.length && b[nl] != '\n') nl++;
            int end = nl > start && b[nl - 1] == '\r' ? nl - 1 : nl;
            handler.accept(line, decode(utf8, b, start, end, file, what, line));
            start = nl + 1;
            line++;
        }
    }

    private static String decode(CharsetDecoder utf8, byte[] b, int start, int end, Path file, String what, int line) {
        ByteBuffer in = ByteBuffer.wrap(b, start, end - start);
        CharBuffer out = CharBuffer.allocate(end - start);
        utf8.reset();
        CoderResult r = utf8.decode(in, out, true);
        if (!r.isError()) r = utf8.flush(out);
        if (r.isError()) {
            int at = in.position();
            throw new DataException(file, line, String.format("byte 0x%02x at column %d is not UTF-8; expected the %s"
                    + " to be UTF-8 text (re-save it as UTF-8)", b[at] & 0xff, at - start + 1, what));
        }
        return out.flip().toString();
    }

    /**
     * Refuses a file named inside the data root whose real path (links resolved) leaves the root's real path,
     * as a link {@code root/emotion_labels.csv -> /etc/shadow} would. A file named outside the root (given on
     * the command line) is the user's choice and is returned as is.
     */
    public static void requireInside(Path root, Path file, String what) {
        Path base = root.toAbsolutePath().normalize();
        if (!file.toAbsolutePath().normalize().startsWith(base)) return;
        Path realBase = realPath(root, "data root");
        Path real = realPath(file, what);
        if (!real.startsWith(realBase)) throw outside(file, what, real, realBase);
    }

    /** The real path of a file (links resolved), or a DataException naming it. */
    public static Path realPath(Path file, String what) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw problem(file, what, e);
        }
    }

    /** The error for a path whose real path leaves the data root. */
    public static DataException outside(Path file, String what, Path real, Path realRoot) {
        return new DataException(file, 0, what + " leads outside the data root " + Printable.of(realRoot.toString())
                + " (a link to " + Printable.of(real.toString()) + "); expected files inside the root");
    }
}
