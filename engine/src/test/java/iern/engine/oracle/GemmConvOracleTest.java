package iern.engine.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import iern.engine.ConvShape;
import org.junit.jupiter.api.Test;

/** The oracle itself, against results worked out by hand. */
class GemmConvOracleTest {

    @Test
    void gemmWithTransposesStridesAndBeta() {
        // A^T stored as 3x2 with a padding column (lda 3): op(A) = [[1,2,3],[4,5,6]].
        float[] a = {1, 4, -9, 2, 5, -9, 3, 6, -9};
        // B stored 3x2: op(B) = B.
        float[] b = {1, 0, 0, 1, 1, 1};
        float[] c = {10, 20, 30, 40};
        GemmConvOracle.gemm(true, false, 2, 2, 3, 2f, a, 0, 3, b, 0, 2, 0.5f, c, 0, 2);
        // A B = [[4,5],[10,11]]; 2 * AB + 0.5 * C
        assertArrayEquals(new float[] {13, 20, 35, 42}, c);
    }

    @Test
    void gemmBetaZeroIgnoresNaN() {
        float[] c = {Float.NaN};
        GemmConvOracle.gemm(false, true, 1, 1, 2, 1f, new float[] {1, 2}, 0, 2, new float[] {3, 4}, 0, 2, 0f, c, 0, 1);
        assertArrayEquals(new float[] {11}, c);
    }

    @Test
    void convWithPaddingAndStride() {
        // 1x1x3x3 input 1..9, 2x2 kernel of ones, stride 2, pad 1: output 2x2 of window sums.
        ConvShape s = ConvShape.of(1, 1, 3, 3, 1, 2, 2, 1);
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] w = {1, 1, 1, 1};
        float[] y = new float[4];
        GemmConvOracle.conv2dForward(s, x, w, new float[] {0.5f}, y);
        assertArrayEquals(new float[] {1.5f, 5.5f, 11.5f, 28.5f}, y);

        float[] dx = new float[9];
        GemmConvOracle.conv2dBackwardData(s, new float[] {1, 2, 3, 4}, w, dx);
        // each input pixel belongs to exactly one window at stride 2 with pad 1
        assertArrayEquals(new float[] {1, 2, 2, 3, 4, 4, 3, 4, 4}, dx);

        float[] dw = new float[4];
        float[] db = new float[1];
        GemmConvOracle.conv2dBackwardWeight(s, x, new float[] {1, 0, 0, 1}, dw, db);
        // windows (0,0) and (1,1): w taps (ky,kx) see x at (-1,-1),(−1,0),(0,-1),(0,0) and (1,1),(1,2),(2,1),(2,2)
        assertArrayEquals(new float[] {5, 6, 8, 10}, dw);
        assertArrayEquals(new float[] {2}, db);
    }
}
