package iern.kernels.cuda;

import iern.kernels.gpu.GpuOptimizerSteps;

/** {@link GpuOptimizerSteps}' kernels registered for the CUDA backend. */
public final class CudaOptimizerSteps {
    private CudaOptimizerSteps() {}

    public static final class Adam extends GpuOptimizerSteps.Adam {
        public Adam() {
            super(CudaBackend.class);
        }
    }

    public static final class Sgd extends GpuOptimizerSteps.Sgd {
        public Sgd() {
            super(CudaBackend.class);
        }
    }
}
