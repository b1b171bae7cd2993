package iern.kernels.cuda;

import iern.engine.Backend;
import iern.kernels.gpu.GpuConvPathsBody;

/** The convolution paths of {@link GpuConvPathsBody} on CUDA device 0. Skipped without CUDA, failed under -Diern.require=cuda. */
class CudaConvPathsTest extends GpuConvPathsBody {
    @Override
    protected Backend openOrSkip() {
        return CudaTestSupport.openOrSkip();
    }
}
