package iern.kernels.gpu;

/**
 * One opened GPU device as {@link GpuBackend} uses it: buffers from a size-bucketed pool,
 * copies, one in-order queue (OpenCL) or stream (CUDA) that every launch and copy goes to, and
 * a {@link GpuLaunch} for kernels named by file and function. Everything above this layer
 * (path selection, argument checks, launch shapes) is written once, in {@link GpuBackend} and
 * the classes it calls. Calls arrive serialised by the backend's lock.
 *
 * <p>Because the queue is in order, a buffer handed back to the pool right after its last
 * launch was enqueued can be handed out again at once: the next user's work runs after the
 * previous user's.
 */
public abstract class GpuDevice implements AutoCloseable {

    /** {@code opencl} or {@code cuda}: starts every message. */
    public abstract String kind();

    /** One line: what the device is. */
    public abstract String description();

    /**
     * Whether launches are shaped for a GPU (work-group reductions, grid-stride loops of
     * 256-wide groups) or for a CPU device (a loop per work-item).
     */
    public abstract boolean gpuLayout();

    /** Compute units (OpenCL) or multiprocessors (CUDA). */
    public abstract int computeUnits();

    /** The launcher; one per device, reused for every launch. */
    public abstract GpuLaunch launch();

    /** A buffer of {@code bytes} (a bucket size, see {@link #bucketBytes}), from the pool when one is free. */
    public abstract Object obtain(long bytes);

    /** The kernel-argument form of a buffer handle. */
    public abstract Object argument(Object mem);

    /** Back to the pool. */
    public abstract void recycle(Object mem, long bytes);

    /** Bytes sitting in the pool. */
    public abstract long pooledBytes();

    /** Copies {@code n} floats to the device; the caller may reuse {@code src} when it returns. */
    public abstract void write(Object mem, long byteOffset, float[] src, int srcOff, int n);

    /** Copies {@code n} floats from the device, after everything enqueued before. */
    public abstract void read(Object mem, long byteOffset, float[] dst, int dstOff, int n);

    /** Waits until everything enqueued has run. */
    public abstract void finish();

    /** Binds the device to the calling thread where the API needs that (a CUDA context). */
    public void makeCurrent() {}

    /**
     * Compiles {@code source} as kernel file {@code file} and throws away the result: tests use
     * it to see what a failed build reports (file, kernels, the compiler's log).
     */
    public abstract void compileForTest(String file, String source);

    @Override
    public abstract void close();

    /** Pool key: the byte size rounded up to 256 bytes, so near sizes share buffers. */
    public static long bucketBytes(long elements) {
        long bytes = Math.max(1, elements) * Float.BYTES;
        return (bytes + 255) & ~255L;
    }
}
