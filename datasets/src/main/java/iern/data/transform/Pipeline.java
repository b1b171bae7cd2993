package iern.data.transform;


/**
 * The authors' preprocessing, parameterised by image size. Every image is first resized to {@code loadSize}
 * square (bicubic; done once when images are cached). Then:
 * <ul>
 *   <li>{@code COMMON} (training): horizontal flip (p 0.5), random crop to {@code cropSize}, Gaussian blur
 *   (p 0.5, sigma U(0.1, 1.5) at 224 px, scaled with the crop size), brightness U(0.8, 1.2) and contrast
 *   U(0.75, 1.5) in random order, random affine (rotation U(-10, 10) degrees, translation up to 20% per axis,
 *   scale U(0.8, 1.2), x-shear U(-8, 8) degrees) &mdash; the five in a fresh random order for every sample, as
 *   the authors shuffle them per call;</li>
 *   <li>{@code LIGHT}: flip, crop, blur, jitter in that order, no affine;</li>
 *   <li>{@code STYLE}: flip and crop, then a randomised capture style, label-preserving and generic (no
 *   knowledge of any data set's look): greyscale (p 0.5) or else a colour cast (each channel's gain
 *   U(0.6, 1.4)), brightness U(0.5, 1.5), contrast U(0.5, 1.5), blur (p 0.5, sigma U(0.2, 1.5) pixels at 64 px,
 *   scaled with the crop) and sensor noise (p 0.5, sigma U(0, 0.08)), so that what names a photo's source is
 *   varied within every source;</li>
 *   <li>{@code NONE} (test): centre crop;</li>
 * </ul>
 * and finally normalisation with mean 0.5 and std 0.5. All randomness comes from the generator passed in, so a
 * sample's augmentation depends only on its seed.
 */
public record Pipeline(int loadSize, int cropSize, Preset preset) {
    public enum Preset { COMMON, LIGHT, STYLE, NONE }

    private static final int FLIP = 0, CROP = 1, BLUR = 2, JITTER = 3, AFFINE = 4;

    public Pipeline {
        if (cropSize < 1 || loadSize < cropSize)
            throw new IllegalArgumentException("need 1 <= cropSize <= loadSize, got crop " + cropSize + ", load " + loadSize);
    }

    /** The load size that keeps the authors' 256/224 ratio for a given crop size. */
    public static int loadSizeFor(int cropSize) {
        return (int) Math.round(cropSize * 256.0 / 224.0);
    }

    public static Pipeline train(int cropSize) {
        return new Pipeline(loadSizeFor(cropSize), cropSize, Preset.COMMON);
    }

    public static Pipeline test(int cropSize) {
        return new Pipeline(loadSizeFor(cropSize), cropSize, Preset.NONE);
    }

    /** Floats one output image occupies. */
    public int outputFloats() {
        return 3 * cropSize * cropSize;
    }

    /** Per-thread buffers; one per worker, reused for every sample. */
    public static final class Scratch {
        FloatImage a;
        FloatImage b;
        final FloatImage tmp;
        final float[] kernel = new float[64];
        final int[] order = new int[5];

        public Scratch(int loadSize) {
            a = new FloatImage(loadSize * loadSize);
            b = new FloatImage(loadSize * loadSize);
            tmp = new FloatImage(loadSize * loadSize);
        }

        /** The image the pipeline starts from; fill it (at load size) before {@link #run}. */
        public FloatImage input() {
            return a;
        }

        void swap() {
            FloatImage t = a;
            a = b;
            b = t;
        }
    }

    /** Loads planar bytes (load size, 0..255) into the scratch input. */
    public void loadBytes(byte[] planar, int offset, Scratch s) {
        s.a.reshape(loadSize, loadSize);
        int n = 3 * loadSize * loadSize;
        for (int i = 0; i < n; i++) s.a.data[i] = (planar[offset + i] & 0xff) * (1f / 255f);
    }

