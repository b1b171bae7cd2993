package iern.engine.cpu;

import static iern.engine.testing.Close.assertClose;

import iern.engine.ops.BatchNorm;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The batch norm kernels against the double oracle on rows long enough for the SIMD path:
 * shorter than a vector, one vector plus a tail, several accumulation blocks plus a tail, and
 * values with a mean far from zero (where {@code x * scale + shift} would cancel). With
 * {@code -Diern.simd=false} the same cases check the scalar path.
 */
class CpuBatchNormTest {

    private static float[] values(int n, long seed, double mean, double spread) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (mean + spread * (2 * r.nextDouble() - 1));
        }
        return a;
    }

    @Test
    void trainForwardAndBackwardMatchOracle() {
        // groups, n, c, hw, mean of x
        int[][] cases = {{1, 3, 2, 3, 0}, {1, 2, 3, 16, 0}, {2, 3, 5, 17, 0}, {1, 1, 3, 49, 40},
            {3, 2, 1, 1037, 0}, {1, 2, 2, 1037, 100}, {1, 7, 3, 31, -5}};
        long seed = 1;
        for (int[] cs : cases) {
            int groups = cs[0], n = cs[1], c = cs[2], hw = cs[3];
            int total = groups * n * c * hw;
            float[] x = values(total, seed++, cs[4], 2);
            float[] gamma = values(c, seed++, 1, 0.5), beta = values(c, seed++, 0, 1);
            float[] dy = values(total, seed++, 0.1, 1);
            float[] y = new float[total], mean = new float[groups * c], var = new float[groups * c];
            CpuBatchNorm.trainForward(groups, n, c, hw, 1e-5f, x, gamma, beta, y, mean, var);
            float[] yRef = new float[total], meanRef = new float[groups * c], varRef = new float[groups * c];
            BatchNorm.oracleTrainForward(groups, n, c, hw, 1e-5f, x, gamma, beta, yRef, meanRef, varRef);
            String what = "batchNorm " + Arrays.toString(cs);
            assertClose(what + " mean", meanRef, mean, 1e-6, 1e-6);
            assertClose(what + " var", varRef, var, 1e-6, 1e-5);
            assertClose(what + " y", yRef, y, 1e-5, 1e-5);

            float[] dx = new float[total], dg = new float[c], db = new float[c];
            CpuBatchNorm.trainBackward(groups, n, c, hw, 1e-5f, x, gamma, mean, var, dy, dx, dg, db);
            float[] dxRef = new float[total], dgRef = new float[c], dbRef = new float[c];
            BatchNorm.oracleTrainBackward(groups, n, c, hw, 1e-5f, x, gamma, mean, var, dy, dxRef, dgRef, dbRef);
            assertClose(what + " dx", dxRef, dx, 1e-5, 1e-4);
            assertClose(what + " dGamma", dgRef, dg, 1e-4, 1e-5);
            assertClose(what + " dBeta", dbRef, db, 1e-4, 1e-5);

            float[] yEval = new float[groups * n * c * hw];
            float[] yEvalRef = new float[yEval.length];
            CpuBatchNorm.evalForward(groups * n, c, hw, 1e-5f, x, gamma, beta, mean, var, yEval);
            BatchNorm.oracleEvalForward(groups * n, c, hw, 1e-5f, x, gamma, beta, mean, var, yEvalRef);
            assertClose(what + " eval y", yEvalRef, yEval, 1e-5, 1e-5);
        }
    }

    /** Train forward, backward (affine and not) and eval forward of one case, all outputs. */
    private static float[][] allKernels(float[] x, float[] gamma, float[] beta, float[] dy) {
        int groups = 2, n = 3, c = 8, hw = 300, total = groups * n * c * hw;
        float[] y = new float[total], mean = new float[groups * c], var = new float[groups * c];
        CpuBatchNorm.trainForward(groups, n, c, hw, 1e-5f, x, gamma, beta, y, mean, var);
        float[] dx = new float[total], dg = new float[c], db = new float[c];
        CpuBatchNorm.trainBackward(groups, n, c, hw, 1e-5f, x, gamma, mean, var, dy, dx, dg, db);
        float[] dxPlain = new float[total];
        CpuBatchNorm.trainBackward(groups, n, c, hw, 1e-5f, x, null, mean, var, dy, dxPlain, null, null);
        float[] yPlain = new float[total], meanPlain = new float[groups * c], varPlain = new float[groups * c];
        CpuBatchNorm.trainForward(groups, n, c, hw, 1e-5f, x, null, null, yPlain, meanPlain, varPlain);
        float[] yEval = new float[total];
        CpuBatchNorm.evalForward(groups * n, c, hw, 1e-5f, x, gamma, beta, mean, var, yEval);
        return new float[][] {y, mean, var, dx, dg, db, dxPlain, yPlain, yEval};
    }

    /** The kernels share one body object per thread: called in turn and inside a parallel region, same bits. */
    @Test
    void kernelsRunInTurnAndInsideAParallelRegionGiveTheSameBits() {
        int total = 2 * 3 * 8 * 300;
        float[] x = values(total, 1, 0.5, 2), dy = values(total, 2, 0.1, 1);
        float[] gamma = values(8, 3, 1, 0.5), beta = values(8, 4, 0, 1);
        float[][] alone = allKernels(x, gamma, beta, dy);
        // Without affine parameters y is the affine y undone: gamma and beta did not stay behind.
        float[] yPlain = alone[7];
        for (int i = 0; i < total; i++) {
            int ch = (i / 300) % 8;
            assertClose("plain y", new float[] {(alone[0][i] - beta[ch]) / gamma[ch]}, new float[] {yPlain[i]},
                    1e-4, 1e-4);
        }
        Parallel.forRange(6, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                float[][] nested = allKernels(x, gamma, beta, dy);
                for (int k = 0; k < alone.length; k++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(alone[k], nested[k], "output " + k);
                }
            }
        });
    }
}
