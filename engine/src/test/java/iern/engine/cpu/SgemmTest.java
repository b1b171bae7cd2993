package iern.engine.cpu;

import static iern.engine.cpu.GemmAssert.assertClose;
import static iern.engine.cpu.GemmAssert.random;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.oracle.GemmConvOracle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SgemmTest {

    static Stream<Arguments> shapes() {
        int[][] mnk = {
            {1, 1, 1}, {1, 7, 3}, {7, 1, 13}, {3, 3, 3}, {13, 7, 3}, {7, 13, 1},
            {13, 13, 13}, {17, 33, 5}, {31, 47, 65}, {64, 64, 64}, {65, 97, 129},
            {129, 17, 300}, {5, 200, 37}, {200, 5, 41}, {48, 96, 520}, {400, 70, 33},
            {3, 2100, 5}, {13, 2053, 3}, // wider than one column block
            {13, 1000, 170}, // big enough for the pool, split by columns (48x96x520 splits rows)
        };
        List<Arguments> out = new ArrayList<>();
        int seed = 1;
        for (int[] s : mnk) {
            for (int t = 0; t < 8; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0, simd = (t & 4) == 0;
                // Alternate beta and padding so every transpose pair sees each variant somewhere.
                float beta = switch (seed % 3) { case 0 -> 0f; case 1 -> 1f; default -> 0.5f; };
                int pad = seed % 2 == 0 ? 0 : 3;
                out.add(Arguments.of(simd, ta, tb, s[0], s[1], s[2], seed % 4 == 3 ? -1.5f : 1f, beta, pad, false));
                if (simd) { // the SIMD path again with A read in place on every block width
                    out.add(Arguments.of(true, ta, tb, s[0], s[1], s[2], 1f, beta, pad, true));
                }
                seed++;
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "simd={0} transA={1} transB={2} m={3} n={4} k={5} alpha={6} beta={7} pad={8} directA={9}")
    @MethodSource("shapes")
    void matchesOracle(boolean simd, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int pad,
                       boolean directA) {
        int aRows = ta ? k : m, aCols = ta ? m : k;
        int bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        int aOff = pad, bOff = 2 * pad, cOff = pad;
        float[] a = random(aOff + aRows * lda, 11 + m);
        float[] b = random(bOff + bRows * ldb, 23 + n);
        float[] c = random(cOff + m * ldc, 37 + k);
        if (beta == 0f) {
            Arrays.fill(c, Float.NaN); // must not leak into the result
        }
        float[] expected = c.clone();
        GemmConvOracle.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
        float[] actual = c.clone();
        // Default bound: thin blocks read A in place, wide ones pack it; directA: every block in place.
        GemmPacked.directPanels = directA ? Integer.MAX_VALUE : GemmPacked.DIRECT_A_PANELS;
        try {
            Sgemm.sgemm(simd, ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
        } finally {
            GemmPacked.directPanels = GemmPacked.DIRECT_A_PANELS;
        }
        if (beta == 0f) {
            // Padding cells of C are outside the matrix: they must keep their old (NaN) value.
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    assertTrue(!Float.isNaN(actual[cOff + i * ldc + j]), "NaN leaked at row " + i + " col " + j);
                }
            }
        }
        assertClose("sgemm", expected, actual, k);
    }

    /**
     * A product run from inside another's parallel region (here from its B packer, on the caller
     * and on the workers) uses body objects of its own: both results are exactly those of the
     * products run alone.
     */
    @Test
    void aProductRunInsideAnothersRegionLeavesBothIntact() {
        int m = 96, n = 160, k = 300, im = 130, in = 130, ik = 130; // both big enough for the pool
        float[] a = random(m * k, 1), b = random(k * n, 2), ia = random(im * ik, 3), ib = random(ik * in, 4);
        float[] alone = new float[m * n];
        GemmPacked.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, alone, 0, n);
        float[] innerAlone = new float[im * in];
        GemmPacked.sgemm(false, true, im, in, ik, 1f, ia, 0, ik, ib, 0, ik, 0f, innerAlone, 0, in);
        List<float[]> inner = java.util.Collections.synchronizedList(new ArrayList<>());
        GemmBSource nesting = (pc, kc, jc, nc, bp) -> {
            float[] ic = new float[im * in];
            GemmPacked.sgemm(false, true, im, in, ik, 1f, ia, 0, ik, ib, 0, ik, 0f, ic, 0, in);
            inner.add(ic);
            GemmPacked.packB(false, b, 0, n, pc, kc, jc, nc, bp);
        };
        float[] c = new float[m * n];
        GemmPacked.sgemm(false, m, n, k, 1f, a, 0, k, nesting, 0f, c, 0, n);
        assertTrue(Arrays.equals(alone, c), "outer product changed by the nested one");
        assertTrue(inner.size() > 1);
        for (float[] ic : inner) {
            assertTrue(Arrays.equals(innerAlone, ic), "nested product differs");
        }
    }

    @Test
    void zeroKScalesC() {
        float[] c = {1, 2, 3, 4};
        Sgemm.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c, 0, 2);
        assertClose("k=0", new float[] {0.5f, 1, 1.5f, 2}, c, 1);
    }

    @Test
    void rejectsTooSmallArrayNamingTheOperand() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Sgemm.sgemm(false, false, 3, 3, 3, 1f, new float[9], 0, 3, new float[8], 0, 3, 0f, new float[9], 0, 3));
        assertTrue(e.getMessage().contains("stored B") && e.getMessage().contains("length 8"), e.getMessage());
    }

    @Test
    void rejectsStrideSmallerThanColumns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                Sgemm.sgemm(false, true, 2, 3, 4, 1f, new float[8], 0, 4, new float[12], 0, 3, 0f, new float[6], 0, 3));
        assertTrue(e.getMessage().contains("ldb=3"), e.getMessage());
    }
}
