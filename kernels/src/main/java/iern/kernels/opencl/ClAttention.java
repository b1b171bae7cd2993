package iern.kernels.opencl;

import iern.engine.Backend.Binary;

/**
 * Scaled dot-product attention from the tiled GEMM and the row softmax, per batch item:
 * <pre>
 *   forward:  S = scale Q K^T (+ mask);  P = softmax_rows(S);  out = P V
 *   backward: dV = P^T dOut;  dP = dOut V^T;  dS = P (dP - rowsum(dP P));
 *             dQ = scale dS K;  dK = scale dS^T Q
 * </pre>
 * Shapes: q [b, lq, d], k [b, lk, d], v [b, lk, dimV], P [b, lq, lk], out [b, lq, dimV].
 * The probabilities are written straight into {@code probs}; the backward pass keeps dS in
 * one pooled scratch buffer.
 */
final class ClAttention {
    private final OpenClBackend be;
    private final ClStridedOps strided;
    // Mask broadcast geometry, reused across calls (the backend serialises them).
    private final long[] scoreStrides = new long[3];
    private final long[] maskStrides = new long[3];
    private final int[] scoreShape = new int[3];

    ClAttention(OpenClBackend be, ClStridedOps strided) {
        this.be = be;
        this.strided = strided;
    }

    void forward(int b, int lq, int lk, int d, int dimV, float scale,
                        ClStorage q, ClStorage k, ClStorage v, ClStorage mask, long maskBatchStride,
                        ClStorage probs, ClStorage out) {
        long scores = (long) lq * lk;
        be.gemmUnchecked(false, true, b, lq, lk, d, scale, q, 0, (long) lq * d, d, k, 0, (long) lk * d, d,
                0f, probs, 0, scores, lk);
        if (mask != null) {
            // In place is safe here: every output element reads only its own input element.
            scoreStrides[0] = scores;
            scoreStrides[1] = lk;
            scoreStrides[2] = 1;
            maskStrides[0] = maskBatchStride;
            maskStrides[1] = lk;
            maskStrides[2] = 1;
            scoreShape[0] = b;
            scoreShape[1] = lq;
            scoreShape[2] = lk;
            strided.binary(Binary.ADD, probs, 0, scoreStrides, mask, 0, maskStrides, probs, 0, scoreShape,
                    (long) b * scores);
        }
        be.softmaxRows(probs, probs, b * lq, lk);
        be.gemmUnchecked(false, false, b, lq, dimV, lk, 1f, probs, 0, scores, lk, v, 0, (long) lk * dimV, dimV,
                0f, out, 0, (long) lq * dimV, dimV);
    }

    void backward(int b, int lq, int lk, int d, int dimV, float scale, ClStorage q,
                         ClStorage k, ClStorage v, ClStorage probs, ClStorage dOut, ClStorage dq, ClStorage dk,
                         ClStorage dv) {
        long scores = (long) lq * lk;
        if (dv != null) {
            be.gemmUnchecked(true, false, b, lk, dimV, lq, 1f, probs, 0, scores, lk, dOut, 0, (long) lq * dimV,
                    dimV, 0f, dv, 0, (long) lk * dimV, dimV);
        }
        if (dq == null && dk == null) {
            return;
        }
        try (ClStorage dS = be.allocateRaw(Math.max(1, b * scores))) {
            be.gemmUnchecked(false, true, b, lq, lk, dimV, 1f, dOut, 0, (long) lq * dimV, dimV, v, 0,
                    (long) lk * dimV, dimV, 0f, dS, 0, scores, lk);
            // In place: each line's sum is complete before any of its elements is rewritten.
            be.softmaxRowsBackward(probs, dS, dS, b * lq, lk);
            if (dq != null) {
                be.gemmUnchecked(false, false, b, lq, d, lk, scale, dS, 0, scores, lk, k, 0, (long) lk * d, d,
                        0f, dq, 0, (long) lq * d, d);
            }
            if (dk != null) {
                be.gemmUnchecked(true, false, b, lk, d, lq, scale, dS, 0, scores, lk, q, 0, (long) lq * d, d,
                        0f, dk, 0, (long) lk * d, d);
            }
        }
    }
}
