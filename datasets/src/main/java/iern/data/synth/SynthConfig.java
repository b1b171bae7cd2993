package iern.data.synth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Size and seed of the synthetic benchmark. The default (150 subjects per source, 6 emotions, 2 peak frames,
 * 64 px: 5400 images) is calibrated against the ceiling alone (bias0, unseen people): with fewer people a
 * CNN trained from scratch memorises identities instead of learning expressions (see datasets/README.md).
 *
 * @param seed              every pixel follows from it: same seed, same bytes
 * @param subjectsPerSource identities drawn for each of the three sources (each shows all six emotions)
 * @param imageSize         square image side in pixels
 * @param framesPerSequence frames of rising intensity per (subject, emotion) sequence
 */
public record SynthConfig(long seed, int subjectsPerSource, int imageSize, int framesPerSequence) {
    public static final int FORMAT_VERSION = 2;

    public SynthConfig {
        if (subjectsPerSource < 1) throw new IllegalArgumentException("subjectsPerSource must be >= 1");
        if (imageSize < 16 || imageSize > 1024) throw new IllegalArgumentException("imageSize must be 16..1024");
        if (framesPerSequence < 1 || framesPerSequence > 9)
            throw new IllegalArgumentException("framesPerSequence must be 1..9");
    }

    public static SynthConfig defaults() {
        return new SynthConfig(7, 150, 64, 2);
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
