package iern.engine.cpu;

/** Grow-only scratch arrays of one thread's convolutions (column matrix, grouped output, transposed dW). */
final class ConvWorkspace {

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
}
