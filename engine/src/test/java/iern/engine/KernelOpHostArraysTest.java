package iern.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
