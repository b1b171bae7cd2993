package iern.engine.cpu;

/**
 * Single-precision GEMM, row-major: {@code C = alpha op(A) op(B) + beta C} where
 * {@code op(A)} is {@code m x k}, {@code op(B)} is {@code k x n}, and {@code lda/ldb/ldc} are the
 * row strides of the matrices as stored (before the optional transpose). With
 * {@code beta == 0} the old content of C is never read, so NaN or garbage there does not leak.
 */
public final class Sgemm {

    private Sgemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        sgemm(CpuSettings.SIMD, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Same as the public entry, with the path chosen by the caller (tests run both). */
    static void sgemm(boolean simd, boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        if (simd) {
            GemmPacked.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            scalar(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** Row-at-a-time plain loops: the fallback path, parallel over rows of C. */
    private static void scalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        // Rows of C are independent; give each chunk enough multiply-adds to pay for a hand-off.
        int grain = Math.max(1, (int) Math.min(m, 65536L / Math.max(1L, (long) n * k)));
        Parallel.forRange(m, grain, (i0, i1) -> {
            float[] aRow = new float[k];
            for (int i = i0; i < i1; i++) {
                for (int p = 0; p < k; p++) {
                    aRow[p] = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                }
                int ci = cOff + i * ldc;
                if (beta == 0f) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                } else if (beta != 1f) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] *= beta;
                    }
                }
                if (!transB) {
                    for (int p = 0; p < k; p++) {
                        float s = aRow[p];
                        int bi = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            c[ci + j] += s * b[bi + j];
                        }
                    }
                } else {
                    // A dot product per element: summed in double, since one float chain over
                    // a long k (a convolution's weight gradient sums over every pixel) drifts.
                    for (int j = 0; j < n; j++) {
                        int bi = bOff + j * ldb;
                        double sum = 0;
                        for (int p = 0; p < k; p++) {
                            sum += (double) aRow[p] * b[bi + p];
                        }
                        c[ci + j] += (float) sum;
                    }
                }
            }
        });
    }

    static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    /** Rejects shapes that would read or write outside the arrays, naming the operand. */
    static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        checkMatrix("A", a, aOff, lda, transA ? k : m, transA ? m : k);
        checkMatrix("B", b, bOff, ldb, transB ? n : k, transB ? k : n);
        checkMatrix("C", c, cOff, ldc, m, n);
    }

    private static void checkMatrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols) {
            throw new IllegalArgumentException("sgemm: ld" + name.toLowerCase() + "=" + ld
                    + " is smaller than the " + cols + " columns of stored " + name);
        }
        long last = (long) off + (long) (rows - 1) * ld + cols - 1;
        if (off < 0 || last >= x.length) {
            throw new IllegalArgumentException("sgemm: stored " + name + " (" + rows + "x" + cols
                    + ", offset " + off + ", row stride " + ld + ") needs index " + last
                    + " but the array has length " + x.length);
        }
    }
}
