package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/** Deterministic release of tensors and reuse of their memory. */
class TensorScopeTest {

    @Test
    void scopeClosesWhatItCreatedButNotKeptOrOuterTensors() {
        Tensor outside = Tensor.ones(3);
        Tensor kept;
        Tensor temp;
        try (var s = TensorScope.open()) {
            temp = outside.mul(2f);
            kept = s.keep(temp.add(1f));
            assertEquals(1, s.size());
        }
        assertTrue(temp.isClosed());
        assertFalse(kept.isClosed());
        assertFalse(outside.isClosed());
        assertArrayEquals(new float[] {3, 3, 3}, kept.toArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, temp::toArray);
        assertTrue(e.getMessage().contains("after close"), e.getMessage());
    }

    @Test
    void keepMovesToTheEnclosingScope() {
        Tensor inner;
        try (var outer = TensorScope.open()) {
            try (var s = TensorScope.open()) {
                inner = s.keep(Tensor.ones(2));
            }
            assertFalse(inner.isClosed());
        }
        assertTrue(inner.isClosed());
    }

    @Test
    void escapedTensorsOutliveEveryScope() {
        Tensor state;
        try (var outer = TensorScope.open(); var inner = TensorScope.open()) {
            state = TensorScope.escape(Tensor.zeros(4));
        }
        assertFalse(state.isClosed());
        assertArrayEquals(new float[4], state.toArray());
    }

    @Test
    void viewsKeepStorageAliveUntilTheLastIsClosed() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4});
        Tensor v = a.reshape(2, 2);
        a.close();
        assertArrayEquals(new float[] {1, 2, 3, 4}, v.toArray());
        v.close();
        v.close();      // idempotent
    }

    @Test
    void leafGradientsSurviveTheScopeAndATrainingStepReusesMemory() {
        CpuBackend cpu = new CpuBackend();
        Tensor w = Tensor.rand(cpu, Seed.of(1), 16, 8).requiresGrad(true);
        Tensor x = Tensor.rand(cpu, Seed.of(2), 4, 16);
        long pooledAfterFirst = -1;
        for (int step = 0; step < 3; step++) {
            try (var s = TensorScope.open()) {
                Tensor loss = x.matmul(w).relu().square().mean();
                loss.backward();
            }
            assertFalse(w.grad().isClosed());
            if (step == 0) {
                pooledAfterFirst = cpu.pooledFloats();
                assertTrue(pooledAfterFirst > 0, "intermediates went back to the pool");
            } else {
                assertEquals(pooledAfterFirst, cpu.pooledFloats(), "a warm step takes and returns the same buffers");
            }
            w.zeroGrad();
        }
        cpu.close();
    }

    @Test
    void scopesMustCloseInOrder() {
        var outer = TensorScope.open();
        var inner = TensorScope.open();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        inner.close();
        outer.close();
    }

    @Test
    void aScopeReusingAClosedScopesListOwnsOnlyItsOwnTensors() {
        Tensor first;
        try (var s = TensorScope.open()) {
            first = Tensor.ones(3);
            Tensor.zeros(2);
            assertEquals(2, s.size());
        }
        Tensor second;
        try (var s = TensorScope.open()) {        // takes the list the first scope emptied
            assertEquals(0, s.size());
            second = Tensor.ones(4);
            assertEquals(1, s.size());
            first.close();                         // already closed: must not touch the new scope
            assertFalse(second.isClosed());
        }
        assertTrue(second.isClosed());
    }

    @Test
    void aClosedScopeReportsNothingAfterItsListIsReused() {
        var closed = TensorScope.open();
        Tensor.ones(2);
        closed.close();
        try (var s = TensorScope.open()) {
            Tensor.ones(3);
            assertEquals(0, closed.size());
            assertEquals(1, s.size());
        }
    }

    @Test
    void aViewSharesTheCountOnlyOnceMade() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4});
        Tensor v = a.reshape(4);
        Tensor w = v.reshape(2, 2);              // a view of a view: the same count
        assertFalse(a.exclusiveStorage());
        v.close();
        a.close();
        assertTrue(w.exclusiveStorage());
        assertArrayEquals(new float[] {1, 2, 3, 4}, w.toArray());
        w.close();
        Tensor b = Tensor.ones(2);
        assertTrue(b.exclusiveStorage());
        b.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, b::detach);
        assertTrue(e.getMessage().contains("after close"), e.getMessage());
    }

    @Test
    void aClosedScopeOpensAgainOnlyUnderItsOwnParent() {
        try (var outer = TensorScope.open()) {
            TensorScope rule = TensorScope.open();
            Tensor first = Tensor.ones(2);
            rule.close();
            assertTrue(first.isClosed());
            assertSame(rule, TensorScope.openAgain(rule));   // its parent is the innermost scope again
            assertEquals(0, rule.size());
            Tensor second = Tensor.ones(3);
            assertEquals(1, rule.size());
            assertEquals(0, outer.size());
            rule.close();
            assertTrue(second.isClosed());
            try (var other = TensorScope.open()) {
                TensorScope fresh = TensorScope.openAgain(rule);   // another parent now: a new scope
                assertNotSame(rule, fresh);
                fresh.close();
            }
        }
        TensorScope open = TensorScope.open();
        TensorScope again = TensorScope.openAgain(open);           // not closed: a new scope
        assertNotSame(open, again);
        again.close();
        open.close();
    }
}
