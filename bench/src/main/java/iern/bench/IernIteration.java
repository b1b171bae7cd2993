package iern.bench;

import iern.engine.Seed;
import iern.engine.Tensor;
import iern.model.IernNetwork;
import iern.model.IernStep;
import iern.model.ModelConfig;
import iern.model.StepLosses;
import iern.model.TrainConfig;
import iern.model.TrainingStep;

/**
 * The iteration that {@link IernIterationTiming} and {@link IernIterationProfile} time: IERN with
 * a ResNet-18 backbone ({@code r50_...}: ResNet-50), batch 8, 6 emotions, 3 confounders (uniform
 * intervention), one fixed random batch. {@code ..._224} at 224x224 (7x7 features), anything
 * else at 64x64 (2x2).
 */
record IernIteration(TrainingStep step, Tensor x, int[] emotions, int[] confounders) {
    static final int BATCH = 8;

    static IernIteration of(String config, boolean batchedStrata) {
        int size = config.endsWith("_224") ? 224 : 64;
        String backbone = config.startsWith("r50") ? "resnet50" : "resnet18";
        ModelConfig cfg = new ModelConfig(iern.model.Method.IERN, backbone, 1.0, 512, size, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 2, 3, 3, iern.model.InterventionMode.UNIFORM, null, 64);
        TrainConfig train = new TrainConfig(0, 1, 0, BATCH, 2e-4, 1e-4, 0.5, 0.999, 5e-4, 1, "none");
        TrainingStep step = new IernStep(new IernNetwork(cfg, 1), train, batchedStrata);
        step.startEpoch(0, train);
        int[] em = new int[BATCH], co = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            em[i] = i % 6;
            co[i] = i % 3;
        }
        return new IernIteration(step, Tensor.randn(Seed.of(2), BATCH, 3, size, size), em, co);
    }

    StepLosses run() {
        return step.step(x, emotions, confounders);
    }
}
