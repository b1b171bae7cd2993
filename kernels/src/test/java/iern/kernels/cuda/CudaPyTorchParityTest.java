package iern.kernels.cuda;

import iern.engine.Backend;
import iern.engine.parity.PyTorchOpsParityTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The engine's PyTorch op parity cases (outputs and input gradients) on CUDA device 0. Skipped without CUDA, failed under -Diern.require=cuda. */
class CudaPyTorchParityTest extends PyTorchOpsParityTest {
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
