package iern.cli.face;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * Real photographs from Debian packages, never committed: {@code opencv-doc} (OpenCV's sample
 * images: messi5.jpg, one footballer's face of 37 px in a crowd; fruits.jpg, no face) and
 * {@code python3-imageio} or {@code python3-skimage} (the astronaut, a 93 px frontal face). Tests
 * that need them are skipped where they are missing, and fail instead under
 * {@code -Diern.require=faces} ({@code .ci/run} installs the packages and passes it).
 */
public final class FacePhotos {
    private static final Path OPENCV = Path.of("/usr/share/doc/opencv-doc/examples/data");
    private static final List<Path> ASTRONAUT = List.of(
            Path.of("/usr/lib/python3/dist-packages/imageio/resources/images/astronaut.png"),
            Path.of("/usr/lib/python3/dist-packages/skimage/data/astronaut.png"));

    private FacePhotos() {}

    private static boolean required() {
        return System.getProperty("iern.require", "").contains("faces");
    }

    private static Path need(Path p, String pkg) {
        if (!Files.isRegularFile(p)) {
            if (required()) {
                fail("iern.require=faces but " + p + " is missing (Debian package " + pkg + ")");
            }
            Assumptions.assumeTrue(false, p + " is missing (Debian package " + pkg + ")");
        }
        return p;
    }

    /** OpenCV's messi5.jpg (548 x 342): one face, Messi's, about 37 px at (227, 94). */
    public static Path messi() {
        return need(OPENCV.resolve("messi5.jpg"), "opencv-doc");
    }

    /** OpenCV's fruits.jpg: no face. */
    public static Path fruits() {
        return need(OPENCV.resolve("fruits.jpg"), "opencv-doc");
    }

    /** The astronaut (512 x 512; Eileen Collins, NASA): one frontal face of about 93 px at (177, 67). */
    public static Path astronaut() {
        for (Path p : ASTRONAUT) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return need(ASTRONAUT.get(0), "python3-imageio");
    }

    /** The astronaut at the left of a canvas and messi5.jpg at its right (from x = 512): two faces. */
    public static BufferedImage pair() throws IOException {
        BufferedImage a = ImageIO.read(astronaut().toFile());
        BufferedImage m = ImageIO.read(messi().toFile());
        BufferedImage both = new BufferedImage(a.getWidth() + m.getWidth(), Math.max(a.getHeight(), m.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(a, 0, 0, null);
        g.drawImage(m, a.getWidth(), 0, null);
        g.dispose();
        return both;
    }

    /** {@link #pair()} written as a PNG. */
    public static Path pairFile(Path file) throws IOException {
        ImageIO.write(pair(), "png", file.toFile());
        return file;
    }
}
