package iern.engine.cpu;

/**
 * Grow-only scratch arrays of one thread's convolutions (column matrix, grouped output,
 * transposed dW, the padded input and offsets of {@link ConvGatherB}).
 */
final class ConvWorkspace {

    /** B of the convolution GEMMs, gathered from {@link #padded}; refilled by each call. */
    final ConvGatherB gather = new ConvGatherB();

    private float[] col = new float[0];
    private float[] out = new float[0];

    float[] col(int size) {
        if (col.length < size) {
            col = new float[size];
        }
        return col;
    }

    private float[] weightT = new float[0];

    float[] weightT(int size) {
        if (weightT.length < size) {
            weightT = new float[size];
        }
        return weightT;
    }

    float[] out(int size) {
        if (out.length < size) {
            out = new float[size];
        }
        return out;
    }

    private float[] padded = new float[0];
    private int[] columnOffsets = new int[0];
    private int[] tapOffsets = new int[0];

    float[] padded(int size) {
        if (padded.length < size) {
            padded = new float[size];
        }
        return padded;
    }

    int[] columnOffsets(int size) {
        if (columnOffsets.length < size) {
            columnOffsets = new int[size];
        }
        return columnOffsets;
    }

    int[] tapOffsets(int size) {
        if (tapOffsets.length < size) {
            tapOffsets = new int[size];
        }
        return tapOffsets;
    }
}
