package iern.engine.cpu;

import iern.engine.Backend;
import iern.engine.Storage;

/**
 * A heap {@code float[]} owned by a {@link CpuBackend}. CPU code reads and writes the array
 * directly through {@link #array()}; closing hands the array back to the backend's pool.
 */
public final class CpuStorage implements Storage {
    private final CpuBackend owner;
    private final int size;
    private float[] data;

    CpuStorage(CpuBackend owner, float[] data, int size) {
        this.owner = owner;
        this.data = data;
        this.size = size;
    }

    @Override
    public float[] hostArray() {
        return array();
    }

    /** The backing array, exactly {@link #size()} long; do not keep it past {@link #close()}. */
    public float[] array() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("cpu storage of " + size + " floats used after close()");
        }
        return d;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Backend backend() {
        return owner;
    }

    @Override
    public void close() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("cpu storage of " + size + " floats closed twice");
        }
        data = null;
        owner.recycle(d);
    }

    @Override
    public String toString() {
        return "CpuStorage[" + size + (data == null ? ", closed]" : "]");
    }
}
