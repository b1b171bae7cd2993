package iern.kernels.gpu;

import iern.engine.Backend;
import iern.engine.Storage;

/**
 * A device buffer of {@link #size()} floats on a {@link GpuBackend}; closing hands it back to
 * the device's pool. The handle ({@code cl_mem}, {@code CUdeviceptr}) and the kernel-argument
 * pointer to it (made once, so launches do not allocate it) belong to the device layer.
 */
public final class GpuStorage implements Storage {
    final GpuBackend owner;
    final long size;
    final long bucketBytes;
    Object mem;
    private final Object argument;

    GpuStorage(GpuBackend owner, long size, long bucketBytes, Object mem, Object argument) {
        this.owner = owner;
        this.size = size;
        this.bucketBytes = bucketBytes;
        this.mem = mem;
        this.argument = argument;
    }

    /** The device handle; null once closed. */
    public Object mem() {
        return mem;
    }

    /** The kernel-argument form of the handle, as the device layer made it. */
    public Object argument() {
        return argument;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Backend backend() {
        return owner;
    }

    boolean closed() {
        return mem == null;
    }

    @Override
    public void close() {
        owner.release(this);
    }

    @Override
    public String toString() {
        return "GpuStorage[" + owner.device.kind() + ", " + size + (mem == null ? ", closed]" : "]");
    }
}
