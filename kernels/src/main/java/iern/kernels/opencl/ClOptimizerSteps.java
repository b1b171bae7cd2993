package iern.kernels.opencl;

import iern.kernels.gpu.GpuOptimizerSteps;

/** {@link GpuOptimizerSteps}' kernels registered for the OpenCL backend. */
public final class ClOptimizerSteps {
    private ClOptimizerSteps() {}

    public static final class Adam extends GpuOptimizerSteps.Adam {
        public Adam() {
            super(OpenClBackend.class);
        }
    }

    public static final class Sgd extends GpuOptimizerSteps.Sgd {
        public Sgd() {
            super(OpenClBackend.class);
        }
    }
}
