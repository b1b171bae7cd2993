package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.testing.BackendConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared backend test body (every Backend method against the scalar oracle) on the
 * default OpenCL device. Skipped without OpenCL, failed instead under -Diern.require=opencl.
 */
class OpenClBackendConformanceTest extends BackendConformance {
    private static Backend cl;

    @BeforeAll
    static void open() {
        cl = OpenClTestSupport.openOrSkip();
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
