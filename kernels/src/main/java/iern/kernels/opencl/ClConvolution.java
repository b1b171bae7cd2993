package iern.kernels.opencl;

import iern.kernels.gpu.GpuConvolution;

/** {@link GpuConvolution}'s kernels registered for the OpenCL backend. */
public final class ClConvolution {
    private ClConvolution() {}

    public static final class Forward extends GpuConvolution.Forward {
        public Forward() {
            super(OpenClBackend.class);
        }
    }

    public static final class BackwardData extends GpuConvolution.BackwardData {
        public BackwardData() {
            super(OpenClBackend.class);
        }
    }

    public static final class BackwardWeight extends GpuConvolution.BackwardWeight {
        public BackwardWeight() {
            super(OpenClBackend.class);
        }
    }
}
