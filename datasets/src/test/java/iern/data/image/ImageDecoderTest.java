package iern.data.image;

import iern.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pixel values must reach the model as PIL's convert('RGB') gives them, whatever the PNG's colour type; images
 * too large to decode are refused from their header.
 */
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

    /** A PNG with only a header claiming w x h grey pixels and the data of one empty row. */
    static byte[] pngHeader(int w, int h) throws Exception {
        var out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        var data = new ByteArrayOutputStream();
        try (var z = new DeflaterOutputStream(data)) {
            z.write(new byte[1]);
        }
        chunk(out, "IDAT", data.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A real w x h black grey PNG, written row by row: a few hundred KB on disk whatever its size in memory. */
    static Path blackPng(Path file, int w, int h) throws Exception {
        var data = new ByteArrayOutputStream();
        try (var z = new DeflaterOutputStream(data, new Deflater(1))) {
            byte[] row = new byte[w + 1];
            for (int y = 0; y < h; y++) z.write(row);
        }
        var out = new ByteArrayOutputStream();
        out.write(Arrays.copyOf(pngHeader(w, h), 33)); // signature and IHDR
        chunk(out, "IDAT", data.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return Files.write(file, out.toByteArray());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] body) throws Exception {
        var crc = new CRC32();
        crc.update(type.getBytes(StandardCharsets.US_ASCII));
        crc.update(body);
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(type.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void headerClaimingAGiantImageIsRefusedBeforeDecoding() throws Exception {
        Path f = Files.write(dir.resolve("claim.png"), pngHeader(26000, 26000));
        DataException e = assertThrows(DataException.class,
                () -> ImageDecoder.read(f, "split.csv line 4"));
        assertEquals(f + ": image (listed at split.csv line 4) is 26000 x 26000 = 676000000 pixels, over the limit of "
                + ImageDecoder.DEFAULT_MAX_PIXELS + "; expected a face image (raise the limit if it really is this big)",
                e.getMessage());
    }

    @Test
    void smallFileThatDecodesToGigabytesIsRefused() throws Exception {
        Path f = blackPng(dir.resolve("bomb.png"), 12000, 12000); // 4.8 GB as planar floats and ARGB
        assertTrue(Files.size(f) < 1 << 20);
        DataException e = assertThrows(DataException.class,
                () -> ImageDecoder.read(f, null));
        assertTrue(e.getMessage().startsWith(f + ": image is 12000 x 12000 = "
                + "144000000 pixels, over the limit of 40000000"), e.getMessage());
    }

    @Test
    void pixelLimitCanBeSetPerCallAndForTheProcess() throws Exception {
        Path f = blackPng(dir.resolve("small.png"), 100, 100);
        assertEquals(100, ImageDecoder.read(f, null, 10_000).getWidth());
        assertThrows(DataException.class, () -> ImageDecoder.read(f, null, 9_999));
        ImageDecoder.setMaxPixels(9_999);
        try {
            assertEquals(9_999, ImageDecoder.maxPixels());
            assertThrows(DataException.class, () -> ImageDecoder.read(f, null));
        } finally {
            ImageDecoder.setMaxPixels(ImageDecoder.DEFAULT_MAX_PIXELS);
        }
        assertThrows(IllegalArgumentException.class, () -> ImageDecoder.setMaxPixels(0));
    }

    @Test
    void aStripWithinThePixelLimitButAbsurdlyLongIsRefused() throws Exception {
        Path f = Files.write(dir.resolve("strip.png"), pngHeader(30_000_000, 1));
        DataException e = assertThrows(DataException.class, () -> ImageDecoder.read(f, null));
        assertEquals(f + ": image is 30000000 x 1; expected sides of at most 65535 pixels", e.getMessage());
    }
}
