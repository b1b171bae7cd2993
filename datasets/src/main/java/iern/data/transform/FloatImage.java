package iern.data.transform;

/**
 * A planar RGB image in a reusable buffer: {@code data[c*h*w + y*w + x]}, values in [0, 1] until normalised.
 * The buffer is sized once for the largest image a pipeline sees so augmenting a sample allocates nothing.
 */
public final class FloatImage {
    public float[] data;
    public int width;
    public int height;

    public FloatImage(int capacityPixels) {
        data = new float[3 * capacityPixels];
    }

    public void reshape(int w, int h) {
        if (3 * w * h > data.length) data = new float[3 * w * h]; // only on the first, larger image
        width = w;
        height = h;
    }

    public int plane() {
        return width * height;
    }
}
