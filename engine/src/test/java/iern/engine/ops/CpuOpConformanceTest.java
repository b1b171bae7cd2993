package iern.engine.ops;

import iern.engine.Backend;
import iern.engine.cpu.CpuBackend;
import iern.engine.testing.OpConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared op test body (attention, intervention, a CPU-only toy op), run on the CPU backend. */
class CpuOpConformanceTest extends OpConformance {
    private static CpuBackend cpu;

    @BeforeAll
    static void open() {
        cpu = new CpuBackend();
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Override
    protected Backend backend() {
        return cpu;
    }
}
