package iern.data.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Pixel values must reach the model as PIL's convert('RGB') gives them, whatever the PNG's colour type. */
class ImageDecoderTest {
    @TempDir
    Path dir;

    private float[] roundTrip(BufferedImage img) throws Exception {
        Path f = dir.resolve("x.png");
        ImageIO.write(img, "png", f.toFile());
        return ImageDecoder.toPlanar(ImageDecoder.read(f, null));
    }

    @Test
    void greyPngKeepsItsStoredValuesInAllThreeChannels() throws Exception {
        BufferedImage g = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {100, 20, 200};
        for (int x = 0; x < 3; x++) g.getRaster().setSample(x, 0, 0, values[x]);
        float[] p = roundTrip(g);
        for (int x = 0; x < 3; x++)
            for (int c = 0; c < 3; c++) assertEquals(values[x] / 255f, p[c * 3 + x], "x" + x + " c" + c);
    }

    @Test
    void sixteenBitGreyIsScaledToEightBits() throws Exception {
        BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        g.getRaster().setSample(0, 0, 0, 65535);
        g.getRaster().setSample(1, 0, 0, 100 * 257);
        float[] p = roundTrip(g);
        assertEquals(1f, p[0]);
        assertEquals(100 / 255f, p[1]);
        assertEquals(100 / 255f, p[5]);
    }

    @Test
    void rgbAndPaletteImagesKeepTheirColours() throws Exception {
        BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0x0a80f0);
        float[] p = roundTrip(rgb);
        assertEquals(0x0a / 255f, p[0]);
        assertEquals(0x80 / 255f, p[1]);
        assertEquals(0xf0 / 255f, p[2]);
        byte[] r = {(byte) 200, 5}, gg = {(byte) 100, 6}, b = {(byte) 50, 7};
        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(1, 2, r, gg, b));
        pal.getRaster().setSample(0, 0, 0, 0);
        pal.getRaster().setSample(1, 0, 0, 1);
        float[] q = roundTrip(pal);
        assertEquals(200 / 255f, q[0]);
        assertEquals(6 / 255f, q[3]);
        assertEquals(50 / 255f, q[4]);
    }
}
