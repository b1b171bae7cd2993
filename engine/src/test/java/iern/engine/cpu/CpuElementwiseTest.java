package iern.engine.cpu;

import static iern.engine.testing.Close.assertClose;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Unary;
import iern.engine.oracle.Oracle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The long-row paths of the elementwise kernels against the oracle: a contiguous (or scalar
 * broadcast) operand pair merges into one row, which the kernels split across threads; the
 * sizes are odd and longer than several work grains, with offsets. LeakyReLU backward has its
 * own loop.
 */
class CpuElementwiseTest {

    private static final int LONG = 3 * (1 << 14) + 13;

    private static float[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    @Test
    void oneLongRowBinaryMatchesOracle() {
        int n = LONG;
        float[] a = values(n + 5, 1), b = values(n + 3, 2);
        int[] shape = {7, n / 7};
        int count = shape[0] * shape[1];
        long[] dense = {shape[1], 1};
        for (Binary op : new Binary[] {Binary.ADD, Binary.SUB, Binary.MUL, Binary.DIV, Binary.MAX}) {
            for (boolean scalarB : new boolean[] {false, true}) {
                long[] bStrides = scalarB ? new long[] {0, 0} : dense;
                float[] out = values(count + 2, 3), ref = out.clone();
                CpuElementwise.binary(op, a, 5, dense, b, 3, bStrides, out, 2, shape);
                Oracle.binary(op, a, 5, dense, b, 3, bStrides, ref, 2, shape);
                assertClose("binary " + op + (scalarB ? " scalar b" : ""), ref, out, 0, 0);
            }
        }
    }

    @Test
    void oneLongRowCopyAndAccumulateMatchOracle() {
        int n = LONG;
        float[] src = values(n + 4, 4);
        int[] shape = {n};
        for (boolean accumulate : new boolean[] {false, true}) {
            for (long stride : new long[] {1, 2}) {
                int len = (int) (n / stride);
                int[] sh = {len};
                float[] dst = values(n + 9, 5), ref = dst.clone();
                CpuElementwise.copy(src, 4, new long[] {1}, dst, 9, new long[] {stride}, sh,
                        accumulate);
                Oracle.copy(src, 4, new long[] {1}, ref, 9, new long[] {stride}, sh, accumulate);
                assertClose("copy accumulate=" + accumulate + " dst stride " + stride, ref, dst, 0, 0);
            }
        }
        float[] dst = new float[n];
        CpuElementwise.copy(src, 0, new long[] {1}, dst, 0, new long[] {1}, shape, true);
        float[] ref = new float[n];
        Oracle.copy(src, 0, new long[] {1}, ref, 0, new long[] {1}, shape, true);
        assertClose("copy accumulate into zeros", ref, dst, 0, 0);
    }

    @Test
    void leakyReluBackwardMatchesOracle() {
        int n = LONG;
        float[] x = values(n, 6), dy = values(n, 7);
        for (boolean acc : new boolean[] {false, true}) {
            float[] dx = values(n, 8), ref = dx.clone();
            CpuElementwise.unaryBackward(Unary.LEAKY_RELU, x, null, dy, dx, n, 0.01f, 0f, acc);
            Oracle.unaryBackward(Unary.LEAKY_RELU, x, dy, ref, n, 0.01f, 0f, acc);
            assertClose("leakyRelu backward acc=" + acc, ref, dx, 1e-7, 1e-6);
        }
    }
}
