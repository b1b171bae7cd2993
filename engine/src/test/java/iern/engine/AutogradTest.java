package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The mechanics of the graph: accumulation, retained and freed graphs, no-grad, detach, depth. */
class AutogradTest {

    @Test
    void gradientsAccumulateAcrossBackwardCallsAndZeroGradClears() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        x.mul(x).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toArray());
        x.mul(3f).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toArray());
        x.zeroGrad();
        assertNull(x.grad());
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = Tensor.of(new float[] {2}).requiresGrad(true);
        Tensor y = x.add(x);             // d/dx = 2, both inputs the same tensor
        Tensor z = y.mul(x);             // 2x^2 -> 4x
        z.sum().backward();
        assertEquals(8f, x.grad().item());
    }

    @Test
    void leafGradientsDoNotShareStorage() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4}).requiresGrad(true);
        a.add(b).sum().backward();
        a.grad().mulInPlace(10f);
        assertArrayEquals(new float[] {1, 1}, b.grad().toArray());
    }

    @Test
    void secondBackwardThroughFreedGraphIsAnError() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
        assertTrue(e.getMessage().contains("backward(true)"), e.getMessage());
    }

    @Test
    void retainedGraphCanBeWalkedAgain() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor loss = x.square().sum();
        loss.backward(true);
        loss.backward();
        assertArrayEquals(new float[] {4, 8}, x.grad().toArray());
    }

    @Test
    void noGradScopeRecordsNothingAndNests() {
        Tensor x = Tensor.of(new float[] {1}).requiresGrad(true);
        try (var g = Grad.off()) {
            Tensor y = x.mul(2f);
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
            try (var on = Grad.on()) {
                assertTrue(x.mul(2f).requiresGrad());
            }
            assertFalse(Grad.enabled());
        }
        assertTrue(Grad.enabled());
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.of(new float[] {3}).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertFalse(d.requiresGrad());
        Tensor y = x.mul(d);             // d is a constant 6
        y.sum().backward();
        assertEquals(6f, x.grad().item());
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.of(new float[] {1}).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.mul(1.0001f).add(0f);
        }
        y.sum().backward();
        assertEquals(Math.pow(1.0001, 20_000), x.grad().item(), 1e-2);
    }

    @Test
    void explicitOutputGradient() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor y = x.mul(2f);
        y.backward(Tensor.of(new float[] {1, 10, 100}), false);
        assertArrayEquals(new float[] {2, 20, 200}, x.grad().toArray());
    }

    @Test
    void backwardErrorsAreClear() {
        Tensor x = Tensor.of(new float[] {1, 2});
        IllegalStateException e1 = assertThrows(IllegalStateException.class, () -> x.sum().backward());
        assertTrue(e1.getMessage().contains("does not require grad"), e1.getMessage());
        Tensor y = x.detach().requiresGrad(true).mul(2f);
        IllegalStateException e2 = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e2.getMessage().contains("not a single value"), e2.getMessage());
    }

    @Test
    void gradFnNamesTheOp() {
        Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        assertEquals("matmul", x.reshape(1, 2).matmul(x.reshape(2, 1)).gradFn());
        assertNull(x.gradFn());
        assertTrue(x.isLeaf());
    }

    /**
     * Each op checks for a gradient before it builds its rule (no rule or input array is made under
     * Grad.off): it records exactly when recording is on and some input, whichever, requires one.
     */
    @Test
    void eachOpRecordsExactlyWhenAnInputNeedsAGradient() {
        java.util.List<java.util.function.BiFunction<Tensor, Tensor, Tensor>> ops = java.util.List.of(
                (a, b) -> a.relu(), (a, b) -> a.mul(b), (a, b) -> b.sub(a), (a, b) -> a.reshape(1, 2, 2, 4),
                (a, b) -> a.permute(3, 2, 1, 0), (a, b) -> a.expand(3, 1, 4, 4), (a, b) -> a.slice(2, 1, 3),
                (a, b) -> a.sum(), (a, b) -> a.mean(3, false), (a, b) -> a.softmax(3),
                (a, b) -> a.reshape(4, 4).matmul(b.reshape(4, 4)),
                (a, b) -> b.reshape(4, 4).matmul(a.reshape(4, 4)),
                (a, b) -> iern.engine.ops.Convolution.conv2d(a, b.reshape(4, 1, 2, 2), null, 1, 0),
                (a, b) -> iern.engine.ops.Convolution.conv2d(b, a.reshape(4, 1, 2, 2), null, 1, 0),
                (a, b) -> iern.engine.ops.Pooling.avgPool2d(a, 2, 2, 0),
                (a, b) -> iern.engine.ops.Pooling.adaptiveAvgPool2d(a, 1, 1),
                (a, b) -> iern.engine.ops.Intervention.shared(a.reshape(16), b.reshape(16, 1)),
                (a, b) -> iern.engine.ops.Intervention.shared(b.reshape(16), a.reshape(16, 1)));
        for (int i = 0; i < ops.size(); i++) {
            var op = ops.get(i);
            for (boolean on : new boolean[] {true, false}) {
                for (int which = 0; which < 3; which++) {
                    Tensor a = Tensor.randn(Seed.of(1), 1, 1, 4, 4).requiresGrad(which == 1);
                    Tensor b = Tensor.randn(Seed.of(2), 1, 1, 4, 4).requiresGrad(which == 2);
                    Tensor y;
                    try (var g = on ? Grad.on() : Grad.off()) {
                        y = op.apply(a, b);
                    }
                    boolean usesB = i == 1 || i == 2 || i == 10 || i == 11 || i == 12 || i == 13 || i >= 16;
                    boolean expected = on && (which == 1 || which == 2 && usesB);
                    assertEquals(expected, y.requiresGrad(), "op " + i + " grad " + on + " input " + which);
                    assertEquals(expected, !y.isLeaf(), "op " + i + " grad " + on + " input " + which);
                }
            }
        }
    }

    @Test
    void onlyInputsThatNeedGradientsGetThem() {
        Tensor a = Tensor.of(new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4});
        a.mul(b).sum().backward();
        assertArrayEquals(new float[] {3, 4}, a.grad().toArray());
        assertNull(b.grad());
    }

    @Test
    void backwardPassesOneAfterAnotherAndNestedInARuleEachSeeTheirOwnGraph() {
        // The sort's bookkeeping is reused per thread: a second pass must not see the first's.
        Tensor a = Tensor.of(new float[] {2f}).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3f}).requiresGrad(true);
        a.mul(a).sum().backward();                     // d/da a^2 = 4
        b.mul(a.detach()).mul(b).sum().backward();      // d/db 2 b^2 = 12
        assertEquals(4f, a.grad().item());
        assertEquals(12f, b.grad().item());
        Tensor c = Tensor.of(new float[] {5f}).requiresGrad(true);
        Tensor inner = Tensor.of(new float[] {7f}).requiresGrad(true);
        Tensor out = KernelOp.record("nested", c.mul(1f).detach(), g -> {
            try (var on = Grad.on()) {
                inner.mul(inner).sum().backward();      // a backward pass inside a rule: d/dinner = 14
            }
            return new Tensor[] {g.mul(3f)};
        }, c);
        out.sum().backward();
        assertEquals(3f, c.grad().item());
        assertEquals(14f, inner.grad().item());
    }
}
