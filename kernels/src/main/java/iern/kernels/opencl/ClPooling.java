package iern.kernels.opencl;

import iern.kernels.gpu.GpuPooling;

/** {@link GpuPooling}'s kernels registered for the OpenCL backend. */
public final class ClPooling {
    private ClPooling() {}

    public static final class MaxForward extends GpuPooling.MaxForward {
        public MaxForward() {
            super(OpenClBackend.class);
        }
    }

    public static final class MaxBackward extends GpuPooling.MaxBackward {
        public MaxBackward() {
            super(OpenClBackend.class);
        }
    }

    public static final class AvgForward extends GpuPooling.AvgForward {
        public AvgForward() {
            super(OpenClBackend.class);
        }
    }

    public static final class AvgBackward extends GpuPooling.AvgBackward {
        public AvgBackward() {
            super(OpenClBackend.class);
        }
    }

    public static final class AdaptiveForward extends GpuPooling.AdaptiveForward {
        public AdaptiveForward() {
            super(OpenClBackend.class);
        }
    }

    public static final class AdaptiveBackward extends GpuPooling.AdaptiveBackward {
        public AdaptiveBackward() {
            super(OpenClBackend.class);
        }
    }
}
