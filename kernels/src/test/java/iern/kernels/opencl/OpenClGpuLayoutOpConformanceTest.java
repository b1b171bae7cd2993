package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.testing.OpConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared op test body with launches shaped for a GPU forced on the default device (as {@link OpenClGpuLayoutConformanceTest}). */
class OpenClGpuLayoutOpConformanceTest extends OpConformance {
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
