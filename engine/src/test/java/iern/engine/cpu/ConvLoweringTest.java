package iern.engine.cpu;

import static iern.engine.cpu.GemmAssert.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The layout moves share one body object per thread: calls of every kind, one after another and nested. */
class ConvLoweringTest {

    private static final int C = 24, GN = 3, P = 50, OFF = 7;

    /** ungroup (with bias), group, transpose and sumBias of fixed inputs, in one array each. */
    private static float[][] moves(float[] x, float[] bias) {
        float[] grouped = new float[C * GN * P];
        ConvLowering.group(x, OFF, C, GN, P, grouped);
        float[] back = new float[OFF + GN * C * P];
        ConvLowering.ungroup(grouped, C, GN, P, bias, back, OFF);
        float[] t = new float[C * GN * P];
        ConvLowering.transpose(grouped, C, GN * P, t);
        float[] sums = new float[C];
        ConvLowering.sumBias(back, GN, C, P, sums);
        float[] noBias = new float[OFF + GN * C * P];
        ConvLowering.ungroup(grouped, C, GN, P, null, noBias, OFF);
        return new float[][] {grouped, back, t, sums, noBias};
    }

    @Test
    void movesRunInsideAParallelRegionMatchTheSameMovesAlone() {
        float[] x = random(OFF + GN * C * P, 1);
        float[] bias = random(C, 2);
        float[][] alone = moves(x, bias);
        // the bias of the first ungroup must not reach the second
        for (int i = OFF; i < alone[4].length; i++) {
            assertEquals(x[i], alone[4][i], "index " + i);
        }
        AtomicInteger runs = new AtomicInteger();
        Parallel.forRange(8, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                float[][] nested = moves(x, bias);
                for (int k = 0; k < alone.length; k++) {
                    assertArrayEquals(alone[k], nested[k], "move " + k);
                }
                runs.incrementAndGet();
            }
        });
        assertEquals(8, runs.get());
    }
}
