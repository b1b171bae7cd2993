package iern.cli.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alignment geometry and the crop on synthetic inputs; no OpenCV. */
class AlignmentTest {
    private static final double LEFT = 0.35 * 256;   // 89.6: where the image-left eye lands, x and y
    private static final double RIGHT = 0.65 * 256;  // 166.4

    private static void near(Point expected, Point actual, double tol) {
        assertEquals(expected.x(), actual.x(), tol, () -> "x of " + actual + ", expected " + expected);
        assertEquals(expected.y(), actual.y(), tol, () -> "y of " + actual + ", expected " + expected);
    }

    @Test
    void levelEyesOnlyScaleAndShift() {
        Alignment a = Alignment.fromEyes(new Point(100, 200), new Point(160, 200), 256);
        assertEquals(0, a.tiltDegrees(), 1e-12);
        assertEquals(76.8 / 60, a.scale(), 1e-12);
        assertTrue(a.fromEyes());
        near(new Point(LEFT, LEFT), a.toCrop(new Point(100, 200)), 1e-9);
        near(new Point(RIGHT, LEFT), a.toCrop(new Point(160, 200)), 1e-9);
        // the midpoint between the eyes goes to the middle column
        near(new Point(128, LEFT), a.toCrop(new Point(130, 200)), 1e-9);
    }

    @Test
    void tiltedEyesAreLevelledAndTheTiltIsSigned() {
        // the right-hand eye 30 degrees below the left-hand one (image y points down)
        Point l = new Point(300, 120);
        Point r = new Point(300 + 80 * Math.cos(Math.toRadians(30)), 120 + 80 * Math.sin(Math.toRadians(30)));
        Alignment a = Alignment.fromEyes(l, r, 256);
        assertEquals(30, a.tiltDegrees(), 1e-9);
        near(new Point(LEFT, LEFT), a.toCrop(l), 1e-9);
        near(new Point(RIGHT, LEFT), a.toCrop(r), 1e-9);
        // raised instead of lowered: the same angle with the other sign
        Point up = new Point(l.x() + (r.x() - l.x()), l.y() - (r.y() - l.y()));
        assertEquals(-30, Alignment.fromEyes(l, up, 256).tiltDegrees(), 1e-9);
        // toImage undoes toCrop anywhere
        for (Point p : List.of(new Point(0, 0), new Point(255, 255), new Point(17.5, 203.25))) {
            near(p, a.toCrop(a.toImage(p)), 1e-9);
        }
    }

    @Test
    void otherSizesKeepTheProportions() {
        Alignment a = Alignment.fromEyes(new Point(10, 10), new Point(40, 10), 100);
        near(new Point(35, 35), a.toCrop(new Point(10, 10)), 1e-9);
        near(new Point(65, 35), a.toCrop(new Point(40, 10)), 1e-9);
        assertEquals(1.0, a.scale(), 1e-12);
    }

    @Test
    void withoutEyesTheBoxGivesThemAndNothingTurns() {
        Box box = new Box(50, 60, 100, 100);
        Alignment a = Alignment.fromBox(box, 256);
        assertFalse(a.fromEyes());
        assertEquals(0, a.tiltDegrees(), 1e-12);
        near(new Point(LEFT, LEFT), a.toCrop(box.at(0.28, 0.38)), 1e-9);
        near(new Point(RIGHT, LEFT), a.toCrop(box.at(0.72, 0.38)), 1e-9);
        // the box's centre column goes to x = 128, as the eyes' midpoint does with found eyes
        assertEquals(128, a.toCrop(box.centre()).x(), 1e-9);
        Face face = new Face(box, null, null);
        assertFalse(face.eyesFound());
        assertEquals(a.toCrop(new Point(70, 80)), face.alignment(256).toCrop(new Point(70, 80)));
    }

    @Test
    void boxCoordinatesAreInPixelIndexUnits() {
        Box b = new Box(10, 20, 4, 6);
        assertEquals(new Point(11.5, 22.5), b.centre());
        assertEquals(new Point(9.5, 19.5), b.at(0, 0));
        assertTrue(b.contains(new Point(10, 20)));
        assertTrue(b.contains(new Point(13.4, 25.4)));
        assertFalse(b.contains(new Point(13.5, 22)));
        assertEquals("10,20 4x6", b.toString());
        assertThrows(IllegalArgumentException.class, () -> new Box(0, 0, 0, 5));
    }

