package iern.model;

import iern.engine.Seed;
import iern.engine.Tensor;
import java.util.List;

/** Tiny configurations and fixed batches for fast tests. */
final class Tiny {
    private Tiny() {}

    /** The smallest image side whose feature map is 2x2 is 33; 36 keeps it 2x2 with margin. */
    static final int IMAGE = 36;

    static ModelConfig config(String method, String intervention) {
        return new ModelConfig(Method.of(method), "resnet18", 1.0 / 16, 16, IMAGE, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 1, 1, 3, InterventionMode.of(intervention), new double[] {0.5, 0.3, 0.2}, 8);
    }

    static TrainConfig train(long seed) {
        return new TrainConfig(0, 10, 0, 6, 2e-3, 1e-3, 0.5, 0.999, 5e-4, seed, "none");
    }

    static Tensor images(int n, long seed) {
        return Tensor.randn(Seed.of(seed), n, 3, IMAGE, IMAGE);
    }

    static final int[] EMOTIONS = {0, 1, 2, 3, 4, 5};
    static final int[] CONFOUNDERS = {0, 1, 2, 0, 1, 2};

    static List<String> emotions() {
        return ModelConfig.MIX_EMOTIONS;
    }
}
