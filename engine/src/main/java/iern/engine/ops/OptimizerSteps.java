package iern.engine.ops;

import static iern.engine.BackendArgs.atLeast;
import static iern.engine.BackendArgs.optionalRange;
import static iern.engine.BackendArgs.range;

import iern.engine.Backend;
import iern.engine.KernelOp;
import iern.engine.Storage;
import iern.engine.cpu.CpuOptim;

/**
 * The fused optimiser updates, the whole family in one file:
 * <pre>
 * entry       {@link #adam}, {@link #sgd} (called per parameter by iern.engine.optim.Adam and Sgd;
 *             in place, no gradient)
 * kernels     {@link #ADAM} (adamStep), {@link #SGD} (sgdStep); contract in each one's check
 * CPU         iern.engine.cpu.CpuOptim (SIMD, bit-identical to its scalar loop)
 * GPU         iern.kernels.gpu.GpuOptimizerSteps with optim.cl (kernels module)
 * oracle      {@link #oracleAdam}, {@link #oracleSgd} (below)
 * test        iern.engine.testing.OpConformance (engine test-jar; every backend)
 * </pre>
 */
public final class OptimizerSteps {
    private OptimizerSteps() {}

    /**
     * One Adam update of {@code n} parameters (PyTorch semantics, L2 weight decay added to the
     * gradient): {@code g = gradScale * grad + weightDecay * p}; {@code m = b1 m + (1-b1) g};
     * {@code v = b2 v + (1-b2) g^2}; {@code p -= lr * (m / bc1) / (sqrt(v / bc2) + eps)} with
     * {@code bc = 1 - beta^step}.
     */
    public record Adam(long n, float lr, float beta1, float beta2, float eps, float weightDecay, float gradScale,
                       int step) {}

    /** One SGD update with momentum (PyTorch semantics, dampening 0): {@code buf = mu buf + g; p -= lr * buf}. */
    public record Sgd(long n, float lr, float momentum, float weightDecay, float gradScale, boolean nesterov) {}

    /** Input {@code grad}; updated in place {@code param, m, v}. */
    public static final KernelOp<Adam> ADAM = new KernelOp<>("adamStep", 1, "grad", "param", "m", "v") {
        @Override
        protected void check(Adam p, Storage[] io) {
            range(name(), "param", io[1], 0, p.n());
            range(name(), "grad", io[0], 0, p.n());
            range(name(), "m", io[2], 0, p.n());
            range(name(), "v", io[3], 0, p.n());
            atLeast(name(), "step", p.step(), 1);
        }

        @Override
        protected long extent(Adam p, int arg) {
            return p.n();
        }

        @Override
        protected void cpu(Adam p, float[][] io) {
            CpuOptim.adam(io[1], io[0], io[2], io[3], Math.toIntExact(p.n()), p.lr(), p.beta1(), p.beta2(), p.eps(),
                    p.weightDecay(), p.gradScale(), p.step());
        }
    };

    /** Input {@code grad}; updated in place {@code param} and {@code momentumBuf} (null: no momentum). */
    public static final KernelOp<Sgd> SGD = new KernelOp<>("sgdStep", 1, "grad", "param", "momentumBuf") {
        @Override
        protected void check(Sgd p, Storage[] io) {
            range(name(), "param", io[1], 0, p.n());
            range(name(), "grad", io[0], 0, p.n());
            optionalRange(name(), "momentumBuf", io[2], p.n());
        }

        @Override
        protected long extent(Sgd p, int arg) {
            return p.n();
        }

        @Override
        protected void cpu(Sgd p, float[][] io) {
            CpuOptim.sgd(io[1], io[0], io[2], Math.toIntExact(p.n()), p.lr(), p.momentum(), p.weightDecay(),
                    p.gradScale(), p.nesterov());
        }
    };

    /** {@link #ADAM} with its parameters spelled out. */
    public static void adam(Backend be, Storage param, Storage grad, Storage m, Storage v, long n, float lr,
                            float beta1, float beta2, float eps, float weightDecay, float gradScale, int step) {
        ADAM.run(be, new Adam(n, lr, beta1, beta2, eps, weightDecay, gradScale, step), grad, param, m, v);
    }

    /** {@link #SGD} with its parameters spelled out. */
    public static void sgd(Backend be, Storage param, Storage grad, Storage momentumBuf, long n, float lr,
                           float momentum, float weightDecay, float gradScale, boolean nesterov) {
        SGD.run(be, new Sgd(n, lr, momentum, weightDecay, gradScale, nesterov), grad, param, momentumBuf);
    }

    // ================================================================ oracle

    /** Naive double-precision reference of {@link #ADAM}, on host arrays. */
    public static void oracleAdam(float[] p, float[] grad, float[] m, float[] v, int n, float lr, float beta1,
                                  float beta2, float eps, float weightDecay, float gradScale, int step) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double g = (double) gradScale * grad[i] + (double) weightDecay * p[i];
            double mi = beta1 * (double) m[i] + (1 - (double) beta1) * g;
            double vi = beta2 * (double) v[i] + (1 - (double) beta2) * g * g;
            m[i] = (float) mi;
            v[i] = (float) vi;
            p[i] = (float) (p[i] - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }

    /** Naive double-precision reference of {@link #SGD}, on host arrays. */
    public static void oracleSgd(float[] p, float[] grad, float[] buf, int n, float lr, float momentum,
                                 float weightDecay, float gradScale, boolean nesterov) {
        for (int i = 0; i < n; i++) {
            double g = (double) gradScale * grad[i] + (double) weightDecay * p[i];
            if (buf != null) {
                double b = momentum * (double) buf[i] + g;
                buf[i] = (float) b;
                g = nesterov ? g + momentum * b : b;
            }
            p[i] = (float) (p[i] - lr * g);
        }
    }
}
