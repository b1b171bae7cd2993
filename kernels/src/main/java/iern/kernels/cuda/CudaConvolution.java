package iern.kernels.cuda;

import iern.kernels.gpu.GpuConvolution;

/** {@link GpuConvolution}'s kernels registered for the CUDA backend. */
public final class CudaConvolution {
    private CudaConvolution() {}

    public static final class Forward extends GpuConvolution.Forward {
        public Forward() {
            super(CudaBackend.class);
        }
    }

    public static final class BackwardData extends GpuConvolution.BackwardData {
        public BackwardData() {
            super(CudaBackend.class);
        }
    }

    public static final class BackwardWeight extends GpuConvolution.BackwardWeight {
        public BackwardWeight() {
            super(CudaBackend.class);
        }
    }
}
