package iern.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static double[] steps(TrainingStep step, int count) {
        Tensor x = Tiny.images(6, 50);
        double[] cls = new double[count];
        for (int i = 0; i < count; i++) {
            cls[i] = step.step(x, Tiny.EMOTIONS, Tiny.CONFOUNDERS).cls();
        }
        return cls;
    }

    @Test
    void roundTripKeepsWeightsOptimiserStateAndConfig() {
        ModelConfig cfg = Tiny.config("iern", "prior");
        TrainConfig tc = Tiny.train(3);
        IernNetwork net = new IernNetwork(cfg, 3);
        Path file = dir.resolve("ckpt.safetensors");
        try (TrainingStep step = TrainingStep.of(net, tc)) {
            step.startEpoch(0, tc);
            steps(step, 2);
            Checkpoint.save(file, step, tc, 1, false);
        }
        assertTrue(Files.exists(Checkpoint.sidecar(file)), "JSON beside the checkpoint");
        Checkpoint.Loaded loaded = Checkpoint.load(file);
        assertEquals(cfg, loaded.model());
        assertEquals(tc, loaded.train());
        assertEquals(1, loaded.epochsDone());
        assertEquals(false, loaded.complete());
        IernNetwork back = Checkpoint.network(loaded);
        Map<String, FloatArray> a = net.stateToHost();
        Map<String, FloatArray> b = back.stateToHost();
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
        }
        assertTrue(loaded.tensors().keySet().stream().anyMatch(k -> k.startsWith("optim.feat.centers.")),
                "optimiser state saved: " + loaded.tensors().keySet());
    }

    @Test
    void resumeContinuesExactlyAsAnUninterruptedRun() {
        ModelConfig cfg = Tiny.config("iern", "uniform");
        TrainConfig tc = Tiny.train(8);
        double[] straight;
        try (TrainingStep step = TrainingStep.of(new IernNetwork(cfg, 8), tc)) {
            step.startEpoch(0, tc);
            straight = steps(step, 4);
        }
        Path file = dir.resolve("half.safetensors");
        try (TrainingStep step = TrainingStep.of(new IernNetwork(cfg, 8), tc)) {
            step.startEpoch(0, tc);
            steps(step, 2);
            Checkpoint.save(file, step, tc, 0, false);
        }
        double[] resumed;
        // A fresh network with another seed: everything must come from the checkpoint.
        try (TrainingStep step = TrainingStep.of(new IernNetwork(cfg, 99), tc)) {
            Checkpoint.restore(Checkpoint.load(file), step, tc);
            step.startEpoch(0, tc);
            resumed = steps(step, 2);
        }
        assertEquals(Double.doubleToRawLongBits(straight[2]), Double.doubleToRawLongBits(resumed[0]),
                straight[2] + " vs " + resumed[0]);
        assertEquals(Double.doubleToRawLongBits(straight[3]), Double.doubleToRawLongBits(resumed[1]),
                straight[3] + " vs " + resumed[1]);
    }

    @Test
    void mismatchedModelIsRefusedNamingTheDifference() {
        TrainConfig tc = Tiny.train(1);
        Path file = dir.resolve("a.safetensors");
        try (TrainingStep step = TrainingStep.of(new IernNetwork(Tiny.config("iern", "uniform"), 1), tc)) {
            Checkpoint.save(file, step, tc, 1, true);
        }
        ModelConfig other = new ModelConfig(iern.model.Method.IERN, "resnet18", 1.0 / 16, 32, Tiny.IMAGE, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 1, 1, 3, iern.model.InterventionMode.UNIFORM, new double[] {0.5, 0.3, 0.2}, 8);
        try (TrainingStep step = TrainingStep.of(new IernNetwork(other, 1), tc)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.restore(Checkpoint.load(file), step, tc));
            assertTrue(e.getMessage().contains("feat_channels: 16 vs 32"), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
        try (TrainingStep step = TrainingStep.of(new IernNetwork(Tiny.config("iern", "uniform"), 1), tc.withSeed(5))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Checkpoint.restore(Checkpoint.load(file), step, tc.withSeed(5)));
            assertTrue(e.getMessage().contains("seed: 1 vs 5"), e.getMessage());
        }
    }

    @Test
    void notACheckpointIsAClearError() throws Exception {
        Path missing = dir.resolve("none.safetensors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        Path plain = dir.resolve("plain.safetensors");
        iern.engine.io.SafeTensors.write(plain, Map.of("w", FloatArray.of(1f, 2f)), Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(plain));
        assertTrue(e.getMessage().contains("not an IERN checkpoint"), e.getMessage());
    }
}
