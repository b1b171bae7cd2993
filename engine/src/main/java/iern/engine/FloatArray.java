package iern.engine;

import java.util.Arrays;

/**
 * A float32 tensor on the host: a row-major shape and its data. What {@link iern.engine.io.SafeTensors} reads
 * and writes, independent of any backend (a rank-0 scalar has shape {@code []} and one value).
 */
public record FloatArray(int[] shape, float[] data) {

    public FloatArray {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but data has " + data.length);
        }
    }

    /** Number of elements. */
    public int size() { return data.length; }

    /** A 1-d array. */
    public static FloatArray of(float... values) {
        return new FloatArray(new int[] {values.length}, values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatArray f && Arrays.equals(shape, f.shape) && Arrays.equals(data, f.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatArray" + Arrays.toString(shape);
    }
}
