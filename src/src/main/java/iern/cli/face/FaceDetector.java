package iern.cli.face;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Faces and eyes with OpenCV's Haar cascades ({@code haarcascade_frontalface_default.xml} and
 * {@code haarcascade_eye.xml}, read from the {@code org.bytedeco:opencv} natives jar). OpenCV stays
 * inside this class: callers give a {@link BufferedImage} and get {@link Face} records.
 *
 * <p>Faces: the grey image (luma 0.299 R + 0.587 G + 0.114 B, as OpenCV's), shrunk to at most
 * {@value #DETECT_SIDE} px on its longer side for speed, scale step 1.1, {@value #NEIGHBOURS}
 * neighbours, faces of at least 24 px there; a box whose centre lies in a larger box is dropped. On
 * OpenCV's and scikit-image's sample photos these settings find Messi's face alone in
 * {@code messi5.jpg} (3 neighbours also take a patch of crowd beside it, and 5 do when the photo is
 * pasted beside another), the astronaut's alone, and no face in 15 photos without a frontal one.
 *
 * <p>Eyes, in faces of at least {@value #MIN_EYE_FACE} px (in smaller ones the eye cascade is
 * unreliable: on messi5.jpg's 37 px face it put the eyes 10 or 12 px apart depending on a one-pixel
 * shift of the box, a 20% change of scale, so those are aligned from their box): the face box's top
 * 60% scaled to {@value #EYE_ROI_WIDTH} px wide, scale step 1.1, 3 neighbours, eyes between 1/8 and 1/2 of the face's width; of the candidates, one left and one right
 * of the face's middle, 25-65% of its width apart and tilted at most 30 degrees, the pair whose
 * midpoint is nearest where eyes usually are. Faces come sorted left to right.
 *
 * <p>One instance serves the whole process ({@link #get}); {@link #detect} is synchronized.
 */
public final class FaceDetector {
    static final int DETECT_SIDE = 1280;
    static final int EYE_ROI_WIDTH = 150;
    static final int NEIGHBOURS = 6;
    static final int MIN_EYE_FACE = 48;
    private static final String CASCADES = "/org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/";
    private static FaceDetector instance;
    private static RuntimeException failure;

    private final CascadeClassifier faces;
    private final CascadeClassifier eyes;

    private FaceDetector(CascadeClassifier faces, CascadeClassifier eyes) {
        this.faces = faces;
        this.eyes = eyes;
    }

    /**
     * The detector, loaded on first use (OpenCV's native libraries are unpacked into
     * {@code ~/.javacpp/cache} the first time: about 2 s). Throws {@link Unavailable} where the natives
     * cannot load (not Linux x86-64) or the cascades are missing.
     */
    public static synchronized FaceDetector get() {
        if (instance != null) {
            return instance;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            instance = new FaceDetector(cascade("haarcascade_frontalface_default.xml"), cascade("haarcascade_eye.xml"));
            return instance;
        } catch (Unavailable e) {
            failure = e;
            throw e;
        } catch (LinkageError | RuntimeException e) {
            failure = new Unavailable("face detection needs OpenCV's native libraries for Linux x86-64, which did not"
                    + " load on this " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + " machine (" + e + "); --no-align predicts the whole image instead", e);
            throw failure;
        }
    }

    /** Face detection cannot run here; the message says why and what to do. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static CascadeClassifier cascade(String name) {
        // OpenCV reads cascades from a file: copy the jar's to a temporary one
        Path tmp = null;
        try (InputStream in = FaceDetector.class.getResourceAsStream(CASCADES + name)) {
            if (in == null) {
                throw new Unavailable("OpenCV's cascade " + name + " is not on the class path (expected in the"
                        + " org.bytedeco:opencv linux-x86_64 jar at " + CASCADES + ")", null);
            }
            tmp = Files.createTempFile("iern-", "-" + name);
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            CascadeClassifier c = new CascadeClassifier(tmp.toString());
            if (c.empty()) {
                throw new Unavailable("OpenCV could not read its cascade " + name, null);
            }
            return c;
        } catch (IOException e) {
            throw new Unavailable("cannot unpack OpenCV's cascade " + name + " into a temporary file: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    tmp.toFile().deleteOnExit();
                }
            }
        }
    }

    /** The faces in an image, left to right (by box, then top to bottom), each with its eyes when found. */
    public synchronized List<Face> detect(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] grey = grey(image);
        List<Face> found = new ArrayList<>();
        try (Mat full = new Mat(h, w, opencv_core.CV_8UC1); BytePointer data = full.data()) {
            data.put(grey);
            double shrink = Math.min(1.0, (double) DETECT_SIDE / Math.max(w, h));
            List<Box> boxes = new ArrayList<>();
            try (Mat small = shrink < 1 ? new Mat() : null; RectVector rects = new RectVector()) {
                Mat search = full;
                if (small != null) {
                    opencv_imgproc.resize(full, small, new Size((int) Math.round(w * shrink), (int) Math.round(h * shrink)),
                            0, 0, opencv_imgproc.INTER_AREA);
                    search = small;
                }
                faces.detectMultiScale(search, rects, 1.1, NEIGHBOURS, 0, new Size(24, 24), new Size());
                for (long i = 0; i < rects.size(); i++) {
                    Rect r = rects.get(i);
                    int x = (int) Math.round(r.x() / shrink);
                    int y = (int) Math.round(r.y() / shrink);
                    int bw = Math.min(w - x, (int) Math.round(r.width() / shrink));
                    int bh = Math.min(h - y, (int) Math.round(r.height() / shrink));
                    if (bw > 0 && bh > 0) {
                        boxes.add(new Box(x, y, bw, bh));
                    }
                }
            }
            for (Box b : distinct(boxes)) {
                Point[] pair = b.width() >= MIN_EYE_FACE ? eyes(full, b) : null;
                found.add(pair == null ? new Face(b, null, null) : new Face(b, pair[0], pair[1]));
            }
        }
        found.sort(Comparator.comparingInt((Face f) -> f.box().x()).thenComparingInt(f -> f.box().y()));
        return found;
    }

    /** Boxes, largest first, without those whose centre lies in a larger one kept before them. */
    static List<Box> distinct(List<Box> boxes) {
        List<Box> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingLong(Box::area).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box b : sorted) {
            if (kept.stream().noneMatch(k -> k.contains(b.centre()))) {
                kept.add(b);
            }
        }
        return kept;
    }

    /** The eye centres of one face (image-left first), or null when no plausible pair was found. */
    private Point[] eyes(Mat full, Box face) {
        int roiH = Math.max(1, (int) Math.round(face.height() * 0.6));
        double s = (double) EYE_ROI_WIDTH / face.width();
        int sw = EYE_ROI_WIDTH;
        int sh = Math.max(1, (int) Math.round(roiH * s));
        List<Point> candidates = new ArrayList<>();
        try (Mat roi = new Mat(full, new Rect(face.x(), face.y(), face.width(), roiH)); Mat scaled = new Mat();
                RectVector rects = new RectVector()) {
            opencv_imgproc.resize(roi, scaled, new Size(sw, sh), 0, 0, s > 1 ? opencv_imgproc.INTER_CUBIC : opencv_imgproc.INTER_AREA);
            eyes.detectMultiScale(scaled, rects, 1.1, 3, 0, new Size(sw / 8, sw / 8), new Size(sw / 2, sw / 2));
            for (long i = 0; i < rects.size(); i++) {
                Rect r = rects.get(i);
                // box centre in continuous coordinates, back to the image, then to pixel-index coordinates
                candidates.add(new Point(face.x() + (r.x() + r.width() / 2.0) / s - 0.5,
                        face.y() + (r.y() + r.height() / 2.0) / (sh / (double) roiH) - 0.5));
            }
        }
        return pair(face, candidates);
    }

    /**
     * The plausible pair of eye candidates nearest the usual eye positions: one each side of the face's
     * middle, 25-65% of the face's width apart, the line between them within 30 degrees of level.
     */
    static Point[] pair(Box face, List<Point> candidates) {
        Point middle = face.centre();
        Point usual = face.at(0.5, Alignment.BOX_EYE_Y);
        Point[] best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (Point l : candidates) {
            for (Point r : candidates) {
                if (!(l.x() < middle.x() && r.x() > middle.x())) {
                    continue;
                }
                double d = l.distance(r);
                double tilt = Math.toDegrees(Math.atan2(Math.abs(r.y() - l.y()), r.x() - l.x()));
                if (d < 0.25 * face.width() || d > 0.65 * face.width() || tilt > 30) {
                    continue;
                }
                double cost = new Point((l.x() + r.x()) / 2, (l.y() + r.y()) / 2).distance(usual);
                if (cost < bestCost) {
                    bestCost = cost;
                    best = new Point[] {l, r};
                }
            }
        }
        return best;
    }

    /** Luma bytes, row by row. */
    private static byte[] grey(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h];
        int[] line = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, line, 0, w);
            for (int x = 0; x < w; x++) {
                int c = line[x];
                out[y * w + x] = (byte) Math.round(0.299 * ((c >> 16) & 0xff) + 0.587 * ((c >> 8) & 0xff) + 0.114 * (c & 0xff));
            }
        }
        return out;
    }
}
