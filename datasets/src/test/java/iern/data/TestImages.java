package iern.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small files for tests: solid or patterned PNGs and Mix-Dataset trees. */
public final class TestImages {
    private TestImages() {}

    /** A w x h PNG whose pixel (x, y) has red = 10x + seed, green = 7y, blue = seed * 3 (all mod 256). */
    public static Path png(Path file, int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img.setRGB(x, y, ((10 * x + seed) & 0xff) << 16 | ((7 * y) & 0xff) << 8 | ((seed * 3) & 0xff));
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * A tiny Mix-Dataset: for each listed image name "Dataset/name.png" a PNG at root/Dataset/images/name.png,
     * its label in emotion_labels.csv, and a split file listing all of them.
     */
    public static Path mixTree(Path root, List<String[]> imagesAndEmotions) {
        StringBuilder labels = new StringBuilder("key,emotion\n");
        StringBuilder split = new StringBuilder();
        int seed = 0;
        for (String[] e : imagesAndEmotions) {
            String dataset = e[0].substring(0, e[0].indexOf('/'));
            String name = e[0].substring(e[0].indexOf('/') + 1);
            png(root.resolve(dataset).resolve("images").resolve(name), 12, 10, seed++);
            labels.append(MixBasic.labelKey(dataset, name)).append(',').append(e[1]).append('\n');
            split.append("MixBasic/").append(dataset).append("/images/").append(name).append('\n');
        }
        write(root.resolve("emotion_labels.csv"), labels.toString());
        return write(root.resolve("split.csv"), split.toString());
    }
}
