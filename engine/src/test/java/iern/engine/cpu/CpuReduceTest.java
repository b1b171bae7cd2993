package iern.engine.cpu;

import static iern.engine.cpu.GemmAssert.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import iern.engine.Backend.Reduce;
import org.junit.jupiter.api.Test;

/** The reductions share one body object per thread: called in turn and inside a parallel region, same bits. */
class CpuReduceTest {

    private static final int OUTER = 6, R = 700, INNER = 20;

    private static float[][] all(float[] x, float[] dy) {
        int lines = OUTER * INNER, n = OUTER * R * INNER;
        float[] sum = new float[lines], max = new float[lines], arg = new float[lines];
        CpuReduce.reduce(Reduce.SUM, x, 0, sum, 0, OUTER, R, INNER);
        CpuReduce.reduce(Reduce.MAX, x, 0, max, 0, OUTER, R, INNER);
        CpuReduce.argmax(x, 0, arg, 0, OUTER, R, INNER);
        float[] sm = new float[n], lsm = new float[n], dsm = new float[n], dlsm = new float[n];
        CpuReduce.softmax(x, sm, OUTER, R, INNER, false);
        CpuReduce.softmax(x, lsm, OUTER, R, INNER, true);
        CpuReduce.softmaxBackward(sm, dy, dsm, OUTER, R, INNER, false);
        CpuReduce.softmaxBackward(lsm, dy, dlsm, OUTER, R, INNER, true);
        return new float[][] {sum, max, arg, sm, lsm, dsm, dlsm};
    }

    @Test
    void reductionsRunInTurnAndInsideAParallelRegionGiveTheSameBits() {
        float[] x = random(OUTER * R * INNER, 1), dy = random(OUTER * R * INNER, 2);
        float[][] alone = all(x, dy);
        double s = 0;                                   // line (outer 2, inner 3), summed in double in order
        for (int j = 0; j < R; j++) {
            s += x[(2 * R + j) * INNER + 3];
        }
        assertEquals((float) s, alone[0][2 * INNER + 3]);
        Parallel.forRange(4, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                float[][] nested = all(x, dy);
                for (int k = 0; k < alone.length; k++) {
                    assertArrayEquals(alone[k], nested[k], "output " + k);
                }
            }
        });
    }
}
