package iern.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import iern.engine.Backends;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code auto} with the real providers of this module: a CUDA GPU first, then an OpenCL GPU,
 * never an OpenCL CPU device (PoCL), else the CPU backend, and always one log line that says
 * which, or why no GPU was taken.
 */
class AutoSelectionTest {

    @Test
    void autoPicksAGpuOrTheCpuBackendNeverPocl() {
        BackendProvider cuda = Backends.provider("cuda"), opencl = Backends.provider("opencl");
        List<String> log = new ArrayList<>();
        try (Backend be = Backends.open("auto", log::add)) {
            assertEquals(1, log.size(), log.toString());
            String line = log.get(0);
            assertFalse(line.contains("\n"), line);
            if (cuda.gpu()) {
                assertTrue(be.name().startsWith("cuda"), be.name());
                assertEquals("backend auto: using cuda", line);
            } else if (opencl.gpu()) {
                assertTrue(be.name().startsWith("opencl"), be.name());
                assertTrue(be.describe().contains("(GPU,"), be.describe());
            } else {
                assertEquals("cpu", be.name());
                assertTrue(line.startsWith("backend auto: no GPU found, using cpu (cuda: no CUDA backend here: "), line);
                if (opencl.available()) {
                    assertTrue(line.contains("; opencl: no GPU device, only CPU devices)"), line);
                }
            }
        }
    }

    @Test
    void openClOffersAGpuOnlyWhenADeviceIsOne() {
        BackendProvider opencl = Backends.provider("opencl");
        boolean anyGpu = opencl.devices().stream().anyMatch(d -> d.contains("(GPU,"));
        assertEquals(anyGpu, opencl.gpu(), opencl.devices().toString());
    }
}
