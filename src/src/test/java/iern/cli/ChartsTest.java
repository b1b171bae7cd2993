package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every chart is a readable PNG, also for the edge cases a run meets (nothing measured yet, a class never seen). */
class ChartsTest {
    @TempDir
    Path dir;

    private BufferedImage read(Path png) throws Exception {
        assertTrue(Files.size(png) > 0, png.toString());
        assertFalse(Files.exists(png.resolveSibling(png.getFileName() + ".tmp")), "no temporary file left");
        return ImageIO.read(png.toFile());
    }

    @Test
    void linesSkipMissingEpochsAndDrawAnEmptyChart() throws Exception {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("train", new double[] {0.2, 0.4, 0.5});
        s.put("test", new double[] {Double.NaN, 0.3, Double.NaN});
        s.put("never", new double[] {Double.NaN, Double.NaN, Double.NaN});
        Path png = dir.resolve("accuracy.png");
        Charts.lines(png, "Accuracy", "epoch", "accuracy", s, true);
        assertEquals(820, read(png).getWidth());
        Path empty = dir.resolve("sub/losses.png");
        Charts.lines(empty, "Losses", "epoch", "loss", Map.of(), false);
        read(empty);
    }

    @Test
    void scatterDrawsEveryRunAndAnEmptyChart() throws Exception {
        Map<String, List<double[]>> bias100 = new LinkedHashMap<>();
        bias100.put("baseline", List.of(new double[] {0.9, 0.05}, new double[] {0.8, 0.1}));
        bias100.put("baseline+la", List.of(new double[] {0.5, 0.7}, new double[] {Double.NaN, 0.4}));
        Map<String, Map<String, List<double[]>>> runs = Map.of("bias100", bias100);
        Path png = dir.resolve("leakage.png");
        Charts.scatter(png, "Leak", "leak", "accuracy", runs);
        BufferedImage img = read(png);
        assertEquals(820, img.getWidth());
        assertEquals(520, img.getHeight());
        // the first series' markers are drawn in the palette's first colour
        int blue = 0x1f77b4, found = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                found += (img.getRGB(x, y) & 0xffffff) == blue ? 1 : 0;
            }
        }
        assertTrue(found > 40, "markers of the first series: " + found + " pixels");
        Path empty = dir.resolve("empty.png");
        Charts.scatter(empty, "Leak", "leak", "accuracy", Map.of("bias90", Map.of("x", List.of(new double[] {Double.NaN, 1}))));
        read(empty);
    }

    @Test
    void barsAndConfusion() throws Exception {
        Map<String, Map<String, double[]>> groups = new LinkedHashMap<>();
        groups.put("bias0", Map.of("baseline", new double[] {0.5, 0.1}, "iern", new double[] {0.6, Double.NaN}));
        groups.put("bias100", Map.of("iern", new double[] {0.3, 0.05}));
        Path bars = dir.resolve("summary.png");
        Charts.bars(bars, "Accuracy", groups);
        read(bars);
        Path conf = dir.resolve("confusion.png");
        Charts.confusion(conf, "Confusion", List.of("a", "b", "c"), new long[][] {{3, 1, 0}, {0, 0, 0}, {1, 1, 2}});
        read(conf);
        Charts.confusion(conf, "Confusion again", List.of("a", "b", "c"), new long[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});
        read(conf);
    }
}
