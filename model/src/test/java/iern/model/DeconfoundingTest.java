package iern.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.F;
import iern.engine.Grad;
import iern.engine.Seed;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.engine.nn.Conv2d;
import iern.engine.optim.Adam;
import iern.engine.testing.GradCheck;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The conditional source adversary, the centres' start and the paper-balanced centre weight. */
class DeconfoundingTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eachItemIsAnsweredByTheHeadOfItsEmotion(boolean linear) {
        SourceAdversary adv = linear ? SourceAdversary.linear(16, 6, 3, new SplittableRandom(1))
                : new SourceAdversary(16, 6, 3, 1, 3, new SplittableRandom(1));
        Tensor f = Tensor.randn(Seed.of(2), 5, 16, 2, 2);
        int[] y = {4, 0, 5, 4, 2};
        try (var off = Grad.off()) {
            float[] picked = adv.logits(f, y).toArray();
            float[] all = adv.children().get("dis").forward(f).toArray();
            assertEquals(5 * 3, picked.length);
            for (int i = 0; i < 5; i++) {
                for (int z = 0; z < 3; z++) {
                    assertEquals(all[i * 18 + y[i] * 3 + z], picked[i * 3 + z], 0f, "item " + i + " source " + z);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> adv.logits(f, new int[] {0, 1, 2, 3, 6}));
        assertThrows(IllegalArgumentException.class, () -> adv.logits(f, new int[] {0, 1}));
    }

    @Test
    void confusionLossGradientMatchesFiniteDifferences() {
        SourceAdversary adv = new SourceAdversary(16, 6, 3, 1, 3, new SplittableRandom(3));
        Tensor f = Tensor.randn(Seed.of(4), 3, 16, 2, 2).mul(0.5f).detach().requiresGrad(true);
        int[] y = {1, 3, 5};
        Tensor target = Tensor.of(new float[] {0.5f, 0.5f, 0f, 0f, 0.3f, 0.7f, 1f / 3, 1f / 3, 1f / 3}, 3, 3);
        GradCheck.check("confusion loss wrt features",
                in -> SourceAdversary.confusionLoss(adv.logits(in.get(0), y), target), List.of(f), 1e-2, 2e-3, 2e-2);
        Tensor logits = Tensor.randn(Seed.of(5), 3, 3).detach().requiresGrad(true);
        GradCheck.check("confusion loss wrt logits", in -> SourceAdversary.confusionLoss(in.get(0), target),
                List.of(logits), 1e-2, 1e-3, 1e-2);
    }

    @Test
    void confusionLossIsLowestWhenTheAnswerIsTheTarget() {
        float[] t = {0.5f, 0.5f, 0f, 0.2f, 0.3f, 0.5f};
        Tensor target = Tensor.of(t, 2, 3);
        float[] atTarget = new float[6];
        for (int i = 0; i < 6; i++) {
            atTarget[i] = (float) Math.log(Math.max(t[i], 1e-9));
        }
        double best = SourceAdversary.confusionLoss(Tensor.of(atTarget, 2, 3), target).item();
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            float[] l = new float[6];
            for (int i = 0; i < 6; i++) {
                l[i] = (float) r.nextGaussian(0, 2);
            }
            assertTrue(SourceAdversary.confusionLoss(Tensor.of(l, 2, 3), target).item() >= best - 1e-5);
        }
        // the minimum is the target's entropy: (ln 2 + (0.2 ln 5 + 0.3 ln(10/3) + 0.5 ln 2)) / 2
        double entropy = (Math.log(2) + 0.2 * Math.log(5) + 0.3 * Math.log(10.0 / 3) + 0.5 * Math.log(2)) / 2;
        assertEquals(entropy, best, 1e-5);
    }

