package iern.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.Seed;
import iern.engine.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModuleTest {

    /** conv (no bias) - bn with an identity skip: the shape of IERN's residual blocks. */
    static final class Block extends Module {
        final Conv2d conv;
        final BatchNorm2d bn;

        Block(int c, SplittableRandom rng) {
            conv = registerModule("conv", new Conv2d(c, c, 3, 1, 1, false, rng));
            bn = registerModule("bn", new BatchNorm2d(c));
        }

        @Override
        public Tensor forward(Tensor x) {
            return bn.forward(conv.forward(x)).add(x);
        }
    }

    private static Sequential net(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Conv2d(3, 4, 3, 1, 1, true, rng), new Block(4, rng), new ReLU(),
                new AdaptiveAvgPool2d(1, 1), new Flatten(), new Linear(4, 2, true, rng));
    }

    @Test
    void namesAreDottedPathsInPyTorchOrder() {
        Sequential n = net(1);
        assertEquals(List.of("0.weight", "0.bias", "1.conv.weight", "1.bn.weight", "1.bn.bias",
                "1.bn.running_mean", "1.bn.running_var", "5.weight", "5.bias"), List.copyOf(n.stateDict().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.conv.weight", "1.bn.weight", "1.bn.bias", "5.weight", "5.bias"),
                List.copyOf(n.namedParameters().keySet()));
        assertEquals(List.of("1.bn.running_mean", "1.bn.running_var"), List.copyOf(n.namedBuffers().keySet()));
        assertEquals(List.of("", "0", "1", "1.conv", "1.bn", "2", "3", "4", "5"), List.copyOf(n.namedModules().keySet()));
        assertEquals(4 * 3 * 9 + 4 + 4 * 4 * 9 + 4 + 4 + 2 * 4 + 2, n.parameterCount());
        for (Tensor p : n.parameters()) {
            assertTrue(p.requiresGrad());
        }
        assertFalse(n.namedBuffers().get("1.bn.running_mean").requiresGrad());
    }

    @Test
    void forwardRunsAndModeReachesEveryDescendant() {
        Sequential n = net(2);
        Tensor y = n.forward(Tensor.randn(Seed.of(5), 2, 3, 7, 13));
        assertArrayEquals(new int[] {2, 2}, y.shape());
        n.eval();
        for (Module m : n.namedModules().values()) {
            assertFalse(m.isTraining());
        }
        n.train();
        for (Module m : n.namedModules().values()) {
            assertTrue(m.isTraining());
        }
    }

    @Test
    void sharedParameterIsTrainedOnceButSavedUnderBothNames() {
        final class Tied extends Module {
            Tied(Linear l) {
                registerModule("a", l);
                registerModule("b", l);
            }
        }
        Linear l = new Linear(3, 3, false, new SplittableRandom(0));
        Tied t = new Tied(l);
        assertEquals(1, t.parameters().size());
        assertEquals(List.of("a.weight", "b.weight"), List.copyOf(t.stateDict().keySet()));
    }

    @Test
    void registrationRejectsBadNames() {
        final class Bad extends Module {
            void add(String name) {
                registerBuffer(name, Tensor.zeros(1));
            }
        }
        Bad b = new Bad();
        b.add("x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.add("x")).getMessage().contains("already used"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.add("a.b")).getMessage().contains("no dots"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.add("")).getMessage().contains("invalid name"));
    }

    @Test
    void stateRoundTripsBetweenModules() {
        Sequential a = net(3);
        Sequential b = net(4);
        assertFalse(java.util.Arrays.equals(a.stateDict().get("0.weight").toArray(), b.stateDict().get("0.weight").toArray()));
        Tensor keptReference = b.stateDict().get("1.conv.weight");
        b.copyStateFrom(a);
        for (String k : a.stateDict().keySet()) {
            assertArrayEquals(a.stateDict().get(k).toArray(), b.stateDict().get(k).toArray(), k);
        }
        assertSame(keptReference, b.stateDict().get("1.conv.weight"), "load copies in place");
    }

    @Test
    void strictLoadNamesEveryProblemAndChangesNothing() {
        Sequential n = net(5);
        Map<String, FloatArray> state = new LinkedHashMap<>(n.stateToHost());
        float[] before = n.stateDict().get("5.weight").toArray();
        Map<String, FloatArray> changed = new LinkedHashMap<>();
        for (var e : state.entrySet()) {
            float[] v = e.getValue().data().clone();
            java.util.Arrays.fill(v, 7f);
            changed.put(e.getKey(), new FloatArray(e.getValue().shape(), v));
        }
        changed.remove("1.bn.running_var");
        changed.put("9.extra", FloatArray.of(1f));
        changed.put("0.bias", FloatArray.of(1f, 2f));
        var e = assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(changed, true));
        String msg = e.getMessage();
        assertTrue(msg.contains("missing [1.bn.running_var]"), msg);
        assertTrue(msg.contains("unexpected [9.extra]"), msg);
        assertTrue(msg.contains("0.bias (expected [4], got [2])"), msg);
        assertArrayEquals(before, n.stateDict().get("5.weight").toArray(), "a failed load must change nothing");

        // Non-strict: missing and unexpected are reported, a shape mismatch still fails.
        assertThrows(IllegalArgumentException.class, () -> n.loadStateDict(changed, false));
        changed.put("0.bias", FloatArray.of(1f, 2f, 3f, 4f));
        Module.LoadReport r = n.loadStateDict(changed, false);
        assertEquals(List.of("1.bn.running_var"), r.missing());
        assertEquals(List.of("9.extra"), r.unexpected());
        assertFalse(r.clean());
        assertArrayEquals(new float[] {7f, 7f, 7f, 7f}, n.stateDict().get("1.bn.running_mean").toArray());
    }

    @Test
    void zeroGradClearsEveryParameterGradient() {
        Sequential n = net(6);
        n.forward(Tensor.randn(Seed.of(1), 3, 3, 5, 5)).sum().backward();
        assertTrue(n.parameters().stream().allMatch(p -> p.grad() != null));
        n.zeroGrad();
        assertTrue(n.parameters().stream().allMatch(p -> p.grad() == null));
    }

    @Test
    void describesItself() {
        String s = net(7).toString();
        assertTrue(s.contains("(1): Block"), s);
        assertTrue(s.contains("(conv): Conv2d(4, 4, kernel=3x3, stride=1x1, padding=1x1, bias=false)"), s);
        assertTrue(s.contains("(5): Linear(4, 2)"), s);
    }

    @Test
    void requiresGradReachesEveryDescendantAndASharedParameterOnce() {
        var rng = new java.util.SplittableRandom(9);
        Linear shared = new Linear(3, 3, true, rng);
        var n = new Sequential(shared, new Sequential(new Tanh(), shared), new Linear(3, 2, false, rng));
        n.requiresGrad(false);
        for (Tensor p : n.parameters()) {
            assertFalse(p.requiresGrad());
        }
        n.requiresGrad(true);
        for (Tensor p : n.parameters()) {
            assertTrue(p.requiresGrad());
        }
        n.forward(Tensor.ones(1, 3)).sum().backward();
        n.zeroGrad();
        for (Tensor p : n.parameters()) {
            assertNull(p.grad());
        }
    }
}
