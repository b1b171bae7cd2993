package iern.kernels.cuda;

import iern.engine.Backend;
import iern.kernels.gpu.GpuGemmPathsBody;

/** The GEMM kernel paths of {@link GpuGemmPathsBody} on CUDA device 0. Skipped without CUDA, failed under -Diern.require=cuda. */
class CudaGemmPathsTest extends GpuGemmPathsBody {
    @Override
    protected Backend openOrSkip() {
        return CudaTestSupport.openOrSkip();
    }
}
