package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.parity.PyTorchTrainingParityTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine's PyTorch training parity (three Adam and three Nesterov-SGD steps of a small
 * conv-BN net) on the default OpenCL device. Skipped without OpenCL, failed under
 * -Diern.require=opencl.
 */
class OpenClPyTorchTrainingParityTest extends PyTorchTrainingParityTest {
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