    @Test
    void sourceGivenEmotionNormalisesCountsAndFillsAbsentEmotionsUniformly() {
        double[][] p = SourceAdversary.sourceGivenEmotion(new int[][] {{3, 1, 0}, {0, 0, 0}, {0, 2, 2}});
        assertArrayEquals(new double[] {0.75, 0.25, 0}, p[0], 1e-12);
        assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, p[1], 1e-12);
        assertArrayEquals(new double[] {0, 0.5, 0.5}, p[2], 1e-12);
        float[] rows = SourceAdversary.targetRows(p, new int[] {2, 0}, new float[6]);
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 0.75f, 0.25f, 0}, rows, 0f);
    }

    @ParameterizedTest
    @CsvSource({"iern, conditional", "baseline, conditional", "iern, linear", "baseline, linear"})
    void adversarialStepsTrainTheAdversaryAndLeaveItTrainable(String method, String kind) {
        ModelConfig cfg = Tiny.config(method, "uniform").withAdversary(Adversary.of(kind));
        IernNetwork net = new IernNetwork(cfg, 5);
        assertTrue(net.adversary != null && net.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("src_adv.")));
        float[] before = net.adversary.parameters().getFirst().toArray();
        SplitPriors target = new SplitPriors(new int[][] {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}});
        try (TrainingStep step = TrainingStep.of(net, Tiny.train(5), target)) {
            assertTrue(step.optimizers().containsKey("adv"));
            step.startEpoch(0, Tiny.train(5));
            Tensor x = Tiny.images(6, 9);
            for (int i = 0; i < 3; i++) {
                StepLosses l = step.step(x, Tiny.EMOTIONS, Tiny.CONFOUNDERS);
                assertTrue(Double.isFinite(l.srcDis()) && Double.isFinite(l.adv()) && Double.isFinite(l.cls()),
                        Arrays.toString(l.values()));
                assertEquals(null, l.firstNonFinite(method.equals("baseline"), true));
            }
        }
        assertTrue(net.adversary.parameters().stream().allMatch(Tensor::requiresGrad), "adversary left frozen");
        float[] after = net.adversary.parameters().getFirst().toArray();
        assertTrue(!Arrays.equals(before, after), "the adversary's own step did not change it");
        // without the option there is no adversary and no adversarial loss
        IernNetwork plain = new IernNetwork(Tiny.config(method, "uniform"), 5);
        assertEquals(null, plain.adversary);
        double[] l = TrainingStepTest.run(method, "uniform", 5, 1)[0];
        assertTrue(Double.isNaN(l[8]) && Double.isNaN(l[9]), Arrays.toString(l));
    }

    /**
     * A toy with a planted confounder: 2 x 2 maps whose first channel carries the label and one
     * channel the source (independent of the label, as a balanced design makes it), a 1x1-conv
     * encoder trained to classify. Without the adversary the encoder passes the source on: a fresh
     * probe reads it and it explains a visible share of the features' variance. With it the
     * adversary itself ends at chance on held-out items, the source's share of the variance falls
     * at least fivefold (tenfold in this toy), and the label survives. (A fresh linear probe still reads the toy's source:
     * a linear encoder keeps a tiny weight on the clean source channel, and a standardised probe
     * inverts it; the note on the experiment says what the probe shows on real features.)
     */
    @Test
    void theAdversaryRemovesAPlantedSourceButNotTheLabel() {
        double[] without = toy(0.0, 300);
        double[] with = toy(1.0, 300);
        assertTrue(without[0] > 0.9, "planted source not readable without the adversary: " + Arrays.toString(without));
        assertTrue(without[2] > 0.05, "the source explains no variance without the adversary: " + Arrays.toString(without));
        assertTrue(with[2] < without[2] / 5, "source share of variance " + with[2] + " vs " + without[2]);
        assertTrue(Math.abs(with[3] - 0.5) < 0.1, "the adversary still reads the source: " + Arrays.toString(with));
        assertTrue(with[1] > 0.9, "the label was lost: " + Arrays.toString(with));
    }

    /**
     * Returns {probe accuracy for the source on held-out items, label accuracy of the classifier,
     * share of the pooled features' variance between the sources (mean over features),
     * the adversary's own accuracy on held-out items}.
     */
    static double[] toy(double weight, int steps) {
        int emotions = 2;
        int sources = 2;
        int channels = 16;
        SplittableRandom rng = new SplittableRandom(42);
        Conv2d encoder = new Conv2d(4, channels, 1, 1, 0, true, rng.split());
        EmotionClassifier cls = new EmotionClassifier(channels, emotions, rng.split());
        SourceAdversary adv = new SourceAdversary(channels, emotions, sources, 1, 3, rng.split());
        Adam main = new Adam(0.5f, 0.999f, 1e-8f, 0f);
        main.addGroup("enc", encoder.parameters(), 5e-3);
        main.addGroup("cls", cls.parameters(), 5e-3);
        Adam advAdam = new Adam(0.5f, 0.999f, 1e-8f, 0f);
        advAdam.addGroup("adv", adv.parameters(), 5e-3);
        int n = 64;
        double[][] uniform = {{0.5, 0.5}, {0.5, 0.5}};
        float[] targetRows = new float[n * sources];
        SplittableRandom data = new SplittableRandom(7);
        for (int it = 0; it < steps; it++) {
            Batch b = batch(n, data);
            try (TensorScope s = TensorScope.open()) {
                advAdam.zeroGrad();
                Tensor feat = encoder.forward(b.x);
                Tensor lossAdv = F.crossEntropy(adv.logits(feat.detach(), b.label), b.source);
                lossAdv.backward();
                advAdam.step();
                main.zeroGrad();
                adv.requiresGrad(false);
                Tensor t = Tensor.of(SourceAdversary.targetRows(uniform, b.label, targetRows), n, sources);
                Tensor loss = F.crossEntropy(cls.forward(feat), b.label)
                        .add(SourceAdversary.confusionLoss(adv.logits(feat, b.label), t).mul((float) weight));
                loss.backward();
                adv.requiresGrad(true);
                main.step();
            }
        }
        Batch fit = batch(400, new SplittableRandom(100));
        Batch held = batch(400, new SplittableRandom(200));
        try (var off = Grad.off()) {
            double[][] fx = pooled(encoder.forward(fit.x));
            double[][] hx = pooled(encoder.forward(held.x));
            LeakageProbe.Score probe = LeakageProbe.fitAndScore(fx, fit.source, hx, held.source, sources);
            float[] pred = cls.forward(encoder.forward(held.x)).argmax(1).toArray();
            float[] advPred = adv.logits(encoder.forward(held.x), held.label).argmax(1).toArray();
            int right = 0;
            int advRight = 0;
            for (int i = 0; i < pred.length; i++) {
                right += (int) pred[i] == held.label[i] ? 1 : 0;
                advRight += (int) advPred[i] == held.source[i] ? 1 : 0;
            }
            main.close();
            advAdam.close();
            return new double[] {probe.accuracy(), (double) right / pred.length, betweenShare(hx, held.source),
                (double) advRight / pred.length};
        }
    }

    /** Mean over features of (variance of the per-source means) / (total variance). */
    private static double betweenShare(double[][] x, int[] source) {
        int d = x[0].length;
        double share = 0;
        for (int j = 0; j < d; j++) {
            double[] sum = new double[2];
            int[] count = new int[2];
            double all = 0;
            for (int i = 0; i < x.length; i++) {
                sum[source[i]] += x[i][j];
                count[source[i]]++;
                all += x[i][j];
            }
            double mean = all / x.length;
            double between = 0;
            for (int z = 0; z < 2; z++) {
                double m = sum[z] / count[z];
                between += count[z] * (m - mean) * (m - mean);
            }
            double total = 0;
            for (double[] row : x) {
                total += (row[j] - mean) * (row[j] - mean);
            }
            share += total == 0 ? 0 : between / total;
        }
        return share / d;
    }

    private record Batch(Tensor x, int[] label, int[] source) {}

    private static Batch batch(int n, SplittableRandom r) {
        float[] x = new float[n * 4 * 4];
        int[] y = new int[n];
        int[] z = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            z[i] = r.nextInt(2);
            for (int p = 0; p < 4; p++) {
                x[(i * 4) * 4 + p] = (float) ((y[i] == 1 ? 1 : -1) + r.nextGaussian(0, 0.6));
                x[(i * 4 + 1) * 4 + p] = (float) r.nextGaussian(0, 1);
                x[(i * 4 + 2) * 4 + p] = (float) ((z[i] == 1 ? 2 : -2) + r.nextGaussian(0, 0.3)); // the source
                x[(i * 4 + 3) * 4 + p] = (float) r.nextGaussian(0, 1);
            }
        }
        return new Batch(Tensor.of(x, n, 4, 2, 2), y, z);
    }

    private static double[][] pooled(Tensor f) {
        int n = f.dim(0);
        float[] p = f.mean(new int[] {2, 3}, false).toArray();
        int c = p.length / n;
        double[][] rows = new double[n][c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                rows[i][j] = p[i * c + j];
            }
        }
        return rows;
    }

    @Test
    void centresStartAtTheirSourcesMeanOnceAndAreKeptInCheckpointState() {
        ConfounderMemory memory = new ConfounderMemory(3, 2, 1, 4);
        Tensor c = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2, 1, 1);
        memory.startAt(c, new int[] {0, 0, 2, 2});
        // source 1 is absent from the batch: the batch mean
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7}, memory.centers.toArray(), 1e-6f);
        assertEquals(1f, memory.started.item());
        memory.startAt(Tensor.zeros(4, 2, 1, 1), new int[] {0, 1, 2, 0});
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7}, memory.centers.toArray(), 1e-6f, "moved twice");
        assertTrue(memory.stateDict().containsKey("started"));
        ConfounderMemory fresh = new ConfounderMemory(3, 2, 1, 9);
        fresh.copyStateFrom(memory);
        fresh.startAt(Tensor.zeros(4, 2, 1, 1), new int[] {0, 1, 2, 0});
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7}, fresh.centers.toArray(), 1e-6f, "a resumed memory restarted");
    }

    @Test
    void centreWeightKeepsThePapersBalance() {
        assertEquals(5e-4, TrainConfig.centerWeightFor(512 * 7 * 7), 1e-15);
        assertEquals(5e-4 * 25088 / 256, TrainConfig.centerWeightFor(64 * 2 * 2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.centerWeightFor(0));
    }
}
