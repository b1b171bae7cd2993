package iern.data.image;

import iern.data.DataException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads PNG/JPEG/BMP files into planar RGB floats in [0, 1], converting grey, palette and alpha images to RGB. */
public final class ImageDecoder {
    static {
        ImageIO.setUseCache(false); // decode from memory, never through temp files
    }

    private ImageDecoder() {}

    public static BufferedImage read(Path file, String origin) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file, 0, "cannot read image" + from(origin) + ": " + e.getMessage(), e);
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new DataException(file, 0, "corrupt image" + from(origin) + " (" + e.getMessage()
                    + "); expected a readable PNG or JPEG", e);
        }
        if (img == null) {
            throw new DataException(file, 0, "not a decodable image" + from(origin) + " (" + bytes.length
                    + " bytes, no PNG/JPEG/BMP signature); expected a PNG or JPEG");
        }
        if (img.getWidth() < 1 || img.getHeight() < 1)
            throw new DataException(file, 0, "image has no pixels" + from(origin));
        return img;
    }

    private static String from(String origin) {
        return origin == null ? "" : " (listed at " + origin + ")";
    }

    /** Planar RGB floats in [0, 1]: out[c*h*w + y*w + x]. */
    public static float[] toPlanar(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        if (isGrey(img)) return greyToPlanar(img);
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = ((p >> 16) & 0xff) / 255f;
            out[plane + i] = ((p >> 8) & 0xff) / 255f;
            out[2 * plane + i] = (p & 0xff) / 255f;
        }
        return out;
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

    private static float[] greyToPlanar(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        var raster = img.getRaster();
        float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
        float[] out = new float[3 * w * h];
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
        return out;
    }
}
