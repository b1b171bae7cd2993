package iern.engine;

/**
 * A float32 buffer owned by a {@link Backend}: heap memory for the CPU backend, a device
 * buffer for OpenCL or CUDA. Offsets and lengths everywhere are in elements, not bytes.
 *
 * <p>{@link #close()} hands the memory back to its backend (usually to a pool, so the next
 * allocation of the same size reuses it). Closing twice is an error the backend reports.
 */
public interface Storage extends AutoCloseable {
    /** Number of float elements. */
    long size();

    Backend backend();

    /**
     * The heap array behind this storage, exactly {@link #size()} long, when it lives in Java
     * memory (the CPU backend); null for a device buffer. A kernel op runs its CPU kernel on
     * these arrays directly.
     */
    default float[] hostArray() {
        return null;
    }

    /** Returns the memory to the backend. Using the storage afterwards is an error. */
    @Override
    void close();
}