    /** Augments the scratch input and writes the normalised result at out[offset]. */
    public void run(Scratch s, SampleRandom rng, float[] out, int offset) {
        if (s.a.width != loadSize || s.a.height != loadSize)
            throw new IllegalStateException("input is " + s.a.width + "x" + s.a.height + ", expected " + loadSize);
        switch (preset) {
            case NONE -> centreCrop(s);
            case LIGHT -> {
                for (int op = FLIP; op <= JITTER; op++) apply(op, s, rng);
            }
            case STYLE -> {
                apply(FLIP, s, rng);
                apply(CROP, s, rng);
                randomStyle(s, rng);
            }
            case COMMON -> {
                for (int i = 0; i < 5; i++) s.order[i] = i;
                for (int i = 4; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int t = s.order[i];
                    s.order[i] = s.order[j];
                    s.order[j] = t;
                }
                for (int op : s.order) apply(op, s, rng);
            }
        }
        ImageOps.normalise(s.a, out, offset);
    }

    private void centreCrop(Scratch s) {
        // torchvision rounds the offset with Python's round(), half to even: rint does the same (73 -> 64 gives 4)
        int x0 = (int) Math.rint((s.a.width - cropSize) / 2.0);
        int y0 = (int) Math.rint((s.a.height - cropSize) / 2.0);
        ImageOps.crop(s.a, s.b, x0, y0, cropSize, cropSize);
        s.swap();
    }

    private void randomStyle(Scratch s, SampleRandom rng) {
        if (rng.nextDouble() < 0.5) {
            ImageOps.greyscale(s.a);
        } else {
            ImageOps.channelGains(s.a, (float) rng.nextDouble(0.6, 1.4), (float) rng.nextDouble(0.6, 1.4),
                    (float) rng.nextDouble(0.6, 1.4));
        }
        ImageOps.brightness(s.a, (float) rng.nextDouble(0.5, 1.5));
        ImageOps.contrast(s.a, (float) rng.nextDouble(0.5, 1.5));
        if (rng.nextDouble() < 0.5) {
            ImageOps.gaussianBlur(s.a, s.tmp, rng.nextDouble(0.2, 1.5) * cropSize / 64.0, s.kernel);
        }
        if (rng.nextDouble() < 0.5) {
            ImageOps.noise(s.a, rng.nextDouble(0, 0.08), rng);
        }
    }

    private void apply(int op, Scratch s, SampleRandom rng) {
        switch (op) {
            case FLIP -> {
                if (rng.nextDouble() < 0.5) ImageOps.flipHorizontal(s.a);
            }
            case CROP -> {
                int x0 = rng.nextInt(s.a.width - cropSize + 1);
                int y0 = rng.nextInt(s.a.height - cropSize + 1);
                ImageOps.crop(s.a, s.b, x0, y0, cropSize, cropSize);
                s.swap();
            }
            case BLUR -> {
                if (rng.nextDouble() > 0.5) {
                    double sigma = rng.nextDouble(0.1, 1.5) * cropSize / 224.0;
                    ImageOps.gaussianBlur(s.a, s.tmp, sigma, s.kernel);
                }
            }
            case JITTER -> {
                float brightness = (float) rng.nextDouble(0.8, 1.2);
                float contrast = (float) rng.nextDouble(0.75, 1.5);
                if (rng.nextBoolean()) {
                    ImageOps.brightness(s.a, brightness);
                    ImageOps.contrast(s.a, contrast);
                } else {
                    ImageOps.contrast(s.a, contrast);
                    ImageOps.brightness(s.a, brightness);
                }
            }
            case AFFINE -> {
                double angle = rng.nextDouble(-10, 10);
                double maxDx = 0.2 * s.a.width;
                double maxDy = 0.2 * s.a.height;
                double tx = Math.rint(rng.nextDouble(-maxDx, maxDx)); // whole pixels, rounded as Python rounds
                double ty = Math.rint(rng.nextDouble(-maxDy, maxDy));
                double scale = rng.nextDouble(0.8, 1.2);
                double shear = rng.nextDouble(-8, 8);
                ImageOps.affine(s.a, s.b, angle, tx, ty, scale, shear);
                s.swap();
            }
            default -> throw new IllegalStateException("op " + op);
        }
    }
}
