package iern.kernels.opencl;

import iern.engine.Backend;
import iern.kernels.gpu.GpuIernIterationBody;

/** Three IERN iterations on the default OpenCL device against the CPU backend ({@link GpuIernIterationBody}). Skipped without OpenCL, failed under -Diern.require=opencl. */
class OpenClIernIterationTest extends GpuIernIterationBody {
    @Override
    protected Backend openOrSkip() {
        return OpenClTestSupport.openOrSkip();
    }
}
