package iern.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Backend;
import iern.engine.KernelOp;
import iern.engine.ops.Attention;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.Convolution;
import iern.engine.ops.Intervention;
import iern.engine.ops.OptimizerSteps;
import iern.engine.ops.Pooling;
import iern.engine.testing.OpConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared op test body (attention and intervention against their oracles, the CPU-only toy
 * op through the host fallback) on the default OpenCL device. Skipped without OpenCL, failed
 * instead under -Diern.require=opencl.
 */
class OpenClOpConformanceTest extends OpConformance {
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

    @Test
    void kernelOpsRunTheirOpenClKernelsNotTheHostFallback() {
        for (KernelOp<?> op : new KernelOp<?>[] {Attention.FORWARD, Attention.BACKWARD, Intervention.FORWARD,
                Intervention.BACKWARD, OptimizerSteps.ADAM, OptimizerSteps.SGD, Pooling.MAX_FORWARD,
                Pooling.MAX_BACKWARD, Pooling.AVG_FORWARD, Pooling.AVG_BACKWARD, Pooling.ADAPTIVE_FORWARD,
                Pooling.ADAPTIVE_BACKWARD, BatchNorm.TRAIN_FORWARD, BatchNorm.EVAL_FORWARD, BatchNorm.TRAIN_BACKWARD,
                Convolution.FORWARD, Convolution.BACKWARD_DATA, Convolution.BACKWARD_WEIGHT}) {
            assertTrue(op.onDevice(cl), op.name() + " has no OpenCL kernel registered");
        }
    }
}
