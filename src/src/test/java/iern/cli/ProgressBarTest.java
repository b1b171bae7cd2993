package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bar's line fits the terminal: on 80 columns it keeps the bar and the losses, not the rate. */
class ProgressBarTest {
    private static final String LOSSES = "dis 1.445 feat 17.522 cls 1.812  210 img/s";

    @Test
    void wideTerminalShowsEverything() {
        String line = ProgressBar.render("  epoch 1/5", 120, 300, 60, LOSSES, 159);
        assertEquals("  epoch 1/5 [############..................] 120/300 1:30 left  " + LOSSES, line);
    }

    @Test
    void eightyColumnsDropTheRateFirst() {
        String line = ProgressBar.render("  epoch 10/40", 120, 300, 60, LOSSES, 79);
        assertTrue(line.length() <= 79, line);
        assertTrue(line.endsWith("left  dis 1.445 feat 17.522 cls 1.812"), line);
        assertTrue(line.contains("[" + "#".repeat(4)), line);
    }

    @Test
    void narrowTerminalDropsTheTextThenCutsTheLine() {
        assertEquals("  epoch 10/40 [######] 300/300 took 1:15", ProgressBar.render("  epoch 10/40", 300, 300, 75, LOSSES, 40));
        assertEquals("  epoch 10/40 [#] 30", ProgressBar.render("  epoch 10/40", 300, 300, 75, LOSSES, 20));
        assertEquals("  evaluating [..............................] 0/9",
                ProgressBar.render("  evaluating", 0, 9, 0, "", 79));
    }

    @Test
    void durations() {
        assertEquals("1:15", ProgressBar.duration(75));
        assertEquals("1:02:05", ProgressBar.duration(3725));
    }
}
