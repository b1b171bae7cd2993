package iern.kernels.cuda;

import iern.engine.Backend;
import iern.kernels.gpu.GpuTestSupport;

/**
 * Opens the CUDA backend for a test. Without a CUDA device (or without NVRTC) the test is
 * skipped, unless the build runs with {@code -Diern.require=cuda} (the GPU check script),
 * where it fails: a silently skipped suite must not look green.
 */
final class CudaTestSupport {
    private CudaTestSupport() {}

    static Backend openOrSkip() {
        return GpuTestSupport.openOrSkip(new CudaBackendProvider(), "cuda");
    }
}
