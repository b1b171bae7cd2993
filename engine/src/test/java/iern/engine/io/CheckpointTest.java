package iern.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.nn.BatchNorm2d;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Flatten;
import iern.engine.nn.Linear;
import iern.engine.nn.Module;
import iern.engine.nn.ReLU;
import iern.engine.nn.Sequential;
import iern.engine.optim.Adam;
import iern.engine.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static Sequential net(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Conv2d(3, 2, 3, 2, 1, false, rng), new BatchNorm2d(2), new ReLU(), new Flatten(),
                new Linear(2 * 4 * 7, 3, true, rng));
    }

    private static void trainStep(Sequential net, Optimizer opt, long seed) {
        opt.zeroGrad();
        Tensor loss = F.crossEntropy(net.forward(Tensor.randn(seed, 5, 3, 7, 13)), new int[] {0, 1, 2, 1, 0});
        loss.backward();
        opt.step();
    }

    @Test
    void moduleStateRoundTripsThroughAFile() throws IOException {
        Sequential a = net(1);
        trainStep(a, new Adam(a.parameters(), 0.1, 0.5f, 0.999f, 1e-8f, 0f), 3);
        Path f = dir.resolve("net.safetensors");
        Checkpoint.saveModule(f, a, Map.of("epoch", "3"));
        Sequential b = net(2);
        assertEquals(Map.of("epoch", "3"), Checkpoint.loadModule(f, b, true));
        for (String k : a.stateDict().keySet()) {
            assertArrayEquals(a.stateDict().get(k).toArray(), b.stateDict().get(k).toArray(), k);
        }
    }

    @Test
    void strictModuleLoadNamesTheFileAndTheEntries() throws IOException {
        Path f = dir.resolve("small.safetensors");
        SafeTensors.write(f, Map.of("0.weight", new FloatArray(new int[] {2, 3, 3, 1}, new float[18])), Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.loadModule(f, net(1), true));
        String msg = e.getMessage();
        assertTrue(msg.startsWith(f.toString()), msg);
        assertTrue(msg.contains("0.weight (expected [2, 3, 3, 3], got [2, 3, 3, 1])"), msg);
        assertTrue(msg.contains("missing [1.weight"), msg);
    }

    /** Resume: modules and optimiser state restored, the next step equals the uninterrupted run's. */
    @Test
    void fullCheckpointResumesTrainingExactly() throws IOException {
        Sequential a = net(1);
        Adam optA = new Adam(a.parameters(), 0.05, 0.5f, 0.999f, 1e-8f, 1e-4f);
        trainStep(a, optA, 10);
        trainStep(a, optA, 11);
        Path f = dir.resolve("ckpt.safetensors");
        Checkpoint.save(f, Map.of("net", a), Map.of("adam", optA), Map.of("epoch", "2"));

        Sequential b = net(9);
        Adam optB = new Adam(b.parameters(), 0.05, 0.5f, 0.999f, 1e-8f, 1e-4f);
        Map<String, String> meta = Checkpoint.load(f, Map.of("net", b), Map.of("adam", optB));
        assertEquals("2", meta.get("epoch"));
        trainStep(a, optA, 12);
        trainStep(b, optB, 12);
        for (String k : a.stateDict().keySet()) {
            assertArrayEquals(a.stateDict().get(k).toArray(), b.stateDict().get(k).toArray(), k);
        }
    }

    @Test
    void failedCheckpointLoadChangesNothing() throws IOException {
        Sequential a = net(1);
        Adam optA = new Adam(a.parameters(), 0.05, 0.5f, 0.999f, 1e-8f, 0f);
        trainStep(a, optA, 10);
        Path f = dir.resolve("ckpt.safetensors");
        Checkpoint.save(f, Map.of("net", a), Map.of("adam", optA), Map.of());

        Sequential b = net(9);
        float[] before = b.stateDict().get("0.weight").toArray();
        // The optimiser here has a second group the file knows nothing of: the load must fail
        // before the module (checked first) is touched.
        Adam optB = new Adam(0.5f, 0.999f, 1e-8f, 0f);
        optB.addGroup("default", b.parameters(), 0.05);
        optB.addGroup("extra", java.util.List.of(Tensor.zeros(3).requiresGrad(true)), 0.05);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(f, Map.of("net", b), Map.of("adam", optB)));
        assertTrue(e.getMessage().contains("optimizer 'adam'") && e.getMessage().contains("extra.lr"), e.getMessage());
        assertArrayEquals(before, b.stateDict().get("0.weight").toArray());

        Map<String, Module> two = new LinkedHashMap<>();
        two.put("net", b);
        var stray = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(f, two, Map.of()));
        assertTrue(stray.getMessage().contains("optim.adam.default.lr"), stray.getMessage());
    }
}
