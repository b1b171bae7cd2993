package iern.kernels.opencl;

import iern.kernels.gpu.GpuAttention;

/**
 * {@link GpuAttention}'s kernels registered for the OpenCL backend (in
 * {@code META-INF/services/iern.engine.DeviceKernel}).
 */
public final class ClAttention {
    private ClAttention() {}

    public static final class Forward extends GpuAttention.Forward {
        public Forward() {
            super(OpenClBackend.class);
        }
    }

    public static final class Backward extends GpuAttention.Backward {
        public Backward() {
            super(OpenClBackend.class);
        }
    }
}
