package iern.data.transform;

import iern.data.image.ImageDecoder;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineTest {
    static BufferedImage pil(String name) throws Exception {
        return ImageIO.read(PipelineTest.class.getResource("/iern/data/pil/" + name));
    }

    static FloatImage asFloat(BufferedImage img) {
        FloatImage f = new FloatImage(1);
        f.reshape(img.getWidth(), img.getHeight());
        float[] p = ImageDecoder.toPlanar(img);
        System.arraycopy(p, 0, f.data, 0, p.length);
        return f;
    }

    /** Max difference in 0..255 levels after rounding, as PIL stores its result. */
    static int maxLevelDiff(FloatImage got, BufferedImage want) {
        float[] ref = ImageDecoder.toPlanar(want);
        int worst = 0;
        for (int i = 0; i < ref.length; i++) {
            int a = Math.round(got.data[i] * 255f);
            int b = Math.round(ref[i] * 255f);
            worst = Math.max(worst, Math.abs(a - b));
        }
        return worst;
    }

    @Test
    void bicubicResizeMatchesPilWithinOneLevel() throws Exception {
        FloatImage src = asFloat(pil("source.png"));
        FloatImage out = new FloatImage(1);
        for (String[] c : new String[][]{{"bicubic_20.png", "20", "20"}, {"bicubic_45.png", "45", "45"},
                {"bicubic_37x11.png", "37", "11"}}) {
            Resize.apply(src, out, new FloatImage(1), Integer.parseInt(c[1]), Integer.parseInt(c[2]));
            int diff = maxLevelDiff(out, pil(c[0]));
            assertTrue(diff <= 1, c[0] + ": max difference " + diff + " levels");
        }
    }

    @Test
    void gaussianBlurIsCloseToPilsBoxApproximation() throws Exception {
        // PIL approximates the Gaussian with repeated box blurs; an exact Gaussian stays within a few levels
        FloatImage img = asFloat(pil("source.png"));
        ImageOps.gaussianBlur(img, new FloatImage(1), 1.0, new float[64]);
        int diff = maxLevelDiff(img, pil("blur_1.0.png"));
        assertTrue(diff <= 12, "max difference " + diff);
    }

    @Test
    void presetsFollowTheAuthorsSizes() {
        assertEquals(256, Pipeline.train(224).loadSize());
        assertEquals(73, Pipeline.test(64).loadSize());
        assertEquals(Pipeline.Preset.COMMON, Pipeline.train(64).preset());
        assertEquals(Pipeline.Preset.NONE, Pipeline.test(64).preset());
    }

    @Test
    void testPresetIsCentreCropThenNormalise() {
        Pipeline p = Pipeline.test(5);
        assertEquals(6, p.loadSize());
        Pipeline.Scratch s = new Pipeline.Scratch(p.loadSize());
        FloatImage in = ImageOpsTest.random(6, 6, 3);
        s.input().reshape(6, 6);
        System.arraycopy(in.data, 0, s.input().data, 0, 108);
        float[] out = new float[p.outputFloats() + 2];
        p.run(s, new SampleRandom(1), out, 2);
        // torchvision: top = round((6 - 5) / 2) = round(0.5), and Python rounds half to even: 0
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < 5; y++)
                for (int x = 0; x < 5; x++)
                    assertEquals((ImageOpsTest.at(in, c, x, y) - 0.5f) * 2f, out[2 + c * 25 + y * 5 + x]);
        // and round(1.5) = 2: load 8, crop 5 starts at 2
        Pipeline q = new Pipeline(8, 5, Pipeline.Preset.NONE);
        Pipeline.Scratch t = new Pipeline.Scratch(8);
        FloatImage big = ImageOpsTest.random(8, 8, 4);
        float[] o = run(q, t, big, 0);
        assertEquals((ImageOpsTest.at(big, 1, 2, 2) - 0.5f) * 2f, o[25]);
    }

    @Test
    void trainPresetIsDeterministicPerSeedAndVariesAcrossSeeds() {
        Pipeline p = Pipeline.train(13);
        Pipeline.Scratch s = new Pipeline.Scratch(p.loadSize());
        FloatImage in = ImageOpsTest.random(p.loadSize(), p.loadSize(), 4);
        float[] a = run(p, s, in, 77);
        float[] b = run(p, new Pipeline.Scratch(p.loadSize()), in, 77);
        float[] c = run(p, s, in, 78);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
        for (float v : a) assertTrue(v >= -1f && v <= 1f, "out of range " + v);
        int varied = 0;
        float[] first = run(p, s, in, 0);
        for (long seed = 1; seed < 20; seed++) if (!java.util.Arrays.equals(first, run(p, s, in, seed))) varied++;
        assertEquals(19, varied);
    }

    @Test
    void lightPresetHasNoAffineAndStillCrops() {
        Pipeline p = new Pipeline(9, 7, Pipeline.Preset.LIGHT);
        Pipeline.Scratch s = new Pipeline.Scratch(9);
        float[] out = run(p, s, ImageOpsTest.random(9, 9, 5), 3);
        assertEquals(3 * 49, out.length);
    }

    static float[] run(Pipeline p, Pipeline.Scratch s, FloatImage in, long seed) {
        s.input().reshape(in.width, in.height);
        System.arraycopy(in.data, 0, s.input().data, 0, 3 * in.width * in.height);
        float[] out = new float[p.outputFloats()];
        p.run(s, new SampleRandom(seed), out, 0);
        return out;
    }

}
