package iern.engine.testing;

import static iern.engine.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import iern.engine.Backend;
import iern.engine.Backend.Binary;
import iern.engine.Backend.Reduce;
import iern.engine.Backend.Unary;
import iern.engine.Storage;
import iern.engine.oracle.GemmConvOracle;
import iern.engine.oracle.Oracle;
import org.junit.jupiter.api.Test;

/**
 * One test body for every backend: each {@link Backend} method against the scalar oracle on
 * odd shapes (1, 3, 7, 13 and tails past vector widths), with offsets, strides, broadcasting
 * and accumulation. A backend test extends this class and returns its backend.
 */
public abstract class BackendConformance extends BackendTestBase {


    private static final double ABS = 1e-5;
    private static final double REL = 1e-4;

    private static long[] strides(int... shape) {
        long[] s = new long[shape.length];
        long st = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = st;
            st *= shape[d];
        }
        return s;
    }

    // ---------------------------------------------------------------- memory

    @Test
    void allocateGivesZerosAndWriteReadRoundTrips() {
        Backend b = backend();
        for (int n : new int[] {1, 3, 13, 1031}) {
            Storage s = zeros(n);
            assertEquals(n, s.size());
            assertArrayEquals(new float[n], get(s), "fresh storage of " + n + " is not zero");
            float[] v = values(n, n, -2, 2);
            b.write(s, 0, v, 0, n);
            assertArrayEquals(v, get(s));
        }
        Storage s = zeros(13);
        float[] v = values(1, 20, -1, 1);
        b.write(s, 4, v, 7, 9);
        float[] back = new float[5];
        b.read(s, 6, back, 0, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(v[9 + i], back[i]);
        }
        b.fill(s, 2, 3, 7.5f);
        float[] all = get(s);
        assertEquals(0f, all[1]);
        assertEquals(7.5f, all[2]);
        assertEquals(7.5f, all[4]);
        assertEquals(v[7 + 1], all[5]);
    }

    @Test
    void reusedStorageIsZeroedAgain() {
        Storage a = backend().allocate(37);
        backend().fill(a, 0, 37, 3f);
        a.close();
        Storage b = zeros(37);
        assertArrayEquals(new float[37], get(b));
    }

    @Test
    void copyPermutesSlicesBroadcastsAndAccumulates() {
        Backend b = backend();
        // permute [3, 5, 7] -> [7, 3, 5] from an offset source into an offset destination
        float[] src = values(2, 3 + 3 * 5 * 7, -1, 1);
        float[] dst = values(3, 5 + 7 * 3 * 5, -1, 1);
        long[] srcStrides = {1, 35, 7};               // axes (c, a, b) of a [3, 5, 7] source
        int[] shape = {7, 3, 5};
        long[] dstStrides = strides(shape);
        for (boolean acc : new boolean[] {false, true}) {
            Storage s = put(src);
            Storage d = put(dst);
            b.copy(s, 3, srcStrides, d, 5, dstStrides, shape, acc);
            float[] expected = dst.clone();
            Oracle.copy(src, 3, srcStrides, expected, 5, dstStrides, shape, acc);
            assertClose("copy permute acc=" + acc, expected, get(d), 0, 0);
        }
        // broadcast a [1, 13] row to [4, 13] with stride 0, and a scalar to [3, 1, 7]
        float[] row = values(4, 13, -1, 1);
        Storage r = put(row);
        Storage out = zeros(4 * 13);
        b.copy(r, 0, new long[] {0, 1}, out, 0, strides(4, 13), new int[] {4, 13}, false);
        float[] expected = new float[4 * 13];
        Oracle.copy(row, 0, new long[] {0, 1}, expected, 0, strides(4, 13), new int[] {4, 13}, false);
        assertClose("copy broadcast", expected, get(out), 0, 0);
        Storage out2 = zeros(21);
        b.copy(r, 6, new long[] {0, 0, 0}, out2, 0, strides(3, 1, 7), new int[] {3, 1, 7}, false);
        float[] e2 = new float[21];
        java.util.Arrays.fill(e2, row[6]);
        assertClose("copy scalar broadcast", e2, get(out2), 0, 0);
        // a slice window [1:4] of axis 1 of [2, 6, 3], rank 0 copy, and a long 1-d tail
        float[] big = values(5, 36, -1, 1);
        Storage bs = put(big);
        Storage win = zeros(2 * 3 * 3);
        b.copy(bs, 3, strides(2, 6, 3), win, 0, strides(2, 3, 3), new int[] {2, 3, 3}, false);
        float[] we = new float[18];
        Oracle.copy(big, 3, strides(2, 6, 3), we, 0, strides(2, 3, 3), new int[] {2, 3, 3}, false);
        assertClose("copy slice", we, get(win), 0, 0);
        Storage one = zeros(1);
        b.copy(bs, 7, new long[0], one, 0, new long[0], new int[0], false);
        assertEquals(big[7], get(one)[0]);
        float[] longSrc = values(6, 70001, -1, 1);
        Storage ls = put(longSrc);
        Storage ld = zeros(70001);
        b.copy(ls, 0, new long[] {1}, ld, 0, new long[] {1}, new int[] {70001}, false);
        assertClose("copy long", longSrc, get(ld), 0, 0);
    }

    @Test
    void randomUniformFollowsTheCounterGenerator() {
        for (int n : new int[] {1, 13, 5003}) {
            Storage s = zeros(n + 2);
            backend().randomUniform(s, 2, n, 12345L + n);
            float[] expected = new float[n + 2];
            Oracle.randomUniform(expected, 2, n, 12345L + n);
            assertClose("randomUniform n=" + n, expected, get(s), 0, 0);
        }
    }

    // ---------------------------------------------------------------- elementwise

    private static float[] domain(Unary op, long seed, int n) {
        return switch (op) {
            case LOG, SQRT, RSQRT, POW_SCALAR, RECIPROCAL -> values(seed, n, 0.2f, 3f);
            default -> values(seed, n, -3f, 3f);
        };
    }

    private static float paramA(Unary op) {
        return switch (op) {
            case LEAKY_RELU -> 0.01f;
            case POW_SCALAR -> 1.7f;
            case CLAMP -> -0.5f;
            case ADD_SCALAR -> 0.25f;
            case MUL_SCALAR -> -1.5f;
            default -> 0f;
        };
    }

    @Test
    void unaryMatchesOracle() {
        for (Unary op : Unary.values()) {
            for (int n : new int[] {1, 7, 13, 4099}) {
                float[] x = domain(op, op.ordinal() * 31L + n, n + 3);
                float a = paramA(op), bb = op == Unary.CLAMP ? 1.25f : 0f;
                Storage xs = put(x);
                Storage ys = zeros(n + 1);
                backend().unary(op, xs, 3, ys, 1, n, a, bb);
                float[] expected = new float[n + 1];
                Oracle.unary(op, x, 3, expected, 1, n, a, bb);
                assertClose("unary " + op + " n=" + n, expected, get(ys), ABS, REL);
            }
        }
        // in place
        float[] x = values(9, 13, -2, 2);
        Storage xs = put(x);
        backend().unary(Unary.TANH, xs, 0, xs, 0, 13, 0, 0);
        float[] expected = new float[13];
        Oracle.unary(Unary.TANH, x, 0, expected, 0, 13, 0, 0);
        assertClose("unary in place", expected, get(xs), ABS, REL);
    }

    @Test
    void reluPropagatesNaNAsPyTorch() {
        // NaN at every lane position of a SIMD block and in the scalar tail, so a NaN loss is never hidden.
        int n = 37;
        float[] x = values(5, n, -2, 2);
        for (int i = 0; i < n; i += 5) {
            x[i] = Float.NaN;
        }
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = Float.NEGATIVE_INFINITY;
        x[3] = -0f;
        Storage ys = zeros(n);
        backend().unary(Unary.RELU, put(x), 0, ys, 0, n, 0, 0);
        float[] y = get(ys);
        for (int i = 0; i < n; i++) {
            float expected = Float.isNaN(x[i]) ? Float.NaN : Math.max(x[i], 0f);
            assertEquals(Float.floatToIntBits(expected == 0f ? 0f : expected), Float.floatToIntBits(y[i] == 0f ? 0f : y[i]),
                    "relu(" + x[i] + ") at " + i + " gave " + y[i]);
        }
    }

    @Test
    void unaryBackwardMatchesOracle() {
        for (Unary op : Unary.values()) {
            for (int n : new int[] {1, 13, 4099}) {
                float[] x = domain(op, op.ordinal() * 17L + n, n);
                float a = paramA(op), bb = op == Unary.CLAMP ? 1.25f : 0f;
                float[] dy = values(op.ordinal() + 100L, n, -1, 1);
                float[] dx0 = values(op.ordinal() + 200L, n, -1, 1);
                Storage xs = put(x);
                Storage ys = zeros(n);
                backend().unary(op, xs, 0, ys, 0, n, a, bb);
                for (boolean acc : new boolean[] {false, true}) {
                    Storage dxs = put(dx0);
                    backend().unaryBackward(op, xs, ys, put(dy), dxs, n, a, bb, acc);
                    float[] expected = dx0.clone();
                    Oracle.unaryBackward(op, x, dy, expected, n, a, bb, acc);
                    assertClose("unaryBackward " + op + " n=" + n + " acc=" + acc, expected, get(dxs), 1e-5, 2e-4);
                }
            }
        }
    }

    @Test
    void binaryBroadcastsOverStrides() {
        int[][][] cases = {
            {{13}, {13}},
            {{3, 1, 7}, {1, 5, 7}},
            {{7, 3}, {1}},
            {{1}, {2, 3, 5, 1}},
            {{4, 1033}, {1, 1033}},
            {{2, 1, 3, 1, 2}, {1, 3, 1, 5, 2}},
        };
        for (Binary op : Binary.values()) {
            for (int[][] c : cases) {
                int[] as = c[0], bs = c[1];
                int rank = Math.max(as.length, bs.length);
                int[] shape = new int[rank];
                long[] ast = new long[rank], bst = new long[rank];
                long[] aOwn = strides(as), bOwn = strides(bs);
                for (int i = 0; i < rank; i++) {
                    int ai = i - (rank - as.length), bi = i - (rank - bs.length);
                    int da = ai >= 0 ? as[ai] : 1, db = bi >= 0 ? bs[bi] : 1;
                    shape[i] = Math.max(da, db);
                    ast[i] = ai < 0 || da == 1 ? 0 : aOwn[ai];
                    bst[i] = bi < 0 || db == 1 ? 0 : bOwn[bi];
                }
                int na = 1, nb = 1, no = 1;
                for (int s : as) na *= s;
                for (int s : bs) nb *= s;
                for (int s : shape) no *= s;
                float lo = op == Binary.POW ? 0.3f : -2f;
                float[] a = values(op.ordinal() * 7L + na, na + 2, lo, 2f);
                float[] b = values(op.ordinal() * 11L + nb, nb + 1, op == Binary.DIV ? 0.5f : -2f, 2f);
                if (op == Binary.EQ || op == Binary.GE) {
                    for (int i = 0; i < Math.min(a.length, b.length); i += 2) {
                        a[i] = b[i];          // give the comparisons some ties
                    }
                }
                Storage out = zeros(no + 3);
                backend().binary(op, put(a), 2, ast, put(b), 1, bst, out, 3, shape);
                float[] expected = new float[no + 3];
                Oracle.binary(op, a, 2, ast, b, 1, bst, expected, 3, shape);
                assertClose("binary " + op + " " + java.util.Arrays.toString(shape), expected, get(out), ABS, REL);
            }
        }
    }

    // ---------------------------------------------------------------- reductions and softmax

    private static final int[][] LINES = {{1, 13, 1}, {3, 7, 5}, {7, 1, 3}, {2, 1031, 3}, {1, 3, 1001}, {13, 1, 1}};

    @Test
    void reduceMatchesOracle() {
        for (Reduce op : Reduce.values()) {
            for (int[] l : LINES) {
                int n = l[0] * l[1] * l[2];
                float[] x = values(n + op.ordinal(), n + 4, -3, 3);
                Storage out = zeros(l[0] * l[2] + 2);
                backend().reduce(op, put(x), 4, out, 2, l[0], l[1], l[2]);
                float[] expected = new float[l[0] * l[2] + 2];
                Oracle.reduce(op, x, 4, expected, 2, l[0], l[1], l[2]);
                assertClose("reduce " + op + " " + java.util.Arrays.toString(l), expected, get(out), 1e-4, 1e-5);
            }
        }
    }

    @Test
    void argmaxTakesFirstMaximum() {
        for (int[] l : LINES) {
            int n = l[0] * l[1] * l[2];
            float[] x = values(n * 3L, n + 1, -3, 3);
            for (int i = 1; i < x.length; i += 5) {
                x[i] = 2.99f;                 // repeated maxima: the first must win
            }
            Storage out = zeros(l[0] * l[2]);
            backend().argmax(put(x), 1, out, 0, l[0], l[1], l[2]);
            float[] expected = new float[l[0] * l[2]];
            Oracle.argmax(x, 1, expected, 0, l[0], l[1], l[2]);
            assertClose("argmax " + java.util.Arrays.toString(l), expected, get(out), 0, 0);
        }
    }

    @Test
    void softmaxAndBackwardMatchOracle() {
        for (boolean log : new boolean[] {false, true}) {
            for (int[] l : LINES) {
                int n = l[0] * l[1] * l[2];
                float[] x = values(n + (log ? 1 : 0), n, -6, 6);
                Storage xs = put(x);
                Storage ys = zeros(n);
                backend().softmax(xs, ys, l[0], l[1], l[2], log);
                float[] expected = new float[n];
                Oracle.softmax(x, expected, l[0], l[1], l[2], log);
                float[] y = get(ys);
                assertClose("softmax log=" + log + " " + java.util.Arrays.toString(l), expected, y, 1e-6, 1e-5);
                float[] dy = values(n + 50L, n, -1, 1);
                Storage dxs = zeros(n);
                backend().softmaxBackward(ys, put(dy), dxs, l[0], l[1], l[2], log);
                float[] dx = new float[n];
                Oracle.softmaxBackward(y, dy, dx, l[0], l[1], l[2], log);
                assertClose("softmaxBackward log=" + log + " " + java.util.Arrays.toString(l), dx, get(dxs), 1e-5, 1e-4);
            }
        }
    }

    // ---------------------------------------------------------------- gemm

    @Test
    void gemmBatchedWithTransposesSharedOperandsAndBeta() {
        int[][] sizes = {{1, 1, 1}, {3, 7, 5}, {13, 3, 17}, {33, 29, 65}};
        for (int[] sz : sizes) {
            int m = sz[0], n = sz[1], k = sz[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int batch = 3;
                int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
                int aRows = ta ? k : m, bRows = tb ? n : k;
                long aStride = (long) aRows * lda, bStride = 0, cStride = (long) m * ldc + 4;
                float[] a = values(m * 100L + t, (int) (1 + batch * aStride), -1, 1);
                float[] b = values(n * 100L + t, 2 + bRows * ldb, -1, 1);
                float[] c = values(k * 100L + t, (int) (batch * cStride + 5), -1, 1);
                for (float beta : new float[] {0f, 0.5f}) {
                    Storage cs = put(c);
                    backend().gemm(ta, tb, batch, m, n, k, 1.25f, put(a), 1, aStride, lda, put(b), 2, bStride, ldb,
                            beta, cs, 5, cStride, ldc);
                    float[] expected = c.clone();
                    for (int i = 0; i < batch; i++) {
                        GemmConvOracle.gemm(ta, tb, m, n, k, 1.25f, a, (int) (1 + i * aStride), lda, b, 2, ldb, beta,
                                expected, (int) (5 + i * cStride), ldc);
                    }
                    assertClose("gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " beta=" + beta,
                            expected, get(cs), 1e-4, 1e-4);
                }
            }
        }
    }

    @Test
    void gemmIgnoresNaNInOutputWhenBetaIsZero() {
        float[] c = new float[6];
        java.util.Arrays.fill(c, Float.NaN);
        Storage cs = put(c);
        backend().gemm(false, false, 1, 2, 3, 1, 1f, put(new float[] {1, 2}), 0, 0, 1,
                put(new float[] {1, 2, 3}), 0, 0, 3, 0f, cs, 0, 0, 3);
        assertClose("gemm beta 0", new float[] {1, 2, 3, 2, 4, 6}, get(cs), 0, 0);
    }

    @Test
    void repeatedCallsGiveBitIdenticalResults() {
        int n = 50_000;
        float[] x = values(1, n, -3, 3);
        Storage xs = put(x);
        Storage s1 = zeros(5), s2 = zeros(5);
        backend().reduce(Reduce.SUM, xs, 0, s1, 0, 5, n / 5, 1);
        backend().reduce(Reduce.SUM, xs, 0, s2, 0, 5, n / 5, 1);
        assertArrayEquals(get(s1), get(s2));
        Storage y1 = zeros(n), y2 = zeros(n);
        backend().softmax(xs, y1, 1, n, 1, false);
        backend().softmax(xs, y2, 1, n, 1, false);
        assertArrayEquals(get(y1), get(y2));
    }

    // ---------------------------------------------------------------- argument checks

    /** The call is refused before it runs, with exactly {@code message} (BackendArgs' one format). */

    @Test
    void outOfRangeOffsetsAndLengthsAreRefusedNamingOpArgumentAndBound() {
        Backend be = backend();
        Storage s13 = zeros(13), s8 = zeros(8), s14 = zeros(14);
        float[] host = new float[8];
        String of13 = " is outside the storage of 13 floats", of8 = " is outside the storage of 8 floats";
        assertRefused("write dst: range [10, 18)" + of13, () -> be.write(s13, 10, host, 0, 8));
        assertRefused("write src: range [2, 10) is outside the array of 8 floats", () -> be.write(s13, 0, host, 2, 8));
        assertRefused("read src: range [-1, 4)" + of13, () -> be.read(s13, -1, host, 0, 5));
        assertRefused("fill dst: range [5, 14)" + of13, () -> be.fill(s13, 5, 9, 1f));
        assertRefused("randomUniform dst: range [0, 14)" + of13, () -> be.randomUniform(s13, 0, 14, 1));
        assertRefused("copy src: range [1, 9)" + of8, () ->
                be.copy(s8, 1, new long[] {0, 1}, zeros(24), 0, strides(3, 8), new int[] {3, 8}, false));
        assertRefused("unary y: range [1, 14)" + of13, () -> be.unary(Unary.RELU, s13, 0, s13, 1, 13, 0, 0));
        assertRefused("unary x: range [0, -1)" + of13, () -> be.unary(Unary.RELU, s13, 0, s13, 0, -1, 0, 0));
        assertRefused("unaryBackward dy: range [0, 13)" + of8, () ->
                be.unaryBackward(Unary.TANH, s13, s13, s8, s13, 13, 0, 0, false));
        assertRefused("binary a: range [0, 14)" + of13, () ->
                be.binary(Binary.ADD, s13, 0, strides(2, 7), s14, 0, strides(2, 7), s14, 0, new int[] {2, 7}));
        assertRefused("binary b: range [-4, 10)" + of13, () ->
                be.binary(Binary.MUL, s14, 0, strides(2, 7), s13, 3, new long[] {-7, 1}, s14, 0, new int[] {2, 7}));
        assertRefused("binary out: range [0, 14)" + of13, () ->
                be.binary(Binary.SUB, s14, 0, strides(2, 7), s14, 0, strides(2, 7), s13, 0, new int[] {2, 7}));
        assertRefused("reduce out: range [0, 13)" + of8, () -> be.reduce(Reduce.SUM, s13, 0, s8, 0, 13, 1, 1));
        assertRefused("argmax x: range [1, 9)" + of8, () -> be.argmax(s8, 1, s13, 0, 1, 8, 1));
        assertRefused("softmax y: range [0, 13)" + of8, () -> be.softmax(s13, s8, 1, 13, 1, false));
        assertRefused("softmaxBackward dx: range [0, 13)" + of8, () -> be.softmaxBackward(s13, s13, s8, 13, 1, 1, true));
        assertRefused("gemm a: range [8, 14)" + of13 + " (1 matrices of 3x2, row stride 2, batch stride 0)", () ->
                be.gemm(false, false, 1, 3, 3, 2, 1f, s13, 8, 0, 2, s13, 0, 0, 3, 0f, s13, 0, 0, 3));
        assertRefused("gemm c: range [0, 9)" + of8 + " (1 matrices of 3x3, row stride 3, batch stride 0)", () ->
                be.gemm(false, false, 1, 3, 3, 2, 1f, s13, 0, 0, 2, s13, 0, 0, 3, 0f, s8, 0, 0, 3));
        // Refused before any work: nothing was written.
        assertArrayEquals(new float[13], get(s13));
        assertArrayEquals(new float[8], get(s8));
        assertArrayEquals(new float[14], get(s14));
    }

    @Test
    void negativeSizesNullsAndBrokenRulesAreRefusedTheSameWay() {
        Backend be = backend();
        Storage s13 = zeros(13);
        assertRefused("unary x: storage is null", () -> be.unary(Unary.RELU, null, 0, s13, 0, 1, 0, 0));
        assertRefused("unaryBackward y: storage is null", () ->
                be.unaryBackward(Unary.RELU, s13, null, s13, s13, 13, 0, 0, false));
        assertRefused("argmax r: 0 is below the minimum 1", () -> be.argmax(s13, 0, s13, 0, 1, 0, 1));
        assertRefused("reduce outer: -1 is below the minimum 0", () -> be.reduce(Reduce.MAX, s13, 0, s13, 0, -1, 1, 1));
        assertRefused("gemm k: -2 is below the minimum 0", () ->
                be.gemm(false, false, 1, 1, 1, -2, 1f, s13, 0, 0, 1, s13, 0, 0, 1, 0f, s13, 0, 0, 1));
        assertRefused("gemm cBatchStride: 0 with batch 2 would make the products race on one C", () ->
                be.gemm(false, false, 2, 1, 1, 1, 1f, s13, 0, 1, 1, s13, 0, 1, 1, 0f, s13, 0, 0, 1));
        assertRefused("gemm ldb: 2 is below the 3 stored columns of b", () ->
                be.gemm(false, false, 1, 2, 3, 2, 1f, s13, 0, 0, 2, s13, 0, 0, 2, 0f, s13, 0, 0, 3));
        assertRefused("copy dstStrides: length 1 does not match the rank 2 of the shape", () ->
                be.copy(s13, 0, new long[] {1, 1}, s13, 0, new long[] {1}, new int[] {1, 1}, false));
        assertRefused("binary shape: rank 9 exceeds the maximum of 8", () ->
                be.binary(Binary.ADD, s13, 0, new long[9], s13, 0, new long[9], s13, 0, new int[9]));
        assertRefused("allocate n: -1 is below the minimum 0", () -> be.allocate(-1));
    }
}
