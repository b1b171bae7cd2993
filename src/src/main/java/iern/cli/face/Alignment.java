package iern.cli.face;

import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;

/**
 * The similarity transform (rotation, uniform scale, shift) that takes a face to an aligned square
 * crop, and the crop itself. The geometry is the authors' (their {@code align_faces.py}, after
 * dlib's landmarks): the eyes end up level, the image-left eye at ({@value #EYE_X}, {@value #EYE_Y})
 * of the crop and the other at (1 - {@value #EYE_X}, {@value #EYE_Y}), so the eyes are 30% of the
 * crop's width apart (76.8 px at their 256 px). Resampling is bicubic (a = -0.75, as OpenCV's
 * {@code INTER_CUBIC} that they warp with) with black outside the image; a face more than twice the
 * crop's size is first averaged down by a whole factor so the crop does not alias.
 */
public final class Alignment {
    /** The authors' crop size. */
    public static final int DEFAULT_SIZE = 256;
    public static final int MIN_SIZE = 16;
    public static final int MAX_SIZE = 4096;
    /** Where the image-left eye goes, as fractions of the crop (the authors' {@code desiredLeftEye}). */
    public static final double EYE_X = 0.35;
    public static final double EYE_Y = 0.35;
    /**
     * Where the eyes sit in a box of OpenCV's frontal face cascade, as fractions of it, for faces whose
     * eyes were not found. The eye cascade put them at (0.26, 0.37) and (0.74, 0.39) on scikit-image's
     * astronaut and about 0.33 apart on messi5.jpg's turned head; 0.28/0.72 at 0.38 lies between.
     */
    public static final double BOX_EYE_X = 0.28;
    public static final double BOX_EYE_Y = 0.38;

    private final int size;
    private final double tiltDegrees;
    private final double scale;
    private final boolean fromEyes;
    private final AffineTransform toCrop;
    private final AffineTransform toImage;

