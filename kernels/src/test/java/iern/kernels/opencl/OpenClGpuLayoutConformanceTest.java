package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.testing.BackendConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared backend suite once more with launches shaped for a GPU (work-group reductions,
 * grid-stride loops of 256-wide groups) forced on the default device. On PoCL, which would
 * otherwise take the CPU-shaped paths, this keeps the GPU paths tested without a GPU.
 */
class OpenClGpuLayoutConformanceTest extends BackendConformance {
    private static Backend cl;

    @BeforeAll
    static void open() {
        OpenClTestSupport.openOrSkip().close();   // skips or fails as the other OpenCL suites do
        ClDevices.Found device = ClDevices.resolve("opencl");
        cl = new OpenClBackend(device.spec(), device, Boolean.TRUE);
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    @Override
    protected Backend backend() {
        return cl;
    }
}
