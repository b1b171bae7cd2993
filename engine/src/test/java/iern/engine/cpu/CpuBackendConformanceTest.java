package iern.engine.cpu;

import iern.engine.Backend;
import iern.engine.testing.BackendConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared backend test body, run on the CPU backend. */
class CpuBackendConformanceTest extends BackendConformance {
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
