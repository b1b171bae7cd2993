package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The profiler's hook: every run is seen with its op, parameters and a positive duration, until removed. */
class KernelOpObserverTest {

    private static final KernelOp<Integer> DOUBLE = new KernelOp<>("double", 1, "in", "out") {
        @Override
        protected void check(Integer n, Storage[] io) {
            if (n < 0) {
                throw new IllegalArgumentException("double n: negative");
            }
        }

        @Override
        protected long extent(Integer n, int arg) {
            return n;
        }

        @Override
        protected void cpu(Integer n, float[][] io) {
            for (int i = 0; i < n; i++) {
                io[1][i] = 2f * io[0][i];
            }
        }
    };

    private record Seen(KernelOp<?> op, Object params, long nanos) {}

    @AfterEach
    void removeObserver() {
        KernelOp.observe(null);
    }

    @Test
    void seesEveryRunUntilRemoved() {
        Tensor in = Tensor.of(new float[] {1, 2, 3});
        Tensor out = Tensor.zeros(3);
        List<Seen> seen = new ArrayList<>();
        KernelOp.observe((op, params, nanos) -> seen.add(new Seen(op, params, nanos)));
        DOUBLE.run(in.backend(), 3, in.storage(), out.storage());
        DOUBLE.run(in.backend(), 2, in.storage(), out.storage());
        assertArrayEquals(new float[] {2, 4, 6}, out.toArray());
        assertEquals(2, seen.size());
        assertSame(DOUBLE, seen.get(0).op());
        assertEquals(3, seen.get(0).params());
        assertEquals(2, seen.get(1).params());
        assertTrue(seen.get(0).nanos() > 0 && seen.get(1).nanos() > 0, seen.toString());

        KernelOp.observe(null);
        DOUBLE.run(in.backend(), 3, in.storage(), out.storage());
        assertEquals(2, seen.size());
    }

    @Test
    void aRefusedRunIsNotReported() {
        Tensor in = Tensor.of(new float[] {1});
        List<Seen> seen = new ArrayList<>();
        KernelOp.observe((op, params, nanos) -> seen.add(new Seen(op, params, nanos)));
        assertThrows(IllegalArgumentException.class, () -> DOUBLE.run(in.backend(), -1, in.storage(), in.storage()));
        assertEquals(0, seen.size());
    }
}
