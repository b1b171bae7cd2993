package iern.kernels.gpu;

import iern.engine.Backend;
import iern.engine.DeviceKernel;
import iern.engine.KernelOp;
import iern.engine.Storage;

/**
 * A GPU implementation of a {@link KernelOp}, written once for both GPU backends: names its op
 * and the backend class it is registered for, and runs under the backend's lock as the
 * backend's own methods do. Each backend registers a two-line subclass per kernel (in
 * {@code META-INF/services/iern.engine.DeviceKernel}) that names its backend class.
 */
public abstract class GpuKernel<P> implements DeviceKernel<P> {
    private final String op;
    private final Class<? extends GpuBackend> backend;

    protected GpuKernel(KernelOp<P> op, Class<? extends GpuBackend> backend) {
        this.op = op.name();
        this.backend = backend;
    }

    @Override
    public final String op() {
        return op;
    }

    @Override
    public final Class<? extends Backend> backend() {
        return backend;
    }

    @Override
    public final void run(Backend backend, P params, Storage[] io) {
        GpuBackend be = (GpuBackend) backend;
        synchronized (be) {
            launch(be, params, io);
        }
    }

    /** Enqueues the kernel(s); called with the backend's lock held. */
    protected abstract void launch(GpuBackend be, P params, Storage[] io);
}
