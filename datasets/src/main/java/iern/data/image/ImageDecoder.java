package iern.data.image;

import iern.data.DataException;
import iern.data.DataFiles;
import iern.data.Printable;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads PNG/JPEG/BMP files into planar RGB floats in [0, 1], converting grey, palette and alpha images to RGB.
 *
 * <p>Hostile files are refused before they cost memory: the width and height are read from the header and an
 * image over the pixel limit is never decoded (a 0.4 MB PNG can claim 12000 x 12000 pixels, 4.8 GB once
 * decoded and converted); only regular files are opened. A damaged image is an error, never grey fill: a
 * decoder warning about the pixel data (a JPEG cut short, "Missing EOI marker") counts as damage, as a
 * truncated PNG's exception does.
 */
public final class ImageDecoder {
    /** Default limit on width x height: 40 megapixels, far above any face image, and ~16 bytes each in memory. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** Longest side accepted (JPEG's own limit): a 1 x 40000000 strip would cost the resampler 640 MB of taps. */
    public static final int MAX_SIDE = 65_535;

    private static volatile long maxPixels = DEFAULT_MAX_PIXELS;

    static {
        ImageIO.setUseCache(false); // streams are read from memory, never through temp files
    }

    private ImageDecoder() {}

    /** The limit on width x height that {@link #read(Path, String)} applies. */
    public static long maxPixels() {
        return maxPixels;
    }

    /** Sets the limit on width x height for this process (1 to 500 million pixels). */
    public static void setMaxPixels(long pixels) {
        if (pixels < 1 || pixels > 500_000_000L)
            throw new IllegalArgumentException("pixel limit " + pixels + ": expected 1 to 500000000");
        maxPixels = pixels;
    }

    /** Reads an image under the process-wide pixel limit ({@link #maxPixels()}). */
    public static BufferedImage read(Path file, String origin) {
        return read(file, origin, maxPixels);
    }

    /**
     * Reads an image; errors name the file and, when given, where it was listed ({@code origin}).
     *
     * @param maxPixels images with more than this many pixels (width x height, from the header) are refused
     */
    public static BufferedImage read(Path file, String origin, long maxPixels) {
        long size = DataFiles.requireRegular(file, "image" + from(origin));
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataException(file, 0, "not a decodable image" + from(origin) + " (" + size
                        + " bytes, no PNG/JPEG/BMP signature); expected a PNG or JPEG");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w < 1 || h < 1) throw new DataException(file, 0, "image has no pixels" + from(origin));
                if (w > MAX_SIDE || h > MAX_SIDE) {
                    throw new DataException(file, 0, "image" + from(origin) + " is " + w + " x " + h + "; expected"
                            + " sides of at most " + MAX_SIDE + " pixels");
                }
                if (w * h > maxPixels) {
                    throw new DataException(file, 0, "image" + from(origin) + " is " + w + " x " + h + " = " + w * h
                            + " pixels, over the limit of " + maxPixels + "; expected a face image (raise the limit"
                            + " if it really is this big)");
                }
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage img = reader.read(0);
                for (String warning : warnings) {
                    if (!metadataOnly(warning)) {
                        throw new DataException(file, 0, "damaged image" + from(origin) + " (the "
                                + reader.getFormatName().toUpperCase(java.util.Locale.ROOT) + " decoder says "
                                + Printable.quote(warning) + "); expected a complete PNG or JPEG");
                    }
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataException d) throw d;
            throw new DataException(file, 0, "corrupt image" + from(origin) + " (" + Printable.of(String.valueOf(
                    e.getMessage())) + "); expected a readable PNG or JPEG", e);
        }
    }

    /** Warnings about metadata the decoder ignored ("Embedded color profile is invalid; ignored") leave the pixels whole. */
    private static boolean metadataOnly(String warning) {
        return warning != null && warning.toLowerCase(java.util.Locale.ROOT).contains("ignor");
    }

    private static String from(String origin) {
        return origin == null ? "" : " (listed at " + Printable.of(origin) + ")";
    }

    /** Planar RGB floats in [0, 1]: out[c*h*w + y*w + x]. */
    public static float[] toPlanar(BufferedImage img) {
        float[] out = new float[3 * img.getWidth() * img.getHeight()];
        toPlanar(img, out);
        return out;
    }

    /** Writes planar RGB floats in [0, 1] into out[0 .. 3*w*h), a row at a time (no full-size temporary). */
    public static void toPlanar(BufferedImage img, float[] out) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (isGrey(img)) {
            greyToPlanar(img, out);
            return;
        }
        int[] argb = new int[w];
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, argb, 0, w);
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                int i = y * w + x;
                out[i] = ((p >> 16) & 0xff) / 255f;
                out[plane + i] = ((p >> 8) & 0xff) / 255f;
                out[2 * plane + i] = (p & 0xff) / 255f;
            }
        }
    }

    /**
     * Java treats grey PNGs as linear light and gamma-converts them in getRGB (grey 100 reads as 168); PIL's
     * convert('RGB') copies the stored value into R, G and B, so grey images are read from the raster directly.
     */
    private static boolean isGrey(BufferedImage img) {
        var cm = img.getColorModel();
        return !(cm instanceof java.awt.image.IndexColorModel)
                && cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY;
    }

    private static void greyToPlanar(BufferedImage img, float[] out) {
        int w = img.getWidth();
        int h = img.getHeight();
        var raster = img.getRaster();
        float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
        int plane = w * h;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                // 16-bit grey is scaled to 8 bits (PIL would clip it to 255 instead; the face sets are 8-bit)
                float v = Math.round(raster.getSample(x, y, 0) / max * 255f) / 255f;
                int i = y * w + x;
                out[i] = v;
                out[plane + i] = v;
                out[2 * plane + i] = v;
            }
    }
}
