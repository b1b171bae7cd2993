package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** The host-array tables lent to CPU kernels: one per call, even when a kernel runs another. */
class KernelOpHostArraysTest {

    /** out = in + 1. */
    private static final KernelOp<Integer> PLUS_ONE = new KernelOp<>("plusOne", 1, "in", "out") {
        @Override
        protected void check(Integer n, Storage[] io) { }

        @Override
        protected long extent(Integer n, int arg) {
            return n;
        }

        @Override
        protected void cpu(Integer n, float[][] io) {
            for (int i = 0; i < n; i++) {
                io[1][i] = io[0][i] + 1f;
            }
        }
    };

    private static float[][] outerTable;
    private static float[][] innerTable;

    /** out = (in + 1) * 2, running PLUS_ONE from inside its own CPU kernel into {@code scratch}. */
    private static final KernelOp<Tensor> NESTED = new KernelOp<>("nested", 1, "in", "out") {
        @Override
        protected void check(Tensor scratch, Storage[] io) { }

        @Override
        protected long extent(Tensor scratch, int arg) {
            return scratch.numel();
        }

        @Override
        protected void cpu(Tensor scratch, float[][] io) {
            outerTable = io;
            float[] in = io[0];
            float[] out = io[1];
            KernelOp<Integer> probe = new KernelOp<>("probe", 1, "in", "out") {
                @Override
                protected void check(Integer n, Storage[] s) { }

                @Override
                protected long extent(Integer n, int arg) {
                    return n;
                }

                @Override
                protected void cpu(Integer n, float[][] inner) {
                    innerTable = inner;
                    PLUS_ONE.cpu(n, inner);
                }
            };
            Tensor src = Tensor.of(in.clone());
            probe.run(src.backend(), in.length, src.storage(), scratch.storage());
            assertSame(in, io[0]);                  // the inner call left this call's table alone
            assertSame(out, io[1]);
            float[] s = scratch.toArray();
            for (int i = 0; i < s.length; i++) {
                out[i] = s[i] * 2f;
            }
        }
    };

    @Test
    void aKernelRunInsideAnotherGetsItsOwnTable() {
        Tensor in = Tensor.of(new float[] {1, 2, 3});
        Tensor out = Tensor.zeros(3);
        Tensor scratch = Tensor.zeros(3);
        NESTED.run(in.backend(), scratch, in.storage(), out.storage());
        assertArrayEquals(new float[] {4, 6, 8}, out.toArray());
        assertNotSame(outerTable, innerTable);
        assertArrayEquals(new float[][] {null, null}, outerTable);   // emptied when lent back
        PLUS_ONE.run(in.backend(), 3, in.storage(), out.storage());
        assertArrayEquals(new float[] {2, 3, 4}, out.toArray());
    }

    private static final java.util.List<Storage[]> ARGS = new java.util.ArrayList<>();
    private static final java.util.List<Storage[]> SEEN = new java.util.ArrayList<>();

    /** Copies in to out, first running itself {@code depth} times more from inside its kernel. */
    private static final KernelOp<Integer> RECURSIVE = new KernelOp<>("recursive", 1, "in", "out") {
        @Override
        protected void check(Integer depth, Storage[] io) {
            ARGS.add(io);
            SEEN.add(io.clone());
        }

        @Override
        protected long extent(Integer depth, int arg) {
            return 1;
        }

        @Override
        protected void cpu(Integer depth, float[][] io) {
            if (depth > 0) {
                Tensor a = Tensor.of(new float[] {depth});
                Tensor b = Tensor.zeros(1);
                run(a.backend(), depth - 1, a.storage(), b.storage());
            }
            io[1][0] = io[0][0];
        }
    };

    @Test
    void argumentArraysAreLentOneCallAtATimeAndEmptiedAfter() {
        Tensor in = Tensor.of(new float[] {5});
        Tensor out = Tensor.zeros(1);
        ARGS.clear();
        SEEN.clear();
        RECURSIVE.run(in.backend(), 2, in.storage(), out.storage());
        assertEquals(5f, out.item());
        assertEquals(3, ARGS.size());
        assertNotSame(ARGS.get(0), ARGS.get(1));          // each nested call its own array
        assertNotSame(ARGS.get(1), ARGS.get(2));
        assertNotSame(ARGS.get(0), ARGS.get(2));
        assertSame(in.storage(), SEEN.get(0)[0]);         // the outer call saw its own arguments
        assertSame(out.storage(), SEEN.get(0)[1]);
        for (Storage[] io : ARGS) {
            assertArrayEquals(new Storage[] {null, null}, io);   // nothing kept once a call returned
        }
        Storage[] first = ARGS.get(0);
        RECURSIVE.run(in.backend(), 0, in.storage(), out.storage());
        assertSame(first, ARGS.get(3));                   // and the thread's array is reused
    }
}
