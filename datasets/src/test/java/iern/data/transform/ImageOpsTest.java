package iern.data.transform;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ImageOpsTest {
    static FloatImage random(int w, int h, long seed) {
        FloatImage img = new FloatImage(w * h);
        img.reshape(w, h);
        Random r = new Random(seed);
        for (int i = 0; i < 3 * w * h; i++) img.data[i] = r.nextFloat();
        return img;
    }

    static float at(FloatImage img, int c, int x, int y) {
        return img.data[c * img.width * img.height + y * img.width + x];
    }

    /** Tolerance abs + rel*|ref|; prints the first mismatches with their index. */
    static void assertClose(double[] ref, float[] got, int n, double abs, double rel) {
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(got[i] - ref[i]) > abs + rel * Math.abs(ref[i])) {
                if (count++ < 5) bad.append(String.format(" [%d] got %.6f want %.6f;", i, got[i], ref[i]));
            }
        }
        if (count > 0) fail(count + " mismatches:" + bad);
    }

    @Test
    void cropCopiesTheWindow() {
        FloatImage src = random(13, 7, 1);
        FloatImage dst = new FloatImage(1);
        ImageOps.crop(src, dst, 3, 2, 5, 4);
        assertEquals(5, dst.width);
        assertEquals(4, dst.height);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 5; x++) assertEquals(at(src, c, x + 3, y + 2), at(dst, c, x, y));
    }

    @Test
    void flipMirrorsColumnsAndTwiceIsIdentity() {
        FloatImage img = random(7, 3, 2);
        float[] before = img.data.clone();
        ImageOps.flipHorizontal(img);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 3; y++)
                for (int x = 0; x < 7; x++) assertEquals(before[c * 21 + y * 7 + 6 - x], at(img, c, x, y));
        ImageOps.flipHorizontal(img);
        for (int i = 0; i < 63; i++) assertEquals(before[i], img.data[i]);
    }

    @Test
    void blurMatchesDirectTwoDimensionalGaussian() {
        for (int[] size : new int[][]{{13, 7}, {1, 3}, {7, 1}}) {
            FloatImage img = random(size[0], size[1], 3);
            FloatImage copy = random(size[0], size[1], 3);
            double sigma = 0.9;
            int r = (int) Math.ceil(3 * sigma);
            double[] k = new double[2 * r + 1];
            double s = 0;
            for (int i = -r; i <= r; i++) s += k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
            int w = size[0], h = size[1];
            double[] ref = new double[3 * w * h];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        double acc = 0;
                        for (int j = -r; j <= r; j++)
                            for (int i = -r; i <= r; i++) {
                                int sx = Math.min(Math.max(x + i, 0), w - 1);
                                int sy = Math.min(Math.max(y + j, 0), h - 1);
                                acc += k[i + r] * k[j + r] / (s * s) * at(copy, c, sx, sy);
                            }
                        ref[c * w * h + y * w + x] = acc;
                    }
            ImageOps.gaussianBlur(img, new FloatImage(1), sigma, new float[64]);
            assertClose(ref, img.data, 3 * w * h, 1e-5, 1e-5);
        }
    }

    @Test
    void brightnessAndContrastFollowTorchvisionFormulas() {
        FloatImage img = random(5, 3, 4);
        float[] x = img.data.clone();
        ImageOps.brightness(img, 1.3f);
        double[] ref = new double[45];
        for (int i = 0; i < 45; i++) ref[i] = Math.min(1, x[i] * 1.3);
        assertClose(ref, img.data, 45, 1e-6, 0);

        FloatImage c = random(5, 3, 5);
        float[] y = c.data.clone();
        double grey = 0;
        for (int i = 0; i < 15; i++) grey += 0.299 * y[i] + 0.587 * y[15 + i] + 0.114 * y[30 + i];
        grey /= 15;
        ImageOps.contrast(c, 0.6f);
        for (int i = 0; i < 45; i++) ref[i] = Math.min(1, Math.max(0, 0.6 * y[i] + 0.4 * grey));
        assertClose(ref, c.data, 45, 1e-6, 0);
    }

    @Test
    void affineIdentityShiftAndHalfTurn() {
        FloatImage src = random(9, 7, 6);
        FloatImage dst = new FloatImage(1);
        ImageOps.affine(src, dst, 0, 0, 0, 1, 0);
        for (int i = 0; i < 3 * 63; i++) assertEquals(src.data[i], dst.data[i]);

        ImageOps.affine(src, dst, 0, 3, -2, 1, 0); // content moves right 3 and up 2, black fills in
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 9; x++) {
                    int sx = x - 3, sy = y + 2;
                    float want = sx >= 0 && sy < 7 ? at(src, c, sx, sy) : 0f;
                    assertEquals(want, at(dst, c, x, y), "c" + c + " x" + x + " y" + y);
                }

        ImageOps.affine(src, dst, 180, 0, 0, 1, 0);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 9; x++) assertEquals(at(src, c, 8 - x, 6 - y), at(dst, c, x, y));
    }

    @Test
    void affineShearAndScaleKeepTheCentrePixel() {
        FloatImage src = random(7, 7, 7);
        FloatImage dst = new FloatImage(1);
        ImageOps.affine(src, dst, 7, 0, 0, 1.15, -6);
        for (int c = 0; c < 3; c++) assertEquals(at(src, c, 3, 3), at(dst, c, 3, 3));
    }

    @Test
    void normaliseMapsUnitRangeToPlusMinusOne() {
        FloatImage img = new FloatImage(1);
        img.reshape(1, 1);
        img.data[0] = 0;
        img.data[1] = 0.5f;
        img.data[2] = 1;
        float[] out = new float[5];
        ImageOps.normalise(img, out, 2);
        assertEquals(-1f, out[2]);
        assertEquals(0f, out[3]);
        assertEquals(1f, out[4]);
    }

    @Test
    void resizeKeepsConstantsAndIsIdentityAtTheSameSize() {
        FloatImage flat = new FloatImage(1);
        flat.reshape(11, 5);
        java.util.Arrays.fill(flat.data, 0, 3 * 55, 64 / 255f);
        FloatImage out = new FloatImage(1);
        Resize.apply(flat, out, new FloatImage(1), 3, 13);
        for (int i = 0; i < 3 * 39; i++) assertEquals(64 / 255f, out.data[i], 1e-6f);
        FloatImage r = random(7, 3, 9);
        Resize.apply(r, out, new FloatImage(1), 7, 3);
        for (int i = 0; i < 63; i++) assertEquals(r.data[i], out.data[i], 1e-6f);
    }

    @Test
    void sampleRandomIsInRangeAndUnbiasedEnough() {
        SampleRandom r = new SampleRandom(1);
        int[] hist = new int[7];
        double sum = 0;
        for (int i = 0; i < 70000; i++) {
            hist[r.nextInt(7)]++;
            double d = r.nextDouble(-2, 3);
            assertTrue(d >= -2 && d < 3);
            sum += d;
        }
        for (int h : hist) assertTrue(Math.abs(h - 10000) < 500, "histogram " + java.util.Arrays.toString(hist));
        assertEquals(0.5, sum / 70000, 0.03);
        assertEquals(new SampleRandom(9).nextLong(), new SampleRandom(1).reseed(9).nextLong());
    }

    @Test
    void resamplingTapsOfManySizesDoNotGrowWithoutBound() {
        FloatImage out = new FloatImage(1);
        for (int w = 20; w < 20 + 3 * Resize.CACHED_SIZES; w++) {
            FloatImage src = new FloatImage(w * 2);
            src.reshape(w, 2);
            Resize.apply(src, out, new FloatImage(1), 8, 2);
        }
        assertTrue(Resize.cachedSizes() <= Resize.CACHED_SIZES, "cached " + Resize.cachedSizes());
    }
}
