package iern.cli;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * A status line for a loop of known length, drawn by {@code me.tongfei:progressbar}: the label,
 * the bar, the step, the time left, and free text (the step's losses and items per second). The
 * library redraws it in place on its own thread, at the terminal's width at each redraw, so it
 * never wraps; {@link #render} only orders the parts so that an 80-column terminal keeps the bar
 * and the losses (the rate goes first, then the end of the text). On close the line is cleared
 * and the caller's summary takes its place. Off a terminal (a file, a pipe, a test) nothing is
 * drawn at all: the callers' one summary line per epoch is the whole log.
 */
final class ProgressBar implements AutoCloseable {
    private static final int MIN_BAR = 10;
    private static final int MAX_BAR = 30;

    private final me.tongfei.progressbar.ProgressBar bar;
    private final boolean itemRate;
    private final long startNanos = System.nanoTime();
    private long items;

    /**
     * @param itemRate  show items per second (the items each {@link #step} reports); without it
     *                  the bar shows the step count and time left only
     */
    ProgressBar(PrintStream out, boolean interactive, String label, long total, boolean itemRate) {
        this.itemRate = itemRate;
        this.bar = !interactive ? null : new ProgressBarBuilder()
                .setTaskName(label)
                .setInitialMax(Math.max(1, total))
                .setUpdateIntervalMillis(250)
                .setRenderer((state, width) -> render(state.getTaskName(), state.getCurrent(), state.getMax(),
                        state.getTotalElapsed().toNanos() / 1e9, state.getExtraMessage(), width))
                // no fixed length: the library asks the terminal for its width at each redraw
                .setConsumer(new ClearingConsumer(out))
                .clearDisplayOnFinish()
                .build();
    }

    /**
     * Whether standard output and input are a terminal a bar can redraw on (the bar goes to
     * standard error, which follows them in an interactive session).
     */
    static boolean terminal() {
        Console c = System.console();
        String term = System.getenv("TERM");
        return c != null && c.isTerminal() && term != null && !term.equals("dumb");
    }

    /**
     * {@code "  epoch 1/5 [#####.......] 12/40 0:31 left  dis 1.445 feat 6.103 cls 1.796  210 img/s"}
     * in at most {@code width} columns: the bar shrinks to {@value #MIN_BAR} columns for the text,
     * then the text goes a part at a time from its end (the rate, then the losses), and a line
     * still too long is cut at the width.
     */
    static String render(String label, long done, long max, double seconds, String detail, int width) {
        long total = Math.max(1, max);
        String time = done >= total ? "took " + duration(seconds)
                : done == 0 ? "" : duration(seconds * (total - done) / done) + " left";
        String head = label + " [";
        String tail = "] " + done + "/" + total + (time.isEmpty() ? "" : " " + time);
        String extra = detail == null || detail.isEmpty() ? "" : "  " + detail;
        int room = width - head.length() - tail.length();
        while (room - extra.length() < MIN_BAR && extra.contains("  ")) {
            extra = extra.substring(0, extra.lastIndexOf("  "));
        }
        int barWidth = Math.max(1, Math.min(MAX_BAR, room - extra.length()));
        int filled = (int) Math.min(barWidth, barWidth * done / total);
        String line = head + "#".repeat(filled) + ".".repeat(barWidth - filled) + tail + extra;
        return line.length() <= width ? line : line.substring(0, Math.max(0, width));
    }

    /** Advances by one step that processed {@code itemsInStep} items; {@code detail} may be empty. */
    void step(long itemsInStep, String detail) {
        if (bar == null) {
            return;
        }
        items += itemsInStep;
        StringBuilder b = new StringBuilder(detail == null ? "" : detail);
        if (itemRate) {
            double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
            b.append(b.isEmpty() ? "" : "  ").append(String.format(Locale.ROOT, "%.0f img/s", items / seconds));
        }
        bar.setExtraMessage(b.toString());
        bar.step();
    }

    /** Stops the redraws and clears the bar's line (the caller prints the summary in its place). */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    /**
     * Draws on one line; once cleared it draws nothing more (a redraw the library's thread had
     * under way when the bar closed must not land after the summary line), and it leaves the
     * cleared line for the summary instead of a blank line.
     */
    private static final class ClearingConsumer extends ConsoleProgressBarConsumer {
        private final PrintStream stream;
        private boolean cleared;

        ClearingConsumer(PrintStream out) {
            super(out);
            this.stream = out;
        }

        @Override
        public synchronized void accept(String line) {
            if (!cleared) {
                super.accept(line);
            }
        }

        @Override
        public synchronized void clear() {
            if (!cleared) {
                super.clear();
                cleared = true;
            }
        }

        @Override
        public void close() {
            stream.flush();
        }
    }

    /** {@code 75 -> "1:15"}, {@code 3725 -> "1:02:05"}. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long r = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, r) : String.format(Locale.ROOT, "%d:%02d", m, r);
    }
}
