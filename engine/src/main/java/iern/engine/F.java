package iern.engine;

import java.util.Arrays;

/**
 * Functional ops that need more than one tensor or extra state: losses and the attention
 * weights (batch norm, attention and the intervention are kernel ops in {@code iern.engine.ops}).
 */
public final class F {
    private F() {}

    // ================================================================ losses

    /**
     * Mean over the batch of {@code -log softmax(logits)[i, targets[i]]}; logits {@code [n, classes]}.
     * The labels are class indices in {@code [0, classes)}, one per row, as a plain {@code int[]}
     * (PyTorch's {@code LongTensor} target): tensors hold float32 only, and the loss builds its
     * one-hot weights on the host, so a label tensor would only be read back from the device.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("crossEntropy: logits of shape " + Arrays.toString(logits.shapeRef())
                    + " must be [batch, classes]");
        }
        int n = logits.dim(0);
        int c = logits.dim(1);
        if (targets.length != n) {
            throw new IllegalArgumentException("crossEntropy: " + targets.length + " targets for a batch of " + n);
        }
        float[] oneHot = new float[n * c];
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= c) {
                throw new IllegalArgumentException("crossEntropy: target " + targets[i] + " of item " + i
                        + " outside [0, " + c + ")");
            }
            oneHot[i * c + targets[i]] = -1f / n;
        }
        Tensor pick = Tensor.of(logits.backend(), oneHot, n, c);
        return logits.logSoftmax(1).mul(pick).sum();
    }

    /** Mean of {@code (a - b)^2}; b broadcasts to a's shape. */
    public static Tensor mse(Tensor a, Tensor b) {
        int[] shape = Elementwise.broadcastShape("mse", a.shapeRef(), b.shapeRef());
        if (!Arrays.equals(shape, a.shapeRef())) {
            throw new IllegalArgumentException("mse: target shape " + Arrays.toString(b.shapeRef())
                    + " does not broadcast to input shape " + Arrays.toString(a.shapeRef()));
        }
        return a.sub(b).square().mean();
    }

    /** Mean of {@code (a - target)^2}. */
    public static Tensor mse(Tensor a, float target) {
        return a.sub(target).square().mean();
    }

    // ================================================================ strata weights
    // (attention and the intervention themselves are kernel ops: iern.engine.ops.Attention.apply,
    // iern.engine.ops.Intervention.shared and perItem)

    /** Uniform stratum weights {@code [K]} of 1/K (IERN's own choice). */
    public static Tensor uniformWeights(Backend backend, int k) {
        return Tensor.full(backend, 1f / k, k);
    }

    /**
     * Attention weights over strata (the NWGM form): {@code softmax(q · keys^T / sqrt(d))}
     * with {@code q [n, d]} and {@code keys [K, d]}, multiplied by {@code prior [K]} when not
     * null; result {@code [n, K]}.
     */
    public static Tensor attentionWeights(Tensor q, Tensor keys, Tensor prior) {
        if (q.rank() != 2 || keys.rank() != 2 || q.dim(1) != keys.dim(1)) {
            throw new IllegalArgumentException("attentionWeights: query " + Arrays.toString(q.shapeRef())
                    + " and keys " + Arrays.toString(keys.shapeRef()) + " must be [n, d] and [K, d]");
        }
        Tensor w = q.matmul(keys.transpose(0, 1)).mul((float) (1.0 / Math.sqrt(q.dim(1)))).softmax(1);
        if (prior == null) {
            return w;
        }
        if (prior.rank() != 1 || prior.dim(0) != keys.dim(0)) {
            throw new IllegalArgumentException("attentionWeights: prior " + Arrays.toString(prior.shapeRef())
                    + " must be [" + keys.dim(0) + "]");
        }
        return w.mul(prior);
    }
}
