package iern.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts drawn by XChart (headless: rendered to an image, never shown): curves per epoch,
 * grouped bars with whiskers, a scatter of runs, and a confusion matrix. Each file is written to a temporary file
 * and moved into place, so a reader never sees half a PNG.
 */
public final class Charts {
    private Charts() {}

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)
    };

    /**
     * Line chart: one curve per entry of {@code series} (x = 1, 2, ... as epochs); NaN values
     * (epochs without that measurement) are skipped and the line joins the points around them.
     * The y axis spans the data, or [0, 1] when {@code unitRange}.
     */
    public static void lines(Path png, String title, String xLabel, String yLabel,
                             Map<String, double[]> series, boolean unitRange) {
        XYChart c = new XYChartBuilder().width(820).height(420).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setXAxisDecimalPattern("0");
        if (unitRange) {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(1.0);
        }
        int epochs = series.values().stream().mapToInt(col -> col.length).max().orElse(0);
        c.getStyler().setMarkerSize(epochs > 30 ? 0 : 6); // long runs: the lines alone, no crowd of markers
        for (Map.Entry<String, double[]> s : series.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            double[] col = s.getValue();
            for (int i = 0; i < col.length; i++) {
                if (Double.isFinite(col[i])) {
                    xs.add(i + 1.0);
                    ys.add(col[i]);
                }
            }
            if (!xs.isEmpty()) {
                c.addSeries(s.getKey(), xs, ys);
            }
        }
        if (c.getSeriesMap().isEmpty()) {
            c.addSeries("(nothing measured yet)", new double[] {1}, new double[] {0});
        }
        save(c, png);
    }

    /**
     * Grouped bar chart: {@code groups} maps a group (a setting) to {@code method -> {mean, sd}}
     * with values in [0, 1]; one bar per method in each group shows the mean in percent, its
     * whisker mean ± sd.
     */
    public static void bars(Path png, String title, Map<String, Map<String, double[]>> groups) {
        List<String> methods = new ArrayList<>();
        for (Map<String, double[]> g : groups.values()) {
            for (String m : g.keySet()) {
                if (!methods.contains(m)) {
                    methods.add(m);
                }
            }
        }
        CategoryChart c = new CategoryChartBuilder().width(1000).height(440).title(title).yAxisTitle("accuracy (%)").build();
        style(c.getStyler());
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsPosition(1.0);
        c.getStyler().setDecimalPattern("0.#"); // labels 16.7, ticks 10, 20
        c.getStyler().setErrorBarsColor(Color.BLACK);
        List<String> settings = new ArrayList<>(groups.keySet());
        for (String m : methods) {
            List<Double> means = new ArrayList<>();
            List<Double> sds = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (String s : settings) {
                double[] v = groups.get(s).get(m);
                boolean has = v != null && Double.isFinite(v[0]);
                if (!has) {
                    missing.add(s);
                }
                // one decimal, as the label shows it; XChart takes no gaps here (null and NaN both
                // fail), so a method that did not run in a setting gets an empty bar, and its legend
                // entry says where it did not run, so that bar is never read as 0%
                means.add(has ? Math.round(1000 * Math.max(0, Math.min(1, v[0]))) / 10.0 : 0.0);
                sds.add(has && Double.isFinite(v[1]) ? 100 * v[1] : 0.0);
            }
            c.addSeries(missing.isEmpty() ? m : m + " (not run: " + String.join(", ", missing) + ")", settings,
                    means, sds);
        }
        save(c, png);
    }

    /**
     * Scatter plot of points {x, y} with values in [0, 1], drawn in percent on both axes (0-100):
     * {@code groups} maps a marker group (a setting) to colour groups (variants) to points, so a
     * variant keeps its colour and a setting its marker shape across the chart.
     */
    public static void scatter(Path png, String title, String xLabel, String yLabel,
                               Map<String, Map<String, List<double[]>>> groups) {
        XYChart c = new XYChartBuilder().width(820).height(520).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(c.getStyler());
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setMarkerSize(9);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(100.0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0);
        c.getStyler().setXAxisDecimalPattern("0");
        c.getStyler().setYAxisDecimalPattern("0");
        Marker[] shapes = {SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.SQUARE,
            SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS};
        List<String> colours = new ArrayList<>();
        int shape = 0;
        for (Map.Entry<String, Map<String, List<double[]>>> g : groups.entrySet()) {
            for (Map.Entry<String, List<double[]>> s : g.getValue().entrySet()) {
                if (!colours.contains(s.getKey())) {
                    colours.add(s.getKey());
                }
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (double[] p : s.getValue()) {
                    if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                        xs.add(100 * p[0]);
                        ys.add(100 * p[1]);
                    }
                }
                if (!xs.isEmpty()) {
                    XYSeries series = c.addSeries(g.getKey() + " " + s.getKey(), xs, ys);
                    series.setMarker(shapes[shape % shapes.length]);
                    series.setMarkerColor(PALETTE[colours.indexOf(s.getKey()) % PALETTE.length]);
                }
            }
            shape++;
        }
        if (c.getSeriesMap().isEmpty()) {
            c.addSeries("(no run with both figures)", new double[] {0}, new double[] {0});
        }
        save(c, png);
    }

    /** Confusion matrix, rows = true class, normalised per row, with the percentage in each cell. */
    public static void confusion(Path png, String title, List<String> labels, long[][] counts) {
        int n = labels.size();
        HeatMapChart c = new HeatMapChartBuilder().width(Math.max(420, 200 + n * 64)).height(Math.max(320, 150 + n * 64))
                .title(title).xAxisTitle("predicted").yAxisTitle("true emotion").build();
        style(c.getStyler());
        c.getStyler().setShowValue(true);
        c.getStyler().setMin(0);
        c.getStyler().setMax(100);
        c.getStyler().setHeatMapValueDecimalPattern("0'%'");
        // white to a middle blue, light enough for the black percentages on the darkest cells
        c.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x4f9bd9)});
        c.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        c.getStyler().setValueFontColor(Color.BLACK);
        c.getStyler().setXAxisLabelRotation(30);
        // the first class on top: the heat map counts rows from the bottom
        List<String> rows = new ArrayList<>(labels.reversed());
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            long rowSum = 0;
            for (long v : counts[t]) {
                rowSum += v;
            }
            for (int p = 0; p < n; p++) {
                double frac = rowSum == 0 ? 0 : (double) counts[t][p] / rowSum;
                cells.add(new Number[] {p, n - 1 - t, 100 * frac});
            }
        }
        c.addSeries("% of the true class", labels, rows, cells);
        save(c, png);
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setSeriesColors(PALETTE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }

    private static void save(Chart<?, ?> chart, Path png) {
        try {
            Path dir = png.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            BufferedImage img = BitmapEncoder.getBufferedImage(chart);
            Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer");
            }
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + png + ": " + e.getMessage(), e);
        }
    }
}
