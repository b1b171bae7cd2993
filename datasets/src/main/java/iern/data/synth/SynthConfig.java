package iern.data.synth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Size and seed of the synthetic benchmark. The default (300 subjects per source, 6 emotions, 1 peak frame,
 * 64 px: 5400 images) is calibrated against the ceiling alone (bias0, unseen people): with fewer people a
 * CNN trained from scratch memorises identities instead of learning expressions (see datasets/README.md).
 *
 * @param seed              every pixel follows from it: same seed, same bytes
 * @param subjectsPerSource identities drawn for each of the three sources (each shows all six emotions)
 * @param imageSize         square image side in pixels
 * @param framesPerSequence frames of rising intensity per (subject, emotion) sequence
 */
public record SynthConfig(long seed, int subjectsPerSource, int imageSize, int framesPerSequence) {
    public static final int FORMAT_VERSION = 3;
    /** Bounds: far above the default, below what fills the memory (100 million subjects took 7.9 GB). */
    public static final int MAX_SUBJECTS = 10_000;
    public static final int MIN_SIZE = 16;
    public static final int MAX_SIZE = 1024;
    public static final int MAX_FRAMES = 9;
    /** Images in all: 3 sources x subjects x 6 emotions x frames (the default writes 5400). */
    public static final int MAX_IMAGES = 200_000;
    /** Pixels in all, images x size x size: 2^32, about 13 GB of raw RGB (the default writes 22 million). */
    public static final long MAX_PIXELS = 1L << 32;

    public SynthConfig {
        check("subjectsPerSource", subjectsPerSource, 1, MAX_SUBJECTS);
        check("imageSize", imageSize, MIN_SIZE, MAX_SIZE);
        check("framesPerSequence", framesPerSequence, 1, MAX_FRAMES);
        long images = 3L * 6 * subjectsPerSource * framesPerSequence;
        if (images > MAX_IMAGES)
            throw new IllegalArgumentException("subjectsPerSource x framesPerSequence gives " + images + " images (3"
                    + " sources x 6 emotions x " + subjectsPerSource + " x " + framesPerSequence + "); must be at most "
                    + MAX_IMAGES);
        if (images * imageSize * imageSize > MAX_PIXELS)
            throw new IllegalArgumentException(images + " images of imageSize " + imageSize + " give "
                    + images * imageSize * imageSize + " pixels; must be at most " + MAX_PIXELS);
    }

    private static void check(String field, int value, int min, int max) {
        if (value < min || value > max)
            throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
    }

    public static SynthConfig defaults() {
        return new SynthConfig(7, 300, 64, 1);
    }

    public SynthConfig withSeed(long s) {
        return new SynthConfig(s, subjectsPerSource, imageSize, framesPerSequence);
    }

    public SynthConfig withSubjects(int n) {
        return new SynthConfig(seed, n, imageSize, framesPerSequence);
    }

    public SynthConfig withImageSize(int px) {
        return new SynthConfig(seed, subjectsPerSource, px, framesPerSequence);
    }

    public int imagesPerSource() {
        return subjectsPerSource * 6 * framesPerSequence;
    }

    /** Key/value form stored in the manifest, compared to decide whether an existing set can be reused. */
    public Map<String, String> asProperties() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", String.valueOf(FORMAT_VERSION));
        m.put("seed", String.valueOf(seed));
        m.put("subjectsPerSource", String.valueOf(subjectsPerSource));
        m.put("imageSize", String.valueOf(imageSize));
        m.put("framesPerSequence", String.valueOf(framesPerSequence));
        return m;
    }
}
