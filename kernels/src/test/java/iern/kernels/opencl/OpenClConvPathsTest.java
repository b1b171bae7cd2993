package iern.kernels.opencl;

import iern.engine.Backend;
import iern.kernels.gpu.GpuConvPathsBody;

/** The convolution paths of {@link GpuConvPathsBody} on the default OpenCL device. Skipped without OpenCL, failed under -Diern.require=opencl. */
class OpenClConvPathsTest extends GpuConvPathsBody {
    @Override
    protected Backend openOrSkip() {
        return OpenClTestSupport.openOrSkip();
    }
}
