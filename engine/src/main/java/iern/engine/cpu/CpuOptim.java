package iern.engine.cpu;

/** Fused optimiser updates, elementwise over the parameters. */
final class CpuOptim {
    private CpuOptim() {}

    private static final int GRAIN = 1 << 14;

    static void adam(float[] p, float[] grad, float[] m, float[] v, int n, float lr, float b1, float b2, float eps,
                     float wd, float gradScale, int step) {
        double bc1 = 1.0 - Math.pow(b1, step);
        double bc2 = 1.0 - Math.pow(b2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        Parallel.forRange(n, GRAIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                float g = gradScale * grad[i] + wd * p[i];
                float mi = b1 * m[i] + (1f - b1) * g;
                float vi = b2 * v[i] + (1f - b2) * g * g;
                m[i] = mi;
                v[i] = vi;
                p[i] -= stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
            }
        });
    }

    static void sgd(float[] p, float[] grad, float[] buf, int n, float lr, float mu, float wd, float gradScale,
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
