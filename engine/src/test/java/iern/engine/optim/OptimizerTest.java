package iern.engine.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.Tensor;
import iern.engine.testing.Close;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerTest {

    private static final float[] P0 = {0.5f, -1.25f, 2f, 0f, -0.03f, 7f, 1e-3f};

    /** Three different gradients, one per step. */
    private static float[] gradAt(int step) {
        float[] g = new float[P0.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) Math.sin(1.7 * i + 0.9 * step) * (i + 1) * 0.3f;
        }
        return g;
    }

    private static Tensor param(float[] values) {
        return Tensor.of(values.clone(), values.length).requiresGrad(true);
    }

    private static void setGrad(Tensor p, float[] g) {
        p.zeroGrad();
        // d sum(p * g) / dp = g: the autograd path a real loss takes.
        p.mul(Tensor.of(g, g.length)).sum().backward();
    }

    /** PyTorch's Adam written out in double: L2 decay into the gradient, bias-corrected moments. */
    @Test
    void adamMatchesAHandComputedUpdate() {
        double lr = 0.01, b1 = 0.5, b2 = 0.999, eps = 1e-8, wd = 1e-2, scale = 3.0;
        Tensor p = param(P0);
        Adam adam = new Adam(List.of(p), lr, (float) b1, (float) b2, (float) eps, (float) wd);
        adam.group("default").setGradScale((float) scale);
        double[] x = new double[P0.length], m = new double[P0.length], v = new double[P0.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = P0[i];
        }
        for (int t = 1; t <= 3; t++) {
            float[] g = gradAt(t);
            setGrad(p, g);
            adam.step();
            for (int i = 0; i < x.length; i++) {
                double gi = scale * g[i] + wd * x[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                x[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            Close.assertClose("adam step " + t, x, p.toArray(), 1e-6, 1e-5);
        }
        assertEquals(3, adam.stepCount(p));
        adam.close();
    }

    /** PyTorch's SGD: buf = mu buf + g (buf = g at first), Nesterov uses g + mu buf. */
    @Test
    void sgdWithMomentumAndNesterovMatchesAHandComputedUpdate() {
        for (boolean nesterov : new boolean[] {false, true}) {
            double lr = 0.1, mu = 0.9, wd = 1e-3;
            Tensor p = param(P0);
            Sgd sgd = new Sgd(List.of(p), lr, (float) mu, (float) wd, nesterov);
            double[] x = new double[P0.length], buf = new double[P0.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = P0[i];
            }
            for (int t = 1; t <= 3; t++) {
                float[] g = gradAt(t);
                setGrad(p, g);
                sgd.step();
                for (int i = 0; i < x.length; i++) {
                    double gi = g[i] + wd * x[i];
                    buf[i] = t == 1 ? gi : mu * buf[i] + gi;
                    x[i] -= lr * (nesterov ? gi + mu * buf[i] : buf[i]);
                }
                Close.assertClose("sgd nesterov=" + nesterov + " step " + t, x, p.toArray(), 1e-6, 1e-5);
            }
            sgd.close();
        }
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0f, 0f, true));
    }

    @Test
    void groupsHaveTheirOwnRatesAndAFrozenGroupIsUntouched() {
        Tensor a = param(P0);
        Tensor b = param(P0);
        Tensor frozen = param(P0);
        Tensor noGrad = param(P0);
        Sgd sgd = new Sgd(0f, 0f, false);
        sgd.addGroup("a", List.of(a), 0.1);
        sgd.addGroup("b", List.of(b, noGrad), 0.2);
        sgd.addGroup("frozen", List.of(frozen), 0.0);
        float[] g = gradAt(1);
        setGrad(a, g);
        setGrad(b, g);
        setGrad(frozen, g);
        sgd.step();
        float[] ea = new float[P0.length], eb = new float[P0.length];
        for (int i = 0; i < P0.length; i++) {
            ea[i] = P0[i] - 0.1f * g[i];
            eb[i] = P0[i] - 0.2f * g[i];
        }
        Close.assertClose("group a", ea, a.toArray(), 1e-7, 1e-6);
        Close.assertClose("group b", eb, b.toArray(), 1e-7, 1e-6);
        assertArrayEquals(P0, frozen.toArray(), "lr 0 group must not move");
        assertArrayEquals(P0, noGrad.toArray(), "a parameter without gradient must not move");
        assertEquals(0, sgd.stepCount(frozen));
        assertEquals(0, sgd.stepCount(noGrad));
        sgd.zeroGrad();
        assertTrue(a.grad() == null && b.grad() == null && frozen.grad() == null);

        var dup = assertThrows(IllegalArgumentException.class, () -> sgd.addGroup("again", List.of(a), 0.1));
        assertTrue(dup.getMessage().contains("already in group 'a'"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sgd.addGroup("a", List.of(), 0.1));
        assertThrows(IllegalArgumentException.class, () -> sgd.group("a").setLr(-1));
        var missing = assertThrows(IllegalArgumentException.class, () -> sgd.group("nope"));
        assertTrue(missing.getMessage().contains("[a, b, frozen]"), missing.getMessage());
        sgd.close();
    }

    /** IERN's centres: the loss coefficient 5e-4 is undone on their gradient only. */
    @Test
    void perParameterGradScaleOverridesTheGroup() {
        Tensor weights = param(P0);
        Tensor centers = param(P0);
        Sgd sgd = new Sgd(List.of(weights, centers), 0.1, 0f, 0f, false);
        sgd.setGradScale(centers, 1f / 5e-4f);
        float[] g = gradAt(2);
        for (int i = 0; i < g.length; i++) {
            g[i] *= 5e-4f;
        }
        setGrad(weights, g);
        setGrad(centers, g);
        sgd.step();
        float[] ew = new float[P0.length], ec = new float[P0.length];
        for (int i = 0; i < P0.length; i++) {
            ew[i] = P0[i] - 0.1f * g[i];
            ec[i] = P0[i] - 0.1f * g[i] / 5e-4f;
        }
        Close.assertClose("unscaled", ew, weights.toArray(), 1e-7, 1e-6);
        Close.assertClose("scaled centres", ec, centers.toArray(), 1e-6, 1e-5);
        assertThrows(IllegalArgumentException.class, () -> sgd.setGradScale(Tensor.zeros(1), 2f));
        sgd.close();
    }

    /** Save after two steps, restore into a fresh optimiser, and the third step is identical. */
    @Test
    void stateSaveAndLoadResumesExactly() {
        Tensor p1 = param(P0);
        Adam first = new Adam(List.of(p1), 0.01, 0.5f, 0.999f, 1e-8f, 0f);
        for (int t = 1; t <= 2; t++) {
            setGrad(p1, gradAt(t));
            first.step();
        }
        Map<String, FloatArray> saved = first.stateToHost();
        assertEquals(List.of("default.lr", "default.0.step", "default.0.exp_avg", "default.0.exp_avg_sq"),
                List.copyOf(saved.keySet()));

        Tensor p2 = param(p1.toArray());
        Adam resumed = new Adam(List.of(p2), 0.5, 0.5f, 0.999f, 1e-8f, 0f);
        resumed.loadState(saved);
        assertEquals(0.01, resumed.group("default").lr(), 1e-9);
        assertEquals(2, resumed.stepCount(p2));
        setGrad(p1, gradAt(3));
        setGrad(p2, gradAt(3));
        first.step();
        resumed.step();
        assertArrayEquals(p1.toArray(), p2.toArray());
        first.close();
        resumed.close();
    }

    @Test
    void malformedStateIsRejectedBeforeAnythingChanges() {
        Tensor p = param(P0);
        Adam adam = new Adam(List.of(p), 0.01, 0.9f, 0.999f, 1e-8f, 0f);
        setGrad(p, gradAt(1));
        adam.step();
        Map<String, FloatArray> good = adam.stateToHost();

        Map<String, FloatArray> bad = new LinkedHashMap<>(good);
        bad.remove("default.0.exp_avg_sq");
        bad.put("default.0.exp_avg", FloatArray.of(1f, 2f));
        bad.put("default.0.step", FloatArray.of(1.5f));
        bad.put("other.lr", FloatArray.of(1f));
        var e = assertThrows(IllegalArgumentException.class, () -> adam.loadState(bad));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing default.0.exp_avg_sq"), msg);
        assertTrue(msg.contains("default.0.exp_avg has shape [2], parameter has [7]"), msg);
        assertTrue(msg.contains("default.0.step is not a positive integer"), msg);
        assertTrue(msg.contains("unexpected other.lr"), msg);
        assertEquals(good.get("default.0.exp_avg"), adam.stateToHost().get("default.0.exp_avg"));
        adam.close();
        assertThrows(IllegalStateException.class, adam::step);
    }

    @Test
    void scheduleScalesEveryGroupFromItsBaseRate() {
        Sgd sgd = new Sgd(0f, 0f, false);
        sgd.addGroup("base", List.of(Tensor.zeros(1)), 1e-4);
        sgd.addGroup("head", List.of(Tensor.zeros(1)), 2e-4);
        LrSchedule s = LinearWarmupDecay.iernDefault();
        sgd.applySchedule(s, 0);
        assertEquals(0.2e-4, sgd.group("base").lr(), 1e-15);
        assertEquals(0.4e-4, sgd.group("head").lr(), 1e-15);
        sgd.applySchedule(s, 10);
        assertEquals(2e-4, sgd.group("head").lr(), 1e-15);
        assertEquals(2e-4, sgd.group("head").baseLr(), 0);
        sgd.close();
    }

    /** State is allocated on the first step, usually inside a step's scope; it must outlive it. */
    @Test
    void stateCreatedInsideATensorScopeSurvivesIt() {
        Tensor p = param(P0);
        Tensor q = param(P0);
        Adam inScope = new Adam(List.of(p), 0.01, 0.5f, 0.999f, 1e-8f, 0f);
        Adam plain = new Adam(List.of(q), 0.01, 0.5f, 0.999f, 1e-8f, 0f);
        for (int t = 1; t <= 3; t++) {
            try (var scope = iern.engine.TensorScope.open()) {
                setGrad(p, gradAt(t));
                inScope.step();
            }
            setGrad(q, gradAt(t));
            plain.step();
        }
        assertArrayEquals(q.toArray(), p.toArray());
        inScope.close();
        plain.close();
    }
}
