package iern.kernels.gpu;

import static iern.kernels.gpu.GpuTestSupport.*;

import iern.engine.Backend;
import iern.engine.Storage;
import iern.engine.oracle.GemmConvOracle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GEMM shapes the conformance suite does not reach, each with every transpose, a batch,
 * offsets, padded leading dimensions and beta: few outputs with a long k (gemm_dot), thin
 * outputs (gemm_thin), and a tiled case whose k spans many slices.
 * Shared by both GPU backends (subclasses open theirs).
 */
public abstract class GpuGemmPathsBody {

    /** The backend under test, opened for one check (or the test skipped). */
    protected abstract Backend openOrSkip();

    @Test
    void skinnyOutputsWithLongKMatchOracle() {
        check(3, 2, 301, 4);
        check(1, 5, 1000, 2);
        check(70, 66, 300, 2);   // tiled, k over 19 slices with a tail
    }

    @Test
    void thinOutputsMatchOracle() {
        check(1, 300, 3, 3);     // one row, many columns (attention's P V)
        check(200, 5, 17, 2);    // many rows, few columns
        check(6, 90, 300, 40);   // long k but too many outputs for one group each
    }

    private void check(int m, int n, int k, int batch) {
        SplittableRandom rnd = new SplittableRandom(m * 31L + n);
        try (Backend be = openOrSkip()) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1;
                    long aStride = (long) (ta ? k : m) * lda + 3, bStride = (long) (tb ? n : k) * ldb;
                    long cStride = (long) m * ldc + 2;
                    float[] a = random(rnd, (int) (5 + batch * aStride)), b = random(rnd, (int) (1 + batch * bStride));
                    float[] c = random(rnd, (int) (4 + batch * cStride));
                    float[] want = c.clone();
                    for (int i = 0; i < batch; i++) {
                        GemmConvOracle.gemm(ta, tb, m, n, k, 0.5f, a, (int) (5 + i * aStride), lda,
                                b, (int) (1 + i * bStride), ldb, 0.25f, want, (int) (4 + i * cStride), ldc);
                    }
                    Storage ad = upload(be, a), bd = upload(be, b), cd = upload(be, c);
                    be.gemm(ta, tb, batch, m, n, k, 0.5f, ad, 5, aStride, lda, bd, 1, bStride, ldb, 0.25f, cd, 4,
                            cStride, ldc);
                    assertClose("gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb, want, download(be, cd),
                            1e-5, 1e-4);
                    for (Storage s : new Storage[] {ad, bd, cd}) {
                        s.close();
                    }
                }
            }
        }
    }
}
