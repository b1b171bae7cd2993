package iern.engine;

import java.util.Arrays;

/**
 * The two IERN kernels as ops with an explicit backward.
 *
 * <pre>
 * attention     q [B, lq, d], k [B, lk, d], v [B, lk, dv] -> [B, lq, dv]; heads are folded
 *               into B by reshapes around the kernel; backward: attentionBackward with the
 *               saved probabilities
 * intervention  w [n, K] or [K], z [K, D] or [n, K, D] -> [n, D];
 *               backward: interventionBackward (shared operands get gradients summed over n)
 * </pre>
 */
final class Iern {
    private Iern() {}

    static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor mask, int heads) {
        int[] qs = q.shapeRef(), ks = k.shapeRef(), vs = v.shapeRef();
        if (qs.length != 3 || ks.length != 3 || vs.length != 3 || qs[0] != ks[0] || ks[0] != vs[0]
                || qs[2] != ks[2] || ks[1] != vs[1]) {
            throw new IllegalArgumentException("attention: q " + Arrays.toString(qs) + ", k " + Arrays.toString(ks)
                    + ", v " + Arrays.toString(vs) + " must be [b, lq, e], [b, lk, e], [b, lk, ev]");
        }
        int b = qs[0], lq = qs[1], lk = ks[1], e = qs[2], ev = vs[2];
        if (heads < 1 || e % heads != 0 || ev % heads != 0) {
            throw new IllegalArgumentException("attention: " + heads + " heads do not divide widths " + e + " and " + ev);
        }
        long maskStride = 0;
        Tensor m = null;
        if (mask != null) {
            int[] ms = mask.shapeRef();
            boolean shared = Arrays.equals(ms, new int[] {lq, lk});
            boolean perItem = Arrays.equals(ms, new int[] {b, lq, lk});
            if (!shared && !perItem) {
                throw new IllegalArgumentException("attention: mask " + Arrays.toString(ms) + " must be [" + lq
                        + ", " + lk + "] or [" + b + ", " + lq + ", " + lk + "]");
            }
            try (var off = Grad.off()) {
                if (perItem && heads > 1) {
                    m = mask.reshape(b, 1, lq, lk).expand(b, heads, lq, lk);
                } else {
                    m = mask.detach();
                }
            }
            maskStride = perItem ? (long) lq * lk : 0;
        }
        int d = e / heads, dv = ev / heads;
        if (heads == 1) {
            return core(q, k, v, m, maskStride, b, lq, lk, d, dv);
        }
        Tensor qh = q.reshape(b, lq, heads, d).permute(0, 2, 1, 3).reshape(b * heads, lq, d);
        Tensor kh = k.reshape(b, lk, heads, d).permute(0, 2, 1, 3).reshape(b * heads, lk, d);
        Tensor vh = v.reshape(b, lk, heads, dv).permute(0, 2, 1, 3).reshape(b * heads, lk, dv);
        Tensor oh = core(qh, kh, vh, m, maskStride, b * heads, lq, lk, d, dv);
        return oh.reshape(b, heads, lq, dv).permute(0, 2, 1, 3).reshape(b, lq, ev);
    }

    private static Tensor core(Tensor q, Tensor k, Tensor v, Tensor mask, long maskStride, int b, int lq, int lk,
                               int d, int dv) {
        Backend be = q.backend();
        Elementwise.requireSameBackend("attention", q, k);
        Elementwise.requireSameBackend("attention", q, v);
        float scale = (float) (1.0 / Math.sqrt(d));
        Tensor probs = new Tensor(be, new int[] {b, lq, lk});
        Tensor out = new Tensor(be, new int[] {b, lq, dv});
        be.attentionForward(b, lq, lk, d, dv, scale, q.storage(), k.storage(), v.storage(),
                mask == null ? null : mask.storage(), maskStride, probs.storage(), out.storage());
        if (!Autograd.needsGrad(q, k, v)) {
            probs.close();
            return out;
        }
        return Autograd.record("attention", out, g -> {
            Tensor dq = q.requiresGrad() ? new Tensor(be, q.shapeRef()) : null;
            Tensor dk = k.requiresGrad() ? new Tensor(be, k.shapeRef()) : null;
            Tensor dvT = v.requiresGrad() ? new Tensor(be, v.shapeRef()) : null;
            be.attentionBackward(b, lq, lk, d, dv, scale, q.storage(), k.storage(), v.storage(), probs.storage(),
                    g.storage(), dq == null ? null : dq.storage(), dk == null ? null : dk.storage(),
                    dvT == null ? null : dvT.storage());
            return new Tensor[] {dq, dk, dvT};
        }, q, k, v);
    }

    static Tensor intervention(Tensor w, Tensor z, boolean perItem) {
        Elementwise.requireSameBackend("intervention", w, z);
        int[] ws = w.shapeRef(), zs = z.shapeRef();
        int minRank = perItem ? 3 : 2;
        if (zs.length < minRank) {
            throw new IllegalArgumentException("intervention: strata of shape " + Arrays.toString(zs) + " must be "
                    + (perItem ? "[n, K, ...]" : "[K, ...]"));
        }
        int k = zs[perItem ? 1 : 0];
        int zItems = perItem ? zs[0] : 1;
        int[] rest = Arrays.copyOfRange(zs, perItem ? 2 : 1, zs.length);
        int dsz = Math.toIntExact(Tensor.numelOf(rest));
        int n;
        long wStride;
        if (ws.length == 1 && ws[0] == k) {
            n = zItems;
            wStride = 0;
        } else if (ws.length == 2 && ws[1] == k && (!perItem || ws[0] == zItems)) {
            n = ws[0];
            wStride = k;
        } else {
            throw new IllegalArgumentException("intervention: weights " + Arrays.toString(ws) + " do not match strata "
                    + Arrays.toString(zs) + " (expected [" + k + "] or [" + (perItem ? zItems : "n") + ", " + k + "])");
        }
        long zStride = perItem ? (long) k * dsz : 0;
        int[] outShape = new int[rest.length + 1];
        outShape[0] = n;
        System.arraycopy(rest, 0, outShape, 1, rest.length);
        Backend be = w.backend();
        Tensor out = new Tensor(be, outShape);
        be.interventionForward(n, k, dsz, w.storage(), wStride, z.storage(), zStride, out.storage());
        int nn = n;
        return Autograd.record("intervention", out, g -> {
            Tensor dw = w.requiresGrad() ? new Tensor(be, ws) : null;
            Tensor dz = z.requiresGrad() ? new Tensor(be, zs) : null;
            be.interventionBackward(nn, k, dsz, w.storage(), wStride, z.storage(), zStride, g.storage(),
                    dw == null ? null : dw.storage(), dz == null ? null : dz.storage());
            return new Tensor[] {dw, dz};
        }, w, z);
    }
}
