package iern.kernels.gpu;

import iern.engine.Backend.Binary;
import iern.engine.Storage;
import iern.engine.ops.Attention;
import iern.engine.ops.Attention.Dims;

/**
 * The GPU kernels of {@link Attention} for both GPU backends (each registers the subclasses
 * naming its backend class), from the tiled GEMM and the row softmax, per batch item:
 * <pre>
 *   forward:  S = scale Q K^T (+ mask);  P = softmax_rows(S);  out = P V
 *   backward: dV = P^T dOut;  dP = dOut V^T;  dS = P (dP - rowsum(dP P));
 *             dQ = scale dS K;  dK = scale dS^T Q
 * </pre>
 * Shapes: q [b, lq, d], k [b, lk, d], v [b, lk, dimV], P [b, lq, lk], out [b, lq, dimV].
 * The probabilities are written straight into {@code probs}; the backward pass keeps dS in
 * one pooled scratch buffer. Calls hold the backend's lock, as its own methods do.
 */
public final class GpuAttention {
    private GpuAttention() {}

    /** {@link Attention#FORWARD} on a GPU backend. */
    public abstract static class Forward extends GpuKernel<Dims> {
        protected Forward(Class<? extends GpuBackend> backend) {
            super(Attention.FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Dims p, Storage[] io) {
            forward(be, p.b(), p.lq(), p.lk(), p.d(), p.dimV(), p.scale(), be.own(io[0], "attention q"),
                    be.own(io[1], "attention k"), be.own(io[2], "attention v"), be.optional(io[3], "attention mask"),
                    p.maskBatchStride(), be.own(io[4], "attention probs"), be.own(io[5], "attention out"));
        }
    }

    /** {@link Attention#BACKWARD} on a GPU backend. */
    public abstract static class Backward extends GpuKernel<Dims> {
        protected Backward(Class<? extends GpuBackend> backend) {
            super(Attention.BACKWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Dims p, Storage[] io) {
            backward(be, p.b(), p.lq(), p.lk(), p.d(), p.dimV(), p.scale(), be.own(io[0], "attention q"),
                    be.own(io[1], "attention k"), be.own(io[2], "attention v"), be.own(io[3], "attention probs"),
                    be.own(io[4], "attention dOut"), be.optional(io[5], "attention dq"),
                    be.optional(io[6], "attention dk"), be.optional(io[7], "attention dv"));
        }
    }

    static void forward(GpuBackend be, int b, int lq, int lk, int d, int dimV, float scale, GpuStorage q,
                        GpuStorage k, GpuStorage v, GpuStorage mask, long maskBatchStride, GpuStorage probs,
                        GpuStorage out) {
        long scores = (long) lq * lk;
        be.gemmUnchecked(false, true, b, lq, lk, d, scale, q, 0, (long) lq * d, d, k, 0, (long) lk * d, d,
                0f, probs, 0, scores, lk);
        if (mask != null) {
            // In place is safe here: every output element reads only its own input element.
            be.strided().binary(Binary.ADD, probs, 0, new long[] {scores, lk, 1}, mask, 0,
                    new long[] {maskBatchStride, lk, 1}, probs, 0, new int[] {b, lq, lk}, (long) b * scores);
        }
        be.softmaxRows(probs, probs, b * lq, lk);
        be.gemmUnchecked(false, false, b, lq, dimV, lk, 1f, probs, 0, scores, lk, v, 0, (long) lk * dimV, dimV,
                0f, out, 0, (long) lq * dimV, dimV);
    }

    static void backward(GpuBackend be, int b, int lq, int lk, int d, int dimV, float scale, GpuStorage q,
                         GpuStorage k, GpuStorage v, GpuStorage probs, GpuStorage dOut, GpuStorage dq, GpuStorage dk,
                         GpuStorage dv) {
        long scores = (long) lq * lk;
        if (dv != null) {
            be.gemmUnchecked(true, false, b, lk, dimV, lq, 1f, probs, 0, scores, lk, dOut, 0, (long) lq * dimV,
                    dimV, 0f, dv, 0, (long) lk * dimV, dimV);
        }
        if (dq == null && dk == null) {
            return;
        }
        try (GpuStorage dS = be.allocateRaw(Math.max(1, b * scores))) {
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
