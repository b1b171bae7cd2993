package iern.kernels.opencl;

import iern.engine.Backend;
import iern.engine.parity.PyTorchOpsParityTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine's PyTorch parity cases (outputs and input gradients within 1e-5 abs + 1e-5
 * rel) on the default OpenCL device. Skipped without OpenCL, failed under -Diern.require=opencl.
 */
class OpenClPyTorchParityTest extends PyTorchOpsParityTest {
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
