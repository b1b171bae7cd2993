package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.DeviceKernel;
import iern.engine.KernelOp;
import iern.engine.Storage;

/**
 * An OpenCL implementation of a {@link KernelOp}: names its op, runs under the backend's lock
 * as the backend's own methods do. Subclasses (registered in
 * {@code META-INF/services/iern.engine.DeviceKernel}) write only the launch.
 */
abstract class ClKernel<P> implements DeviceKernel<P> {
    private final String op;

    ClKernel(KernelOp<P> op) {
        this.op = op.name();
    }

    @Override
    public final String op() {
        return op;
    }

    @Override
    public final Class<? extends Backend> backend() {
        return OpenClBackend.class;
    }

    @Override
    public final void run(Backend backend, P params, Storage[] io) {
        OpenClBackend be = (OpenClBackend) backend;
        synchronized (be) {
            launch(be, params, io);
        }
    }

    /** Enqueues the kernel(s); called with the backend's lock held. */
    abstract void launch(OpenClBackend be, P params, Storage[] io);
}
