package iern.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.Grad;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import java.util.Map;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TrainingStepTest {

    /** Losses of {@code steps} iterations on one fixed batch, every loss of every step. */
    static double[][] run(String method, String intervention, long seed, int steps) {
        IernNetwork net = new IernNetwork(Tiny.config(method, intervention), seed);
        try (TrainingStep step = TrainingStep.of(net, Tiny.train(seed))) {
            step.startEpoch(0, Tiny.train(seed));
            Tensor x = Tiny.images(6, 100);
            double[][] out = new double[steps][];
            for (int i = 0; i < steps; i++) {
                out[i] = step.step(x, Tiny.EMOTIONS, Tiny.CONFOUNDERS).values();
            }
            return out;
        }
    }

    @ParameterizedTest
    @CsvSource({"iern, uniform", "iern, prior", "iern, attention", "baseline, uniform"})
    void classificationLossFallsOnAFixedBatch(String method, String intervention) {
        double[][] losses = run(method, intervention, 3, 12);
        int cls = 7;
        double first = losses[0][cls];
        double last = losses[losses.length - 1][cls];
        // 12 Adam steps on 6 noise images: the loss must clearly fall, not reach zero.
        assertTrue(last < 0.93 * first, method + "/" + intervention + ": cls loss " + first + " -> " + last
                + " over " + Arrays.deepToString(losses));
        if (method.equals("iern")) {
            // The discriminators also learn the fixed batch (their loss is not adversarial).
            assertTrue(losses[losses.length - 1][0] < losses[0][0], "dis loss did not fall: " + Arrays.deepToString(losses));
            for (double[] l : losses) {
                for (int j = 0; j < l.length; j++) {
                    // src_dis and adv are NaN by design without an adversary
                    boolean adversarial = StepLosses.NAMES[j].equals("src_dis") || StepLosses.NAMES[j].equals("adv");
                    assertTrue(adversarial ? Double.isNaN(l[j]) : Double.isFinite(l[j]), Arrays.toString(l));
                }
            }
        }
    }

    @Test
    void sameSeedGivesBitIdenticalLosses() {
        double[][] a = run("iern", "uniform", 11, 3);
        double[][] b = run("iern", "uniform", 11, 3);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                assertEquals(Double.doubleToRawLongBits(a[i][j]), Double.doubleToRawLongBits(b[i][j]),
                        "step " + i + " loss " + StepLosses.NAMES[j] + ": " + a[i][j] + " vs " + b[i][j]);
            }
        }
        double[][] other = run("iern", "uniform", 12, 1);
        assertNotEquals(a[0][7], other[0][7], "a different seed should give different weights");
    }

    @Test
    void centreGradientIsRescaledByOneOverLambda() {
        // lambda only shapes c: Adam must see d(CenterLoss)/d(centre) = 2 sum_{i in k} (centre_k - c_i) / n,
        // without the lambda factor. Its first moment after one step is (1 - beta1) times that.
        IernNetwork net = new IernNetwork(Tiny.config("iern", "uniform"), 4);
        // keep the randn centres (as if placed already): started at the batch means their gradient would be 0
        net.memory.started.write(new float[] {1f});
        TrainConfig tc = Tiny.train(4);
        Tensor x = Tiny.images(6, 1);
        float[] centres = net.memory.centers.toArray();
        float[] c;
        try (var s = TensorScope.open(); var g = Grad.off()) {
            net.train();
            // Same weights and batch as the step's own pass (batch statistics), so the same c.
            c = net.conGen.forward(net.base.forward(x)).toArray();
        }
        Map<String, FloatArray> state;
        try (TrainingStep step = TrainingStep.of(net, tc)) {
            step.startEpoch(0, tc);
            step.step(x, Tiny.EMOTIONS, Tiny.CONFOUNDERS);
            state = step.optimizers().get("feat").stateToHost();
        }
        float[] m = state.get("centers.0.exp_avg").data();
        int n = 6;
        int d = centres.length / 3;
        int checked = 0;
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < d; j++) {
                double grad = 0;
                for (int i = 0; i < n; i++) {
                    if (Tiny.CONFOUNDERS[i] == k) {
                        grad += 2.0 * (centres[k * d + j] - c[i * d + j]) / n;
                    }
                }
                double expected = (1 - tc.beta1()) * grad;
                assertEquals(expected, m[k * d + j], 1e-4 + 1e-3 * Math.abs(expected), "centre " + k + " element " + j);
                checked++;
            }
        }
        assertEquals(3 * d, checked);
    }

    @Test
    void baselineHasOnlyTheClassificationLoss() {
        double[][] l = run("baseline", "uniform", 1, 1);
        assertTrue(Double.isNaN(l[0][0]) && Double.isFinite(l[0][7]), Arrays.toString(l[0]));
    }
}
