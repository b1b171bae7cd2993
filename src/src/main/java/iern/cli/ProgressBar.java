package iern.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One status line for a loop of known length: a bar, the step, free text (losses), items per
 * second and the time left. On a terminal it redraws in place; into a file or pipe it writes a
 * plain line at most every {@code quietSeconds}, so logs stay readable.
 */
public final class ProgressBar {
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean interactive;
    private final double quietSeconds;
    private final String label;
    private final long total;
    private final long startNanos;
    private long lastPrintNanos;
    private long done;
    private long items;
    private int lastLength;

    public ProgressBar(PrintStream out, boolean interactive, String label, long total, double quietSeconds) {
        this.out = out;
        this.interactive = interactive;
        this.label = label;
        this.total = Math.max(1, total);
        this.quietSeconds = quietSeconds;
        this.startNanos = System.nanoTime();
        this.lastPrintNanos = startNanos;
    }

    /** Whether standard error looks like a terminal a bar can redraw on. */
    public static boolean terminal() {
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    /** Advances by one step that processed {@code itemsInStep} items and redraws if due. */
    public void step(long itemsInStep, String detail) {
        done++;
        items += itemsInStep;
        long now = System.nanoTime();
        boolean last = done >= total;
        if (interactive || last || (now - lastPrintNanos) / 1e9 >= quietSeconds) {
            print(line(detail, now), last);
            lastPrintNanos = now;
        }
    }

    /** Ends the bar's line (on a terminal the bar stays as the final state). */
    public void finish(String detail) {
        if (interactive) {
            print(line(detail, System.nanoTime()), true);
        }
    }

    String line(String detail, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = items / seconds;
        double stepsPerSecond = done / seconds;
        double left = stepsPerSecond > 0 ? (total - done) / stepsPerSecond : 0;
        int filled = (int) Math.min(BAR_WIDTH, (BAR_WIDTH * done) / total);
        StringBuilder b = new StringBuilder();
        b.append(label).append(" [");
        b.append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        b.append(done).append('/').append(total);
        if (detail != null && !detail.isEmpty()) {
            b.append("  ").append(detail);
        }
        b.append(String.format(Locale.ROOT, "  %.1f img/s  %s %s", rate, done >= total ? "took" : "ETA",
                duration(done >= total ? seconds : left)));
        return b.toString();
    }

    private void print(String line, boolean end) {
        if (interactive) {
            String pad = lastLength > line.length() ? " ".repeat(lastLength - line.length()) : "";
            out.print("\r" + line + pad);
            lastLength = line.length();
            if (end) {
                out.println();
                lastLength = 0;
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** {@code 75 -> "1:15"}, {@code 3725 -> "1:02:05"}. */
    public static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long r = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, r) : String.format(Locale.ROOT, "%d:%02d", m, r);
    }
}
