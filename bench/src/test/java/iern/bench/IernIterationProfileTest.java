package iern.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The profiler of bench/README.md runs the iteration and sees its kernel ops (it once crashed
 * on its first convolution and nothing noticed): one 64-px IERN iteration, every count as the
 * model makes them.
 */
class IernIterationProfileTest {

    @Test
    void profilesEveryKernelOpOfAnIteration() {
        IernIteration it = IernIteration.of("r18_64", true);
        Map<String, long[]> times = IernIterationProfile.profile(it, 1);
        // ResNet-18's stem, once forward and once for the weight gradient (no input gradient).
        long[] stem = times.get("conv2dForward n8 3->64 k7 s2 64x64");
        assertNotNull(stem, times.keySet().toString());
        assertEquals(1, stem[1]);
        assertTrue(stem[0] > 0);
        assertEquals(1, times.get("conv2dBackwardWeight n8 3->64 k7 s2 64x64")[1]);
        assertTrue(times.containsKey("adamStep") && times.containsKey("batchNormTrainForward"), times.keySet().toString());
        // Removed afterwards: another iteration adds nothing.
        long before = times.values().stream().mapToLong(v -> v[1]).sum();
        it.run();
        assertEquals(before, times.values().stream().mapToLong(v -> v[1]).sum());
    }
}