    private Alignment(Point left, Point right, int size, boolean fromEyes) {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("crop size " + size + ": expected " + MIN_SIZE + " to " + MAX_SIZE);
        }
        double dx = right.x() - left.x();
        double dy = right.y() - left.y();
        double distance = Math.hypot(dx, dy);
        if (!(distance > 0) || !Double.isFinite(distance)) {
            throw new IllegalArgumentException("eyes at " + left + " and " + right + ": expected two distinct points");
        }
        double tilt = Math.atan2(dy, dx);
        this.size = size;
        this.fromEyes = fromEyes;
        this.tiltDegrees = Math.toDegrees(tilt);
        this.scale = (1 - 2 * EYE_X) * size / distance;
        // applied last to first: move the eyes' midpoint to the origin, level the eyes, scale, move to its place
        toCrop = new AffineTransform();
        toCrop.translate(0.5 * size, EYE_Y * size);
        toCrop.scale(scale, scale);
        toCrop.rotate(-tilt);
        toCrop.translate(-(left.x() + right.x()) / 2, -(left.y() + right.y()) / 2);
        try {
            toImage = toCrop.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("eyes at " + left + " and " + right + " give no alignment", e);
        }
    }

    /** The alignment that puts these eye centres (pixel-index coordinates, image-left first) in place. */
    public static Alignment fromEyes(Point left, Point right, int size) {
        return new Alignment(left, right, size, true);
    }

    /** The alignment of a face whose eyes were not found: eyes estimated from its box, no rotation. */
    public static Alignment fromBox(Box box, int size) {
        return new Alignment(box.at(BOX_EYE_X, BOX_EYE_Y), box.at(1 - BOX_EYE_X, BOX_EYE_Y), size, false);
    }

    public int size() {
        return size;
    }

    /** The tilt of the eye line in the image, in degrees; positive when the right-hand eye is lower. The crop undoes it. */
    public double tiltDegrees() {
        return tiltDegrees;
    }

    /** Crop pixels per image pixel. */
    public double scale() {
        return scale;
    }

    /** Whether the eyes were found (else the alignment comes from the face box). */
    public boolean fromEyes() {
        return fromEyes;
    }

    public Point toCrop(Point p) {
        Point2D q = toCrop.transform(new Point2D.Double(p.x(), p.y()), null);
        return new Point(q.getX(), q.getY());
    }

    public Point toImage(Point p) {
        Point2D q = toImage.transform(new Point2D.Double(p.x(), p.y()), null);
        return new Point(q.getX(), q.getY());
    }

    /** The aligned {@code size} x {@code size} RGB crop of {@code image}. */
    public BufferedImage warp(BufferedImage image) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        // the part of the image the crop can reach, with room for the filter
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (double[] c : new double[][] {{-0.5, -0.5}, {size - 0.5, -0.5}, {-0.5, size - 0.5}, {size - 0.5, size - 0.5}}) {
            Point p = toImage(new Point(c[0], c[1]));
            minX = Math.min(minX, p.x());
            minY = Math.min(minY, p.y());
            maxX = Math.max(maxX, p.x());
            maxY = Math.max(maxY, p.y());
        }
        int k = scale < 0.5 ? (int) Math.floor(1 / scale) : 1;
        int margin = 2 * k + 2;
        int x0 = (int) Math.max(0, Math.floor(minX) - margin);
        int y0 = (int) Math.max(0, Math.floor(minY) - margin);
        int x1 = (int) Math.min(image.getWidth(), Math.ceil(maxX) + margin + 1);
        int y1 = (int) Math.min(image.getHeight(), Math.ceil(maxY) + margin + 1);
        if (x0 >= x1 || y0 >= y1) {
            return out; // the crop lies wholly outside the image: black
        }
        Plane src = Plane.of(image, x0, y0, x1 - x0, y1 - y0, k);
        int[] row = new int[size];
        double[] wx = new double[4];
        double[] wy = new double[4];
        Point2D.Double p = new Point2D.Double();
        for (int v = 0; v < size; v++) {
            for (int u = 0; u < size; u++) {
                p.setLocation(u, v);
                toImage.transform(p, p);
                // into the reduced plane's pixel-index coordinates
                double rx = (p.x - x0 - (k - 1) / 2.0) / k;
                double ry = (p.y - y0 - (k - 1) / 2.0) / k;
                int ix = (int) Math.floor(rx);
                int iy = (int) Math.floor(ry);
                cubic(rx - ix, wx);
                cubic(ry - iy, wy);
                row[u] = src.sample(ix - 1, iy - 1, wx, wy);
            }
            out.setRGB(0, v, size, 1, row, 0, size);
        }
        return out;
    }

    /** The four bicubic weights (a = -0.75) for taps at -1, 0, 1, 2 from a sample at fraction t. */
    static void cubic(double t, double[] w) {
        final double a = -0.75;
        double t1 = t + 1;
        double s = 1 - t;
        double s1 = s + 1;
        w[0] = ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a;
        w[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
        w[2] = ((a + 2) * s - (a + 3)) * s * s + 1;
        w[3] = ((a * s1 - 5 * a) * s1 + 8 * a) * s1 - 4 * a;
    }

    /** An RGB region of an image as float planes, averaged over k x k blocks. */
    private record Plane(float[] r, float[] g, float[] b, int w, int h) {
        static Plane of(BufferedImage image, int x0, int y0, int rw, int rh, int k) {
            int w = (rw + k - 1) / k;
            int h = (rh + k - 1) / k;
            float[] r = new float[w * h];
            float[] g = new float[w * h];
            float[] b = new float[w * h];
            int[] count = new int[w * h];
            int[] line = new int[rw];
            for (int y = 0; y < rh; y++) {
                image.getRGB(x0, y0 + y, rw, 1, line, 0, rw);
                int base = (y / k) * w;
                for (int x = 0; x < rw; x++) {
                    int i = base + x / k;
                    int c = line[x];
                    r[i] += (c >> 16) & 0xff;
                    g[i] += (c >> 8) & 0xff;
                    b[i] += c & 0xff;
                    count[i]++;
                }
            }
            if (k > 1) {
                for (int i = 0; i < w * h; i++) {
                    r[i] /= count[i];
                    g[i] /= count[i];
                    b[i] /= count[i];
                }
            }
            return new Plane(r, g, b, w, h);
        }

        /** The 4 x 4 weighted sum from (x, y) as packed RGB; taps outside the image count as black. */
        int sample(int x, int y, double[] wx, double[] wy) {
            double sr = 0;
            double sg = 0;
            double sb = 0;
            for (int j = 0; j < 4; j++) {
                int yy = y + j;
                if (yy < 0 || yy >= h) {
                    continue;
                }
                double rr = 0;
                double gg = 0;
                double bb = 0;
                for (int i = 0; i < 4; i++) {
                    int xx = x + i;
                    if (xx < 0 || xx >= w) {
                        continue;
                    }
                    int at = yy * w + xx;
                    rr += wx[i] * r[at];
                    gg += wx[i] * g[at];
                    bb += wx[i] * b[at];
                }
                sr += wy[j] * rr;
                sg += wy[j] * gg;
                sb += wy[j] * bb;
            }
            return (clamp(sr) << 16) | (clamp(sg) << 8) | clamp(sb);
        }

        private static int clamp(double v) {
            return (int) Math.max(0, Math.min(255, Math.round(v)));
        }
    }
}
