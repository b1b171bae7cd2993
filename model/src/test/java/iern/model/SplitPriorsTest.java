package iern.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Tensor;
import iern.engine.io.Json;
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
        Tensor adjusted = new PriorAdjustment(PRIORS).adjust(logits, new int[] {1, 0});
        double[][] log = PRIORS.logEmotionGivenSource();
        float[] got = adjusted.toArray();
        for (int j = 0; j < 3; j++) {
            assertEquals(1 + j + log[1][j], got[j], 1e-5);
            assertEquals(4 + j + log[0][j], got[3 + j], 1e-5);
        }
        adjusted.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, logits.grad().toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> new PriorAdjustment(PRIORS).adjust(logits, new int[] {2, 0}));
        assertThrows(IllegalArgumentException.class, () -> new PriorAdjustment(PRIORS).adjust(logits, new int[] {0}));
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

    /**
     * A toy with a planted confounder and two held-out cells: source 0 never shows label 3, source 1
     * never shows label 0, and one input channel names the source. A linear classifier trained
     * plainly uses that channel to rule the unseen label out and gets the held-out cells wrong;
     * trained on the source-adjusted logits it reads the label channels and gets them right.
     */
    @Test
    void theAdjustmentRecoversCellsTheTrainingSplitHoldsOut() {
        double plain = heldOutAccuracy(false);
        double adjusted = heldOutAccuracy(true);
        System.out.println("toy held-out accuracy: plain " + plain + ", adjusted " + adjusted);
        assertTrue(plain < 0.3, "plain training should lose the held-out cells: " + plain);
        assertTrue(adjusted > 0.7, "adjusted training should recover them: " + adjusted);
    }

    private static double heldOutAccuracy(boolean adjust) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(8);
        EmotionClassifier cls = new EmotionClassifier(4, 4, rng.split());
        iern.engine.optim.Adam adam = new iern.engine.optim.Adam(0.5f, 0.999f, 1e-8f, 0f);
        adam.addGroup("cls", cls.parameters(), 0.05);
        int[][] counts = {{1, 1}, {1, 1}, {1, 1}, {1, 1}};
        counts[3][0] = 0; // source 0 never shows label 3
        counts[0][1] = 0; // source 1 never shows label 0
        PriorAdjustment adjustment = new PriorAdjustment(new SplitPriors(counts));
        java.util.SplittableRandom data = new java.util.SplittableRandom(3);
        for (int it = 0; it < 300; it++) {
            Toy b = toy(64, data, false);
            try (iern.engine.TensorScope s = iern.engine.TensorScope.open()) {
                adam.zeroGrad();
                Tensor logits = cls.forward(b.x);
                iern.engine.F.crossEntropy(adjust ? adjustment.adjust(logits, b.source) : logits, b.label).backward();
                adam.step();
            }
        }
        Toy held = toy(400, new java.util.SplittableRandom(99), true);
        try (var off = iern.engine.Grad.off()) {
            float[] pred = cls.forward(held.x).argmax(1).toArray();
            int right = 0;
            for (int i = 0; i < pred.length; i++) {
                right += (int) pred[i] == held.label[i] ? 1 : 0;
            }
            adam.close();
            return (double) right / pred.length;
        }
    }

    private record Toy(Tensor x, int[] label, int[] source) {}

    /** Labels on a square in channels 0-1, the source in channel 2, noise in 3; heldOut: only the two unseen cells. */
    private static Toy toy(int n, java.util.SplittableRandom r, boolean heldOut) {
        float[] x = new float[n * 4];
        int[] y = new int[n];
        int[] z = new int[n];
        for (int i = 0; i < n; i++) {
            if (heldOut) {
                z[i] = r.nextInt(2);
                y[i] = z[i] == 0 ? 3 : 0;
            } else {
                do {
                    y[i] = r.nextInt(4);
                    z[i] = r.nextInt(2);
                } while ((z[i] == 0 && y[i] == 3) || (z[i] == 1 && y[i] == 0));
            }
            x[i * 4] = (float) ((y[i] % 2 == 0 ? 1 : -1) + r.nextGaussian(0, 0.7));
            x[i * 4 + 1] = (float) ((y[i] / 2 == 0 ? 1 : -1) + r.nextGaussian(0, 0.7));
            x[i * 4 + 2] = (float) ((z[i] == 0 ? 2 : -2) + r.nextGaussian(0, 0.1));
            x[i * 4 + 3] = (float) r.nextGaussian();
        }
        return new Toy(Tensor.of(x, n, 4, 1, 1), y, z);
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
