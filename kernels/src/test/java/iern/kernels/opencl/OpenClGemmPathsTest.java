package iern.kernels.opencl;

import iern.engine.Backend;
import iern.kernels.gpu.GpuGemmPathsBody;

/** The GEMM kernel paths of {@link GpuGemmPathsBody} on the default OpenCL device. Skipped without OpenCL, failed under -Diern.require=opencl. */
class OpenClGemmPathsTest extends GpuGemmPathsBody {
    @Override
    protected Backend openOrSkip() {
        return OpenClTestSupport.openOrSkip();
    }
}
