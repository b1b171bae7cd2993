package iern.kernels.cuda;

import iern.kernels.gpu.GpuBatchNorm;

/** {@link GpuBatchNorm}'s kernels registered for the CUDA backend. */
public final class CudaBatchNorm {
    private CudaBatchNorm() {}

    public static final class TrainForward extends GpuBatchNorm.TrainForward {
        public TrainForward() {
            super(CudaBackend.class);
        }
    }

    public static final class EvalForward extends GpuBatchNorm.EvalForward {
        public EvalForward() {
            super(CudaBackend.class);
        }
    }

    public static final class TrainBackward extends GpuBatchNorm.TrainBackward {
        public TrainBackward() {
            super(CudaBackend.class);
        }
    }
}