    @Test
    void badEyesAndSizesAreRefused() {
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> Alignment.fromEyes(new Point(5, 5), new Point(5, 5), 256));
        assertTrue(same.getMessage().contains("two distinct points"), same.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> Alignment.fromEyes(new Point(0, 0), new Point(5, 5), 8));
        assertTrue(size.getMessage().contains("expected 16 to 4096"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Face(new Box(0, 0, 9, 9), new Point(6, 3), new Point(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Face(new Box(0, 0, 9, 9), new Point(2, 3), null));
    }

    @Test
    void bicubicWeightsInterpolate() {
        double[] w = new double[4];
        Alignment.cubic(0, w);
        assertArrayEquals(new double[] {0, 1, 0, 0}, w, 1e-12);
        for (double t : new double[] {0.1, 0.25, 0.5, 0.9}) {
            Alignment.cubic(t, w);
            assertEquals(1, w[0] + w[1] + w[2] + w[3], 1e-12, "weights sum to 1 at " + t);
            assertTrue(w[0] <= 0 && w[3] <= 0 && w[1] > 0 && w[2] > 0, "negative outer lobes at " + t);
        }
    }

    /** Black picture with two white discs (the "eyes") at the given centres. */
    private static BufferedImage eyes(int w, int h, Point l, Point r, double radius) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        for (Point p : List.of(l, r)) {
            // Java2D's fill takes pixel i where the shape covers its point i (checked: the disc's centroid is p)
            g.fill(new Ellipse2D.Double(p.x() - radius, p.y() - radius, 2 * radius, 2 * radius));
        }
        g.dispose();
        return img;
    }

    /** Brightness-weighted centroid of the crop's pixels with x below / above the middle. */
    private static Point centroid(BufferedImage img, boolean leftHalf) {
        double sx = 0;
        double sy = 0;
        double s = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((x < img.getWidth() / 2) != leftHalf) {
                    continue;
                }
                double v = img.getRGB(x, y) & 0xff;
                sx += v * x;
                sy += v * y;
                s += v;
            }
        }
        return new Point(sx / s, sy / s);
    }

    @Test
    void theCropPutsTiltedEyesLevelWhereTheyBelong() {
        Point l = new Point(140, 210);
        Point r = new Point(140 + 90 * Math.cos(Math.toRadians(-20)), 210 + 90 * Math.sin(Math.toRadians(-20)));
        BufferedImage img = eyes(400, 400, l, r, 8);
        near(l, centroid(img, true), 0.2);
        Alignment a = Alignment.fromEyes(l, r, 256);
        assertEquals(-20, a.tiltDegrees(), 1e-9);
        BufferedImage crop = a.warp(img);
        assertEquals(256, crop.getWidth());
        assertEquals(256, crop.getHeight());
        near(new Point(LEFT, LEFT), centroid(crop, true), 0.3);
        near(new Point(RIGHT, LEFT), centroid(crop, false), 0.3);
        // the discs are scaled by 76.8/90: radius 8 -> 6.8 px; far from them all is black
        assertEquals(0, crop.getRGB(128, 200) & 0xffffff);
        assertEquals(0xffffff, crop.getRGB((int) Math.round(LEFT), (int) Math.round(LEFT)) & 0xffffff);
    }

    @Test
    void aFaceMuchLargerThanTheCropIsAveragedDownNotAliased() {
        // a one-pixel black and white checkerboard: sampled without averaging it would alias to
        // black, white or ringing; averaged down it is an even grey
        int n = 2000;
        BufferedImage img = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < n; y++) {
            for (int x = y % 2; x < n; x += 2) {
                img.setRGB(x, y, 0xffffff);
            }
        }
        Alignment a = Alignment.fromEyes(new Point(700, 900), new Point(1300, 900), 256);
        assertTrue(a.scale() < 0.5, "scale " + a.scale());
        BufferedImage crop = a.warp(img);
        // (the crop's bottom and right edges reach past the image: black comes in there)
        for (int y = 10; y < 210; y += 20) {
            for (int x = 10; x < 230; x += 20) {
                int v = crop.getRGB(x, y) & 0xff;
                assertTrue(Math.abs(v - 127.5) < 8, "pixel " + x + "," + y + " = " + v);
            }
        }
    }

    @Test
    void outsideTheImageIsBlack() {
        BufferedImage grey = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grey.createGraphics();
        g.setColor(new Color(200, 100, 50));
        g.fillRect(0, 0, 100, 100);
        g.dispose();
        // eyes near the right edge: the crop's right part lies beyond it
        Alignment a = Alignment.fromEyes(new Point(80, 50), new Point(95, 50), 64);
        BufferedImage crop = a.warp(grey);
        assertEquals(new Color(200, 100, 50).getRGB() & 0xffffff, crop.getRGB(10, 32) & 0xffffff);
        assertEquals(0, crop.getRGB(63, 32) & 0xffffff);
        // wholly outside: all black
        BufferedImage none = Alignment.fromEyes(new Point(5000, 50), new Point(5015, 50), 64).warp(grey);
        for (int y = 0; y < 64; y += 7) {
            for (int x = 0; x < 64; x += 7) {
                assertEquals(0, none.getRGB(x, y) & 0xffffff);
            }
        }
    }

    @Test
    void eyePairsArePlausibleOrNone() {
        Box face = new Box(100, 100, 100, 100);
        // a left and a right eye, and a mouth below them that is no eye
        Point l = new Point(127, 137);
        Point r = new Point(173, 139);
        Point mouth = new Point(163, 182);
        Point[] pair = FaceDetector.pair(face, List.of(mouth, r, l));
        assertArrayEquals(new Point[] {l, r}, pair);
        // two candidates on one side, too close, too far apart or too steep: none
        assertNull(FaceDetector.pair(face, List.of(new Point(110, 137), new Point(140, 137))));
        assertNull(FaceDetector.pair(face, List.of(new Point(140, 137), new Point(160, 137))));
        assertNull(FaceDetector.pair(face, List.of(new Point(100, 137), new Point(199, 137))));
        assertNull(FaceDetector.pair(face, List.of(new Point(130, 120), new Point(170, 160))));
        assertNull(FaceDetector.pair(face, List.of()));
        // of two plausible pairs, the one where eyes usually are
        Point highL = new Point(127, 110);
        Point highR = new Point(173, 110);
        assertArrayEquals(new Point[] {l, r}, FaceDetector.pair(face, List.of(highL, highR, l, r)));
    }

    @Test
    void aBoxInsideALargerOneIsTheSameFace() {
        Box big = new Box(100, 100, 80, 80);
        Box inner = new Box(120, 130, 30, 30);
        Box apart = new Box(300, 100, 40, 40);
        assertEquals(List.of(big, apart), FaceDetector.distinct(List.of(inner, apart, big)));
    }
}
