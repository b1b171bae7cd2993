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
}
