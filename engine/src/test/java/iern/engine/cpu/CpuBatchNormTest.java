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
}
