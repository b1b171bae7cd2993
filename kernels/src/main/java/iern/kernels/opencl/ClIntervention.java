package iern.kernels.opencl;

import iern.kernels.gpu.GpuIntervention;

/**
 * {@link GpuIntervention}'s kernels registered for the OpenCL backend (in
 * {@code META-INF/services/iern.engine.DeviceKernel}).
 */
public final class ClIntervention {
    private ClIntervention() {}

    public static final class Forward extends GpuIntervention.Forward {
        public Forward() {
            super(OpenClBackend.class);
        }
    }

    public static final class Backward extends GpuIntervention.Backward {
        public Backward() {
            super(OpenClBackend.class);
        }
    }
}
