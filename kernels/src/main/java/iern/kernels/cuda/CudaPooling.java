package iern.kernels.cuda;

import iern.kernels.gpu.GpuPooling;

/** {@link GpuPooling}'s kernels registered for the CUDA backend. */
public final class CudaPooling {
    private CudaPooling() {}

    public static final class MaxForward extends GpuPooling.MaxForward {
        public MaxForward() {
            super(CudaBackend.class);
        }
    }

    public static final class MaxBackward extends GpuPooling.MaxBackward {
        public MaxBackward() {
            super(CudaBackend.class);
        }
    }

    public static final class AvgForward extends GpuPooling.AvgForward {
        public AvgForward() {
            super(CudaBackend.class);
        }
    }

    public static final class AvgBackward extends GpuPooling.AvgBackward {
        public AvgBackward() {
            super(CudaBackend.class);
        }
    }

    public static final class AdaptiveForward extends GpuPooling.AdaptiveForward {
        public AdaptiveForward() {
            super(CudaBackend.class);
        }
    }

    public static final class AdaptiveBackward extends GpuPooling.AdaptiveBackward {
        public AdaptiveBackward() {
            super(CudaBackend.class);
        }
    }
}
