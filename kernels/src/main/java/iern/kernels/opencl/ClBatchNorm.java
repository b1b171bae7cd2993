package iern.kernels.opencl;

import iern.kernels.gpu.GpuBatchNorm;

/** {@link GpuBatchNorm}'s kernels registered for the OpenCL backend. */
public final class ClBatchNorm {
    private ClBatchNorm() {}

    public static final class TrainForward extends GpuBatchNorm.TrainForward {
        public TrainForward() {
            super(OpenClBackend.class);
        }
    }

    public static final class EvalForward extends GpuBatchNorm.EvalForward {
        public EvalForward() {
            super(OpenClBackend.class);
        }
    }

    public static final class TrainBackward extends GpuBatchNorm.TrainBackward {
        public TrainBackward() {
            super(OpenClBackend.class);
        }
    }
}
