package iern.data.loader;

/**
 * One batch in reusable buffers. {@code images} holds {@code size} images in NCHW order (3 channels, normalised);
 * the arrays have the capacity of a full batch and are overwritten when the loader reuses the batch, so a caller
 * must finish with a batch (or copy it) before asking for the next one.
 */
public final class Batch {
    public final float[] images;
    public final int[] emotion;
    public final int[] confounder;
    public final String[] keys;
    /** Index of each image in the loader's sample list. */
    public final int[] sampleIndex;
    public final int channels = 3;
    public final int height;
    public final int width;
    /** Images filled in this batch (the last batch of an epoch may be short when drop-last is off). */
    public int size;
    /** Position of this batch in its epoch. */
    public int number;

    public Batch(int capacity, int height, int width) {
        this.images = new float[capacity * 3 * height * width];
        this.emotion = new int[capacity];
        this.confounder = new int[capacity];
        this.keys = new String[capacity];
        this.sampleIndex = new int[capacity];
        this.height = height;
        this.width = width;
    }

    public int capacity() {
        return emotion.length;
    }

    public int floatsPerImage() {
        return 3 * height * width;
    }
}
