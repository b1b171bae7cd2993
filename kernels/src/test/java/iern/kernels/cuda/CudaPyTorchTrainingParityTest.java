package iern.kernels.cuda;

import iern.engine.Backend;
import iern.engine.parity.PyTorchTrainingParityTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The engine's PyTorch training parity (Adam and Nesterov-SGD steps of a small conv-BN net) on CUDA device 0. Skipped without CUDA, failed under -Diern.require=cuda. */
class CudaPyTorchTrainingParityTest extends PyTorchTrainingParityTest {
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
