package iern.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused optimiser updates, elementwise over the parameters. Adam touches every parameter of
 * IERN (about 70 million per iteration at ResNet-18 width) three times per iteration, so its
 * SIMD path matters; it does the same float operations in the same order as the scalar loop
 * (no FMA contraction, IEEE sqrt and division), so both paths give bit-identical parameters.
 */
public final class CpuOptim {
    private CpuOptim() {}

    private static final int GRAIN = 1 << 14;
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    public static void adam(float[] p, float[] grad, float[] m, float[] v, int n, float lr, float b1, float b2, float eps,
                     float wd, float gradScale, int step) {
        double bc1 = 1.0 - Math.pow(b1, step);
        double bc2 = 1.0 - Math.pow(b2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        AdamCall call = ADAM_CALL.borrow();
        call.p = p;
        call.grad = grad;
        call.m = m;
        call.v = v;
        call.stepSize = stepSize;
        call.b1 = b1;
        call.b2 = b2;
        call.eps = eps;
        call.wd = wd;
        call.gradScale = gradScale;
        call.bc2Sqrt = bc2Sqrt;
        try {
            Parallel.forRange(n, GRAIN, call);
        } finally {
            call.p = null;
            call.grad = null;
            call.m = null;
            call.v = null;
            ADAM_CALL.giveBack(call);
        }
    }

    /**
     * One Adam update as the body of its parallel range, lent one per thread to one call at a time
     * (Parallel.Lender): an optimiser step updates every parameter tensor, and a capturing lambda
     * per tensor was garbage.
     */
    private static final class AdamCall implements Parallel.RangeBody {
        float[] p;
        float[] grad;
        float[] m;
        float[] v;
        float stepSize;
        float b1;
        float b2;
        float eps;
        float wd;
        float gradScale;
        float bc2Sqrt;

        @Override
        public void run(int i0, int i1) {
            int i = i0;
            if (CpuSettings.SIMD) {
                i = adamSimd(p, grad, m, v, i0, i1, stepSize, b1, b2, eps, wd, gradScale, bc2Sqrt);
            }
            adamScalar(p, grad, m, v, i, i1, stepSize, b1, b2, eps, wd, gradScale, bc2Sqrt);
        }
    }

    private static final Parallel.Lender<AdamCall> ADAM_CALL = new Parallel.Lender<>(AdamCall::new);

    /** Updates [i0, the last full vector below i1); returns where the scalar tail starts. */
    private static int adamSimd(float[] p, float[] grad, float[] m, float[] v, int i0, int i1, float stepSize,
                                float b1, float b2, float eps, float wd, float gradScale, float bc2Sqrt) {
        int len = SP.length();
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        int i = i0;
        for (; i <= i1 - len; i += len) {
            FloatVector pv = FloatVector.fromArray(SP, p, i);
            FloatVector g = FloatVector.fromArray(SP, grad, i).mul(gradScale).add(pv.mul(wd));
            FloatVector mi = FloatVector.fromArray(SP, m, i).mul(b1).add(g.mul(c1));
            FloatVector vi = FloatVector.fromArray(SP, v, i).mul(b2).add(g.mul(c2).mul(g));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.lanewise(VectorOperators.SQRT).div(bc2Sqrt).add(eps);
            pv.sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        return i;
    }

    private static void adamScalar(float[] p, float[] grad, float[] m, float[] v, int i0, int i1, float stepSize,
                                   float b1, float b2, float eps, float wd, float gradScale, float bc2Sqrt) {
        for (int i = i0; i < i1; i++) {
            float g = gradScale * grad[i] + wd * p[i];
            float mi = b1 * m[i] + (1f - b1) * g;
            float vi = b2 * v[i] + (1f - b2) * g * g;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
        }
    }

    public static void sgd(float[] p, float[] grad, float[] buf, int n, float lr, float mu, float wd, float gradScale,
                    boolean nesterov) {
        Parallel.forRange(n, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                float g = gradScale * grad[i] + wd * p[i];
                if (buf != null) {
                    float b = mu * buf[i] + g;
                    buf[i] = b;
                    g = nesterov ? g + mu * b : b;
                }
                p[i] -= lr * g;
            }
        });
    }
}
