package iern.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import iern.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The training split's priors and the source-prior logit adjustment. */
class SplitPriorsTest {
    // 3 emotions x 2 sources: source 0 shows emotions 0 and 1 (3:1), source 1 only emotion 2
    private static final SplitPriors PRIORS = new SplitPriors(new int[][] {{3, 0}, {1, 0}, {0, 5}});

    @Test
    void logPriorOfEachSourceWithAFloorForUnseenCells() {
        double[][] log = PRIORS.logEmotionGivenSource();
        assertArrayEquals(new double[] {Math.log(0.75), Math.log(0.25), Math.log(SplitPriors.FLOOR)}, log[0], 1e-12);
        assertArrayEquals(new double[] {Math.log(SplitPriors.FLOOR), Math.log(SplitPriors.FLOOR), 0}, log[1], 1e-12);
        double[][] none = new SplitPriors(new int[][] {{2, 0}, {2, 0}}).logEmotionGivenSource();
        assertArrayEquals(new double[] {Math.log(0.5), Math.log(0.5)}, none[1], 1e-12, "a source never shown: uniform");
        assertArrayEquals(new double[] {1, 0}, PRIORS.sourceGivenEmotion()[0], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new SplitPriors(new int[][] {{1, 2}, {3}}));
    }

    @Test
    void adjustAddsEachItemsSourceRowAndPassesTheGradientThrough() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor adjusted = PRIORS.adjust(logits, new int[] {1, 0}, new float[6]);
        double[][] log = PRIORS.logEmotionGivenSource();
        float[] got = adjusted.toArray();
        for (int j = 0; j < 3; j++) {
            assertEquals(1 + j + log[1][j], got[j], 1e-5);
            assertEquals(4 + j + log[0][j], got[3 + j], 1e-5);
        }
        adjusted.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, logits.grad().toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> PRIORS.adjust(logits, new int[] {2, 0}, new float[6]));
        assertThrows(IllegalArgumentException.class, () -> PRIORS.adjust(logits, new int[] {0}, new float[6]));
    }

    /** A uniform prior shifts every logit of a row equally: the same training; a skewed one does not. */
    @Test
    void uniformPriorsTrainExactlyAsWithoutAdjustment() {
        double plain = firstLoss(false, SplitPriors.uniform(6, 3));
        assertEquals(plain, firstLoss(true, SplitPriors.uniform(6, 3)), 1e-6);
        int[][] skew = new int[6][3];
        for (int e = 0; e < 6; e++) {
            for (int z = 0; z < 3; z++) {
                skew[e][z] = (e + z) % 3 == 0 ? 0 : 1 + e;
            }
        }
        assertNotEquals(plain, firstLoss(true, new SplitPriors(skew)), 1e-3);
    }

    private static double firstLoss(boolean adjust, SplitPriors priors) {
        IernNetwork net = new IernNetwork(Tiny.config("baseline", "uniform"), 2);
        TrainConfig tc = Tiny.train(2).withPriorAdjust(adjust);
        try (TrainingStep step = TrainingStep.of(net, tc, priors)) {
            step.startEpoch(0, tc);
            return step.step(Tiny.images(6, 3), Tiny.EMOTIONS, Tiny.CONFOUNDERS).cls();
        }
    }

    @Test
    void theSettingTravelsWithTheTrainingConfig() {
        TrainConfig tc = Tiny.train(1).withPriorAdjust(true);
        assertEquals(tc, TrainConfig.fromMap(Json.parseObject(Json.write(tc.toMap()), "test"), "test"));
        java.util.Map<String, Object> old = Json.parseObject(Json.write(Tiny.train(1).toMap()), "test");
        old.remove("prior_adjust"); // a checkpoint written before the option
        assertEquals(false, TrainConfig.fromMap(old, "test").priorAdjust());
    }
}
