package iern.kernels.cuda;

import iern.kernels.gpu.GpuAttention;

/** {@link GpuAttention}'s kernels registered for the CUDA backend. */
public final class CudaAttention {
    private CudaAttention() {}

    public static final class Forward extends GpuAttention.Forward {
        public Forward() {
            super(CudaBackend.class);
        }
    }

    public static final class Backward extends GpuAttention.Backward {
        public Backward() {
            super(CudaBackend.class);
        }
    }
}
