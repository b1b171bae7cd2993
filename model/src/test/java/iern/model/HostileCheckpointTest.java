package iern.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import iern.engine.FloatArray;
import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints whose metadata or tensors were tampered with: each is refused with one message
 * that names the file and the field or tensor, before anything is allocated for the network.
 */
class HostileCheckpointTest {
    @TempDir
    Path dir;

    /** A genuine checkpoint's tensors and metadata, to be edited by each case. */
    private record Parts(Map<String, FloatArray> tensors, Map<String, Object> meta) {}

    private Parts genuine() {
        ModelConfig cfg = Tiny.config("iern", "uniform");
        TrainConfig tc = Tiny.train(1);
        Path file = dir.resolve("genuine.safetensors");
        try (TrainingStep step = TrainingStep.of(new IernNetwork(cfg, 1), tc)) {
            Checkpoint.save(file, step, tc, 1, false);
        }
        try {
            SafeTensors.Contents c = SafeTensors.read(file);
            return new Parts(new LinkedHashMap<>(c.tensors()), Json.parseObject(c.metadata().get("iern"), "test"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Parts p, String key) {
        return (Map<String, Object>) p.meta().get(key);
    }

    /** Writes a copy of the genuine checkpoint with {@code edit} applied and returns the load error. */
    private String refused(Consumer<Parts> edit) throws Exception {
        Parts p = genuine();
        edit.accept(p);
        return refused(p, Json.write(p.meta()));
    }

    private String refused(Parts p, String metaJson) throws Exception {
        Path file = dir.resolve("tampered.safetensors");
        SafeTensors.write(file, p.tensors(), Map.of("iern", metaJson));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.network(Checkpoint.load(file)));
        assertTrue(e.getMessage().contains("tampered.safetensors"), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void mentions(String message, String... words) {
        for (String w : words) {
            assertTrue(message.contains(w), "'" + w + "' in: " + message);
        }
    }

    @Test
    void deeplyNestedJsonIsRefusedWithoutStackOverflow() throws Exception {
        Parts p = genuine();
        String deep = "{\"format\":1,\"x\":" + "[".repeat(300_000) + "]".repeat(300_000) + "}";
        mentions(refused(p, deep), "nested deeper");
    }

    @Test
    void aNumberStoredAsAStringNamesTheField() throws Exception {
        mentions(refused(p -> section(p, "model").put("feat_channels", "16")), "feat_channels", "an integer");
        mentions(refused(p -> section(p, "model").put("prior", java.util.List.of("a", 1, 2))), "prior");
        mentions(refused(p -> section(p, "train").put("lr", "0.1")), "'lr'", "a number");
        mentions(refused(p -> p.meta().put("epochs_done", "1")), "epochs_done");
    }

    @Test
    void absurdSizesAreRefusedBeforeAnythingIsBuilt() throws Exception {
        long t = System.nanoTime();
        mentions(refused(p -> section(p, "model").put("gen_blocks", 200_000L)), "gen_blocks");
        mentions(refused(p -> section(p, "model").put("feat_channels", 1_048_576L)), "feat_channels");
        mentions(refused(p -> section(p, "model").put("image_size", 1_000_000L)), "image_size");
        mentions(refused(p -> section(p, "model").put("width", 1e9)), "width");
        mentions(refused(p -> section(p, "model").put("attention_dim", 1L << 30)), "attention_dim");
        mentions(refused(p -> section(p, "train").put("decay_epochs", 2_000_000_000L)), "epochs");
        mentions(refused(p -> p.meta().put("epochs_done", 99L)), "epochs_done");
        assertTrue(System.nanoTime() - t < 20e9, "refused without building the networks");
    }

    @Test
    void nonFiniteWeightsAndNegativeVariancesAreRefusedByName() throws Exception {
        String anyWeight = genuine().tensors().keySet().stream().filter(k -> k.endsWith(".weight")).findFirst()
                .orElseThrow();
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            mentions(refused(p -> p.tensors().get(anyWeight).data()[0] = bad), anyWeight, "finite");
        }
        String variance = genuine().tensors().keySet().stream().filter(k -> k.endsWith(".running_var"))
                .findFirst().orElseThrow();
        mentions(refused(p -> p.tensors().get(variance).data()[0] = -1f), variance, "variance");
    }

    @Test
    void unknownTensorsAndControlCharactersAreNamedSafely() throws Exception {
        String msg = refused(p -> p.tensors().put("extra\u001b[31m", FloatArray.of(1f)));
        mentions(msg, "unexpected tensor", "\\x1b");
        assertFalse(msg.contains("\u001b"), "no raw escape reaches the terminal");
        msg = refused(p -> section(p, "model").put("method", "iern\u001b]0;pwned\u0007"));
        mentions(msg, "method", "\\x1b");
        assertFalse(msg.contains("\u001b"), "no raw escape reaches the terminal");
    }
}
