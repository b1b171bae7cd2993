package iern.kernels.cuda;

import iern.kernels.gpu.GpuIntervention;

/** {@link GpuIntervention}'s kernels registered for the CUDA backend. */
public final class CudaIntervention {
    private CudaIntervention() {}

    public static final class Forward extends GpuIntervention.Forward {
        public Forward() {
            super(CudaBackend.class);
        }
    }

    public static final class Backward extends GpuIntervention.Backward {
        public Backward() {
            super(CudaBackend.class);
        }
    }
}
