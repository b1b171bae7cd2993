package iern.model;

import iern.engine.InvalidInput;
import iern.engine.optim.LinearWarmupDecay;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a model is trained: schedule, batch, learning rates, the centre-loss weight, the seed.
 * The schedule is the authors' (linear warm-up, constant, linear decay towards 0), stepped
 * once per epoch.
 *
 * @param warmupEpochs   epochs of linear warm-up (5 in the paper)
 * @param constantEpochs epochs at the full rate (15)
 * @param decayEpochs    epochs of linear decay (140)
 * @param batchSize      images per step (8 to 16 in the paper)
 * @param lr             Adam rate of everything but the backbone (2e-4)
 * @param baseLr         Adam rate of the backbone in the classification step (1e-4)
 * @param beta1          Adam beta1 (0.5)
 * @param beta2          Adam beta2 (0.999)
 * @param lambdaCenter   weight of the centre loss in the feature step (5e-4)
 * @param seed           seeds weights, shuffling and augmentation
 * @param augment        training augmentation: {@code none}, {@code light} (flip, crop, blur, colour jitter) or
 *                       {@code common} (the authors' pipeline: those plus a random affine) or {@code style}
 *                       (flip, crop and a randomised capture style: greyscale or colour cast, brightness,
 *                       contrast, blur, noise)
 * @param advWeight      weight of the features' confusion loss against a conditional source adversary
 * @param priorAdjust    train the classification on logits plus log P(y | source) of the training split
 *                       ({@link SplitPriors#adjust}); predictions stay on the plain logits
 */
public record TrainConfig(int warmupEpochs, int constantEpochs, int decayEpochs, int batchSize, double lr,
                          double baseLr, double beta1, double beta2, double lambdaCenter, long seed,
                          String augment, double advWeight, boolean priorAdjust) {

    /** The paper's centre-loss weight and the size of the feature it was chosen for (512 x 7 x 7). */
    public static final double PAPER_LAMBDA_CENTER = 5e-4;
    public static final int PAPER_FEATURE_SIZE = 512 * 7 * 7;

    /**
     * The centre-loss weight that gives a feature of {@code d} elements the paper's balance. The
     * centre loss sums over the d elements while the other feature-step terms are means, so its
     * pull relative to them grows with d: keeping lambda * d at the paper's 5e-4 * 25,088 keeps that
     * balance at any feature size (5e-4 for the paper's features, 0.049 for 64 x 2 x 2).
     */
    public static double centerWeightFor(int d) {
        if (d < 1) {
            throw new InvalidInput("feature size " + d + ": expected at least 1");
        }
        return PAPER_LAMBDA_CENTER * PAPER_FEATURE_SIZE / d;
    }

    /** Without the source-prior adjustment. */
    public TrainConfig(int warmupEpochs, int constantEpochs, int decayEpochs, int batchSize, double lr,
                       double baseLr, double beta1, double beta2, double lambdaCenter, long seed, String augment,
                       double advWeight) {
        this(warmupEpochs, constantEpochs, decayEpochs, batchSize, lr, baseLr, beta1, beta2, lambdaCenter, seed,
                augment, advWeight, false);
    }

    /** Without an adversary weight (1). */
    public TrainConfig(int warmupEpochs, int constantEpochs, int decayEpochs, int batchSize, double lr,
                       double baseLr, double beta1, double beta2, double lambdaCenter, long seed, String augment) {
        this(warmupEpochs, constantEpochs, decayEpochs, batchSize, lr, baseLr, beta1, beta2, lambdaCenter, seed,
                augment, 1.0);
    }

    public static final java.util.List<String> AUGMENTATIONS = java.util.List.of("none", "light", "common", "style");

    /**
     * The one set of bounds, for options and configuration files alike. A refusal starts with the
     * names of the fields it concerns, as {@link #toMap} writes them ({@code batch_size 1: ...}),
     * so a caller can say which of its own options set them.
     */
    public static final int MAX_EPOCHS = 100_000;
    public static final int MAX_BATCH = 4096;
    /** Loss weights above this are taken for typing mistakes. */
    public static final double MAX_WEIGHT = 1e6;

    public TrainConfig {
        if (warmupEpochs < 0 || constantEpochs < 0 || decayEpochs < 0
                || warmupEpochs + constantEpochs + decayEpochs < 1
                || warmupEpochs + constantEpochs + decayEpochs > MAX_EPOCHS) {
            throw new InvalidInput("warmup_epochs " + warmupEpochs + " / constant_epochs " + constantEpochs
                    + " / decay_epochs " + decayEpochs + ": expected counts of at least 0, at least one epoch and at most "
                    + MAX_EPOCHS + " in all");
        }
        if (batchSize < 2 || batchSize > MAX_BATCH) {
            throw new InvalidInput("batch_size " + batchSize + ": expected a number from 2 to " + MAX_BATCH
                    + " (batch norm needs two images)");
        }
        if (!(lr > 0 && lr < 1) || !(baseLr >= 0 && baseLr < 1)) {
            throw new InvalidInput("lr " + lr + " / base_lr " + baseLr + ": expected rates in (0, 1)");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new InvalidInput("beta1 " + beta1 + ": expected a number in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new InvalidInput("beta2 " + beta2 + ": expected a number in [0, 1)");
        }
        if (!AUGMENTATIONS.contains(augment)) {
            throw new InvalidInput("augment " + augment + ": expected one of " + AUGMENTATIONS);
        }
        if (!(lambdaCenter > 0 && lambdaCenter < MAX_WEIGHT)) {
            throw new InvalidInput("lambda_center " + lambdaCenter + ": expected a positive number below " + (long) MAX_WEIGHT);
        }
        if (!(advWeight >= 0 && advWeight < MAX_WEIGHT)) {
            throw new InvalidInput("adv_weight " + advWeight + ": expected a number from 0 to below " + (long) MAX_WEIGHT);
        }
    }

    /** With {@code augment} true the authors' pipeline ({@code common}), else none. */
    public TrainConfig(int warmupEpochs, int constantEpochs, int decayEpochs, int batchSize, double lr, double baseLr,
                       double beta1, double beta2, double lambdaCenter, long seed, boolean augment) {
        this(warmupEpochs, constantEpochs, decayEpochs, batchSize, lr, baseLr, beta1, beta2, lambdaCenter, seed,
                augment ? "common" : "none");
    }

    /** The paper's 160 epochs (5 + 15 + 140), batch 8. */
    public static TrainConfig paper(long seed) {
        return new TrainConfig(5, 15, 140, 8, 2e-4, 1e-4, 0.5, 0.999, 5e-4, seed, "common");
    }

    public int epochs() {
        return warmupEpochs + constantEpochs + decayEpochs;
    }

    /** The authors' schedule (linear warm-up, constant, linear decay), stepped once per epoch. */
    public LinearWarmupDecay schedule() {
        return new LinearWarmupDecay(warmupEpochs, constantEpochs, decayEpochs);
    }

    public TrainConfig withPriorAdjust(boolean on) {
        return new TrainConfig(warmupEpochs, constantEpochs, decayEpochs, batchSize, lr, baseLr, beta1, beta2,
                lambdaCenter, seed, augment, advWeight, on);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(warmupEpochs, constantEpochs, decayEpochs, batchSize, lr, baseLr, beta1, beta2,
                lambdaCenter, s, augment, advWeight, priorAdjust);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("warmup_epochs", warmupEpochs);
        m.put("constant_epochs", constantEpochs);
        m.put("decay_epochs", decayEpochs);
        m.put("batch_size", batchSize);
        m.put("lr", lr);
        m.put("base_lr", baseLr);
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("lambda_center", lambdaCenter);
        m.put("seed", seed);
        m.put("augment", augment);
        m.put("adv_weight", advWeight);
        m.put("prior_adjust", priorAdjust);
        return m;
    }

    public static TrainConfig fromMap(Map<String, Object> m, String source) {
        ConfigReader r = new ConfigReader(m, source);
        try {
            return new TrainConfig(r.integer("warmup_epochs"), r.integer("constant_epochs"), r.integer("decay_epochs"),
                r.integer("batch_size"), r.number("lr"), r.number("base_lr"), r.number("beta1"), r.number("beta2"),
                r.number("lambda_center"), r.longValue("seed"),
                m.get("augment") instanceof Boolean b ? (b ? "common" : "none") : r.string("augment"),
                m.containsKey("adv_weight") ? r.number("adv_weight") : 1.0,
                m.get("prior_adjust") instanceof Boolean b2 && b2);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage().startsWith(source) ? e.getMessage()
                    : source + ": " + e.getMessage(), e);
        }
    }
}
