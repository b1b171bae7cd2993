package iern.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** PNG charts drawn with Java2D: curves per epoch and a confusion matrix. */
public final class Charts {
    private Charts() {}

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };

    /**
     * Line chart: one curve per entry of {@code series} (x = 1, 2, ... as epochs); NaN values
     * (epochs without that measurement) are skipped and the line joins the points around them. The y axis spans the data, or [0, 1] when {@code unitRange}.
     */
    public static void lines(Path png, String title, String xLabel, String yLabel,
                             Map<String, double[]> series, boolean unitRange) {
        int width = 820;
        int height = 420;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        int left = 70;
        int right = 230;
        int top = 40;
        int bottom = 55;
        int plotW = width - left - right;
        int plotH = height - top - bottom;

        int n = 1;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] ys : series.values()) {
            n = Math.max(n, ys.length);
            for (double y : ys) {
                if (Double.isFinite(y)) {
                    lo = Math.min(lo, y);
                    hi = Math.max(hi, y);
                }
            }
        }
        if (unitRange) {
            lo = 0;
            hi = 1;
        } else if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        } else if (hi - lo < 1e-12) {
            lo -= 0.5;
            hi += 0.5;
        } else {
            double pad = 0.05 * (hi - lo);
            lo = Math.max(lo >= 0 ? 0 : Double.NEGATIVE_INFINITY, lo - pad);
            hi += pad;
        }

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();

        // Grid and y ticks.
        for (int i = 0; i <= 5; i++) {
            double v = lo + (hi - lo) * i / 5;
            int y = top + plotH - (int) Math.round(plotH * i / 5.0);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(left, y, left + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String t = tick(v, hi - lo);
            g.drawString(t, left - 6 - fm.stringWidth(t), y + fm.getAscent() / 2 - 1);
        }
        // x ticks: at most 10 labels.
        int every = Math.max(1, (int) Math.ceil(n / 10.0));
        for (int i = 1; i <= n; i += every) {
            int x = xAt(i, n, left, plotW);
            g.setColor(Color.DARK_GRAY);
            String t = Integer.toString(i);
            g.drawString(t, x - fm.stringWidth(t) / 2, top + plotH + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, plotW, plotH);
        g.drawString(xLabel, left + plotW / 2 - fm.stringWidth(xLabel) / 2, height - 15);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(top + plotH / 2 + fm.stringWidth(yLabel) / 2), 18);
        rotated.dispose();

        int k = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            Color c = PALETTE[k % PALETTE.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            double[] ys = e.getValue();
            int px = -1;
            int py = -1;
            for (int i = 0; i < ys.length; i++) {
                if (!Double.isFinite(ys[i])) {
                    continue;
                }
                int x = xAt(i + 1, n, left, plotW);
                double clamped = Math.max(lo, Math.min(hi, ys[i]));
                int y = top + plotH - (int) Math.round(plotH * (clamped - lo) / (hi - lo));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                if (ys.length <= 60) {
                    g.fillOval(x - 3, y - 3, 6, 6);
                }
                px = x;
                py = y;
            }
            int ly = top + 10 + 20 * k;
            g.fillRect(left + plotW + 15, ly - 6, 16, 4);
            g.setColor(Color.BLACK);
            g.drawString(e.getKey(), left + plotW + 36, ly);
            k++;
        }
        g.dispose();
        save(img, png);
    }

    /**
     * Grouped bars with error bars: one group per entry of {@code groups} (e.g. a bias setting),
     * one bar per method inside it, each value {@code {mean, sd}} in [0, 1]; the bar shows the
     * mean, the whisker mean ± sd, the label the mean in percent.
     */
    public static void bars(Path png, String title, Map<String, Map<String, double[]>> groups) {
        java.util.List<String> methods = new java.util.ArrayList<>();
        for (Map<String, double[]> g : groups.values()) {
            for (String m : g.keySet()) {
                if (!methods.contains(m)) {
                    methods.add(m);
                }
            }
        }
        int width = 900;
        int height = 440;
        int left = 60;
        int right = 190;
        int top = 45;
        int bottom = 50;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        FontMetrics fm = title(g, title, 13, 11);
        for (int i = 0; i <= 5; i++) {
            int y = top + plotH - plotH * i / 5;
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, y, left + plotW, y);
            g.setColor(Color.DARK_GRAY);
            String t = (i * 20) + "%";
            g.drawString(t, left - 8 - fm.stringWidth(t), y + 4);
        }
        int groupW = plotW / Math.max(1, groups.size());
        int barW = Math.max(6, (groupW - 20) / Math.max(1, methods.size()));
        int gi = 0;
        for (Map.Entry<String, Map<String, double[]>> grp : groups.entrySet()) {
            int x0 = left + gi * groupW + 10;
            for (int mi = 0; mi < methods.size(); mi++) {
                double[] v = grp.getValue().get(methods.get(mi));
                if (v == null || !Double.isFinite(v[0])) {
                    continue;
                }
                int x = x0 + mi * barW;
                int h = (int) Math.round(plotH * Math.max(0, Math.min(1, v[0])));
                g.setColor(PALETTE[mi % PALETTE.length]);
                g.fillRect(x + 1, top + plotH - h, barW - 2, h);
                g.setColor(Color.BLACK);
                int lo = top + plotH - (int) Math.round(plotH * Math.max(0, Math.min(1, v[0] - v[1])));
                int hi = top + plotH - (int) Math.round(plotH * Math.max(0, Math.min(1, v[0] + v[1])));
                int cx = x + barW / 2;
                g.drawLine(cx, lo, cx, hi);
                g.drawLine(cx - 3, lo, cx + 3, lo);
                g.drawLine(cx - 3, hi, cx + 3, hi);
                String label = String.format(java.util.Locale.ROOT, "%.1f", 100 * v[0]);
                g.drawString(label, cx - fm.stringWidth(label) / 2, hi - 3);
            }
            g.setColor(Color.BLACK);
            g.drawString(grp.getKey(), x0 + (methods.size() * barW - fm.stringWidth(grp.getKey())) / 2,
                    top + plotH + 18);
            gi++;
        }
        g.drawLine(left, top + plotH, left + plotW, top + plotH);
        for (int mi = 0; mi < methods.size(); mi++) {
            int y = top + 10 + mi * 20;
            g.setColor(PALETTE[mi % PALETTE.length]);
            g.fillRect(width - right + 15, y - 9, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(methods.get(mi), width - right + 33, y + 1);
        }
        g.dispose();
        save(img, png);
    }

    private static int xAt(int i, int n, int left, int plotW) {
        return n <= 1 ? left + plotW / 2 : left + (int) Math.round((double) plotW * (i - 1) / (n - 1));
    }

    private static String tick(double v, double span) {
        if (span >= 10) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (span >= 0.5) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** Confusion matrix, rows = true class, normalised per row, with the percentage in each cell. */
    public static void confusion(Path png, String title, List<String> labels, long[][] counts) {
        int n = labels.size();
        int cell = 64;
        int left = 110;
        int top = 60;
        int width = left + n * cell + 30;
        int height = top + n * cell + 90;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(img);
        FontMetrics fm = title(g, title, 15, 12);
        for (int t = 0; t < n; t++) {
            long rowSum = 0;
            for (long v : counts[t]) {
                rowSum += v;
            }
            for (int p = 0; p < n; p++) {
                double frac = rowSum == 0 ? 0 : (double) counts[t][p] / rowSum;
                // White to dark blue; the text flips to white on dark cells.
                int shade = (int) Math.round(255 * (1 - frac));
                g.setColor(new Color(shade, shade, 255 - (int) Math.round(110 * frac)));
                int x = left + p * cell;
                int y = top + t * cell;
                g.fillRect(x, y, cell, cell);
                g.setColor(new Color(0xcccccc));
                g.drawRect(x, y, cell, cell);
                g.setColor(frac > 0.55 ? Color.WHITE : Color.BLACK);
                String s = rowSum == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * frac);
                g.drawString(s, x + cell / 2 - fm.stringWidth(s) / 2, y + cell / 2 + fm.getAscent() / 2 - 2);
            }
            g.setColor(Color.BLACK);
            String name = labels.get(t);
            g.drawString(name, left - 8 - fm.stringWidth(name), top + t * cell + cell / 2 + 4);
        }
        for (int p = 0; p < n; p++) {
            int x = left + p * cell + cell / 2;
            int y = top + n * cell + 12;
            // Rotate about the label's anchor so long names do not collide.
            Graphics2D r = (Graphics2D) g.create();
            r.translate(x, y);
            r.rotate(Math.PI / 6);
            r.drawString(labels.get(p), 0, 0);
            r.dispose();
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString("rows: true emotion, columns: predicted", left, height - 12);
        g.dispose();
        save(img, png);
    }

    /** Draws the title in bold at the top left, then leaves the plain body font set; returns its metrics. */
    private static FontMetrics title(Graphics2D g, String title, int titleSize, int bodySize) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, titleSize));
        g.drawString(title, 10, 10 + titleSize);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, bodySize));
        return g.getFontMetrics();
    }

    private static Graphics2D start(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void save(BufferedImage img, Path png) {
        try {
            Path dir = png.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
            Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
        }
    }
}
