package iern.kernels.cuda;

import iern.engine.Backend;
import iern.engine.testing.BackendConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared backend test body (every Backend method against the scalar oracle, bad arguments refused with the shared message) on CUDA device 0. Skipped without CUDA, failed under -Diern.require=cuda. */
class CudaBackendConformanceTest extends BackendConformance {
    private static Backend cuda;

    @BeforeAll
    static void open() {
        cuda = CudaTestSupport.openOrSkip();
    }

    @AfterAll
    static void close() {
        if (cuda != null) {
            cuda.close();
        }
    }

    @Override
    protected Backend backend() {
        return cuda;
    }
}
