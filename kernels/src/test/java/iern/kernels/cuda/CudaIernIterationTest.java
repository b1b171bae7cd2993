package iern.kernels.cuda;

import iern.engine.Backend;
import iern.kernels.gpu.GpuIernIterationBody;

/** Three IERN iterations on CUDA device 0 against the CPU backend ({@link GpuIernIterationBody}). Skipped without CUDA, failed under -Diern.require=cuda. */
class CudaIernIterationTest extends GpuIernIterationBody {
    @Override
    protected Backend openOrSkip() {
        return CudaTestSupport.openOrSkip();
    }
}
