package iern.engine;

import java.util.Arrays;

/**
 * Matrix products through the batched {@link Backend#gemm}.
 *
 * <pre>
 * matmul   a [..., m, k] @ b [..., k, n] -> [..., m, n], batch axes broadcast
 *          backward: ga = g @ b^T, gb = a^T @ g (summed over broadcast batch axes)
 * </pre>
 */
final class LinearAlgebra {
    private LinearAlgebra() {}

    static Tensor matmul(Tensor a, Tensor b) {
        Elementwise.requireSameBackend("matmul", a, b);
        int[] as = a.shapeRef();
        int[] bs = b.shapeRef();
        if (as.length < 2 || bs.length < 2) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(as) + " and " + Arrays.toString(bs)
                    + " need at least 2 axes each (reshape a vector to [1, n] or [n, 1])");
        }
        int m = as[as.length - 2];
        int k = as[as.length - 1];
        int kb = bs[bs.length - 2];
        int n = bs[bs.length - 1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(as) + " and " + Arrays.toString(bs)
                    + " do not match (inner dims " + k + " vs " + kb + ")");
        }
        int[] aBatch = Arrays.copyOf(as, as.length - 2);
        int[] bBatch = Arrays.copyOf(bs, bs.length - 2);
        int[] batchShape;
        try {
            batchShape = Elementwise.broadcastShape("matmul", aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(as) + " and "
                    + Arrays.toString(bs) + " have batch axes that cannot be broadcast");
        }
        int batch = Math.toIntExact(Tensor.numelOf(batchShape));
        int[] outShape = Arrays.copyOf(batchShape, batchShape.length + 2);
        outShape[batchShape.length] = m;
        outShape[batchShape.length + 1] = n;

        Tensor aFull = fullBatch(a, batchShape, m, k);
        Tensor bFull = fullBatch(b, batchShape, k, n);
        Tensor out = Tensor.output(a.backend(), outShape);
        product(false, false, batch, m, n, k, aFull, bFull, out);
        closeIfTemp(aFull, a);
        closeIfTemp(bFull, b);
        if (!Autograd.needsGrad(a, b)) {
            return out;
        }
        return Autograd.record("matmul", out, g -> {
            Tensor ga = null;
            Tensor gb = null;
            if (a.requiresGrad()) {
                Tensor bb = fullBatch(b, batchShape, k, n);
                int[] gaShape = Arrays.copyOf(batchShape, batchShape.length + 2);
                gaShape[batchShape.length] = m;
                gaShape[batchShape.length + 1] = k;
                Tensor full = Tensor.output(a.backend(), gaShape);
                product(false, true, batch, m, k, n, g, bb, full);
                ga = Elementwise.sumTo(full, as);
            }
            if (b.requiresGrad()) {
                Tensor aa = fullBatch(a, batchShape, m, k);
                int[] gbShape = Arrays.copyOf(batchShape, batchShape.length + 2);
                gbShape[batchShape.length] = k;
                gbShape[batchShape.length + 1] = n;
                if (Tensor.numelOf(bBatch) == 1 && batch > 1) {
                    // b shared by every batch item: one product over all rows, [k, batch*m] x [batch*m, n].
                    Tensor shared = Tensor.output(a.backend(), new int[] {k, n});
                    a.backend().gemm(true, false, 1, k, n, batch * m, 1f, aa.storage(), 0, 0, k,
                            g.storage(), 0, 0, n, 0f, shared.storage(), 0, 0, n);
                    gb = shared.reshape(bs);
                } else {
                    Tensor full = Tensor.output(a.backend(), gbShape);
                    product(true, false, batch, k, n, m, aa, g, full);
                    gb = Elementwise.sumTo(full, bs);
                }
            }
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    /**
     * {@code x} viewed as {@code [batch, r, c]}: itself when its batch axes are complete or a
     * single matrix (gemm then reads it with batch stride 0), else an expanded copy.
     */
    private static Tensor fullBatch(Tensor x, int[] batchShape, int r, int c) {
        long xb = x.numel() / ((long) r * c);
        long full = Tensor.numelOf(batchShape);
        if (xb == 1 || xb == full) {
            return x;
        }
        int[] target = Arrays.copyOf(batchShape, batchShape.length + 2);
        target[batchShape.length] = r;
        target[batchShape.length + 1] = c;
        try (var noGrad = Grad.off()) {
            return x.expand(target);
        }
    }

    private static void closeIfTemp(Tensor t, Tensor original) {
        if (t != original) {
            t.close();
        }
    }

    /** out[i] = op(a[i]) op(b[i]) with out [batch, m, n]; a or b with one matrix is shared. */
    private static void product(boolean ta, boolean tb, int batch, int m, int n, int k, Tensor a, Tensor b, Tensor out) {
        long aMat = (long) m * k;
        long bMat = (long) k * n;
        boolean aShared = a.numel() == aMat && batch > 1;
        boolean bShared = b.numel() == bMat && batch > 1;
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        if (bShared && !aShared && !ta) {
            // Stack the batch into the rows of one product: better for the GEMM kernel than many small ones.
            a.backend().gemm(false, tb, 1, batch * m, n, k, 1f, a.storage(), 0, 0, lda, b.storage(), 0, 0, ldb,
                    0f, out.storage(), 0, 0, n);
            return;
        }
        a.backend().gemm(ta, tb, batch, m, n, k, 1f,
                a.storage(), 0, aShared ? 0 : aMat, lda,
                b.storage(), 0, bShared ? 0 : bMat, ldb,
                0f, out.storage(), 0, (long) m * n, n);
    }
}
