package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.Storage;
import org.jocl.Pointer;
import org.jocl.cl_mem;

/** A device buffer of {@link #size()} floats; closing hands it back to the backend's pool. */
final class ClStorage implements Storage {
    final OpenClBackend owner;
    final long size;
    final long bucketBytes;
    cl_mem mem;
    /** Kernel-argument pointer to {@link #mem}, made once so launches do not allocate it. */
    final Pointer argument;

    ClStorage(OpenClBackend owner, long size, long bucketBytes, cl_mem mem) {
        this.owner = owner;
        this.size = size;
        this.bucketBytes = bucketBytes;
        this.mem = mem;
        this.argument = Pointer.to(mem);
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
        return "ClStorage[" + size + (mem == null ? ", closed]" : "]");
    }
}
